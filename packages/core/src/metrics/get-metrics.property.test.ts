import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshOrganisation, testDatabases } from '../../test/databases.js'
import {
  type SeedMention,
  seedChannel,
  seedMentions,
  seedPractice,
} from '../../test/seed-mentions.js'
import type { EarshotDatabase } from '../storage/open-database.js'
import { getMetrics, type MetricsRow } from './get-metrics.js'

const FROM = new Date('2026-03-01T00:00:00Z')
const TO = new Date('2026-03-08T00:00:00Z')
const NOW = new Date('2026-03-09T00:00:00Z')
const MIN = 60_000
const H = 60 * MIN

type LinkSpec =
  | { type: 'none' }
  | { type: 'exempt' }
  | { type: 'answered'; wallMs: number; businessShare: number; dueAfterMin: number }
  | { type: 'open'; dueAfterMin: number }

interface InboundSpec {
  practice: 0 | 1
  channel: 0 | 1
  /** Minutes after FROM; some fall before the period or after it, and some on its edges. */
  at: number
  link: LinkSpec
  score: number | null
  label: 'negative' | 'neutral' | 'positive' | null
}

const PERIOD_MIN = (TO.getTime() - FROM.getTime()) / MIN

const inboundSpec: fc.Arbitrary<InboundSpec> = fc.record({
  practice: fc.constantFrom(0 as const, 1 as const),
  channel: fc.constantFrom(0 as const, 1 as const),
  at: fc.oneof(
    fc.integer({ min: -2 * 24 * 60, max: PERIOD_MIN + 24 * 60 }),
    fc.constantFrom(0, PERIOD_MIN, PERIOD_MIN - 1),
  ),
  link: fc.oneof(
    fc.constant({ type: 'none' as const }),
    fc.constant({ type: 'exempt' as const }),
    fc.record({
      type: fc.constant('answered' as const),
      wallMs: fc.oneof(
        fc.integer({ min: 0, max: 3 * 24 * 60 }).map((m) => m * MIN),
        fc.constantFrom(H, 4 * H, 8 * H, 24 * H),
      ),
      businessShare: fc.constantFrom(0, 0.25, 0.5, 1),
      dueAfterMin: fc.integer({ min: 1, max: 48 * 60 }),
    }),
    fc.record({
      type: fc.constant('open' as const),
      dueAfterMin: fc.integer({ min: 1, max: 5 * 24 * 60 }),
    }),
  ),
  // Scores a float4 column stores exactly, so the oracle's mean is exact too.
  score: fc.option(
    fc.integer({ min: -4, max: 4 }).map((n) => n / 4),
    { nil: null },
  ),
  label: fc.constantFrom('negative' as const, 'neutral' as const, 'positive' as const, null),
})

const postSpec = fc.record({
  practice: fc.constantFrom(0 as const, 1 as const),
  at: fc.integer({ min: -30 * 24 * 60, max: PERIOD_MIN + 24 * 60 }),
})

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null
  const pos = p * (sorted.length - 1)
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!)
}

/** What getMetrics must say about `inbound` and `posts`, computed the slow, obvious way. */
function oracle(inbound: InboundSpec[], posts: { at: number }[]) {
  const inPeriod = (at: number) => at >= 0 && at < PERIOD_MIN
  const rows = inbound.filter((m) => inPeriod(m.at))
  const status = (m: InboundSpec) => {
    if (m.link.type === 'none') return null
    if (m.link.type === 'exempt') return 'exempt'
    if (m.link.type === 'answered')
      return m.link.wallMs <= m.link.dueAfterMin * MIN ? 'met' : 'missed'
    const due = FROM.getTime() + (m.at + m.link.dueAfterMin) * MIN
    if (NOW.getTime() >= due) return 'breached'
    if (NOW.getTime() >= due - 30 * MIN) return 'at_risk'
    return 'pending'
  }
  const count = (s: string) => rows.filter((m) => status(m) === s).length
  const answered = rows.filter((m) => m.link.type === 'answered') as (InboundSpec & {
    link: Extract<LinkSpec, { type: 'answered' }>
  })[]
  const wall = answered.map((m) => m.link.wallMs).sort((a, b) => a - b)
  const business = answered.map((m) => m.link.wallMs * m.link.businessShare).sort((a, b) => a - b)
  const buckets = (xs: number[]) => ({
    under1h: xs.filter((x) => x < H).length,
    from1to4h: xs.filter((x) => x >= H && x < 4 * H).length,
    from4to8h: xs.filter((x) => x >= 4 * H && x < 8 * H).length,
    from8to24h: xs.filter((x) => x >= 8 * H && x < 24 * H).length,
    over24h: xs.filter((x) => x >= 24 * H).length,
  })
  const met = count('met')
  const missed = count('missed')
  const breached = count('breached')
  const needing = met + missed + breached + count('pending') + count('at_risk')
  const scores = rows.flatMap((m) => (m.score === null ? [] : [m.score]))
  const labelled = rows.filter((m) => m.label !== null).length
  const share = (l: string) =>
    labelled === 0 ? null : rows.filter((m) => m.label === l).length / labelled
  const open = rows.filter((m) => ['pending', 'at_risk', 'breached'].includes(status(m) ?? ''))
  const lastPost = posts
    .filter((p) => FROM.getTime() + p.at * MIN <= NOW.getTime())
    .reduce<number | null>((a, p) => (a === null || p.at > a ? p.at : a), null)
  return {
    inbound: rows.length,
    needingReply: needing,
    answered: met + missed,
    exempt: count('exempt'),
    met,
    missed,
    breached,
    atRisk: count('at_risk'),
    pending: count('pending'),
    openCount: open.length,
    responseRate: needing === 0 ? null : (met + missed) / needing,
    compliance: met + missed + breached === 0 ? null : met / (met + missed + breached),
    oldestOpenAgeSeconds:
      open.length === 0
        ? null
        : (NOW.getTime() - FROM.getTime() - Math.min(...open.map((m) => m.at)) * MIN) / 1000,
    medianWallMs: percentile(wall, 0.5),
    p90WallMs: percentile(wall, 0.9),
    medianBusinessMs: percentile(business, 0.5),
    p90BusinessMs: percentile(business, 0.9),
    wallBuckets: buckets(wall),
    businessBuckets: buckets(business),
    sentimentMean: scores.length === 0 ? null : scores.reduce((a, b) => a + b, 0) / scores.length,
    sentimentLabelled: labelled,
    negativeShare: share('negative'),
    neutralShare: share('neutral'),
    positiveShare: share('positive'),
    posts: posts.filter((p) => inPeriod(p.at)).length,
    lastPostAt: lastPost === null ? null : new Date(FROM.getTime() + lastPost * MIN),
  }
}

function expectMatches(actual: MetricsRow, expected: ReturnType<typeof oracle>): void {
  for (const [key, value] of Object.entries(expected)) {
    const got = actual[key as keyof MetricsRow]
    if (typeof value === 'number' && typeof got === 'number') expect(got, key).toBeCloseTo(value, 6)
    else expect(got, key).toEqual(value)
  }
}

const SUMMED = [
  'inbound',
  'needingReply',
  'answered',
  'exempt',
  'met',
  'missed',
  'breached',
  'atRisk',
  'pending',
  'openCount',
  'posts',
  'outbound',
] as const

for (const database of testDatabases()) {
  describe(`${database.name}: getMetrics agrees with an oracle on random data`, () => {
    let handle: EarshotDatabase
    beforeAll(async () => {
      handle = await database.open()
    })
    afterAll(async () => {
      await handle?.close()
    })

    it('totals, per-practice and per-day rows match the oracle and add up', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(inboundSpec, { maxLength: 25 }),
          fc.array(postSpec, { maxLength: 6 }),
          async (inbound, posts) => {
            const db = handle.db
            const org = (await freshOrganisation(db)).id
            const practices = [
              await seedPractice(db, org, { name: 'Sydney', timeZone: 'Australia/Sydney' }),
              await seedPractice(db, org, { name: 'Los Angeles', timeZone: 'America/Los_Angeles' }),
            ]
            const channels = [
              [
                await seedChannel(db, org, practices[0]!, { name: 's0' }),
                await seedChannel(db, org, practices[0]!, { name: 's1' }),
              ],
              [
                await seedChannel(db, org, practices[1]!, { name: 'l0' }),
                await seedChannel(db, org, practices[1]!, { name: 'l1' }),
              ],
            ]
            const at = (min: number) => new Date(FROM.getTime() + min * MIN)
            for (const [p, list] of [0, 1].map(
              (p) => [p, inbound.filter((m) => m.practice === p)] as const,
            )) {
              for (const c of [0, 1]) {
                const seeds: SeedMention[] = list
                  .filter((m) => m.channel === c)
                  .map((m) => {
                    const created = at(m.at)
                    const link = m.link
                    return {
                      createdAt: created,
                      sentimentScore: m.score,
                      sentimentLabel: m.label,
                      ...(link.type === 'none'
                        ? {}
                        : link.type === 'exempt'
                          ? { link: { needsReply: false, exemptReason: 'no reply needed' } }
                          : link.type === 'answered'
                            ? {
                                link: {
                                  outcome:
                                    link.wallMs <= link.dueAfterMin * MIN
                                      ? ('met' as const)
                                      : ('missed' as const),
                                  wallMs: link.wallMs,
                                  businessMs: link.wallMs * link.businessShare,
                                  dueAt: at(m.at + link.dueAfterMin),
                                  respondedAt: new Date(created.getTime() + link.wallMs),
                                },
                              }
                            : {
                                link: {
                                  dueAt: at(m.at + link.dueAfterMin),
                                  atRiskAt: at(m.at + link.dueAfterMin - 30),
                                },
                              }),
                    }
                  })
                if (c === 0)
                  seeds.push(
                    ...posts
                      .filter((q) => q.practice === p)
                      .map((q) => ({
                        direction: 'outbound' as const,
                        kind: 'post' as const,
                        createdAt: at(q.at),
                      })),
                  )
                await seedMentions(db, org, practices[p]!, channels[p]![c]!, seeds)
              }
            }

            const query = { organisationId: org, from: FROM, to: TO, now: NOW }
            const total = (await getMetrics(db, query)).total
            expectMatches(total, oracle(inbound, posts))
            const byPractice = await getMetrics(db, { ...query, groupBy: 'practice' })
            for (const p of [0, 1] as const) {
              const row = byPractice.rows.find((r) => r.key === practices[p])!
              expectMatches(
                row,
                oracle(
                  inbound.filter((m) => m.practice === p),
                  posts.filter((q) => q.practice === p),
                ),
              )
            }
            for (const groupBy of ['day', 'week', 'channel'] as const) {
              const grouped = await getMetrics(db, { ...query, groupBy })
              for (const field of SUMMED) {
                expect(
                  grouped.rows.reduce((a, r) => a + r[field], 0),
                  `${groupBy} ${field}`,
                ).toBe(total[field])
              }
              expect(grouped.total).toEqual(total)
            }
          },
        ),
        { numRuns: 15 },
      )
    })
  })
}
