import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createTestWorld,
  csrfFromHtml,
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

const good = {
  name: 'Harbour Dental',
  time_zone: 'Europe/London',
  holiday_region: 'GB-ENG',
  hours: 'mon-fri 08:00-18:00; sat 09:00-12:00',
  promise: '2 business hours, reviews within 1 business day',
  statement: 'We answer within 2 business hours',
  intent: 'save',
}

describe('practice set-up pages', () => {
  it('offers every IANA time zone and the date-holidays regions as pickers', async () => {
    const res = await admin.get('/setup/practices/new')
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('<option value="Australia/Sydney">')
    expect(html).toContain('<option value="UTC">')
    expect(html).toMatch(/<option value="AU-NSW">Australia – New South Wales \(AU-NSW\)/)
    expect(html).toMatch(/<option value="GB-ENG">/)
  })

  it('creates a practice from text and lists its hours and promise as understood', async () => {
    const res = await admin.post('/setup/practices', good)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/setup/practices?notice=created')
    const list = await (await admin.get('/setup/practices?notice=created')).text()
    expect(list).toContain('Harbour Dental')
    expect(list).toContain('mon-fri 08:00-18:00; sat 09:00-12:00')
    expect(list).toContain('2 business hours, reviews within 1 business day')
    expect(list).toContain('GB-ENG')
    const practice = await w.db
      .selectFrom('practices')
      .selectAll()
      .where('organisation_id', '=', w.a.orgId)
      .where('name', '=', 'Harbour Dental')
      .executeTakeFirstOrThrow()
    expect(practice.time_zone).toBe('Europe/London')
    const logged = await w.db
      .selectFrom('user_actions')
      .selectAll()
      .where('organisation_id', '=', w.a.orgId)
      .where('action', '=', 'practice.created')
      .where('target_id', '=', practice.id)
      .execute()
    expect(logged).toHaveLength(1)
    expect(logged[0]!.user_id).toBe(w.a.admin)
  })

  it('shows each mistake at its field and keeps everything typed, saving nothing', async () => {
    const before = await w.db.selectFrom('practices').select('id').execute()
    const res = await admin.post('/setup/practices', {
      ...good,
      name: 'Typo Clinic',
      time_zone: 'Mars/Olympus',
      holiday_region: 'XX-YY',
      hours: 'mon-fri 8-18',
      promise: '2 fortnights',
    })
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).toContain('Nothing was saved yet')
    expect(html).toContain('&quot;Mars/Olympus&quot; is not an IANA time zone')
    expect(html).toContain('&quot;XX-YY&quot; is not a holiday region')
    expect(html).toContain('is not a time range like 08:00-18:00')
    expect(html).toMatch(/id="promise-error"/)
    expect(html).toContain('value="Typo Clinic"')
    expect(html).toContain('value="mon-fri 8-18"')
    expect(html).toContain('value="2 fortnights"')
    const after = await w.db.selectFrom('practices').select('id').execute()
    expect(after).toHaveLength(before.length)
  })

  it('checks the text without saving when asked what it understands', async () => {
    const res = await admin.post('/setup/practices', {
      ...good,
      name: 'Preview Practice',
      hours: 'Mon-Wed 9:00-17:00; thu 09:00-12:00 13:00-19:00',
      promise: 'messages within 30 minutes, 4 hours',
      intent: 'check',
    })
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain(
      'Understood as: <strong>mon-wed 09:00-17:00; thu 09:00-12:00 13:00-19:00',
    )
    expect(html).toContain('Understood as: <strong>4 hours, messages within 30 minutes')
    const saved = await w.db
      .selectFrom('practices')
      .select('id')
      .where('name', '=', 'Preview Practice')
      .execute()
    expect(saved).toHaveLength(0)
  })

  it('refuses a second practice with the same name', async () => {
    const res = await admin.post('/setup/practices', good)
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('already has this name')
  })

  it('lets only agency admins create practices', async () => {
    expect((await manager.get('/setup/practices/new')).status).toBe(403)
    expect((await manager.post('/setup/practices', { ...good, name: 'Manager Made' })).status).toBe(
      403,
    )
    expect((await viewer.post('/setup/practices', { ...good, name: 'Viewer Made' })).status).toBe(
      403,
    )
  })

  it('lets a manager edit their practice as new versions, keeping dated closures', async () => {
    await admin.post(`/practices/${w.a.practice1}/settings/schedule`, {
      time_zone: 'Australia/Sydney',
      holiday_region: 'AU-NSW',
      weekly_mon: '08:00-18:00',
      closures: '2026-12-24..2027-01-02 Christmas shutdown',
    })
    const form = await manager.get(`/setup/practices/${w.a.practice1}/edit`)
    expect(form.status).toBe(200)
    const html = await form.text()
    expect(html).toContain('value="mon 08:00-18:00"')
    expect(html).toContain('value="2 business hours"')
    const res = await manager.post(`/setup/practices/${w.a.practice1}`, {
      name: 'Harbour GP',
      time_zone: 'Australia/Sydney',
      holiday_region: 'AU-NSW',
      hours: 'mon-fri 07:30-19:00',
      promise: '',
      statement: 'We reply to every message within 2 business hours',
      intent: 'save',
    })
    expect(res.status).toBe(303)
    const latest = await w.db
      .selectFrom('schedules')
      .selectAll()
      .where('organisation_id', '=', w.a.orgId)
      .where('practice_id', '=', w.a.practice1)
      .orderBy('version', 'desc')
      .executeTakeFirstOrThrow()
    const spec = latest.spec as { weekly: Record<string, unknown>; closures?: unknown[] }
    expect(spec.weekly.fri).toEqual([{ start: '07:30', end: '19:00' }])
    expect(spec.closures).toHaveLength(1)
    // The promise was left empty: no new promise version.
    const promises = await w.db
      .selectFrom('promises')
      .select('version')
      .where('organisation_id', '=', w.a.orgId)
      .where('practice_id', '=', w.a.practice1)
      .execute()
    expect(promises).toHaveLength(1)
  })

  it('keeps managers to their practices and viewers read-only', async () => {
    expect((await manager.get(`/setup/practices/${w.a.practice2}/edit`)).status).toBe(404)
    expect((await viewer.get(`/setup/practices/${w.a.practice1}/edit`)).status).toBe(403)
    const res = await viewer.post(`/setup/practices/${w.a.practice1}`, {
      ...good,
      name: 'Viewer renamed',
    })
    expect(res.status).toBe(403)
  })

  it('renames a practice and writes a new promise when one is typed', async () => {
    const res = await admin.post(`/setup/practices/${w.a.practice2}`, {
      name: 'Bondi Physio & Pilates',
      time_zone: 'Australia/Sydney',
      holiday_region: 'AU-NSW',
      hours: 'mon-fri 08:00-18:00',
      promise: '1 business hour',
      statement: '',
      intent: 'save',
    })
    expect(res.status).toBe(303)
    const page = await (await admin.get('/setup/practices')).text()
    expect(page).toContain('Bondi Physio &amp; Pilates')
    expect(page).toContain('1 business hour')
  })

  it('needs the CSRF token of the session', async () => {
    const res = await admin.post('/setup/practices', { ...good, name: 'Forged' }, { csrf: 'nope' })
    expect(res.status).toBe(403)
    expect(csrfFromHtml(await (await admin.get('/setup/practices/new')).text())).toBe(admin.csrf)
  })
})
