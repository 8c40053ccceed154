/**
 * @module What practice managers and API clients see: overview and practice pages with their
 * charts, the inbox and its actions, mention search and the audit trail, settings that write
 * new versions, exports and the report, the JSON API with its OpenAPI document, webhooks, and
 * user text rendered inert everywhere.
 */

import { ingest } from '@earshot/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WebhookRequest } from './routes/hook-routes.js'
import {
  createTestWorld,
  NOW,
  signIn,
  type TestClient,
  type TestWorld,
  testEnricher,
} from './test-support/test-world.js'

let w: TestWorld
let admin: TestClient

beforeAll(async () => {
  w = await createTestWorld()
  admin = await signIn(w.app, 'admin@a.example')
})

afterAll(async () => {
  await w?.close()
})

const html = async (path: string) => {
  const res = await admin.get(path)
  expect(res.status, path).toBe(200)
  return res.text()
}

function chartConfigs(
  page: string,
): { type: string; data: { labels: unknown[]; datasets: { data: unknown[] }[] } }[] {
  return [
    ...page.matchAll(/<script type="application\/json" id="[^"]+">([\s\S]*?)<\/script>/g),
  ].map((m) => JSON.parse(m[1]!))
}

describe('user text renders inert', () => {
  it('escapes <script>, <img onerror> and markup in author names on every page', async () => {
    for (const path of [
      '/inbox',
      '/mentions',
      `/mentions/${w.mentions.xssScript}`,
      `/mentions/${w.mentions.xssImg}`,
      `/mentions?q=${encodeURIComponent('<script>')}`,
    ]) {
      const page = await html(path)
      expect(page, path).not.toContain('<script>alert')
      expect(page, path).not.toContain('<img src=x')
      expect(page, path).not.toContain('<b onmouseover')
      expect(page, path).not.toMatch(/<[a-z][^>]*\sonerror=/i)
    }
    const inbox = await html('/inbox')
    expect(inbox).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;')
    expect(inbox).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;')
    expect(inbox).toContain('&lt;b onmouseover=alert(2)&gt;Mallory&lt;/b&gt;')
  })

  it('never emits a javascript: permalink as a link', async () => {
    for (const path of ['/inbox', `/mentions/${w.mentions.xssImg}`, '/mentions']) {
      const page = await html(path)
      expect(page, path).not.toMatch(/href="\s*javascript:/i)
      expect(page, path).not.toContain('javascript:alert')
    }
    const detail = await html(`/mentions/${w.mentions.xssImg}`)
    expect(detail).toContain('Open the original on facebook')
    // An http(s) permalink is a link, opened without handing over the opener or referrer.
    const safe = await html(`/mentions/${w.mentions.open}`)
    expect(safe).toContain(
      'href="https://facebook.com/harbour/posts/1" rel="noopener noreferrer nofollow"',
    )
  })

  it('keeps user text out of chart JSON blocks unescaped', async () => {
    const page = await html(`/practices/${w.a.practice1}`)
    for (const m of page.matchAll(/<script type="application\/json"[^>]*>([\s\S]*?)<\/script>/g)) {
      expect(m[1]).not.toMatch(/<\//)
    }
  })

  it('defuses spreadsheet formulas in CSV exports', async () => {
    await w.db
      .updateTable('mentions')
      .set({ author_name: '=HYPERLINK("http://evil")' })
      .where('id', '=', w.mentions.open)
      .execute()
    const csv = await (
      await admin.get('/exports/mentions.csv?from=2026-11-01&to=2026-11-20')
    ).text()
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`)
    expect(csv).not.toMatch(/(^|,)=HYPERLINK/m)
    await w.db
      .updateTable('mentions')
      .set({ author_name: 'Alice Patient' })
      .where('id', '=', w.mentions.open)
      .execute()
  })
})

describe('overview pages', () => {
  it('shows every practice side by side, sortable, with a benchmark chart', async () => {
    const page = await html('/?days=30&sort=name&dir=asc')
    expect(page.indexOf('Bondi Physio')).toBeLessThan(page.indexOf('Harbour GP'))
    const desc = await html('/?days=30&sort=name&dir=desc')
    expect(desc.indexOf('>Harbour GP<')).toBeLessThan(desc.indexOf('>Bondi Physio<'))
    expect(page).toContain('aria-sort="ascending"')
    for (const label of [
      'Response rate',
      'Compliance',
      'Median (business)',
      'p90 (business)',
      'Backlog',
      'Sentiment',
      'Last post',
    ])
      expect(page).toContain(label)
    const charts = chartConfigs(page)
    expect(charts.length).toBe(3)
    // The standing chart: one dataset per practice, one bar per benchmarked metric (percentiles).
    expect(charts[0]!.data.datasets).toHaveLength(2)
    expect(charts[0]!.data.labels).toEqual([
      'Compliance',
      'Response rate',
      'Median response (business)',
      'Backlog',
      'Sentiment',
      'Liveness',
    ])
    for (const d of charts[0]!.data.datasets)
      for (const v of d.data)
        expect(v === null || (typeof v === 'number' && v >= 0 && v <= 100)).toBe(true)
    expect(charts[1]!.data.labels).toHaveLength(2)
    expect(page).toContain('title="Rank by compliance"')
    expect(page).toContain('src="/assets/chart.umd.js"')
    // Bondi Physio never posted: the page flags it.
    expect(page).toContain('Set up but dead?')
  })

  it('shows a practice against its promise, with four charts and liveness', async () => {
    const page = await html(`/practices/${w.a.practice1}`)
    expect(page).toContain('We reply to every message within 2 business hours')
    for (const label of [
      'Compliance',
      'Response rate',
      'Median response (business)',
      'Backlog',
      'Sentiment',
      'Liveness',
    ])
      expect(page).toContain(label)
    const charts = chartConfigs(page)
    expect(charts.map((c) => c.type)).toEqual(['bar', 'line', 'bar', 'bar'])
    expect(charts[0]!.data.labels).toEqual(['under 1h', '1–4h', '4–8h', '8–24h', 'over 24h'])
    expect(page).toContain('3 d since last post')
  })
})

describe('inbox', () => {
  it('lists what needs a reply, earliest due first, with status, countdown and the privacy hint', async () => {
    const page = await html(`/inbox?practice=${w.a.practice1}&order=due`)
    const dues = [...page.matchAll(/data-due="([^"]+)"/g)].map((m) => m[1]!)
    expect(dues.length).toBeGreaterThanOrEqual(4)
    expect([...dues].sort()).toEqual(dues)
    expect(page).toContain('badge-breached')
    expect(page).toContain('badge-pending')
    expect(page).toContain('take it private')
    expect(page).toContain('flag-urgent')
    expect(page).not.toContain('Thank you!')
    expect(page).not.toContain('Are you open on Monday?')
    expect(page).not.toContain('The receptionist was rude')
  })

  it('records "handled elsewhere" with time, note and who, and the item leaves the inbox', async () => {
    const res = await admin.post(`/mentions/${w.mentions.privacy}/override`, {
      action: 'handled_elsewhere',
      handled_at: '2026-11-20T09:15',
      note: 'Called Bob back',
      return: '/inbox',
    })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/inbox?notice=handled-elsewhere')
    const inbox = await html('/inbox?notice=handled-elsewhere')
    expect(inbox).toContain('Recorded as handled elsewhere.')
    expect(inbox).not.toContain('My medication ran out')
    const override = await w.db
      .selectFrom('overrides')
      .selectAll()
      .where('mention_id', '=', w.mentions.privacy)
      .executeTakeFirstOrThrow()
    expect(override.actor).toBe('admin@a.example')
    expect(override.note).toBe('Called Bob back')
    // 09:15 in Sydney (AEDT, UTC+11) is 22:15 UTC the day before.
    expect(new Date(override.handled_at!).toISOString()).toBe('2026-11-19T22:15:00.000Z')
    const detail = await html(`/mentions/${w.mentions.privacy}`)
    expect(detail).toContain('handled elsewhere')
    expect(detail).toContain('by admin@a.example')
    expect(detail).toContain('Called Bob back')
  })

  it('records "no reply needed" and the item leaves the inbox', async () => {
    const res = await admin.post(`/mentions/${w.mentions.practice2Open}/override`, {
      action: 'no_reply_needed',
      return: `/inbox?practice=${w.a.practice2}`,
    })
    expect(res.status).toBe(303)
    const inbox = await html(`/inbox?practice=${w.a.practice2}`)
    expect(inbox).toContain('Nothing waiting for a reply.')
    const api = await (await admin.get(`/api/v1/mentions/${w.mentions.practice2Open}`)).json()
    expect(api.link.status).toBe('exempt')
  })

  it('rejects an override with a bad time (400) and records nothing', async () => {
    const before = await w.db
      .selectFrom('overrides')
      .select('id')
      .where('mention_id', '=', w.mentions.open)
      .execute()
    expect(
      (
        await admin.post(`/mentions/${w.mentions.open}/override`, {
          action: 'handled_elsewhere',
          handled_at: 'yesterday',
        })
      ).status,
    ).toBe(400)
    expect(
      (
        await admin.post(`/mentions/${w.mentions.open}/override`, {
          action: 'handled_elsewhere',
          handled_at: '2026-11-25T10:00',
        })
      ).status,
    ).toBe(400)
    expect(
      (await admin.post(`/mentions/${w.mentions.open}/override`, { action: 'delete_everything' }))
        .status,
    ).toBe(400)
    const after = await w.db
      .selectFrom('overrides')
      .select('id')
      .where('mention_id', '=', w.mentions.open)
      .execute()
    expect(after).toHaveLength(before.length)
  })
})

describe('mentions and audit trail', () => {
  it('searches text and filters by sentiment, status, channel and date, paginated', async () => {
    const found = await html('/mentions?q=bulk+bill')
    expect(found).toContain('Do you bulk bill on Saturdays?')
    expect(found).toContain('1 mention ·')
    const negative = await html('/mentions?sentiment=negative')
    expect(negative).toContain('The receptionist was rude')
    expect(negative).not.toContain('bulk bill')
    const met = await html('/mentions?status=met')
    expect(met).toContain('Are you open on Monday?')
    expect(met).not.toContain('bulk bill')
    const channel = await html(`/mentions?channel=${w.a.channel2}`)
    expect(channel).toContain('The receptionist was rude')
    expect(channel).not.toContain('bulk bill')
    const dated = await html('/mentions?from=2026-11-01&to=2026-11-10')
    expect(dated).toContain('0 mentions')
    const page2 = await html('/mentions?page=2')
    expect(page2).toContain('page 2 of 1')
    expect((await admin.get('/mentions?category=gossip')).status).toBe(400)
    expect((await admin.get('/mentions?from=not-a-date')).status).toBe(400)
  })

  it('shows a mention with its thread and the SLA explanation', async () => {
    const page = await html(`/mentions/${w.mentions.answered}`)
    expect(page).toContain('Are you open on Monday?')
    expect(page).toContain('Yes, from 8am!')
    expect(page).toContain('Why it counts (audit trail)')
    expect(page).toContain('badge-met')
    expect(page).toMatch(/schedule version 1/)
    expect(page).toMatch(/promise version 1/)
    expect(page).toMatch(/Clock started/)
  })

  it('shows which enricher version classified a mention and its re-enrichment events', async () => {
    const tag = (
      await w.db
        .selectFrom('mentions')
        .select('enricher')
        .where('id', '=', w.mentions.answered)
        .executeTakeFirstOrThrow()
    ).enricher!
    await w.db
      .insertInto('enrichment_events')
      .values({
        organisation_id: w.a.orgId,
        id: 'event-1',
        mention_id: w.mentions.answered,
        at: NOW,
        from_enricher: 'earshot-rules@2.older',
        to_enricher: tag,
        before: JSON.stringify({ needs_reply: false, category: 'chatter' }),
        after: JSON.stringify({ needs_reply: true, category: 'question' }),
      })
      .execute()
    const page = await html(`/mentions/${w.mentions.answered}`)
    expect(page).toContain(`Classified by <code>${tag}</code>`)
    expect(page).toContain('(was <code>earshot-rules@2.older</code>)')
    expect(page).toContain('needs reply: no → yes; category: chatter → question')
  })
})

describe('settings', () => {
  it('saves opening hours with several sessions a day, overrides and closures as a new version', async () => {
    const page = await html(`/practices/${w.a.practice1}/settings`)
    expect(page).toContain('value="08:00-12:30, 13:30-18:00"')
    expect(page).toContain('Harbour GP Facebook')
    const res = await admin.post(`/practices/${w.a.practice1}/settings/schedule`, {
      time_zone: 'Australia/Sydney',
      holiday_region: 'au-nsw',
      weekly_mon: '08:00-12:00, 13:00-17:30',
      weekly_tue: '08:00-17:00',
      weekly_sat: 'closed',
      overrides: '2026-12-14 08:00-21:00 late clinic\n2026-12-18 closed staff day',
      closures: '2026-12-24..2027-01-02 Christmas shutdown',
    })
    expect(res.status).toBe(303)
    const latest = await w.db
      .selectFrom('schedules')
      .selectAll()
      .where('practice_id', '=', w.a.practice1)
      .orderBy('version', 'desc')
      .executeTakeFirstOrThrow()
    expect(latest.version).toBe(2)
    expect(latest.created_by).toBe('admin@a.example')
    const spec = latest.spec as unknown as {
      holidayRegion: string
      weekly: { mon: unknown[] }
      overrides: { date: string; sessions: unknown[] }[]
      closures: { from: string; to: string }[]
    }
    expect(spec.holidayRegion).toBe('AU-NSW')
    expect(spec.weekly.mon).toEqual([
      { start: '08:00', end: '12:00' },
      { start: '13:00', end: '17:30' },
    ])
    expect(spec.overrides.map((o) => [o.date, o.sessions.length])).toEqual([
      ['2026-12-14', 1],
      ['2026-12-18', 0],
    ])
    expect(spec.closures[0]).toMatchObject({ from: '2026-12-24', to: '2027-01-02' })
    expect(await html(`/practices/${w.a.practice1}/settings?notice=schedule-saved`)).toContain(
      'late clinic',
    )
  })

  it('rejects a bad schedule with a clear 400 and writes nothing', async () => {
    const res = await admin.post(`/practices/${w.a.practice1}/settings/schedule`, {
      time_zone: 'Mars/Olympus',
      weekly_mon: '08:00-12:00',
    })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('time')
    const bad = await admin.post(`/practices/${w.a.practice1}/settings/schedule`, {
      time_zone: 'Australia/Sydney',
      weekly_mon: 'morning',
    })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('mon: &quot;morning&quot; is not a session')
    const versions = await w.db
      .selectFrom('schedules')
      .select('version')
      .where('practice_id', '=', w.a.practice1)
      .execute()
    expect(versions).toHaveLength(2)
  })

  it('saves the promise targets as a new version', async () => {
    const res = await admin.post(`/practices/${w.a.practice2}/settings/promise`, {
      statement: 'Reviews answered within a day',
      goal: '95',
      at_risk: '20',
      target_0_name: 'Complaints',
      target_0_categories: 'complaint, clinical',
      target_0_duration: '1 business hour',
      target_1_duration: '1 day',
      target_1_clock: 'calendar',
    })
    expect(res.status).toBe(303)
    const latest = await w.db
      .selectFrom('promises')
      .selectAll()
      .where('practice_id', '=', w.a.practice2)
      .orderBy('version', 'desc')
      .executeTakeFirstOrThrow()
    expect(latest.version).toBe(2)
    const spec = latest.spec as {
      goal: number
      atRiskFraction: number
      statement: string
      targets: {
        name?: string
        filter: { categories?: string[] }
        duration: string
        clock?: string
      }[]
    }
    expect(spec.goal).toBeCloseTo(0.95)
    expect(spec.atRiskFraction).toBeCloseTo(0.2)
    expect(spec.targets).toHaveLength(2)
    expect(spec.targets[0]).toMatchObject({
      name: 'Complaints',
      filter: { categories: ['complaint', 'clinical'] },
      duration: '1 business hour',
    })
    expect(spec.targets[1]).toMatchObject({ duration: '1 day', clock: 'calendar' })
    expect(await html(`/practices/${w.a.practice2}`)).toContain('Reviews answered within a day')
    expect(
      (
        await admin.post(`/practices/${w.a.practice2}/settings/promise`, {
          target_0_duration: 'whenever',
        })
      ).status,
    ).toBe(400)
  })
})

describe('exports and report', () => {
  it('exports mentions row by row with every SLA column', async () => {
    const res = await admin.get('/exports/mentions.csv?from=2026-11-01&to=2026-11-20')
    expect(res.headers.get('content-type')).toContain('text/csv')
    expect(res.headers.get('content-disposition')).toContain('attachment')
    const [header, ...rows] = (await res.text()).trim().split('\r\n')
    for (const column of [
      'status',
      'target_name',
      'clock',
      'clock_started_at',
      'due_at',
      'responded_at',
      'wall_ms',
      'business_ms',
      'schedule_version',
      'promise_version',
      'explanation',
      'exempt_reason',
    ]) {
      expect(header!.split(',')).toContain(column)
    }
    expect(rows.length).toBe(7)
    expect(rows.find((r) => r.includes('Are you open on Monday?'))).toContain(',met,')
  })

  it('exports one aggregate row per practice', async () => {
    const csv = await (
      await admin.get('/exports/aggregate.csv?from=2026-11-01&to=2026-11-20')
    ).text()
    const lines = csv.trim().split('\r\n')
    expect(lines[0]).toMatch(/^practice,period_from,period_to,needing_reply,answered,response_rate/)
    expect(lines).toHaveLength(3)
    expect((await admin.get('/exports/aggregate.csv?from=2026-11-20&to=2026-11-01')).status).toBe(
      400,
    )
  })

  it('renders a printable monthly report', async () => {
    const page = await html(`/practices/${w.a.practice1}/report?month=2026-11`)
    expect(page).toContain('Harbour GP: November 2026')
    expect(page).toContain('Key figures')
    expect(page).toContain('class="no-print subnav"')
    expect(page).toContain('A mention counts in the month it was created')
  })
})

describe('JSON API', () => {
  const api = (path: string, init: RequestInit = {}) =>
    w.app.request(path, {
      ...init,
      headers: {
        authorization: `Bearer ${w.a.token}`,
        ...(init.headers as Record<string, string>),
      },
    })

  it('serves practices, metrics, ranking, inbox, mentions and mention detail', async () => {
    const practices = await (await api('/api/v1/practices')).json()
    expect(practices.practices).toHaveLength(2)
    const metrics = await (
      await api(`/api/v1/practices/${w.a.practice1}/metrics?from=2026-11-01&to=2026-11-21`)
    ).json()
    expect(metrics.summary).toMatchObject({ practiceId: w.a.practice1 })
    expect(metrics.summary.inbound).toBeGreaterThan(0)
    expect(metrics.charts.buckets.labels).toHaveLength(5)
    const ranking = await (await api('/api/v1/ranking?sort=backlog')).json()
    expect(ranking.ranking).toHaveLength(2)
    expect(ranking.ranking[0].backlog).toBeLessThanOrEqual(ranking.ranking[1].backlog)
    expect(Object.keys(ranking.ranking[0].benchmark)).toEqual(
      expect.arrayContaining(['compliance', 'responseRate', 'openCount', 'daysSinceLastPost']),
    )
    const byCompliance = await (await api('/api/v1/ranking')).json()
    const ranks = byCompliance.ranking
      .map((r: { rank: number | null }) => r.rank)
      .filter((r: number | null) => r !== null)
    expect([...ranks].sort()).toEqual(ranks)
    const inbox = await (await api('/api/v1/inbox?order=due')).json()
    const dues = inbox.items.map((i: { dueAt: string }) => i.dueAt)
    expect([...dues].sort()).toEqual(dues)
    // Default order: urgent pinned on top; one item per page still reaches every item, with true totals.
    const first = await (await api('/api/v1/inbox?limit=1')).json()
    expect(first.order).toBe('saveable')
    expect(first.items[0].urgent).toBe(inbox.items.some((i: { urgent: boolean }) => i.urgent))
    expect(first.totals.total).toBe(inbox.items.length)
    const seen: string[] = first.items.map((i: { id: string }) => i.id)
    let cursor: string | null = first.nextCursor
    while (cursor) {
      const next = await (await api(`/api/v1/inbox?limit=1&cursor=${cursor}`)).json()
      expect(next.asOf).toBe(first.asOf)
      seen.push(...next.items.map((i: { id: string }) => i.id))
      cursor = next.nextCursor
    }
    expect([...seen].sort()).toEqual(inbox.items.map((i: { id: string }) => i.id).sort())
    expect((await api('/api/v1/inbox?cursor=forged')).status).toBe(400)
    expect((await api('/api/v1/inbox?status=met')).status).toBe(400)
    const search = await (await api('/api/v1/mentions?q=bulk&perPage=10')).json()
    expect(search.total).toBe(1)
    expect(search.items[0].text).toBe('Do you bulk bill on Saturdays?')
    const detail = await (await api(`/api/v1/mentions/${w.mentions.answered}`)).json()
    expect(detail.link.status).toBe('met')
    expect(detail.thread.length).toBeGreaterThanOrEqual(2)
    expect(detail.link.explanation).toBeTruthy()
  })

  it('answers invalid input with 400 and the issues', async () => {
    const res = await api('/api/v1/mentions?status=lost&perPage=9999')
    expect(res.status).toBe(400)
    const body = await res.json()
    expect(body.error.code).toBe('INVALID_INPUT')
    expect(body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'perPage',
      'status',
    ])
    expect(
      (await api(`/api/v1/practices/${w.a.practice1}/metrics?from=2026-12-01&to=2026-11-01`))
        .status,
    ).toBe(400)
    const badBody = await api(`/api/v1/mentions/${w.mentions.open}/overrides`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"action":"ignore"}',
    })
    expect(badBody.status).toBe(400)
    const notJson = await api(`/api/v1/mentions/${w.mentions.open}/overrides`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'nope',
    })
    expect(notJson.status).toBe(400)
  })

  it('records an override through the API and returns the mention as it is now', async () => {
    const res = await api(`/api/v1/mentions/${w.mentions.xssScript}/overrides`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        action: 'handled_elsewhere',
        handledAt: new Date(NOW.getTime() - 30 * 60_000).toISOString(),
        note: 'phoned',
      }),
    })
    expect(res.status).toBe(201)
    const body = await res.json()
    expect(body.link.status).toBe('met')
    expect(body.overrides[0]).toMatchObject({
      action: 'handled_elsewhere',
      actor: 'admin@a.example',
      note: 'phoned',
    })
    const inbox = await (await api('/api/v1/inbox')).json()
    expect(inbox.items.map((i: { id: string }) => i.id)).not.toContain(w.mentions.xssScript)
  })

  it('publishes an OpenAPI 3.1 document listing every API route', async () => {
    const res = await w.app.request('/api/v1/openapi.json')
    expect(res.status).toBe(200)
    const doc = JSON.parse(await res.text())
    expect(doc.openapi).toBe('3.1.0')
    const documented = new Set(
      Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
        Object.keys(ops).map(
          (m) => `${m.toUpperCase()} /api/v1${path.replace(/\{(\w+)\}/g, ':$1')}`,
        ),
      ),
    )
    const registered = w.app.routes
      .filter((r) => r.path.startsWith('/api/v1/') && r.method !== 'ALL')
      .map((r) => `${r.method} ${r.path}`)
    expect(registered.length).toBeGreaterThanOrEqual(9)
    for (const route of registered) expect(documented, route).toContain(route)
    const mentionsParams = doc.paths['/mentions'].get.parameters.map(
      (p: { name: string }) => p.name,
    )
    expect(mentionsParams).toEqual(
      expect.arrayContaining([
        'q',
        'practice',
        'channel',
        'category',
        'sentiment',
        'status',
        'from',
        'to',
        'page',
        'perPage',
      ]),
    )
  })
})

describe('webhooks', () => {
  it('hands the raw body to the webhook handler without session or CSRF', async () => {
    const seen: { platform: string; channelId: string | undefined; request: WebhookRequest }[] = []
    const app = w.makeApp({
      webhookHandler: async (_db, platform, channelId, request) => {
        seen.push({ platform, channelId, request })
        return { status: 200, body: '{"ok":true}', headers: { 'content-type': 'application/json' } }
      },
    })
    const raw = '{"entry":[{"id":"1"}],  "spacing":"kept"}'
    const res = await app.request(`/hooks/facebook/${w.a.channel1}?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=abc' },
      body: raw,
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true })
    expect(seen).toHaveLength(1)
    expect(seen[0]!.platform).toBe('facebook')
    expect(seen[0]!.channelId).toBe(w.a.channel1)
    expect(seen[0]!.request.body).toBe(raw)
    expect(seen[0]!.request.headers.get('x-hub-signature-256')).toBe('sha256=abc')
    const noChannel = await app.request('/hooks/facebook', { method: 'GET' })
    expect(noChannel.status).toBe(200)
    expect(seen[1]!.channelId).toBeUndefined()
  })

  it('uses the collectors handleWebhook by default (unknown platform → 404, bad signature → 401)', async () => {
    const unknown = await w.app.request('/hooks/myspace/x', { method: 'POST', body: '{}' })
    expect(unknown.status).toBe(404)
    const forged = await w.app.request(`/hooks/facebook/${w.a.channel1}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=00' },
      body: '{"object":"page","entry":[]}',
    })
    expect([401, 403]).toContain(forged.status)
  })

  it('refuses oversized payloads', async () => {
    const res = await w.app.request('/hooks/webchat/x', {
      method: 'POST',
      body: 'x'.repeat(1_000_001),
    })
    expect(res.status).toBe(413)
  })
})

describe('odd input', () => {
  it('answers malformed requests with 4xx, never a crash', async () => {
    const cases: [string, RequestInit | undefined][] = [
      ['/mentions/%E0%A4%A', undefined],
      ["/practices/'%3B%20drop%20table%20mentions%3B--", undefined],
      ['/mentions?page=abc', undefined],
      ['/mentions?page=-1', undefined],
      [`/practices/${w.a.practice1}/report?month=2026-13`, undefined],
      ['/exports/mentions.csv?from=2026-02-30', undefined],
      ['/api/v1/mentions?from=yesterday', undefined],
      ['/api/v1/mentions?q=' + 'x'.repeat(500), undefined],
    ]
    for (const [path, init] of cases) {
      const res = await admin.request(path, init)
      expect(res.status, path).toBeLessThan(500)
    }
    const multipart = new FormData()
    multipart.set('_csrf', admin.csrf)
    multipart.set('action', 'handled_elsewhere')
    multipart.set('handled_at', '2026-11-20T13:59')
    multipart.set('note', 'n'.repeat(600))
    const tooLong = await admin.request(`/mentions/${w.mentions.open}/override`, {
      method: 'POST',
      body: multipart,
    })
    expect(tooLong.status).toBe(400)
    const jsonLogin = await w.app.request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":"admin@a.example"}',
    })
    expect(jsonLogin.status).toBe(403)
  })
})

// Last: it adds mentions to the shared world.
describe('spike alerts', () => {
  it('raises an alert on the overview, the practice page and the API when negative mentions spike', async () => {
    expect((await (await admin.get('/api/v1/alerts')).json()).alerts).toEqual([])
    const items = Array.from({ length: 8 }, (_, i) => ({
      channelId: w.a.channel2,
      externalId: `spike-${i}`,
      kind: 'review',
      author: { id: `angry-${i}`, name: `Angry ${i}` },
      text: `Awful and rude service ${i}`,
      rating: 1,
      createdAt: new Date(NOW.getTime() - (i + 1) * 60 * 60_000).toISOString(),
    }))
    await ingest(w.db, items, { organisationId: w.a.orgId, enricher: testEnricher, now: NOW })
    const alerts = (await (await admin.get('/api/v1/alerts')).json()).alerts
    expect(
      alerts.map((a: { practiceId: string; kind: string }) => [a.practiceId, a.kind]),
    ).toContainEqual([w.a.practice2, 'negative'])
    expect(await html('/')).toContain('Spike alert.')
    // Eight new reviews plus the fixture's "rude" review, against a quiet week.
    expect(await html(`/practices/${w.a.practice2}`)).toMatch(
      /Bondi Physio: 9 negative mentions in the last 24 hours \(usually 0\.0 a day\)/,
    )
    expect(await html(`/practices/${w.a.practice1}`)).not.toContain('Spike alert.')
    const manager = await signIn(w.app, 'manager@a.example')
    expect((await (await manager.get('/api/v1/alerts')).json()).alerts).toEqual([])
    expect((await manager.get(`/api/v1/alerts?practice=${w.a.practice2}`)).status).toBe(404)
  })
})
