/**
 * @module The rollup-backed twin of `metricsSql`: the same result rows, read from
 * `mention_rollups` (counts, exact response-time buckets, sentiment, outbound figures) and
 * `mention_rollup_histograms` (median and p90), plus the few raw rows whose figure depends on the
 * instant — the open backlog (pending / at risk / breached, oldest age) through the partial
 * index on unanswered links, and posts of the current local day for "last post".
 * Views with no channel, category or platform in play (by practice, day, week, month, or none)
 * read `mention_practice_days` instead (one row per practice and day, histograms as arrays;
 * {@link practiceDaysServe}), whose percentiles getMetrics merges in JavaScript
 * ({@link fillPracticeDayPercentiles}) to the same values as the histogram path.
 *
 * Only valid when `from` and `to` fall on local midnight for every practice in scope (the
 * rollups are by local day); {@link rollupsCoverPeriod} decides, and getMetrics falls back to the
 * raw statement otherwise. Counts are exact; median and p90 are within the bound documented in
 * docs/performance.md § Rollups (1 % of the value plus 0.5 s).
 */
import { type RawBuilder, type SqlBool, sql } from 'kysely'
import { allOf, inList, timestampParam } from './query-helpers.js'
import {
  type BucketList,
  bucketRepresentativeSql,
  histogramPercentile,
  parseBucketText,
} from './rollup-histogram.js'
import { slaStatusSql } from './sla-status.js'

/** The part of a metrics query the rollups read (getMetrics' `MetricsQuery`). */
export interface RollupMetricsQuery {
  organisationId: string
  practiceIds?: readonly string[]
  channelIds?: readonly string[]
  categories?: readonly string[]
  platforms?: readonly string[]
  from: Date
  to: Date
}

/** getMetrics' groupings (its `MetricGrouping`); kept here so the two files don't import each other. */
export type RollupGrouping =
  | 'practice'
  | 'channel'
  | 'category'
  | 'platform'
  | 'day'
  | 'week'
  | 'month'

/** What getMetrics supplies: its group rows (`groupSource`) and the uncategorised label. */
export interface RollupShape {
  groups: RawBuilder<unknown>
  uncategorised: string
}

const DAY_MS = 86_400_000

/**
 * A rollup-shaped row's group key for `groupBy`: alias `r` is a rollup row, `h` a histogram row
 * (same key columns; its platform comes from its rollup row, joined only when needed).
 */
function rollupKey(
  groupBy: RollupGrouping | null,
  outbound: boolean,
  UNCATEGORISED: string,
  alias: 'r' | 'h' = 'r',
): RawBuilder<string | null> {
  const col = (name: string) => sql.ref(`${name === 'platform' ? 'r' : alias}.${name}`)
  switch (groupBy) {
    case null:
      return sql<null>`null::text`
    case 'practice':
      return sql<string>`${col('practice_id')}`
    case 'channel':
      return sql<string>`${col('channel_id')}`
    case 'platform':
      return sql<string>`${col('platform')}`
    case 'category':
      return outbound
        ? sql<null>`null::text`
        : sql<string>`coalesce(nullif(${col('category')}, ''), ${UNCATEGORISED})`
    case 'day':
    case 'week':
    case 'month':
      return sql<string>`to_char(date_trunc(${sql.lit(groupBy)}, ${col('day')}::timestamp), 'YYYY-MM-DD')`
  }
}

/** The same key for a raw mention `m` (for the open backlog and today's posts). */
function rawKey(
  groupBy: RollupGrouping | null,
  outbound: boolean,
  UNCATEGORISED: string,
): RawBuilder<string | null> {
  switch (groupBy) {
    case null:
      return sql<null>`null::text`
    case 'practice':
      return sql<string>`m.practice_id`
    case 'channel':
      return sql<string>`m.channel_id`
    case 'platform':
      return sql<string>`m.platform`
    case 'category':
      return outbound ? sql<null>`null::text` : sql<string>`coalesce(m.category, ${UNCATEGORISED})`
    case 'day':
    case 'week':
    case 'month':
      return sql<string>`to_char(date_trunc(${sql.lit(groupBy)}, m.created_at at time zone sp.time_zone), 'YYYY-MM-DD')`
  }
}

/**
 * Whether `mention_practice_days` (one row per practice and local day, migration
 * `2026-12-05-0100-practice-day-rollups`) can answer the query: it is summed over channel and
 * category, so only groupings that need neither (the whole scope, practice, day, week, month)
 * and no channel, platform or category filter. Everything else reads `mention_rollups`.
 */
export function practiceDaysServe(
  query: RollupMetricsQuery,
  groupBy: RollupGrouping | null,
): boolean {
  if (query.channelIds?.length || query.platforms?.length || query.categories?.length) return false
  return (
    groupBy === null ||
    groupBy === 'practice' ||
    groupBy === 'day' ||
    groupBy === 'week' ||
    groupBy === 'month'
  )
}

/** The UTC calendar day of an instant shifted by `offsetDays`, as YYYY-MM-DD. */
function utcDay(at: Date, offsetDays: number): string {
  return new Date(at.getTime() + offsetDays * DAY_MS).toISOString().slice(0, 10)
}

/** The rollups' counters summed per group: [column, SQL summed (of rollup row `r`)]. */
const INBOUND_SUMS: readonly (readonly [string, string])[] = [
  ['inbound', 'r.inbound'],
  ['needing_reply', 'r.inbound - r.unlinked - r.exempt'],
  ['answered', 'r.met + r.missed'],
  ['exempt', 'r.exempt'],
  ['met', 'r.met'],
  ['missed', 'r.missed'],
  ...[1, 2, 3, 4, 5].flatMap((i) => [
    [`wall_b${i}`, `r.wall_b${i}`] as const,
    [`business_b${i}`, `r.business_b${i}`] as const,
  ]),
  ['sentiment_labelled', 'r.negative + r.neutral + r.positive'],
  ['negative', 'r.negative'],
  ['neutral', 'r.neutral'],
  ['positive', 'r.positive'],
  ['open_count', 'r.open'],
]
const OUTBOUND_SUMS = ['outbound', 'replies_sent', 'posts'] as const

/** Each per-group aggregate's columns (CTE alias, column, SQL type), for the one grouped merge. */
const MERGED: readonly (readonly [string, readonly string[], string])[] = [
  ['grp', ['label'], 'text'],
  ['grp', ['days'], 'float8'],
  ['agg', INBOUND_SUMS.filter(([n]) => n !== 'open_count').map(([n]) => n), 'int'],
  ['agg', ['sentiment_mean'], 'float8'],
  ['agg', OUTBOUND_SUMS, 'int'],
  ['open_agg', ['breached', 'at_risk', 'pending', 'open_count'], 'int'],
  ['open_agg', ['oldest_open_age_s'], 'float8'],
  ['pct_agg', ['median_wall_ms', 'p90_wall_ms', 'median_business_ms', 'p90_business_ms'], 'float8'],
  ['pct_agg', ['wall_hist', 'business_hist'], 'text'],
  ['last_post', ['last_post_at'], 'timestamptz'],
]
const MERGED_SOURCES = ['grp', 'agg', 'open_agg', 'pct_agg', 'last_post'] as const

/**
 * The group list joined to every aggregate by one text key per row (total flag and group key):
 * a single hashable equality, so no join can match on the total flag alone and filter the key
 * afterwards (quadratic in the groups), and far cheaper to plan than a grouped pass over a
 * `union all` of every part (8 of 12 ms of planning for one practice at 1M rows).
 */
function mergedSql(): RawBuilder<unknown> {
  const keyed = (source: string) =>
    `(select x.*, x.is_total || ':' || coalesce(x.g, '') as key from ${source} x) ${source}`
  const cols = MERGED.flatMap(([source, names]) => names.map((n) => `${source}.${n}`)).join(', ')
  const joins = MERGED_SOURCES.filter((source) => source !== 'grp')
    .map((source) => `left join ${keyed(source)} on ${source}.key = grp.key`)
    .join('\n  ')
  return sql.raw(
    `select grp.is_total, coalesce(grp.g, '') as k, ${cols}\n  from ${keyed('grp')}\n  ${joins}`,
  )
}

/**
 * The interpolated percentile `p` of one clock from the cumulative histogram rows of a group
 * (`cum`): the values at ranks floor and ceil of p·(total − 1), as percentile_cont does over the
 * expanded multiset, and the fraction between them.
 */
function percentileSql(clock: 'wall' | 'business', p: 0.5 | 0.9): RawBuilder<number> {
  const rank = `${p}::float8 * (total - 1)`
  const at = (round: 'floor' | 'ceil') =>
    `max(v) filter (where clock = '${clock}' and ${round}(${rank}) >= before and ${round}(${rank}) < before + n)`
  return sql.raw(
    `(${at('floor')} + max(${rank} - floor(${rank})) filter (where clock = '${clock}') * (${at('ceil')} - ${at('floor')}))`,
  )
}

// The parts that never depend on the query, built once (building the statement was 0.6 ms of
// JavaScript per call, about as long as running it).
const MERGED_SQL = mergedSql()
const PERCENTILES = {
  medianWall: percentileSql('wall', 0.5),
  p90Wall: percentileSql('wall', 0.9),
  medianBusiness: percentileSql('business', 0.5),
  p90Business: percentileSql('business', 0.9),
}
const REP = bucketRepresentativeSql(sql`bucket`)
const REP_B = bucketRepresentativeSql(sql`b`)
const INBOUND_SUMS_SQL = sql.raw(
  INBOUND_SUMS.map(([n, e]) => `sum(${e}) filter (where inbound_scope)::int as ${n}`).join(
    ',\n    ',
  ),
)
const OUTBOUND_SUMS_SQL = sql.raw(OUTBOUND_SUMS.map((n) => `sum(r.${n})::int as ${n}`).join(', '))
// Outbound mentions carry no category: by category only the total has outbound figures.
const OUTBOUND_SUMS_TOTAL_ONLY = sql.raw(
  OUTBOUND_SUMS.map((n) => `(case when grouping(g) = 1 then sum(r.${n}) end)::int as ${n}`).join(
    ', ',
  ),
)

/**
 * Builds the rollup statement: the columns of `metricsSql` plus `covered` (false when the period
 * is not whole local days for every practice in scope; the figures are then empty).
 */
export function rollupMetricsSql<Row>(
  query: RollupMetricsQuery,
  groupBy: RollupGrouping | null,
  now: Date,
  shape: RollupShape,
): RawBuilder<Row> {
  const UNCATEGORISED = shape.uncategorised
  const org = query.organisationId
  const from = timestampParam(query.from)
  const to = timestampParam(query.to)
  const at = timestampParam(now)
  const periodDays = (query.to.getTime() - query.from.getTime()) / DAY_MS
  const lastPostGroup =
    groupBy === 'practice' || groupBy === 'channel' || groupBy === 'platform' ? groupBy : null
  const practiceScope =
    query.practiceIds === undefined ? sql<SqlBool>`true` : inList('p.id', query.practiceIds)
  const rollupChannel: RawBuilder<SqlBool>[] = []
  const histChannel: RawBuilder<SqlBool>[] = []
  const rawChannel: RawBuilder<SqlBool>[] = []
  if (query.channelIds?.length) {
    rollupChannel.push(inList('r.channel_id', query.channelIds))
    histChannel.push(inList('h.channel_id', query.channelIds))
    rawChannel.push(inList('m.channel_id', query.channelIds))
  }
  if (query.platforms?.length) {
    rollupChannel.push(inList('r.platform', query.platforms))
    histChannel.push(inList('r.platform', query.platforms))
    rawChannel.push(inList('m.platform', query.platforms))
  }
  // Histogram rows carry no platform: their rollup row is joined (by its key) only when a
  // platform groups or filters.
  const histNeedsRollup = groupBy === 'platform' || Boolean(query.platforms?.length)
  const hasCategories = Boolean(query.categories?.length)
  const categoryOf = (alias: 'r' | 'h') =>
    hasCategories ? inList(`${alias}.category`, query.categories ?? []) : sql<SqlBool>`true`
  const rollupCategory = categoryOf('r')
  const rawCategory = hasCategories
    ? inList('m.category', query.categories ?? [])
    : sql<SqlBool>`true`
  const inKey = rollupKey(groupBy, false, UNCATEGORISED)
  const histKey = rollupKey(groupBy, false, UNCATEGORISED, 'h')
  // The local day of an instant is its UTC day ± 1: these constant bounds let the planner range
  // over the (organisation, day) indexes instead of reading every day the organisation has.
  const dayLo = utcDay(query.from, -1)
  const dayHi = utcDay(query.to, 2)
  const daysOf = (alias: 'r' | 'h') => {
    const day = sql.ref(`${alias}.day`)
    return sql`${day} >= ${dayLo}::date and ${day} < ${dayHi}::date
    and ${day} >= (${from} at time zone sp.time_zone)::date and ${day} < (${to} at time zone sp.time_zone)::date`
  }
  const outboundSums = groupBy === 'category' ? OUTBOUND_SUMS_TOTAL_ONLY : OUTBOUND_SUMS_SQL
  const coarse = practiceDaysServe(query, groupBy)
  return sql<Row>`
with sp as not materialized (
  select p.id, p.name, p.time_zone
  from practices p
  where p.organisation_id = ${org} and ${practiceScope}
),
-- Whether the rollups cover the period (local midnights for every practice in scope): when not,
-- every read below is skipped at once and getMetrics falls back to the raw statement (one
-- round trip fewer than checking first).
cov as (
  select coalesce(bool_and(
    (${from} at time zone sp.time_zone)::time = '00:00' and (${to} at time zone sp.time_zone)::time = '00:00'
  ), true) as covered
  from sp
),
inb as (
  select ${inKey} as g
  from mention_rollups r join sp on sp.id = r.practice_id
  where r.organisation_id = ${org} and ${daysOf('r')} and ${allOf(rollupChannel)} and (select covered from cov)
    and r.inbound > 0 and ${rollupCategory}
),
-- Every rollup counter in one pass over the period's rollup rows (inbound figures only over the
-- category filter, outbound ones over every row), with the earliest day holding an open item.
agg as (
  select g, grouping(g)::int as is_total,
    ${INBOUND_SUMS_SQL},
    (sum(r.sentiment_sum) filter (where inbound_scope)
      / nullif(sum(r.sentiment_scored) filter (where inbound_scope), 0))::float8 as sentiment_mean,
    min(r.day) filter (where inbound_scope and r.open > 0) as open_day,
    ${outboundSums}${coarse ? practiceDayHistogramColumns(groupBy === null) : sql``}
  from (
    select r.*, ${inKey} as g, ${rollupCategory} as inbound_scope
    from ${coarse ? sql`mention_practice_days` : sql`mention_rollups`} r join sp on sp.id = r.practice_id
    where r.organisation_id = ${org} and ${daysOf('r')} and ${allOf(rollupChannel)} and (select covered from cov)
  ) r
  group by grouping sets ((g), ())
),
-- The open backlog. Its size per group is exact in the rollups (\`open\`: linked, not exempt,
-- unanswered); only its split by the instant is live. An open link whose due time has passed is
-- breached, so only the not-yet-due ones are read from raw rows (the open-links index by due
-- time: recent items, however long the history), and breached = open − pending − at risk.
live_rows as (
  select ${rawKey(groupBy, false, UNCATEGORISED)} as g, ${slaStatusSql(now, 'rl')} as status
  from response_links rl
  join mentions m on m.organisation_id = rl.organisation_id and m.id = rl.inbound_id
  join sp on sp.id = rl.practice_id
  where rl.organisation_id = ${org} and rl.outcome is null and (select covered from cov)
    and rl.needs_reply and rl.exempt_reason is null and (rl.due_at > ${at} or rl.due_at is null)
    and not m.is_tombstone and m.created_at >= ${from} and m.created_at < ${to}
    and ${allOf(rawChannel)} and ${rawCategory}
  offset 0
),
live_agg as (
  select g, grouping(g)::int as is_total,
    count(*) filter (where status = 'at_risk')::int as at_risk,
    count(*) filter (where status = 'pending')::int as pending
  from live_rows
  group by grouping sets ((g), ())
),
-- The oldest open item: the earliest day with an open item per group (from the rollups), then
-- that day's open mentions of those rollup rows only — a handful of raw rows per group.
open_first_rows as (
  select f.g, f.is_total, r.practice_id, r.channel_id, r.category, r.day, sp.time_zone as tz
  from agg f
  join mention_rollups r on r.organisation_id = ${org} and r.day = f.open_day and ${inKey} = f.g
  join sp on sp.id = r.practice_id
  where f.is_total = 0 and r.open > 0 and ${rollupCategory} and ${allOf(rollupChannel)}
  union all
  select f.g, f.is_total, r.practice_id, r.channel_id, r.category, r.day, sp.time_zone as tz
  from agg f
  join mention_rollups r on r.organisation_id = ${org} and r.day = f.open_day
  join sp on sp.id = r.practice_id
  where f.is_total = 1 and r.open > 0 and ${rollupCategory} and ${allOf(rollupChannel)}
),
open_oldest as (
  select f.g, f.is_total, extract(epoch from ${at} - min(o.created_at))::float8 as oldest_open_age_s
  from open_first_rows f
  cross join lateral (
    select m.created_at
    from mentions m
    join response_links rl on rl.organisation_id = m.organisation_id and rl.inbound_id = m.id
    where m.organisation_id = ${org} and m.practice_id = f.practice_id and m.channel_id = f.channel_id
      and m.created_at >= f.day::timestamp at time zone f.tz
      and m.created_at < (f.day + 1)::timestamp at time zone f.tz
      and m.direction = 'inbound' and coalesce(m.category, '') = f.category and not m.is_tombstone
      and rl.outcome is null and rl.needs_reply and rl.exempt_reason is null
    order by m.created_at
    limit 1
  ) o
  group by f.g, f.is_total
),
open_agg as (
  select t.g, t.is_total, t.open_count,
    coalesce(l.pending, 0) as pending, coalesce(l.at_risk, 0) as at_risk,
    t.open_count - coalesce(l.pending, 0) - coalesce(l.at_risk, 0) as breached,
    o.oldest_open_age_s
  from agg t
  left join live_agg l on l.is_total = t.is_total and coalesce(l.g, '') = coalesce(t.g, '')
  left join open_oldest o on o.is_total = t.is_total and coalesce(o.g, '') = coalesce(t.g, '')
  where t.open_count is not null
),
${
  coarse
    ? PRACTICE_DAY_PERCENTILES
    : sql`-- Median and p90 from the merged histograms: the period's histogram rows summed per group,
-- clock and bucket, a running count per group and clock in bucket order (bucket values rise
-- with the bucket), and in one grouped pass the values at the two ranks around each percentile.
hist as (
  select g, grouping(g)::int as is_total, clock, bucket, sum(n)::float8 as n
  from (
    select ${histKey} as g, h.clock, h.bucket, h.n
    from mention_rollup_histograms h
    join sp on sp.id = h.practice_id
    ${
      histNeedsRollup
        ? sql`join mention_rollups r on r.organisation_id = h.organisation_id
      and r.practice_id = h.practice_id and r.day = h.day and r.channel_id = h.channel_id
      and r.category = h.category`
        : sql``
    }
    where h.organisation_id = ${org} and ${daysOf('h')} and ${allOf(histChannel)} and (select covered from cov)
      and ${categoryOf('h')}
  ) h
  group by grouping sets ((g, clock, bucket), (clock, bucket))
),
cum as (
  select is_total, g, clock, ${REP} as v, n,
    sum(n) over (partition by is_total, g, clock order by bucket rows between unbounded preceding and current row) - n as before,
    sum(n) over (partition by is_total, g, clock) as total
  from hist
),
pct_agg as (
  select is_total, g,
    ${PERCENTILES.medianWall} as median_wall_ms,
    ${PERCENTILES.p90Wall} as p90_wall_ms,
    ${PERCENTILES.medianBusiness} as median_business_ms,
    ${PERCENTILES.p90Business} as p90_business_ms,
    null::text as wall_hist, null::text as business_hist
  from cum group by is_total, g
),
`
}-- "Last post" is all-time: per channel, the latest rollup day with a post before today (one
-- backward probe of a partial index per channel, however long the history; a rollup row with
-- posts is an outbound one, category '', so there is one per channel and day) and the latest of
-- today's raw posts (one probe of the outbound index per channel).
last_post_src as (
  select ${rollupKey(lastPostGroup, true, UNCATEGORISED)} as g,
    greatest(lr.last_post_at, lm.created_at) as last_post_at
  from (
    select c.practice_id, c.id as channel_id, c.platform, sp.time_zone
    from channels c join sp on sp.id = c.practice_id
    where c.organisation_id = ${org}
  ) r
  left join lateral (
    select x.last_post_at
    from mention_rollups x
    where x.organisation_id = ${org} and x.practice_id = r.practice_id and x.channel_id = r.channel_id
      and x.posts > 0 and x.day < (${at} at time zone r.time_zone)::date
    order by x.day desc
    limit 1
  ) lr on true
  left join lateral (
    select m.created_at
    from mentions m
    where m.organisation_id = ${org} and m.practice_id = r.practice_id and m.direction = 'outbound'
      and m.created_at >= ((${at} at time zone r.time_zone)::date)::timestamp at time zone r.time_zone
      and m.created_at <= ${at} and m.channel_id = r.channel_id
      and m.kind = 'post' and not m.is_tombstone
    order by m.created_at desc
    limit 1
  ) lm on true
  where ${allOf(rollupChannel)} and (select covered from cov) and (lr.last_post_at is not null or lm.created_at is not null)
),
last_post as (
  select g, grouping(g)::int as is_total, max(last_post_at) as last_post_at
  from last_post_src group by grouping sets ((g), ())
),
grp as (
  ${shape.groups}
  union all
  select null::text, null::text, ${periodDays}::float8, 1
),
-- Every per-group aggregate joined to the group list by one key (linear in the number of
-- groups; docs/performance.md).
merged as (
  ${MERGED_SQL}
)
select case when grp.is_total = 1 then null else grp.k end as g, grp.label, grp.is_total,
  coalesce(grp.inbound, 0) as inbound,
  coalesce(grp.outbound, 0) as outbound,
  coalesce(grp.replies_sent, 0) as replies_sent,
  coalesce(grp.needing_reply, 0) as needing_reply,
  coalesce(grp.answered, 0) as answered,
  coalesce(grp.exempt, 0) as exempt,
  coalesce(grp.met, 0) as met,
  coalesce(grp.missed, 0) as missed,
  coalesce(grp.breached, 0) as breached,
  coalesce(grp.at_risk, 0) as at_risk,
  coalesce(grp.pending, 0) as pending,
  (grp.answered::float8 / nullif(grp.needing_reply, 0)) as response_rate,
  (grp.met::float8 / nullif(grp.met + grp.missed + coalesce(grp.breached, 0), 0)) as compliance,
  coalesce(grp.open_count, 0) as open_count,
  grp.oldest_open_age_s,
  grp.median_wall_ms, grp.p90_wall_ms, grp.median_business_ms, grp.p90_business_ms,
  coalesce(grp.wall_b1, 0) as wall_b1, coalesce(grp.wall_b2, 0) as wall_b2,
  coalesce(grp.wall_b3, 0) as wall_b3, coalesce(grp.wall_b4, 0) as wall_b4,
  coalesce(grp.wall_b5, 0) as wall_b5,
  coalesce(grp.business_b1, 0) as business_b1, coalesce(grp.business_b2, 0) as business_b2,
  coalesce(grp.business_b3, 0) as business_b3, coalesce(grp.business_b4, 0) as business_b4,
  coalesce(grp.business_b5, 0) as business_b5,
  grp.sentiment_mean,
  coalesce(grp.sentiment_labelled, 0) as sentiment_labelled,
  (grp.negative::float8 / nullif(grp.sentiment_labelled, 0)) as negative_share,
  (grp.neutral::float8 / nullif(grp.sentiment_labelled, 0)) as neutral_share,
  (grp.positive::float8 / nullif(grp.sentiment_labelled, 0)) as positive_share,
  coalesce(grp.posts, 0) as posts,
  (coalesce(grp.posts, 0) * 7.0 / nullif(grp.days, 0))::float8 as posts_per_week,
  grp.last_post_at,
  (extract(epoch from ${at} - grp.last_post_at) / 86400)::float8 as days_since_last_post,
  grp.wall_hist, grp.business_hist,
  ${
    coarse
      ? sql`case when grp.is_total = 1 then (select lo from bucket_values) end as bucket_values_from,
  case when grp.is_total = 1 then (select v from bucket_values) end as bucket_values,`
      : sql`null::int as bucket_values_from, null::float8[] as bucket_values,`
  }
  (select covered from cov) as covered
from merged grp
order by grp.is_total, grp.label, grp.k`
}

/**
 * The practice-day path's histograms, read in the same pass as the counters (`agg`): per group,
 * the period's arrays as text (`b,…;n,…` per practice-day, joined by `|`) — getMetrics merges
 * them and interpolates in JavaScript (rollup-metrics-sql.ts `fillPracticeDayPercentiles`) by
 * the same arithmetic as the histogram path's SQL, summing the groups for the total. On the
 * histogram path every element costs the executor a row (unnest, sum per bucket, sort, window:
 * 220 ms for 42,000 elements at 1M mentions); here the arrays are only printed. `lo` and `hi`
 * are the lowest and highest bucket seen (arrays are ascending), so the statement can send each
 * bucket's value as the database computes it (`bucket_values`). The total's text is only kept
 * when there are no groups.
 */
function practiceDayHistogramColumns(totalOnly: boolean): RawBuilder<unknown> {
  const text = (clock: 'wall' | 'business') =>
    sql.raw(`string_agg(array_to_string(r.${clock}_buckets, ',') || ';' || array_to_string(r.${clock}_counts, ','), '|')
      filter (where cardinality(r.${clock}_buckets) > 0)`)
  const keep = totalOnly ? sql`true` : sql`grouping(g) = 0`
  return sql`,
    case when ${keep} then ${text('wall')} end as wall_hist,
    case when ${keep} then ${text('business')} end as business_hist,
    min(least(r.wall_buckets[1], r.business_buckets[1])) as lo,
    max(greatest(r.wall_buckets[cardinality(r.wall_buckets)], r.business_buckets[cardinality(r.business_buckets)])) as hi`
}

const PRACTICE_DAY_PERCENTILES = sql`pct_agg as (
  select g, is_total,
    null::float8 as median_wall_ms, null::float8 as p90_wall_ms,
    null::float8 as median_business_ms, null::float8 as p90_business_ms,
    wall_hist, business_hist
  from agg
),
bucket_values as (
  select min(b) as lo, array_agg(${REP_B} order by b) as v
  from generate_series((select lo from agg where is_total = 1)::int, (select hi from agg where is_total = 1)::int) as b
),
`

/** True when `from` and `to` are local midnights for every practice in scope. */
export function rollupsCoverPeriodSql(query: RollupMetricsQuery): RawBuilder<{ covered: boolean }> {
  const practiceScope =
    query.practiceIds === undefined ? sql<SqlBool>`true` : inList('p.id', query.practiceIds)
  const from = timestampParam(query.from)
  const to = timestampParam(query.to)
  return sql<{ covered: boolean }>`
select coalesce(bool_and(
  (${from} at time zone p.time_zone)::time = '00:00' and (${to} at time zone p.time_zone)::time = '00:00'
), true) as covered
from practices p where p.organisation_id = ${query.organisationId} and ${practiceScope}`
}

/** The columns the practice-day path adds to each row (null on the histogram path). */
interface PracticeDayHistogramRow {
  is_total: number | string
  wall_hist?: string | null
  business_hist?: string | null
  bucket_values_from?: number | string | null
  bucket_values?: readonly (number | string)[] | string | null
  median_wall_ms: number | null
  p90_wall_ms: number | null
  median_business_ms: number | null
  p90_business_ms: number | null
}

/**
 * Fills median and p90 of the rows of a practice-day statement from their histogram text, the
 * total from all groups merged (the groups of the practice-day path partition the scope) or, with
 * no grouping, its own. Leaves rows of the histogram path alone.
 */
export function fillPracticeDayPercentiles(rows: PracticeDayHistogramRow[]): void {
  const total = rows.find((r) => Number(r.is_total) === 1)
  if (!total || total.bucket_values === null || total.bucket_values === undefined) return
  const from = Number(total.bucket_values_from)
  const raw = total.bucket_values
  const values = (typeof raw === 'string' ? raw.replace(/^\{|\}$/g, '').split(',') : raw).map(
    Number,
  )
  const value = (bucket: number) => values[bucket - from]!
  const fill = (r: PracticeDayHistogramRow, wall: BucketList, business: BucketList) => {
    r.median_wall_ms = histogramPercentile(wall, 0.5, value)
    r.p90_wall_ms = histogramPercentile(wall, 0.9, value)
    r.median_business_ms = histogramPercentile(business, 0.5, value)
    r.p90_business_ms = histogramPercentile(business, 0.9, value)
  }
  // The total's histogram: its own text when there are no groups, else the groups' summed (they
  // partition the scope), per bucket in a dense array.
  const wallSum = new Float64Array(values.length)
  const businessSum = new Float64Array(values.length)
  const add = (sum: Float64Array, list: BucketList) => {
    for (let i = 0; i < list.buckets.length; i++) sum[list.buckets[i]! - from]! += list.counts[i]!
  }
  if (total.wall_hist != null || total.business_hist != null) {
    add(wallSum, parseBucketText(total.wall_hist, false))
    add(businessSum, parseBucketText(total.business_hist, false))
  } else {
    for (const r of rows) {
      if (r === total) continue
      const wall = parseBucketText(r.wall_hist)
      const business = parseBucketText(r.business_hist)
      add(wallSum, wall)
      add(businessSum, business)
      fill(r, wall, business)
    }
  }
  const dense = (sum: Float64Array): BucketList => {
    const list: BucketList = { buckets: [], counts: [] }
    for (let i = 0; i < sum.length; i++)
      if (sum[i]! > 0) {
        list.buckets.push(i + from)
        list.counts.push(sum[i]!)
      }
    return list
  }
  fill(total, dense(wallSum), dense(businessSum))
}
