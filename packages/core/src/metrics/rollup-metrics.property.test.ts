import fc from 'fast-check'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../../test/databases.js'
import {
  comment,
  keywordEnricher,
  SYDNEY_WEEKDAYS,
  sydneyPractice,
} from '../../test/ingest-fixtures.js'
import { ingest } from '../pipeline/ingest.js'
import { recordOverride } from '../pipeline/record-override.js'
import { reevaluatePractice } from '../pipeline/reevaluate.js'
import { saveSchedule } from '../repositories/practice-policy.js'
import type { EarshotDatabase } from '../storage/open-database.js'
import { getMetrics, type MetricGrouping, type MetricsRow } from './get-metrics.js'
import { rebuildRollups } from './rebuild-rollups.js'
import { PERCENTILE_ERROR_BOUND } from './rollup-histogram.js'
import { practiceDaysServe } from './rollup-metrics-sql.js'

// Local midnights in Sydney (UTC+11 in November): Monday 23 to Monday 30 November.
const FROM = new Date('2026-11-22T13:00:00Z')
const TO = new Date('2026-11-29T13:00:00Z')
const NOW = new Date('2026-12-01T00:00:00Z')
// Friday 27 November, 10:00 in Sydney: inside the period, in business hours.
const INSIDE = new Date('2026-11-26T23:00:00Z')
const MIN = 60_000
const SPAN_MIN = (TO.getTime() - FROM.getTime()) / MIN

type Op =
  | { type: 'question'; at: number; needsReply: boolean }
  | { type: 'reply'; to: number; delayMin: number }
  | { type: 'delete'; of: number }
  | {
      type: 'override'
      of: number
      action: 'no_reply_needed' | 'needs_reply' | 'handled_elsewhere'
    }
  | { type: 'reschedule'; closeAt: '17:00' | '12:00' }
  | { type: 'rebuild' }

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant('question' as const),
      at: fc.integer({ min: -24 * 60, max: SPAN_MIN + 24 * 60 }),
      needsReply: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('reply' as const),
      to: fc.nat(),
      delayMin: fc.oneof(
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 0, max: 10 * 24 * 60 }),
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('delete' as const), of: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('override' as const),
      of: fc.nat(),
      action: fc.constantFrom(
        'no_reply_needed' as const,
        'needs_reply' as const,
        'handled_elsewhere' as const,
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('reschedule' as const),
      closeAt: fc.constantFrom('17:00' as const, '12:00' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('rebuild' as const) }) },
)

const COUNTS = [
  'inbound',
  'outbound',
  'repliesSent',
  'needingReply',
  'answered',
  'exempt',
  'met',
  'missed',
  'breached',
  'atRisk',
  'pending',
  'openCount',
  'sentimentLabelled',
  'posts',
] as const satisfies readonly (keyof MetricsRow)[]
const PERCENTILES = ['medianWallMs', 'p90WallMs', 'medianBusinessMs', 'p90BusinessMs'] as const

function expectAgree(raw: MetricsRow, rolled: MetricsRow, where: string): void {
  for (const k of COUNTS) expect(rolled[k], `${where} ${k}`).toBe(raw[k])
  expect(rolled.wallBuckets, `${where} wallBuckets`).toEqual(raw.wallBuckets)
  expect(rolled.businessBuckets, `${where} businessBuckets`).toEqual(raw.businessBuckets)
  expect(rolled.oldestOpenAgeSeconds, `${where} oldest`).toBe(raw.oldestOpenAgeSeconds)
  expect(rolled.lastPostAt?.getTime(), `${where} lastPostAt`).toBe(raw.lastPostAt?.getTime())
  for (const k of ['responseRate', 'compliance', 'sentimentMean'] as const) {
    if (raw[k] === null) expect(rolled[k], `${where} ${k}`).toBeNull()
    else expect(rolled[k], `${where} ${k}`).toBeCloseTo(raw[k]!, 9)
  }
  for (const k of PERCENTILES) {
    const exact = raw[k]
    if (exact === null) {
      expect(rolled[k], `${where} ${k}`).toBeNull()
      continue
    }
    const bound =
      PERCENTILE_ERROR_BOUND.relative * Math.abs(exact) + PERCENTILE_ERROR_BOUND.absoluteMs
    expect(
      Math.abs(rolled[k]! - exact),
      `${where} ${k} ${rolled[k]} vs ${exact}`,
    ).toBeLessThanOrEqual(bound + 1e-6)
  }
}

describe.each(testDatabases())('rollups on $name', (database) => {
  let handle: EarshotDatabase
  beforeAll(async () => {
    handle = await database.open()
  })
  afterAll(async () => {
    await handle.close()
  })

  it('equal the raw-row figures after any sequence of ingests, late replies, deletions, overrides, schedule recomputes and rebuilds', async () => {
    // So the property cannot pass vacuously: some runs must reach answered and open mentions.
    let sawAnswered = false
    let sawOpen = false
    let sawLive = false
    let sawPracticeDayPercentile = false
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), async (ops) => {
        const db = handle.db
        const { org, practice, channel } = await sydneyPractice(db)
        const questions: { id: string; at: number }[] = []
        const options = { enricher: keywordEnricher, now: NOW }
        for (const [i, o] of ops.entries()) {
          const stamp = (min: number) => new Date(FROM.getTime() + min * MIN).toISOString()
          if (o.type === 'question') {
            const id = `q${i}`
            questions.push({ id, at: o.at })
            await ingest(
              db,
              [comment(channel.id, id, stamp(o.at), o.needsReply ? 'open today?' : 'thanks')],
              options,
            )
          } else if (o.type === 'rebuild') {
            await rebuildRollups(db, { organisationId: org.id })
          } else if (questions.length === 0) {
          } else if (o.type === 'reply') {
            const q = questions[o.to % questions.length]!
            await ingest(
              db,
              [
                comment(channel.id, `r${i}`, stamp(q.at + o.delayMin), 'yes', {
                  thread: q.id,
                  byPage: true,
                }),
              ],
              options,
            )
          } else if (o.type === 'delete') {
            const q = questions[o.of % questions.length]!
            await ingest(
              db,
              [
                {
                  channelId: channel.id,
                  externalId: q.id,
                  deleted: true,
                  deletedAt: NOW.toISOString(),
                },
              ],
              options,
            )
          } else if (o.type === 'override') {
            const q = questions[o.of % questions.length]!
            const row = await db
              .selectFrom('mentions')
              .select('id')
              .where('organisation_id', '=', org.id)
              .where('external_id', '=', q.id)
              .executeTakeFirstOrThrow()
            await recordOverride(db, {
              organisationId: org.id,
              mentionId: row.id,
              action: o.action,
              actor: 'test',
              now: NOW,
              enricher: keywordEnricher,
              ...(o.action === 'handled_elsewhere'
                ? { handledAt: new Date(FROM.getTime() + (q.at + 90) * MIN) }
                : {}),
            })
          } else {
            const weekly = Object.fromEntries(
              Object.keys(SYDNEY_WEEKDAYS.weekly).map((d) => [
                d,
                [{ start: '08:00', end: o.closeAt }],
              ]),
            )
            await saveSchedule(
              db,
              org.id,
              practice.id,
              { ...SYDNEY_WEEKDAYS, weekly },
              { effectiveFrom: new Date('2026-01-01T00:00:00Z') },
            )
            await reevaluatePractice(db, org.id, practice.id, {
              enricher: keywordEnricher,
              now: NOW,
            })
          }
        }
        const channelIds = await sql<{ id: string }>`
          select id from channels where organisation_id = ${org.id}`.execute(db)
        for (const groupBy of [undefined, 'day', 'week', 'category', 'channel', 'practice'] as (
          | MetricGrouping
          | undefined
        )[]) {
          const q = {
            organisationId: org.id,
            from: FROM,
            to: TO,
            now: NOW,
            ...(groupBy ? { groupBy } : {}),
          }
          // Read as of after the period (open items breached) and as of inside it (open items
          // still pending or at risk: the split the rollups read live).
          for (const now of [NOW, INSIDE]) {
            const raw = await getMetrics(db, { ...q, now, source: 'raw' })
            const rolled = await getMetrics(db, { ...q, now, source: 'rollups' })
            expectAgree(raw.total, rolled.total, `${groupBy ?? 'none'} total`)
            sawAnswered ||= raw.total.answered > 0 && raw.total.medianBusinessMs !== null
            sawOpen ||= raw.total.openCount > 0
            sawLive ||= raw.total.pending + raw.total.atRisk > 0
            expect(rolled.rows.map((r) => r.key)).toEqual(raw.rows.map((r) => r.key))
            for (const [j, r] of raw.rows.entries())
              expectAgree(r, rolled.rows[j]!, `${groupBy} ${r.key}`)
            if (practiceDaysServe(q, groupBy ?? null)) {
              // The practice-day path against the histogram path (a filter naming every channel
              // keeps the same rows but takes the per-channel rollups): the same figures, the
              // percentiles to the bit.
              const detailed = await getMetrics(db, {
                ...q,
                now,
                source: 'rollups',
                channelIds: channelIds.rows.map((c) => c.id),
              })
              expect(practiceDaysServe({ ...q, channelIds: ['x'] }, groupBy ?? null)).toBe(false)
              for (const [a, b] of [
                [rolled.total, detailed.total] as const,
                ...rolled.rows.map((r, j) => [r, detailed.rows[j]!] as const),
              ]) {
                const { sentimentMean: sa, ...restA } = a
                const { sentimentMean: sb, ...restB } = b
                expect(restA, `${groupBy} ${a.key} practice days`).toEqual(restB)
                if (sb === null) expect(sa).toBeNull()
                else expect(sa).toBeCloseTo(sb, 12)
              }
              sawPracticeDayPercentile ||= rolled.total.p90BusinessMs !== null
            }
          }
        }
      }),
      { numRuns: 15, seed: 20261202 },
    )
    expect(sawAnswered).toBe(true)
    expect(sawOpen).toBe(true)
    expect(sawLive).toBe(true)
    expect(sawPracticeDayPercentile).toBe(true)
  })
})
