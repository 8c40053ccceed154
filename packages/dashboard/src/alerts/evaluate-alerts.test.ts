import type { EarshotDatabase } from '@earshot/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { alertTestDatabases, createAlertWorld } from '../test-support/alert-fixtures.js'
import { alertsDb } from './alert-tables.js'
import { evaluateAlerts } from './evaluate-alerts.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
// Wednesday 2 Dec 2026, 11:00 in Sydney (open).
const NOW = new Date('2026-12-02T00:00:00Z')
const ago = (ms: number) => new Date(NOW.getTime() - ms)
const LONG_AGO = new Date('2026-01-01T00:00:00Z')

describe.each(alertTestDatabases())('evaluateAlerts ($name)', (target) => {
  let database: EarshotDatabase
  beforeAll(async () => {
    database = await target.open()
  })
  afterAll(async () => {
    await database.close()
  })

  async function alertsOf(orgId: string) {
    return alertsDb(database.db)
      .selectFrom('alerts')
      .select(['rule', 'subject_key', 'mention_id', 'detail', 'due_at'])
      .where('organisation_id', '=', orgId)
      .orderBy('rule')
      .orderBy('subject_key')
      .execute()
  }

  it('fires one alert per mention per rule, and re-running adds nothing', async () => {
    const w = await createAlertWorld(database.db, { createdAt: LONG_AGO })
    const [atRisk, breached, urgent, privacy, review] = await w.post(
      [
        { text: 'Do you open Saturday?', createdAt: ago(100 * MINUTE) },
        { text: 'Can I book a flu shot?', createdAt: ago(5 * HOUR) },
        { text: 'urgent: 9 weeks and bleeding', createdAt: ago(10 * MINUTE) },
        { text: 'my medication ran out', createdAt: ago(5 * MINUTE) },
        { text: 'awful wait', kind: 'review', rating: 1, createdAt: ago(30 * MINUTE) },
      ],
      NOW,
    )
    const first = await evaluateAlerts(database.db, { now: NOW, organisationId: w.orgId })
    const rows = await alertsOf(w.orgId)
    const pairs = rows.map((r) => `${r.rule}:${r.mention_id}`).sort()
    expect(pairs).toContain(`sla_at_risk:${atRisk}`)
    expect(pairs).toContain(`sla_breached:${breached}`)
    expect(pairs).toContain(`urgent:${urgent}`)
    expect(pairs).toContain(`privacy:${privacy}`)
    expect(pairs).toContain(`low_rating:${review}`)
    expect(pairs).not.toContain(`sla_breached:${atRisk}`)
    expect(first.created).toHaveLength(rows.length)
    // No patient text is copied into an alert.
    expect(JSON.stringify(rows)).not.toMatch(/bleeding|medication|awful|flu shot/)

    const again = await evaluateAlerts(database.db, { now: NOW, organisationId: w.orgId })
    expect(again.created).toEqual([])
    // Later, the at-risk mention is breached too: a new alert of the other rule, not a repeat.
    const later = await evaluateAlerts(database.db, {
      now: new Date(NOW.getTime() + 2 * HOUR),
      organisationId: w.orgId,
    })
    const laterRows = await alertsOf(w.orgId)
    expect(later.created.length).toBeGreaterThan(0)
    expect(
      laterRows
        .filter((r) => r.mention_id === atRisk)
        .map((r) => r.rule)
        .sort(),
    ).toEqual(['sla_at_risk', 'sla_breached'])
  })

  it('concurrent evaluators insert each alert exactly once', async () => {
    const w = await createAlertWorld(database.db, { createdAt: LONG_AGO })
    await w.post(
      Array.from({ length: 12 }, (_, i) => ({
        text: i % 2 ? 'urgent help please' : 'When are you open?',
        createdAt: ago((3 + i) * HOUR),
      })),
      NOW,
    )
    const runs = await Promise.all(
      Array.from({ length: 4 }, () =>
        evaluateAlerts(database.db, { now: NOW, organisationId: w.orgId }),
      ),
    )
    const created = runs.flatMap((r) => r.created)
    const rows = await alertsOf(w.orgId)
    expect(rows.length).toBeGreaterThan(12)
    expect(new Set(created).size).toBe(created.length)
    expect(created).toHaveLength(rows.length)
  })

  it('a practice rule overrides the organisation default, which overrides the built-in one', async () => {
    const w = await createAlertWorld(database.db, { createdAt: LONG_AGO })
    await w.post([{ text: 'awful', kind: 'review', rating: 3, createdAt: ago(HOUR) }], NOW)
    const db = alertsDb(database.db)
    // The organisation raises the low-star threshold to 3; the practice turns breaches off.
    await db
      .insertInto('alert_rules')
      .values([
        {
          organisation_id: w.orgId,
          id: 'r1',
          practice_id: null,
          rule: 'low_rating',
          enabled: true,
          params: JSON.stringify({ maxStars: 3 }),
          updated_at: NOW,
        },
        {
          organisation_id: w.orgId,
          id: 'r2',
          practice_id: w.practiceId,
          rule: 'sla_breached',
          enabled: false,
          params: '{}',
          updated_at: NOW,
        },
      ])
      .execute()
    await evaluateAlerts(database.db, {
      now: new Date(NOW.getTime() + 5 * HOUR),
      organisationId: w.orgId,
    })
    const rules = (await alertsOf(w.orgId)).map((r) => r.rule)
    expect(rules).toContain('low_rating')
    expect(rules).not.toContain('sla_breached')
  })

  it('a new practice is neither spiking nor quiet; an established one is, once per window', async () => {
    const fresh = await createAlertWorld(database.db, { createdAt: ago(DAY) })
    const burst = Array.from({ length: 8 }, (_, i) => ({
      text: `awful service ${i}`,
      createdAt: ago((i + 1) * HOUR),
    }))
    await fresh.post(burst, NOW)
    await evaluateAlerts(database.db, { now: NOW, organisationId: fresh.orgId })
    const freshRules = (await alertsOf(fresh.orgId)).map((r) => r.rule)
    expect(freshRules).not.toContain('spike_negative')
    expect(freshRules).not.toContain('page_quiet')

    const old = await createAlertWorld(database.db, { createdAt: LONG_AGO })
    // A quiet baseline week (one negative post a day), then a burst.
    await old.post(
      [
        ...Array.from({ length: 7 }, (_, d) => ({
          text: `awful ${d}`,
          createdAt: ago((d + 1) * DAY + 2 * HOUR),
        })),
        ...burst,
      ],
      NOW,
    )
    await evaluateAlerts(database.db, { now: NOW, organisationId: old.orgId })
    await evaluateAlerts(database.db, {
      now: new Date(NOW.getTime() + HOUR),
      organisationId: old.orgId,
    })
    const spikes = (await alertsOf(old.orgId)).filter((r) => r.rule === 'spike_negative')
    expect(spikes).toHaveLength(1)
    expect(spikes[0]!.detail).toMatchObject({ count: 8 })
  })

  it('a page quiet for N days fires once per quiet episode', async () => {
    const w = await createAlertWorld(database.db, { createdAt: LONG_AGO })
    await w.post(
      [{ text: 'Flu shots now', own: true, kind: 'post', createdAt: ago(20 * DAY) }],
      NOW,
    )
    await evaluateAlerts(database.db, { now: NOW, organisationId: w.orgId })
    await evaluateAlerts(database.db, {
      now: new Date(NOW.getTime() + 3 * DAY),
      organisationId: w.orgId,
    })
    const quiet = (await alertsOf(w.orgId)).filter((r) => r.rule === 'page_quiet')
    expect(quiet).toHaveLength(1)
    expect(quiet[0]!.detail).toMatchObject({ quietDays: 14 })
  })

  it('a channel in error or needing reconnection fires once per failure episode', async () => {
    const w = await createAlertWorld(database.db, { createdAt: LONG_AGO })
    await database.db
      .updateTable('channels')
      .set({ status: 'needs_reauth', last_error_at: ago(HOUR), last_error: 'token expired' })
      .where('organisation_id', '=', w.orgId)
      .execute()
    await evaluateAlerts(database.db, { now: NOW, organisationId: w.orgId })
    await evaluateAlerts(database.db, {
      now: new Date(NOW.getTime() + HOUR),
      organisationId: w.orgId,
    })
    const failing = (await alertsOf(w.orgId)).filter((r) => r.rule === 'collector_failing')
    expect(failing).toHaveLength(1)
    expect(failing[0]!.detail).toMatchObject({ status: 'needs_reauth', platform: 'facebook' })
  })
})
