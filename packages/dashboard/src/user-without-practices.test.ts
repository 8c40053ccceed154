/**
 * @module A signed-in user who may see no practice (a manager whose practices were all taken
 * away, or one invited before any practice was assigned) gets empty lists on every page and API
 * route that lists by practice: never a 500, and never a made-up practice id sent to SQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiToken } from './auth/create-api-token.js'
import { createUser } from './auth/create-user.js'
import {
  createTestWorld,
  NOW,
  PASSWORD,
  signIn,
  type TestClient,
  type TestWorld,
} from './test-support/test-world.js'

let w: TestWorld
let client: TestClient
let token: string

beforeAll(async () => {
  w = await createTestWorld()
  const user = await createUser(w.db, {
    organisationId: w.a.orgId,
    email: 'nobody@a.example',
    name: 'Nora No-Practices',
    password: PASSWORD,
    role: 'practice_manager',
    practiceIds: [],
  })
  client = await signIn(w.app, 'nobody@a.example')
  ;({ token } = await createApiToken(
    w.db,
    {
      organisationId: w.a.orgId,
      userId: user.id,
      name: 'no practices',
    },
    NOW,
  ))
})

afterAll(async () => {
  await w?.close()
})

const PAGES = [
  '/',
  '/inbox',
  '/mentions',
  '/mentions?q=bulk&status=pending&direction=inbound&page=2',
  '/exports',
  '/exports/mentions.csv',
  '/exports/aggregate.csv',
  '/settings',
]

describe('a signed-in user without practices', () => {
  it.each(PAGES)('%s answers 200 and shows none of the organisation’s mentions', async (path) => {
    const res = await client.get(path)
    const body = await res.text()
    expect(res.status, body.slice(0, 300)).toBe(200)
    expect(body).not.toContain('Do you bulk bill on Saturdays?')
    expect(body).not.toContain('Harbour GP Facebook')
  })

  it('a channel filter on the search page is a 404, not a 500', async () => {
    const res = await client.get(`/mentions?channel=${w.a.channel1}`)
    expect(res.status).toBe(404)
  })

  const api = (path: string) =>
    w.app.request(path, { headers: { authorization: `Bearer ${token}` } })

  it('the API lists nothing', async () => {
    const practices = await api('/api/v1/practices')
    expect(practices.status).toBe(200)
    expect((await practices.json()).practices).toEqual([])

    const inbox = await api('/api/v1/inbox')
    expect(inbox.status).toBe(200)
    expect((await inbox.json()).items).toEqual([])

    const mentions = await api('/api/v1/mentions?q=bulk')
    expect(mentions.status).toBe(200)
    expect(await mentions.json()).toMatchObject({ items: [], total: 0 })

    const ranking = await api('/api/v1/ranking')
    expect(ranking.status).toBe(200)
    expect((await ranking.json()).ranking).toEqual([])

    const alerts = await api('/api/v1/alerts')
    expect(alerts.status).toBe(200)
    expect((await alerts.json()).alerts).toEqual([])
  })

  it('an API channel filter or a practice id is a 404 in the one error shape', async () => {
    for (const path of [
      `/api/v1/mentions?channel=${w.a.channel1}`,
      `/api/v1/practices/${w.a.practice1}`,
      `/api/v1/inbox?practice=${w.a.practice1}`,
    ]) {
      const res = await api(path)
      expect(res.status, path).toBe(404)
      expect(await res.json()).toEqual({
        error: { code: 'NOT_FOUND', message: expect.any(String) },
      })
    }
  })
})
