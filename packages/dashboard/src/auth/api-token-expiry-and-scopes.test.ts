/**
 * Finding 9 of issue 13: API tokens never expired and could do whatever their user could.
 * Tokens now expire (90 days by default) and carry scopes (read, write, admin) that are checked
 * on every request, pages as well as the API.
 */
import { createKeyring, generateSecretKey, parseSecretKey } from '@earshot/core'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadAuth, requireTokenScope } from '../http/auth-middleware.js'
import type { DashboardEnv } from '../http/dashboard-env.js'
import { createTestWorld, NOW, type TestWorld } from '../test-support/test-world.js'
import { normaliseScopes, parseScopeList } from './api-token-scopes.js'
import { createApiToken, listApiTokens, revokeApiToken } from './create-api-token.js'

const DAY = 86_400_000
let w: TestWorld

beforeAll(async () => {
  w = await createTestWorld()
})
afterAll(async () => {
  await w?.close()
})

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
const token = (scopes: ('read' | 'write' | 'admin')[], expiresInDays?: number) =>
  createApiToken(
    w.db,
    {
      organisationId: w.a.orgId,
      userId: w.a.admin,
      name: `scopes ${scopes.join(',')}`,
      scopes,
      ...(expiresInDays ? { expiresInDays } : {}),
    },
    NOW,
  )

describe('API token expiry', () => {
  it('works until it expires and is refused from then on', async () => {
    const { token: t, expiresAt } = await token(['read'], 2)
    expect(expiresAt).toEqual(new Date(NOW.getTime() + 2 * DAY))
    const at = (ms: number) =>
      w
        .makeApp({ now: () => new Date(NOW.getTime() + ms) })
        .request('/api/v1/practices', { headers: bearer(t) })
    expect((await at(2 * DAY - 1)).status).toBe(200)
    const expired = await at(2 * DAY)
    expect(expired.status).toBe(401)
    expect((await expired.json()).error.message).toContain('expired')
  })

  it('lives 90 days and may only read unless asked otherwise, and never longer than a year', async () => {
    const made = await createApiToken(
      w.db,
      { organisationId: w.a.orgId, userId: w.a.admin, name: 'defaults' },
      NOW,
    )
    expect(made.scopes).toEqual(['read'])
    expect(made.expiresAt).toEqual(new Date(NOW.getTime() + 90 * DAY))
    await expect(token(['read'], 367)).rejects.toThrow(/invalid API token/)
    await expect(token([])).rejects.toThrow(/at least one scope/)
  })

  it('lists tokens with their scopes and expiry, and revokes only within the organisation', async () => {
    const { id } = await token(['write'], 30)
    const listed = (await listApiTokens(w.db, w.a.orgId)).find((t) => t.id === id)
    expect(listed).toMatchObject({
      scopes: ['read', 'write'],
      expiresAt: new Date(NOW.getTime() + 30 * DAY),
      userEmail: 'admin@a.example',
      lastUsedAt: null,
    })
    expect(JSON.stringify(listed)).not.toMatch(/es_|hash/)
    expect(await revokeApiToken(w.db, w.b.orgId, id)).toBeUndefined()
    expect(await revokeApiToken(w.db, w.a.orgId, id)).toMatchObject({ id })
    expect((await listApiTokens(w.db, w.a.orgId)).some((t) => t.id === id)).toBe(false)
  })
})

describe('API token scopes', () => {
  it('lets a read token read but change nothing, on the API and on pages', async () => {
    const { token: t } = await token(['read'])
    expect((await w.app.request('/api/v1/practices', { headers: bearer(t) })).status).toBe(200)
    const api = await w.app.request(`/api/v1/mentions/${w.mentions.open}/overrides`, {
      method: 'POST',
      headers: { ...bearer(t), 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'no_reply_needed' }),
    })
    expect(api.status).toBe(403)
    expect((await api.json()).error.message).toContain('"write" scope')
    const page = await w.app.request(`/mentions/${w.mentions.open}/override`, {
      method: 'POST',
      headers: { ...bearer(t), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=no_reply_needed',
    })
    expect(page.status).toBe(403)
    const overrides = await w.db
      .selectFrom('overrides')
      .select('id')
      .where('organisation_id', '=', w.a.orgId)
      .where('mention_id', '=', w.mentions.open)
      .execute()
    expect(overrides).toHaveLength(0)
  })

  it('lets a write token change data', async () => {
    const { token: t } = await token(['write'])
    const res = await w.app.request(`/api/v1/mentions/${w.mentions.thanks}/overrides`, {
      method: 'POST',
      headers: { ...bearer(t), 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'needs_reply' }),
    })
    expect(res.status).toBe(201)
  })

  it('asks for the admin scope where a route requires it, and lets sessions through to their role check', async () => {
    const app = new Hono<DashboardEnv>()
    app.use('*', async (c, next) => {
      c.set('services', {
        db: w.db,
        now: () => NOW,
        recordOverride: async () => {},
        reply: {},
        keyring: () => createKeyring(parseSecretKey(generateSecretKey())),
      })
      c.set('auth', undefined)
      await next()
    })
    app.use('*', loadAuth({ secureCookies: false }))
    app.post('/admin-thing', requireTokenScope('admin'), (c) => c.text('done'))
    app.onError((error, c) => c.text(error.message, 403))
    const write = await token(['write'])
    const admin = await token(['write', 'admin'])
    const asWrite = await app.request('/admin-thing', {
      method: 'POST',
      headers: bearer(write.token),
    })
    expect(asWrite.status).toBe(403)
    expect(await asWrite.text()).toContain('"admin" scope')
    const asAdmin = await app.request('/admin-thing', {
      method: 'POST',
      headers: bearer(admin.token),
    })
    expect(await asAdmin.text()).toBe('done')
    expect(admin.scopes).toEqual(['read', 'write', 'admin'])
  })

  it('parses scope lists strictly', () => {
    expect(parseScopeList(' write , read ')).toEqual(['write', 'read'])
    expect(normaliseScopes(['admin'])).toEqual(['read', 'admin'])
    expect(() => parseScopeList('read,everything')).toThrow()
  })
})
