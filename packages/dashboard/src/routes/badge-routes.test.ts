import { getMetrics } from '@earshot/core'
import { DateTime } from 'luxon'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createTestWorld,
  NOW,
  signIn,
  type TestClient,
  type TestWorld,
  XSS,
} from '../test-support/test-world.js'
import { formatDuration, formatPercent } from '../views/format.js'

let w: TestWorld
let admin: TestClient
let pagePath: string

beforeAll(async () => {
  w = await createTestWorld()
  admin = await signIn(w.app, 'admin@a.example')
})

afterAll(async () => {
  await w?.close()
})

describe('public promise badge', () => {
  it('is off until a manager publishes it, then shows the embed snippet', async () => {
    const before = await (await admin.get(`/practices/${w.a.practice1}/badge`)).text()
    expect(before).not.toContain('/public/')
    const res = await admin.post(`/practices/${w.a.practice1}/badge`, { enabled: 'on' })
    expect(res.status).toBe(303)
    const html = await (await admin.get(`/practices/${w.a.practice1}/badge`)).text()
    const m = /href="http:\/\/localhost(\/public\/[A-Za-z0-9_-]+)"/.exec(html)
    expect(m).not.toBeNull()
    pagePath = m![1]!
    expect(html).toContain('&lt;img src=&quot;http://localhost/public/')
    expect(pagePath).not.toContain(w.a.practice1)
  })

  it('serves the page and the SVG to anyone, with caching headers and no cookie', async () => {
    const page = await w.app.request(pagePath)
    expect(page.status).toBe(200)
    expect(page.headers.get('set-cookie')).toBeNull()
    expect(page.headers.get('cache-control')).toMatch(/^public, max-age=300/)
    const body = await page.text()
    expect(body).toContain('Harbour GP')
    // The same figures as the metrics engine gives for the month so far, in the practice's zone.
    const practice = await w.db
      .selectFrom('practices')
      .select('time_zone')
      .where('id', '=', w.a.practice1)
      .executeTakeFirstOrThrow()
    const monthStart = DateTime.fromJSDate(NOW, { zone: practice.time_zone })
      .startOf('month')
      .toJSDate()
    const { total } = await getMetrics(w.db, {
      organisationId: w.a.orgId,
      practiceIds: [w.a.practice1],
      from: monthStart,
      to: NOW,
      now: NOW,
    })
    expect(total.answered).toBeGreaterThan(0)
    expect(body).toContain(`<dd>${formatPercent(total.compliance, 0)}</dd>`)
    expect(body).toContain(`<dd>${formatDuration(total.medianBusinessMs)}</dd>`)
    expect(body).not.toContain('<script')
    for (const text of Object.values(XSS)) expect(body).not.toContain(text)
    const svg = await w.app.request(`${pagePath}/badge.svg`)
    expect(svg.status).toBe(200)
    expect(svg.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8')
    expect(svg.headers.get('set-cookie')).toBeNull()
    const markup = await svg.text()
    expect(markup).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/)
    expect(markup).toContain('replies this month')
  })

  it('answers 304 to a client that has the current version', async () => {
    const first = await w.app.request(`${pagePath}/badge.svg`)
    const etag = first.headers.get('etag')!
    expect(etag).toMatch(/^".+"$/)
    const again = await w.app.request(`${pagePath}/badge.svg`, {
      headers: { 'if-none-match': etag },
    })
    expect(again.status).toBe(304)
    expect(await again.text()).toBe('')
  })

  it('answers 404 for an unknown id, a malformed one, and once switched off', async () => {
    expect((await w.app.request('/public/nosuchbadge123')).status).toBe(404)
    expect((await w.app.request('/public/%00%3Cscript%3E')).status).toBe(404)
    const app = w.makeApp()
    await admin.post(`/practices/${w.a.practice1}/badge`, { enabled: 'off' })
    expect((await app.request(pagePath)).status).toBe(404)
    await admin.post(`/practices/${w.a.practice1}/badge`, { enabled: 'on' })
    expect((await w.makeApp().request(pagePath)).status).toBe(200)
  })

  it('limits each client address, counted in the database', async () => {
    const app = w.makeApp({
      publicRateLimit: { max: 3, windowMs: 60_000 },
      clientIp: () => '203.0.113.9',
    })
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) statuses.push((await app.request(`${pagePath}/badge.svg`)).status)
    expect(statuses).toEqual([200, 200, 200, 429, 429])
    // Another process (a second app on the same database) sees the same count.
    const other = w.makeApp({
      publicRateLimit: { max: 3, windowMs: 60_000 },
      clientIp: () => '203.0.113.9',
    })
    expect((await other.request(`${pagePath}/badge.svg`)).status).toBe(429)
  })

  it('keeps viewers from publishing', async () => {
    const viewer = await signIn(w.app, 'viewer@a.example')
    expect((await viewer.post(`/practices/${w.a.practice1}/badge`, { enabled: 'on' })).status).toBe(
      403,
    )
  })
})
