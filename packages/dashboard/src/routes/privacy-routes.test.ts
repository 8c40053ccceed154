import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createTestWorld,
  signIn,
  type TestClient,
  type TestWorld,
} from '../test-support/test-world.js'

let w: TestWorld
let admin: TestClient

beforeAll(async () => {
  w = await createTestWorld()
  admin = await signIn(w.app, 'admin@a.example')
})
afterAll(async () => {
  await w?.close()
})

const mentionsOf = async (orgId: string) =>
  (
    await w.db
      .selectFrom('mentions')
      .select(['external_id', 'text'])
      .where('organisation_id', '=', orgId)
      .orderBy('external_id')
      .execute()
  ).map((m) => [m.external_id, m.text])

describe('the patient-data page', () => {
  it('saves retention and redaction settings and logs who changed them', async () => {
    const res = await admin.post('/settings/privacy', {
      mention_retention_months: '24',
      mention_retention_action: 'redact',
      raw_retention_months: '6',
      redact_identifiers: 'on',
    })
    expect(res.status).toBe(303)
    const page = await (await admin.get(res.headers.get('location')!)).text()
    expect(page).toContain('Settings saved.')
    expect(page).toMatch(/name="mention_retention_months"[^>]*value="24"/)
    expect(page).toMatch(/value="redact" selected/)
    expect(page).toMatch(/name="redact_identifiers"[^>]*checked/)
    const row = await w.db
      .selectFrom('privacy_settings')
      .selectAll()
      .where('organisation_id', '=', w.a.orgId)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      mention_retention_months: 24,
      raw_retention_months: 6,
      redact_identifiers: true,
    })
    const log = await w.db
      .selectFrom('user_actions')
      .select(['action', 'user_id'])
      .where('organisation_id', '=', w.a.orgId)
      .where('action', '=', 'privacy.settings_changed')
      .execute()
    expect(log).toEqual([{ action: 'privacy.settings_changed', user_id: w.a.admin }])
  })

  it('answers a malformed form with 400 and the reason, and stores nothing', async () => {
    const res = await admin.post('/settings/privacy', { mention_retention_months: '-3' })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('a whole number of months')
    const bad = await admin.post('/settings/privacy/erase', { platform: 'myspace', author: '' })
    expect(bad.status).toBe(400)
  })

  it('refuses a form without its CSRF token', async () => {
    const res = await admin.post(
      '/settings/privacy/erase',
      { platform: 'facebook', author: 'u5', mode: 'erase' },
      { csrf: null },
    )
    expect(res.status).toBe(403)
    expect((await mentionsOf(w.a.orgId)).some(([id]) => id === 'a-thanks')).toBe(true)
  })

  it('is for agency admins only', async () => {
    const manager = await signIn(w.app, 'manager@a.example')
    expect((await manager.get('/settings/privacy')).status).toBe(403)
    expect(
      (
        await manager.post('/settings/privacy/erase', {
          platform: 'facebook',
          author: 'u5',
          mode: 'erase',
        })
      ).status,
    ).toBe(403)
    expect((await manager.post('/settings/privacy', { redact_identifiers: 'on' })).status).toBe(403)
  })

  it('previews an erasure without changing anything, then erases and shows the record, not the person', async () => {
    const before = await mentionsOf(w.a.orgId)
    const preview = await admin.post('/settings/privacy/erase', {
      platform: 'facebook',
      author: 'u5',
      mode: 'preview',
    })
    expect(preview.status).toBe(200)
    const previewHtml = await preview.text()
    expect(previewHtml).toContain('Preview: nothing was changed')
    expect(previewHtml).toMatch(/2 their mentions deleted/)
    expect(previewHtml).toContain('value="erase"')
    expect(await mentionsOf(w.a.orgId)).toEqual(before)

    const erased = await admin.post('/settings/privacy/erase', {
      platform: 'facebook',
      author: 'u5',
      mode: 'erase',
    })
    expect(erased.status).toBe(200)
    const html = await erased.text()
    expect(html).toMatch(/Erased\. Record [0-9a-f-]{36}/)
    expect(html).not.toContain('value="u5"')
    const after = await mentionsOf(w.a.orgId)
    expect(after.map(([id]) => id)).not.toContain('a-answered')
    expect(after.map(([id]) => id)).not.toContain('a-thanks')
    const records = await w.db
      .selectFrom('erasure_records')
      .select(['requested_by', 'requested_via'])
      .where('organisation_id', '=', w.a.orgId)
      .execute()
    expect(records).toEqual([{ requested_by: w.a.admin, requested_via: 'dashboard' }])
  })
})
