import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ageSessionPassword,
  createTestWorld,
  signIn,
  type TestClient,
  type TestWorld,
} from '../../test-support/test-world.js'

let w: TestWorld
let admin: TestClient
let manager: TestClient
let viewer: TestClient

beforeAll(async () => {
  w = await createTestWorld()
  admin = await signIn(w.app, 'admin@a.example')
  manager = await signIn(w.app, 'manager@a.example')
  viewer = await signIn(w.app, 'viewer@a.example')
})
afterAll(async () => {
  await w?.close()
})

/** A new practice of organisation A, made through the form, with one channel. */
async function newPractice(name: string): Promise<string> {
  const res = await admin.post('/setup/practices', {
    name,
    time_zone: 'Europe/London',
    holiday_region: 'GB-ENG',
    hours: 'mon-fri 08:00-18:00',
    promise: '2 business hours',
    statement: '',
    intent: 'save',
  })
  expect(res.status).toBe(303)
  const practice = await w.db
    .selectFrom('practices')
    .select('id')
    .where('organisation_id', '=', w.a.orgId)
    .where('name', '=', name)
    .executeTakeFirstOrThrow()
  const channel = await admin.post('/setup/channels', {
    practice: practice.id,
    platform: 'facebook',
    name: `${name} on Facebook`,
    account: `page-${practice.id}`,
    url: '',
  })
  expect(channel.status).toBe(303)
  return practice.id
}

const exists = async (id: string) =>
  (await w.db.selectFrom('practices').select('id').where('id', '=', id).execute()).length === 1

describe('deleting a practice', () => {
  it('asks for the name typed out and deletes nothing when it does not match', async () => {
    const id = await newPractice('Mistyped Physio')
    const page = await admin.get(`/setup/practices/${id}/delete`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('cannot be undone')
    const res = await admin.post(`/setup/practices/${id}/delete`, { confirm: 'Mistyped' })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('type the name exactly as shown')
    expect(await exists(id)).toBe(true)
  })

  it('deletes the practice with its channels and logs who did it', async () => {
    const id = await newPractice('Closing Dental')
    const res = await admin.post(`/setup/practices/${id}/delete`, { confirm: ' Closing Dental ' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/setup/practices?notice=deleted')
    expect(await exists(id)).toBe(false)
    const channels = await w.db
      .selectFrom('channels')
      .select('id')
      .where('practice_id', '=', id)
      .execute()
    expect(channels).toEqual([])
    const logged = await w.db
      .selectFrom('user_actions')
      .selectAll()
      .where('organisation_id', '=', w.a.orgId)
      .where('action', '=', 'practice.deleted')
      .where('target_id', '=', id)
      .executeTakeFirstOrThrow()
    expect(logged.user_id).toBe(w.a.admin)
    expect(logged.detail).toMatchObject({ name: 'Closing Dental', channels: 1 })
    const list = await (await admin.get('/setup/practices?notice=deleted')).text()
    expect(list).toContain('Practice deleted')
    expect(list).not.toContain('Closing Dental')
  })

  it('is for agency admins only: a manager and a viewer are refused', async () => {
    // practice1 is one the manager manages and the viewer sees.
    const id = w.a.practice1
    const name = (
      await w.db
        .selectFrom('practices')
        .select('name')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).name
    expect((await manager.get(`/setup/practices/${id}/delete`)).status).toBe(403)
    expect((await manager.post(`/setup/practices/${id}/delete`, { confirm: name })).status).toBe(
      403,
    )
    expect((await viewer.post(`/setup/practices/${id}/delete`, { confirm: name })).status).toBe(403)
    expect(await exists(id)).toBe(true)
  })

  it('refuses a post without the CSRF token', async () => {
    const id = await newPractice('Forged Clinic')
    const res = await admin.post(
      `/setup/practices/${id}/delete`,
      { confirm: 'Forged Clinic' },
      { csrf: null },
    )
    expect(res.status).toBe(403)
    expect(await exists(id)).toBe(true)
  })

  it("answers 404 for another organisation's practice and leaves it", async () => {
    expect((await admin.get(`/setup/practices/${w.b.practice}/delete`)).status).toBe(404)
    const res = await admin.post(`/setup/practices/${w.b.practice}/delete`, {
      confirm: w.b.practiceName,
    })
    expect(res.status).toBe(404)
    expect(await exists(w.b.practice)).toBe(true)
  })

  it('sends a stale session to enter the password again, deleting nothing', async () => {
    const id = await newPractice('Stale Session Clinic')
    const stale = await signIn(w.app, 'admin@a.example')
    await ageSessionPassword(w.db, stale, 30)
    const res = await stale.post(`/setup/practices/${id}/delete`, {
      confirm: 'Stale Session Clinic',
    })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe(
      `/reauth?next=${encodeURIComponent(`/setup/practices/${id}/delete`)}`,
    )
    expect(await exists(id)).toBe(true)
  })
})
