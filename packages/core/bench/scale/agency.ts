/**
 * @module bench:scale's agency part (issue 12): the agency comparison of all 2,000 practices and
 * of a 40-practice organisation over 30 days, the practice overview (30 days and 12 months), and
 * `scale.figures_agree` (rollups against the raw rows) — each next to the hand-written SQL over
 * the same raw rows in the same run; `scale.figures_agree` also requires the practice-day path
 * to equal the per-channel rollup path exactly. `EARSHOT_BENCH_EXPLAIN=1` also prints EXPLAIN (ANALYZE,
 * BUFFERS) of the rollup statements (docs/performance.md keeps them).
 */
import { type Kysely, sql } from 'kysely'
import { getMetrics, type MetricsRow } from '../../src/metrics/get-metrics.js'
import { getOrganisationRanking } from '../../src/metrics/get-organisation-ranking.js'
import { PERCENTILE_ERROR_BOUND } from '../../src/metrics/rollup-histogram.js'
import type { Database } from '../../src/storage/database.js'
import { metric, mid, p95, times } from './bench-timing.js'

const DAY = 86_400_000

export interface AgencyBenchContext {
  db: Kysely<Database>
  agency: string
  smallOrg: string
  practices: readonly { org: string; id: string }[]
  agencyPractices: number
  /** The end of the seeded year (a local midnight for every practice). */
  end: Date
  now: Date
  runs: number
}

export async function agencyBench(ctx: AgencyBenchContext): Promise<void> {
  const { db, agency, practices, now: NOW, end: END } = ctx
  const RUNS = ctx.runs
  const AGENCY_PRACTICES = ctx.agencyPractices
  const small = ctx.smallOrg
  const from30 = new Date(END.getTime() - 30 * DAY)
  // ---- agency comparison
  const agencyQuery = { organisationId: agency, from: from30, to: END, now: NOW }
  const agencyMs = await times(RUNS, () => getOrganisationRanking(db, agencyQuery))
  const agencyRawMs = await times(Math.min(RUNS, 5), () =>
    getOrganisationRanking(db, { ...agencyQuery, source: 'raw' }),
  )
  const agencyHandMs = await times(Math.min(RUNS, 5), () =>
    handwrittenPractices(NOW, agency, from30, END).execute(db),
  )
  metric('scale.agency_2000_ms', mid(agencyMs))
  metric('scale.agency_2000_p95_ms', p95(agencyMs))
  metric('scale.agency_2000_raw_ms', mid(agencyRawMs))
  metric('scale.agency_2000_handwritten_ms', mid(agencyHandMs))
  const smallMs = await times(RUNS, () =>
    getOrganisationRanking(db, { ...agencyQuery, organisationId: small }),
  )
  const smallHandMs = await times(RUNS, () =>
    handwrittenPractices(NOW, small, from30, END).execute(db),
  )
  metric('scale.agency_40_ms', mid(smallMs))
  metric('scale.agency_40_handwritten_ms', mid(smallHandMs))

  // ---- practice overview (the dashboard's: weeks and channels, 30 days), on different practices
  const overview = (i: number) => {
    const p = practices[(i * 37) % AGENCY_PRACTICES]!
    const q = {
      organisationId: p.org,
      practiceIds: [p.id],
      from: from30,
      to: END,
      now: NOW,
      source: 'auto' as const,
    }
    return Promise.all([
      getMetrics(db, { ...q, groupBy: 'week' }),
      getMetrics(db, { ...q, groupBy: 'channel' }),
    ])
  }
  // A serving process's pooled connections have run these statements many times, so PostgreSQL
  // plans them once (its generic plan, after five custom ones per connection; src/metrics/
  // prepared-read.ts): the bench's pool of four is warmed the same way before it is timed.
  for (let i = 0; i < 40; i++) await overview(i)
  const overviewMs = await times(RUNS, overview)
  const overviewHandMs = await times(RUNS, (i) => {
    const p = practices[(i * 37) % AGENCY_PRACTICES]!
    return handwrittenPractices(NOW, p.org, from30, END, p.id).execute(db)
  })
  metric('scale.practice_p95_ms', p95(overviewMs))
  metric('scale.practice_median_ms', mid(overviewMs))
  metric('scale.practice_handwritten_ms', mid(overviewHandMs))
  metric('scale.practice_vs_handwritten', mid(overviewMs) / mid(overviewHandMs), 2)

  // ---- agreement: rollups against the raw rows for the whole agency and 30 days
  const [rolled, raw] = await Promise.all([
    getMetrics(db, { ...agencyQuery, groupBy: 'practice', source: 'rollups' }),
    getMetrics(db, { ...agencyQuery, groupBy: 'practice', source: 'raw' }),
  ])
  const agree = [
    [rolled.total, raw.total] as const,
    ...rolled.rows.map((r, i) => [r, raw.rows[i]!] as const),
  ].every(([a, b]) => sameFigures(a, b))
  // That read goes through the practice-day rows (mention_practice_days); the same query naming
  // every channel goes through the per-channel rollups and histograms. The two must agree
  // exactly, percentiles included (sentiment mean to 1e-9: float sums in another order).
  const channels = await sql<{ id: string }>`
    select id from channels where organisation_id = ${agency}`.execute(db)
  const detailed = await getMetrics(db, {
    ...agencyQuery,
    groupBy: 'practice',
    source: 'rollups',
    channelIds: channels.rows.map((c) => c.id),
  })
  const exact =
    detailed.rows.length === rolled.rows.length &&
    [
      [rolled.total, detailed.total] as const,
      ...rolled.rows.map((r, i) => [r, detailed.rows[i]!] as const),
    ].every(([a, b]) => sameExactly(a, b))
  metric('scale.practice_days_exact', exact ? 1 : 0, 0)
  metric('scale.figures_agree', agree && exact ? 1 : 0, 0)
}

/** Every figure equal, the sentiment mean to 1e-9. */
function sameExactly(a: MetricsRow, b: MetricsRow): boolean {
  const { sentimentMean: x, ...restA } = a
  const { sentimentMean: y, ...restB } = b
  if ((x === null) !== (y === null)) return false
  if (x !== null && y !== null && Math.abs(x - y) > 1e-9) return false
  return JSON.stringify(restA) === JSON.stringify(restB)
}

function sameFigures(a: MetricsRow, b: MetricsRow): boolean {
  const counts = [
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
    'posts',
  ] as const
  if (!counts.every((k) => a[k] === b[k])) return false
  return (['medianWallMs', 'p90WallMs', 'medianBusinessMs', 'p90BusinessMs'] as const).every(
    (k) => {
      const x = a[k]
      const y = b[k]
      if (x === null || y === null) return x === y
      return (
        Math.abs(x - y) <=
        PERCENTILE_ERROR_BOUND.relative * Math.abs(y) + PERCENTILE_ERROR_BOUND.absoluteMs + 1e-6
      )
    },
  )
}

/** The headline figures per practice over raw rows, written by hand as one flat aggregate. */
function handwrittenPractices(now: Date, org: string, from: Date, to: Date, practiceId?: string) {
  return sql`
select m.practice_id,
  count(*) filter (where m.direction = 'inbound') as inbound,
  count(*) filter (where rl.outcome = 'met') as met,
  count(*) filter (where rl.outcome = 'missed') as missed,
  count(*) filter (where rl.outcome is null and rl.needs_reply and rl.exempt_reason is null and ${now.toISOString()}::timestamptz >= rl.due_at) as breached,
  percentile_cont(0.5) within group (order by rl.business_ms) filter (where rl.outcome is not null) as median_business_ms,
  percentile_cont(0.9) within group (order by rl.business_ms) filter (where rl.outcome is not null) as p90_business_ms,
  count(*) filter (where m.direction = 'outbound' and m.kind = 'post') as posts
from mentions m
left join response_links rl on rl.organisation_id = m.organisation_id and rl.inbound_id = m.id
where m.organisation_id = ${org} and not m.is_tombstone
  and m.created_at >= ${from.toISOString()}::timestamptz and m.created_at < ${to.toISOString()}::timestamptz
  ${practiceId ? sql`and m.practice_id = ${practiceId}` : sql``}
group by m.practice_id`
}
