/**
 * @module The declarative stats query: one call returns every headline metric (volume, response
 * rate, compliance, response-time percentiles and buckets, backlog, sentiment, liveness) for a
 * period, optionally grouped by practice, channel, category, platform or calendar period. All
 * aggregation happens in one SQL statement; see docs/metrics.md for the exact definitions.
 */
import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely'
import { EarshotError } from '../errors.js'
import type { Database } from '../storage/database.js'
import { executeRead } from './prepared-read.js'
import { allOf, assertDate, assertPeriod, inList, timestampParam } from './query-helpers.js'
import { fillPracticeDayPercentiles, rollupMetricsSql } from './rollup-metrics-sql.js'
import { slaStatusSql } from './sla-status.js'

/** The dimensions {@link getMetrics} can group by. */
export const METRIC_GROUPINGS = [
  'practice',
  'channel',
  'category',
  'platform',
  'day',
  'week',
  'month',
] as const
export type MetricGrouping = (typeof METRIC_GROUPINGS)[number]

/** Groupings that are calendar periods, bucketed in each practice's own time zone. */
export const TIME_GROUPINGS = ['day', 'week', 'month'] as const
export type TimeGrouping = (typeof TIME_GROUPINGS)[number]

/** The label inbound mentions without a triage category are grouped under. */
export const UNCATEGORISED = 'uncategorised'

/** Upper bounds (exclusive, in ms) of the response-time buckets; the last bucket is open. */
export const RESPONSE_TIME_BUCKET_BOUNDS_MS = {
  under1h: 3_600_000,
  from1to4h: 4 * 3_600_000,
  from4to8h: 8 * 3_600_000,
  from8to24h: 24 * 3_600_000,
} as const

export interface MetricsQuery {
  /** The tenant. Every row read is filtered by it first. */
  organisationId: string
  /** Restrict to these practices. An empty list matches no practice (a user with no access). */
  practiceIds?: readonly string[]
  /** Restrict to these channels (empty or absent: all). */
  channelIds?: readonly string[]
  /** Restrict inbound mentions to these triage categories (empty or absent: all). Outbound figures are not filtered by category. */
  categories?: readonly string[]
  /** Restrict to these platforms (empty or absent: all). */
  platforms?: readonly string[]
  /** Start of the period (inclusive). */
  from: Date
  /** End of the period (exclusive). */
  to: Date
  /** The instant SLA statuses and ages are evaluated at (default: now). */
  now?: Date
  /** Group rows by this dimension; without it only the `total` row is computed. */
  groupBy?: MetricGrouping
  /**
   * Where the figures come from. `raw` (default) aggregates the mention rows; `rollups` reads the
   * daily rollups (exact counts, median and p90 within 1 % + 0.5 s; see docs/performance.md §
   * Rollups) and needs `from` and `to` on local midnight of every practice in scope; `auto` uses
   * the rollups when they cover the period and the raw rows otherwise.
   */
  source?: MetricsSource
}

/** See {@link MetricsQuery.source}. */
export type MetricsSource = 'raw' | 'rollups' | 'auto'

/** Answered mentions per response-time bucket: [0,1h), [1h,4h), [4h,8h), [8h,24h), [24h,∞). */
export interface ResponseTimeBuckets {
  under1h: number
  from1to4h: number
  from4to8h: number
  from8to24h: number
  over24h: number
}

/** Every metric for one group (or the total). Ratios are 0…1, `null` when their denominator is 0. */
export interface MetricsRow {
  /** Group key: practice id, channel id, category, platform, or the bucket's first local day (`YYYY-MM-DD`); `null` for the total. */
  key: string | null
  /** Human label: practice or channel name, otherwise the key; `null` for the total. */
  label: string | null
  /** Inbound mentions created in the period. */
  inbound: number
  /** Outbound mentions (the practice's own) created in the period. */
  outbound: number
  /** Outbound mentions created in the period that answered at least one inbound mention. */
  repliesSent: number
  /** Inbound mentions that need a reply (status other than exempt). */
  needingReply: number
  /** Inbound mentions answered (met + missed). */
  answered: number
  exempt: number
  met: number
  missed: number
  /** Unanswered and past due at `now`. */
  breached: number
  atRisk: number
  pending: number
  /** answered / needingReply. */
  responseRate: number | null
  /** met / (met + missed + breached). */
  compliance: number | null
  /** Backlog: unanswered, not exempt (pending + at_risk + breached). */
  openCount: number
  /** Age at `now` of the oldest open mention, in seconds. */
  oldestOpenAgeSeconds: number | null
  medianWallMs: number | null
  p90WallMs: number | null
  medianBusinessMs: number | null
  p90BusinessMs: number | null
  wallBuckets: ResponseTimeBuckets
  businessBuckets: ResponseTimeBuckets
  /** Mean sentiment score (−1…1) of inbound mentions that have one. */
  sentimentMean: number | null
  /** Inbound mentions with a sentiment label (the denominator of the shares). */
  sentimentLabelled: number
  negativeShare: number | null
  neutralShare: number | null
  positiveShare: number | null
  /** The practice's own posts (outbound, kind `post`) created in the period. */
  posts: number
  /** posts / (days in the period or bucket / 7). `null` where not attributable (category rows). */
  postsPerWeek: number | null
  /** The latest own post at or before `now`, all time. `null` if none or not attributable (category and calendar rows). */
  lastPostAt: Date | null
  /** Days (fractional) from `lastPostAt` to `now`. */
  daysSinceLastPost: number | null
}

export interface MetricsResult {
  groupBy: MetricGrouping | null
  from: Date
  to: Date
  now: Date
  /** One row per group, in label order (chronological for calendar groupings). Empty without `groupBy`. */
  rows: MetricsRow[]
  /** The same metrics over everything in scope. */
  total: MetricsRow
}

interface RawMetricsRow {
  g: string | null
  label: string | null
  is_total: number
  inbound: number | null
  outbound: number | null
  replies_sent: number | null
  needing_reply: number | null
  answered: number | null
  exempt: number | null
  met: number | null
  missed: number | null
  breached: number | null
  at_risk: number | null
  pending: number | null
  response_rate: number | null
  compliance: number | null
  open_count: number | null
  oldest_open_age_s: number | null
  median_wall_ms: number | null
  p90_wall_ms: number | null
  median_business_ms: number | null
  p90_business_ms: number | null
  wall_b1: number | null
  wall_b2: number | null
  wall_b3: number | null
  wall_b4: number | null
  wall_b5: number | null
  business_b1: number | null
  business_b2: number | null
  business_b3: number | null
  business_b4: number | null
  business_b5: number | null
  sentiment_mean: number | null
  sentiment_labelled: number | null
  negative_share: number | null
  neutral_share: number | null
  positive_share: number | null
  posts: number | null
  posts_per_week: number | null
  last_post_at: Date | string | null
  days_since_last_post: number | null
}

const DAY_MS = 86_400_000

/** The most calendar buckets one {@link getMetrics} call may return per time zone (about ten years of days). */
export const MAX_TIME_BUCKETS = 3700

/**
 * Computes every metric over a period, grouped or not. Inbound mentions count in the period they
 * were created in (their response rate and compliance too, even when the reply came later);
 * outbound counts (replies sent, posts) count in the period they were sent in.
 *
 * @example
 * const { total, rows } = await getMetrics(db, {
 *   organisationId, from: new Date('2026-11-01T00:00Z'), to: new Date('2026-12-01T00:00Z'), groupBy: 'week',
 * })
 * console.log(total.compliance, rows.map((r) => [r.key, r.inbound]))
 */
export async function getMetrics(
  db: Kysely<Database>,
  query: MetricsQuery,
): Promise<MetricsResult> {
  assertPeriod(query.from, query.to)
  const groupBy = query.groupBy ?? null
  if (groupBy !== null && !METRIC_GROUPINGS.includes(groupBy)) {
    throw new EarshotError('INVALID_INPUT', `unknown groupBy ${String(groupBy)}`)
  }
  const now = query.now ?? new Date()
  assertDate('now', now)
  if (groupBy === 'day' || groupBy === 'week' || groupBy === 'month') {
    // A calendar grouping over decades would return tens of thousands of rows; no chart wants that.
    const unitDays = groupBy === 'day' ? 1 : groupBy === 'week' ? 7 : 28
    const buckets = (query.to.getTime() - query.from.getTime()) / DAY_MS / unitDays
    if (buckets > MAX_TIME_BUCKETS) {
      throw new EarshotError(
        'INVALID_INPUT',
        `the period has too many ${groupBy}s to group by (at most ${MAX_TIME_BUCKETS})`,
      )
    }
  }
  const source = metricsSource(query)
  const raw = await withoutJit(db, query, async (d) => {
    if (source !== 'raw') {
      const rolled = await executeRead(
        d,
        query,
        rollupMetricsSql<RawMetricsRow & { covered: boolean }>(query, groupBy, now, {
          groups: groupSource(query, groupBy, (query.to.getTime() - query.from.getTime()) / DAY_MS),
          uncategorised: UNCATEGORISED,
        }),
      )
      if (rolled.rows[0]?.covered === true) {
        fillPracticeDayPercentiles(rolled.rows)
        return rolled
      }
      if (source === 'rollups') {
        throw new EarshotError(
          'INVALID_INPUT',
          'rollups cover whole local days only: `from` and `to` must be local midnight for every practice in scope',
        )
      }
    }
    return executeRead(d, query, metricsSql(query, groupBy, now))
  })
  const rows: MetricsRow[] = []
  let total: MetricsRow | undefined
  for (const r of raw.rows) {
    const row = toMetricsRow(r, groupBy)
    if (Number(r.is_total) === 1) total = row
    else rows.push(row)
  }
  if (!total) throw new Error('[earshot] metrics query returned no total row')
  return { groupBy, from: query.from, to: query.to, now, rows, total }
}

/**
 * Runs the metrics statements with PostgreSQL's JIT compilation off. The planner JIT-compiles a
 * statement whose estimated cost passes `jit_above_cost` (100,000 by default); the statement
 * over many practices passes it (mostly for its per-channel probes), and at 1M rows compiling its
 * ~250 expressions took 0.5–2.3 s of a statement that runs in a few hundred ms without it
 * (docs/performance.md § Agency comparison). A single practice's statement costs a few thousand
 * and is never compiled, so it skips the transaction (two round trips); inside a caller's
 * transaction the setting is left alone.
 */
async function withoutJit<T>(
  db: Kysely<Database>,
  query: MetricsQuery,
  run: (db: Kysely<Database>) => Promise<T>,
): Promise<T> {
  if (db.isTransaction || (query.practiceIds !== undefined && query.practiceIds.length <= 1))
    return run(db)
  return db.transaction().execute(async (trx) => {
    await sql`set local jit = off`.execute(trx)
    return run(trx)
  })
}

/** The validated `source` (default `raw`). */
function metricsSource(query: MetricsQuery): MetricsSource {
  const source = query.source ?? 'raw'
  if (source !== 'raw' && source !== 'rollups' && source !== 'auto') {
    throw new EarshotError('INVALID_INPUT', `unknown metrics source ${String(source)}`)
  }
  return source
}

/** Builds the single statement behind {@link getMetrics}; exposed for benchmarks and EXPLAIN. */
export function metricsSql(
  query: MetricsQuery,
  groupBy: MetricGrouping | null,
  now: Date,
): RawBuilder<RawMetricsRow> {
  const org = query.organisationId
  const from = timestampParam(query.from)
  const to = timestampParam(query.to)
  const at = timestampParam(now)
  const periodDays = (query.to.getTime() - query.from.getTime()) / DAY_MS

  const practiceScope =
    query.practiceIds === undefined ? sql<SqlBool>`true` : inList('p.id', query.practiceIds)
  const channelConditions: RawBuilder<SqlBool>[] = []
  if (query.channelIds?.length) channelConditions.push(inList('m.channel_id', query.channelIds))
  if (query.platforms?.length) channelConditions.push(inList('m.platform', query.platforms))
  const channelScope = allOf(channelConditions)
  const categoryScope = query.categories?.length
    ? inList('m.category', query.categories)
    : sql<SqlBool>`true`

  const keys = groupKeys(groupBy)
  const groups = groupSource(query, groupBy, periodDays)
  const b = RESPONSE_TIME_BUCKET_BOUNDS_MS

  // grouping sets ((g), ()) yields the per-group rows and the total in one pass over the rows;
  // grouping(g) tells them apart even when a group key is itself null.
  return sql<RawMetricsRow>`
with sp as not materialized (
  select p.id, p.name, p.time_zone
  from practices p
  where p.organisation_id = ${org} and ${practiceScope}
),
inb as (
  select ${keys.inbound} as g, m.created_at, m.sentiment_score, m.sentiment_label,
         rl.wall_ms, rl.business_ms, ${slaStatusSql(now, 'rl')} as status
  from mentions m
  join sp on sp.id = m.practice_id
  left join response_links rl on rl.organisation_id = m.organisation_id and rl.inbound_id = m.id
  where m.organisation_id = ${org} and m.direction = 'inbound' and not m.is_tombstone
    and m.created_at >= ${from} and m.created_at < ${to}
    and ${channelScope} and ${categoryScope}
  -- A fence: without it the planner inlines the status CASE into each of the ~20 FILTER
  -- clauses below and evaluates it ~20 times per row instead of once.
  offset 0
),
inb_agg as (
  select g, grouping(g)::int as is_total,
    count(*)::int as inbound,
    count(*) filter (where status in ('pending','at_risk','breached','met','missed'))::int as needing_reply,
    count(*) filter (where status in ('met','missed'))::int as answered,
    count(*) filter (where status = 'exempt')::int as exempt,
    count(*) filter (where status = 'met')::int as met,
    count(*) filter (where status = 'missed')::int as missed,
    count(*) filter (where status = 'breached')::int as breached,
    count(*) filter (where status = 'at_risk')::int as at_risk,
    count(*) filter (where status = 'pending')::int as pending,
    count(*) filter (where status in ('pending','at_risk','breached'))::int as open_count,
    extract(epoch from ${at} - min(created_at) filter (where status in ('pending','at_risk','breached')))::float8 as oldest_open_age_s,
    percentile_cont(0.5) within group (order by wall_ms) filter (where status in ('met','missed'))::float8 as median_wall_ms,
    percentile_cont(0.9) within group (order by wall_ms) filter (where status in ('met','missed'))::float8 as p90_wall_ms,
    percentile_cont(0.5) within group (order by business_ms) filter (where status in ('met','missed'))::float8 as median_business_ms,
    percentile_cont(0.9) within group (order by business_ms) filter (where status in ('met','missed'))::float8 as p90_business_ms,
    count(*) filter (where status in ('met','missed') and wall_ms < ${b.under1h})::int as wall_b1,
    count(*) filter (where status in ('met','missed') and wall_ms >= ${b.under1h} and wall_ms < ${b.from1to4h})::int as wall_b2,
    count(*) filter (where status in ('met','missed') and wall_ms >= ${b.from1to4h} and wall_ms < ${b.from4to8h})::int as wall_b3,
    count(*) filter (where status in ('met','missed') and wall_ms >= ${b.from4to8h} and wall_ms < ${b.from8to24h})::int as wall_b4,
    count(*) filter (where status in ('met','missed') and wall_ms >= ${b.from8to24h})::int as wall_b5,
    count(*) filter (where status in ('met','missed') and business_ms < ${b.under1h})::int as business_b1,
    count(*) filter (where status in ('met','missed') and business_ms >= ${b.under1h} and business_ms < ${b.from1to4h})::int as business_b2,
    count(*) filter (where status in ('met','missed') and business_ms >= ${b.from1to4h} and business_ms < ${b.from4to8h})::int as business_b3,
    count(*) filter (where status in ('met','missed') and business_ms >= ${b.from4to8h} and business_ms < ${b.from8to24h})::int as business_b4,
    count(*) filter (where status in ('met','missed') and business_ms >= ${b.from8to24h})::int as business_b5,
    avg(sentiment_score)::float8 as sentiment_mean,
    count(sentiment_label)::int as sentiment_labelled,
    count(*) filter (where sentiment_label = 'negative')::int as negative,
    count(*) filter (where sentiment_label = 'neutral')::int as neutral,
    count(*) filter (where sentiment_label = 'positive')::int as positive
  from inb
  group by grouping sets ((g), ())
),
answering as (
  select distinct rl.outbound_id
  from response_links rl
  where rl.organisation_id = ${org} and rl.outbound_id is not null
),
outb_agg as (
  select ${keys.outbound} as g, grouping(${keys.outbound})::int as is_total,
    count(*)::int as outbound,
    count(a.outbound_id)::int as replies_sent,
    count(*) filter (where m.kind = 'post')::int as posts
  from mentions m
  join sp on sp.id = m.practice_id
  left join answering a on a.outbound_id = m.id
  where m.organisation_id = ${org} and m.direction = 'outbound' and not m.is_tombstone
    and m.created_at >= ${from} and m.created_at < ${to} and ${channelScope}
  group by grouping sets ((${keys.outbound}), ())
),
last_post as (
  select ${keys.lastPost} as g, grouping(${keys.lastPost})::int as is_total,
    max(m.created_at) as last_post_at
  from mentions m
  join sp on sp.id = m.practice_id
  where m.organisation_id = ${org} and m.direction = 'outbound' and m.kind = 'post'
    and not m.is_tombstone and m.created_at <= ${at} and ${channelScope}
  group by grouping sets ((${keys.lastPost}), ())
),
grp as (
  ${groups}
  union all
  select null::text, null::text, ${periodDays}::float8, 1
)
select grp.g, grp.label, grp.is_total,
  coalesce(a.inbound, 0) as inbound,
  coalesce(o.outbound, 0) as outbound,
  coalesce(o.replies_sent, 0) as replies_sent,
  coalesce(a.needing_reply, 0) as needing_reply,
  coalesce(a.answered, 0) as answered,
  coalesce(a.exempt, 0) as exempt,
  coalesce(a.met, 0) as met,
  coalesce(a.missed, 0) as missed,
  coalesce(a.breached, 0) as breached,
  coalesce(a.at_risk, 0) as at_risk,
  coalesce(a.pending, 0) as pending,
  (a.answered::float8 / nullif(a.needing_reply, 0)) as response_rate,
  (a.met::float8 / nullif(a.met + a.missed + a.breached, 0)) as compliance,
  coalesce(a.open_count, 0) as open_count,
  a.oldest_open_age_s,
  a.median_wall_ms, a.p90_wall_ms, a.median_business_ms, a.p90_business_ms,
  coalesce(a.wall_b1, 0) as wall_b1, coalesce(a.wall_b2, 0) as wall_b2,
  coalesce(a.wall_b3, 0) as wall_b3, coalesce(a.wall_b4, 0) as wall_b4,
  coalesce(a.wall_b5, 0) as wall_b5,
  coalesce(a.business_b1, 0) as business_b1, coalesce(a.business_b2, 0) as business_b2,
  coalesce(a.business_b3, 0) as business_b3, coalesce(a.business_b4, 0) as business_b4,
  coalesce(a.business_b5, 0) as business_b5,
  a.sentiment_mean,
  coalesce(a.sentiment_labelled, 0) as sentiment_labelled,
  (a.negative::float8 / nullif(a.sentiment_labelled, 0)) as negative_share,
  (a.neutral::float8 / nullif(a.sentiment_labelled, 0)) as neutral_share,
  (a.positive::float8 / nullif(a.sentiment_labelled, 0)) as positive_share,
  coalesce(o.posts, 0) as posts,
  (coalesce(o.posts, 0) * 7.0 / nullif(grp.days, 0))::float8 as posts_per_week,
  lp.last_post_at,
  (extract(epoch from ${at} - lp.last_post_at) / 86400)::float8 as days_since_last_post
from grp
left join inb_agg a on a.is_total = grp.is_total and (grp.is_total = 1 or a.g = grp.g)
left join outb_agg o on o.is_total = grp.is_total and (grp.is_total = 1 or o.g = grp.g)
left join last_post lp on lp.is_total = grp.is_total and (grp.is_total = 1 or lp.g = grp.g)
order by grp.is_total, grp.label, grp.g`
}

interface GroupKeys {
  inbound: RawBuilder<string | null>
  outbound: RawBuilder<string | null>
  lastPost: RawBuilder<string | null>
}

const NO_KEY = sql<null>`null::text`

function groupKeys(groupBy: MetricGrouping | null): GroupKeys {
  switch (groupBy) {
    case null:
      return { inbound: NO_KEY, outbound: NO_KEY, lastPost: NO_KEY }
    case 'practice':
    case 'channel':
    case 'platform': {
      const column =
        groupBy === 'practice'
          ? 'm.practice_id'
          : groupBy === 'channel'
            ? 'm.channel_id'
            : 'm.platform'
      const key = sql<string>`${sql.ref(column)}`
      return { inbound: key, outbound: key, lastPost: key }
    }
    case 'category':
      // Outbound mentions carry no triage category: category rows show inbound figures only.
      return {
        inbound: sql<string>`coalesce(m.category, ${UNCATEGORISED})`,
        outbound: NO_KEY,
        lastPost: NO_KEY,
      }
    case 'day':
    case 'week':
    case 'month': {
      // Local calendar of the mention's own practice, so "Monday" is Monday in Sydney for a Sydney clinic.
      const key = sql<string>`to_char(date_trunc(${sql.lit(groupBy)}, m.created_at at time zone sp.time_zone), 'YYYY-MM-DD')`
      return { inbound: key, outbound: key, lastPost: NO_KEY }
    }
  }
}

/** The rows every group appears in even when it has no data: `(g, label, days, is_total)`. */
function groupSource(
  query: MetricsQuery,
  groupBy: MetricGrouping | null,
  periodDays: number,
): RawBuilder<unknown> {
  const org = query.organisationId
  const channelConditions: RawBuilder<SqlBool>[] = [sql<SqlBool>`c.organisation_id = ${org}`]
  if (query.channelIds?.length) channelConditions.push(inList('c.id', query.channelIds))
  if (query.platforms?.length) channelConditions.push(inList('c.platform', query.platforms))
  const days = sql`${periodDays}::float8`
  switch (groupBy) {
    case null:
      return sql`select null::text as g, null::text as label, 0::float8 as days, 0 as is_total where false`
    case 'practice':
      return sql`select sp.id as g, sp.name as label, ${days} as days, 0 as is_total from sp`
    case 'channel':
      return sql`select c.id as g, c.name as label, ${days} as days, 0 as is_total
        from channels c join sp on sp.id = c.practice_id where ${allOf(channelConditions)}`
    case 'platform':
      return sql`select distinct c.platform as g, c.platform as label, ${days} as days, 0 as is_total
        from channels c join sp on sp.id = c.practice_id where ${allOf(channelConditions)}`
    case 'category':
      return sql`select distinct inb.g as g, inb.g as label, ${days} as days, 0 as is_total from inb`
    case 'day':
    case 'week':
    case 'month': {
      const step = sql.lit(`1 ${groupBy}`)
      const unit = sql.lit(groupBy)
      // Every local period touched by [from, to) in any practice's zone, so charts have no gaps.
      return sql`select distinct to_char(gs, 'YYYY-MM-DD') as g, to_char(gs, 'YYYY-MM-DD') as label,
          ((gs + ${step}::interval)::date - gs::date)::float8 as days, 0 as is_total
        from sp cross join lateral generate_series(
          date_trunc(${unit}, ${timestampParam(query.from)} at time zone sp.time_zone),
          (${timestampParam(query.to)} - interval '1 microsecond') at time zone sp.time_zone,
          ${step}::interval) as gs`
    }
  }
}

function toMetricsRow(r: RawMetricsRow, groupBy: MetricGrouping | null): MetricsRow {
  const isTotal = Number(r.is_total) === 1
  const n = (v: number | null) => (v === null ? 0 : Number(v))
  const f = (v: number | null) => (v === null ? null : Number(v))
  // Category rows and calendar rows have no meaningful "last post": the figure is all-time.
  const noLastPost =
    !isTotal &&
    (groupBy === 'category' || groupBy === 'day' || groupBy === 'week' || groupBy === 'month')
  const noOutbound = !isTotal && groupBy === 'category'
  const lastPostAt = noLastPost || r.last_post_at === null ? null : new Date(r.last_post_at)
  return {
    key: isTotal ? null : r.g,
    label: isTotal ? null : r.label,
    inbound: n(r.inbound),
    outbound: n(r.outbound),
    repliesSent: n(r.replies_sent),
    needingReply: n(r.needing_reply),
    answered: n(r.answered),
    exempt: n(r.exempt),
    met: n(r.met),
    missed: n(r.missed),
    breached: n(r.breached),
    atRisk: n(r.at_risk),
    pending: n(r.pending),
    responseRate: f(r.response_rate),
    compliance: f(r.compliance),
    openCount: n(r.open_count),
    oldestOpenAgeSeconds: f(r.oldest_open_age_s),
    medianWallMs: f(r.median_wall_ms),
    p90WallMs: f(r.p90_wall_ms),
    medianBusinessMs: f(r.median_business_ms),
    p90BusinessMs: f(r.p90_business_ms),
    wallBuckets: {
      under1h: n(r.wall_b1),
      from1to4h: n(r.wall_b2),
      from4to8h: n(r.wall_b3),
      from8to24h: n(r.wall_b4),
      over24h: n(r.wall_b5),
    },
    businessBuckets: {
      under1h: n(r.business_b1),
      from1to4h: n(r.business_b2),
      from4to8h: n(r.business_b3),
      from8to24h: n(r.business_b4),
      over24h: n(r.business_b5),
    },
    // A float average depends on the order rows are summed in (8.7e-19 instead of 0): scores
    // are in [-1, 1], so twelve decimals keep every meaningful digit and make it order-free.
    sentimentMean: r.sentiment_mean === null ? null : roundMean(Number(r.sentiment_mean)),
    sentimentLabelled: n(r.sentiment_labelled),
    negativeShare: f(r.negative_share),
    neutralShare: f(r.neutral_share),
    positiveShare: f(r.positive_share),
    posts: noOutbound ? 0 : n(r.posts),
    postsPerWeek: noOutbound ? null : f(r.posts_per_week),
    lastPostAt,
    daysSinceLastPost: lastPostAt === null ? null : f(r.days_since_last_post),
  }
}

export type { RawMetricsRow }

/** Rounds to twelve decimals; `+ 0` turns a rounded -0 into 0. */
function roundMean(v: number): number {
  return Math.round(v * 1e12) / 1e12 + 0
}
