import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listSchedules } from '../reports/report-schedule-store.js'
import {
  createTestWorld,
  signIn,
  type TestClient,
  type TestWorld,
  XSS,
} from '../test-support/test-world.js'

let w: TestWorld
let manager: TestClient
let admin: TestClient

beforeAll(async () => {
  w = await createTestWorld()
  manager = await signIn(w.app, 'manager@a.example')
  admin = await signIn(w.app, 'admin@a.example')
})

afterAll(async () => {
  await w?.close()
})

const weekly = {
  frequency: 'weekly',
  day: '1',
  local_time: '08:30',
  time_zone: 'Australia/Sydney',
  recipients: 'Manager@Harbour.test, owner@harbour.test',
}

describe('scheduled-report settings', () => {
  it('lets a manager add a weekly schedule for their practice, shown with its next send', async () => {
    const res = await manager.post(`/practices/${w.a.practice1}/reports`, weekly)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe(`/practices/${w.a.practice1}/reports?notice=added`)
    const [saved] = await listSchedules(w.db, w.a.orgId, w.a.practice1)
    expect(saved).toMatchObject({
      frequency: 'weekly',
      day: 1,
      localTime: '08:30',
      timeZone: 'Australia/Sydney',
      recipients: ['manager@harbour.test', 'owner@harbour.test'],
    })
    const page = await (await manager.get(`/practices/${w.a.practice1}/reports`)).text()
    expect(page).toContain('Weekly, every Monday at 08:30 (Australia/Sydney)')
    expect(page).toContain('manager@harbour.test, owner@harbour.test')
    // The test clock is Friday 20 Nov 2026 14:00 in Sydney: next is Monday 23 Nov 08:30.
    expect(page).toMatch(/23 Nov 2026, 08:30/)
  })

  it('rejects bad input with the reasons, saves nothing and escapes what was typed', async () => {
    const before = (await listSchedules(w.db, w.a.orgId, w.a.practice1)).length
    const res = await manager.post(`/practices/${w.a.practice1}/reports`, {
      frequency: 'monthly',
      day: '31',
      local_time: '25:00',
      time_zone: 'Mars/Olympus',
      recipients: XSS.script,
    })
    expect(res.status).toBe(400)
    const body = await res.text()
    expect(body).toContain('day of the month from 1 to 28')
    expect(body).toContain('expected HH:MM')
    expect(body).toContain('not a known IANA zone')
    expect(body).toContain('not an e-mail address')
    expect(body).not.toContain(XSS.script)
    expect((await listSchedules(w.db, w.a.orgId, w.a.practice1)).length).toBe(before)
  })

  it('refuses a form post without the CSRF token', async () => {
    const res = await manager.post(`/practices/${w.a.practice1}/reports`, weekly, { csrf: null })
    expect(res.status).toBe(403)
  })

  it('keeps the agency report to agency admins, and deletes a schedule', async () => {
    expect((await manager.get('/reports/agency')).status).toBe(403)
    expect((await manager.post('/reports/agency', weekly)).status).toBe(403)
    const viewer = await signIn(w.app, 'viewer@a.example')
    expect((await viewer.get(`/practices/${w.a.practice1}/reports`)).status).toBe(403)
    expect((await admin.post('/reports/agency', { ...weekly, frequency: 'monthly' })).status).toBe(
      303,
    )
    const [agency] = await listSchedules(w.db, w.a.orgId, null)
    expect(agency).toMatchObject({ practiceId: null, frequency: 'monthly' })
    expect(await (await admin.get('/reports/agency')).text()).toContain(
      'Monthly, on day 1 of every month',
    )
    // The agency schedule is not a practice's: deleting it through a practice URL finds nothing.
    expect(
      (await admin.post(`/practices/${w.a.practice1}/reports/${agency!.id}/delete`, {})).status,
    ).toBe(404)
    expect((await admin.post(`/reports/agency/${agency!.id}/delete`, {})).status).toBe(303)
    expect(await listSchedules(w.db, w.a.orgId, null)).toEqual([])
  })
})
