import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { alertsDb } from '../alerts/alert-tables.js'
import {
  createTestWorld,
  NOW,
  signIn,
  type TestClient,
  type TestWorld,
} from '../test-support/test-world.js'

let w: TestWorld
let admin: TestClient

async function insertAlert(
  orgId: string,
  practiceId: string,
  id: string,
  options: { mentionId?: string; createdAt?: Date; rule?: string } = {},
): Promise<void> {
  await alertsDb(w.db)
    .insertInto('alerts')
    .values({
      organisation_id: orgId,
      id,
      practice_id: practiceId,
      rule: options.rule ?? 'sla_breached',
      subject_key: id,
      mention_id: options.mentionId ?? null,
      channel_id: null,
      due_at: options.mentionId ? new Date(NOW.getTime() - 30 * 60_000) : null,
      detail: JSON.stringify({ platform: 'facebook', kind: 'comment' }),
      created_at: options.createdAt ?? NOW,
    })
    .execute()
}

beforeAll(async () => {
  // Webhook URLs and signing secrets are sealed with the process's key.
  vi.stubEnv('EARSHOT_SECRET_KEY', randomBytes(32).toString('base64'))
  w = await createTestWorld()
  admin = await signIn(w.app, 'admin@a.example')
  await insertAlert(w.a.orgId, w.a.practice1, 'al-a1', { mentionId: w.mentions.open })
  await insertAlert(w.a.orgId, w.a.practice2, 'al-a2', {
    createdAt: new Date(NOW.getTime() - 60_000),
    rule: 'page_quiet',
  })
  await insertAlert(w.b.orgId, w.b.practice, 'al-b1', { mentionId: w.b.mentionIds[0]! })
  await alertsDb(w.db)
    .insertInto('alert_endpoints')
    .values({
      organisation_id: w.a.orgId,
      id: 'ep-a',
      practice_id: w.a.practice1,
      kind: 'email',
      name: 'Front desk',
      target: 'desk@a.example',
      secret: null,
      rules: JSON.stringify([]),
      created_at: NOW,
    })
    .execute()
  await alertsDb(w.db)
    .insertInto('alert_deliveries')
    .values({
      organisation_id: w.a.orgId,
      alert_id: 'al-a1',
      endpoint_id: 'ep-a',
      status: 'dead',
      attempts: 5,
      next_attempt_at: NOW,
      last_error: 'SMTP 550 mailbox unavailable',
      log: JSON.stringify([
        { at: NOW.toISOString(), ok: false, error: 'SMTP 550 mailbox unavailable' },
      ]),
      created_at: NOW,
    })
    .execute()
})

afterAll(async () => {
  vi.unstubAllEnvs()
  await w?.close()
})

describe('notification centre', () => {
  it('lists the alerts of the caller’s practices only, newest first, with the unread count on the bell', async () => {
    const res = await admin.get('/alerts')
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('data-unread="2"')
    expect(html).toMatch(/data-bell-count="true">2</)
    expect(html.indexOf('al-a1')).toBeLessThan(html.indexOf('al-a2'))
    expect(html).not.toContain('al-b1')
  })

  it('shows a manager only the alerts of their practices', async () => {
    const manager = await signIn(w.app, 'manager@a.example')
    const html = await (await manager.get('/alerts')).text()
    expect(html).toContain('al-a1')
    expect(html).not.toContain('al-a2')
  })

  it('opens an alert with its link to the mention and every delivery’s outcome, and marks it read', async () => {
    const res = await admin.get('/alerts/al-a1')
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain(`/mentions/${w.mentions.open}`)
    expect(html).toContain('Front desk')
    expect(html).toContain('SMTP 550 mailbox unavailable')
    expect(html).toContain('Reply overdue by 30m.')
    const feed = await (await admin.get('/alerts/unread.json')).json()
    expect(feed.unread).toBe(1)
    expect(feed.latest.map((a: { id: string }) => a.id)).toEqual(['al-a2'])
  })

  it('answers 404 for an alert of another organisation', async () => {
    const res = await admin.get('/alerts/al-b1')
    expect(res.status).toBe(404)
    expect(await res.text()).not.toContain(w.b.practiceName)
  })

  it('marks all read with a CSRF token, and refuses without one', async () => {
    const refused = await admin.post('/alerts/read', {}, { csrf: null })
    expect(refused.status).toBe(403)
    const res = await admin.post('/alerts/read', {})
    expect(res.status).toBe(303)
    const feed = await (await admin.get('/alerts/unread.json')).json()
    expect(feed.unread).toBe(0)
    const other = await signIn(w.app, 'viewer@a.example')
    expect((await (await other.get('/alerts/unread.json')).json()).unread).toBe(2)
  })
})

describe('alert settings', () => {
  it('saves a practice’s rule and shows it back', async () => {
    const res = await admin.post(`/practices/${w.a.practice1}/alerts/rules`, {
      enabled_sla_breached: 'on',
      enabled_urgent: 'on',
      param_low_rating_maxStars: '3',
    })
    expect(res.status).toBe(303)
    const html = await (await admin.get(`/practices/${w.a.practice1}/alerts`)).text()
    expect(html).toMatch(/name="param_low_rating_maxStars" value="3"/)
    expect(html).not.toMatch(/name="enabled_low_rating" value="on" checked/)
    expect(html).toMatch(/name="enabled_urgent" value="on" checked/)
  })

  it('refuses an out-of-range parameter with the rule named, saving nothing of it', async () => {
    const res = await admin.post(`/practices/${w.a.practice1}/alerts/rules`, {
      param_low_rating_maxStars: '9',
    })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('New 1–2★ review')
  })

  it('saves quiet hours and the on-call e-mail, and refuses half a quiet period', async () => {
    const bad = await admin.post(`/practices/${w.a.practice1}/alerts/preferences`, {
      quiet_start: '22:00',
    })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('quiet hours need both a start and an end')
    const ok = await admin.post(`/practices/${w.a.practice1}/alerts/preferences`, {
      quiet_start: '22:00',
      quiet_end: '07:00',
      on_call_email: 'oncall@a.example',
    })
    expect(ok.status).toBe(303)
    const html = await (await admin.get(`/practices/${w.a.practice1}/alerts`)).text()
    expect(html).toContain('value="22:00"')
    expect(html).toContain('On-call e-mail (on call)')
  })

  it('adds a signed webhook endpoint, shows its secret once and only the URL’s host after', async () => {
    const res = await admin.post(`/practices/${w.a.practice1}/alerts/endpoints`, {
      kind: 'webhook',
      name: 'SMS gateway',
      target: 'https://sms.example/hooks/earshot?key=very-secret-key',
    })
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toMatch(/class="secret-once">whsec_/)
    const later = await (await admin.get(`/practices/${w.a.practice1}/alerts`)).text()
    expect(later).toContain('https://sms.example/…')
    expect(later).not.toContain('very-secret-key')
    expect(later).not.toContain('secret-once')
  })

  it('refuses an endpoint with a bad target in words', async () => {
    const res = await admin.post(`/practices/${w.a.practice1}/alerts/endpoints`, {
      kind: 'slack',
      name: 'Team',
      target: 'javascript:alert(1)',
    })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('must be an http(s) URL')
  })

  it('keeps viewers out and organisation defaults to agency admins', async () => {
    const viewer = await signIn(w.app, 'viewer@a.example')
    expect((await viewer.get(`/practices/${w.a.practice1}/alerts`)).status).toBe(403)
    const manager = await signIn(w.app, 'manager@a.example')
    expect((await manager.get('/alerts/settings')).status).toBe(403)
    expect((await admin.get('/alerts/settings')).status).toBe(200)
  })

  it('removes an endpoint of the practice', async () => {
    const res = await admin.post(`/practices/${w.a.practice1}/alerts/endpoints/ep-a/delete`, {})
    expect(res.status).toBe(303)
    const rows = await alertsDb(w.db)
      .selectFrom('alert_endpoints')
      .select('id')
      .where('id', '=', 'ep-a')
      .execute()
    expect(rows).toHaveLength(0)
  })
})
