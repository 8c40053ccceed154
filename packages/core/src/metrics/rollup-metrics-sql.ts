/**
 * @module The rollup-backed twin of `metricsSql`: the same result rows, read from
 * `mention_rollups` (counts, exact response-time buckets, sentiment, outbound figures) and
 * `mention_rollup_histograms` (median and p90), plus the few raw rows whose figure depends on the
 * instant — the open backlog (pending / at risk / breached, oldest age) through the partial
 * index on unanswered links, and posts of the current local day for "last post".
 *
 * Only valid when `from` and `to` fall on local midnight for every practice in scope (the
 * rollups are by local day); {@link rollupsCoverPeriod} decides, and getMetrics falls back to the
 * raw statement otherwise. Counts are exact; median and p90 are within the bound documented in
 * docs/performance.md § Rollups (1 % of the value plus 0.5 s).
 */
import { type RawBuilder, type SqlBool, sql } from 'kysely'
import { allOf, inList, timestampParam } from './query-helpers.js'
import { bucketRepresentativeSql } from './rollup-histogram.js'
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

/** Rollup rows' group key for `groupBy` (alias `r` is a rollup row joined to `sp`). */
function rollupKey(
  groupBy: RollupGrouping | null,
  outbound: boolean,
  UNCATEGORISED: string,
): RawBuilder<string | null> {
  switch (groupBy) {
    case null:
      return sql<null>`null::text`
    case 'practice':
      return sql<string>`r.practice_id`
    case 'channel':
      return sql<string>`r.channel_id`
    case 'platform':
      return sql<string>`r.platform`
    case 'category':
      return outbound
        ? sql<null>`null::text`
        : sql<string>`coalesce(nullif(r.category, ''), ${UNCATEGORISED})`
    case 'day':
    case 'week':
    case 'month':
      return sql<string>`to_char(date_trunc(${sql.lit(groupBy)}, r.day::timestamp), 'YYYY-MM-DD')`
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

/** The UTC calendar day of an instant shifted by `offsetDays`, as YYYY-MM-DD. */
function utcDay(at: Date, offsetDays: number): string {
  return new Date(at.getTime() + offsetDays * DAY_MS).toISOString().slice(0, 10)
}

/** Each per-group aggregate's columns (CTE alias, column, SQL type), for the one grouped merge. */
const MERGED: readonly (readonly [string, readonly string[], string])[] = [
  ['grp', ['label'], 'text'],
  ['grp', ['days'], 'float8'],
  [
    'inb_agg',
    [
      'inbound',
      'needing_reply',
      'answered',
      'exempt',
      'met',
      'missed',
      'wall_b1',
      'wall_b2',
      'wall_b3',
      'wall_b4',
      'wall_b5',
      'business_b1',
      'business_b2',
      'business_b3',
      'business_b4',
      'business_b5',
      'sentiment_labelled',
      'negative',
      'neutral',
      'positive',
    ],
    'int',
  ],
  ['inb_agg', ['sentiment_mean'], 'float8'],
  ['open_agg', ['breached', 'at_risk', 'pending', 'open_count'], 'int'],
  ['open_agg', ['oldest_open_age_s'], 'float8'],
  ['pct_agg', ['median_wall_ms', 'p90_wall_ms', 'median_business_ms', 'p90_business_ms'], 'float8'],
  ['outb_agg', ['outbound', 'replies_sent', 'posts'], 'int'],
  ['last_post', ['last_post_at'], 'timestamptz'],
]
const MERGED_SOURCES = ['grp', 'inb_agg', 'open_agg', 'pct_agg', 'outb_agg', 'last_post'] as const

/** `union all` of the group list and every aggregate, each row carrying only its own columns. */
function partsSql(): RawBuilder<unknown> {
  const selects = MERGED_SOURCES.map((source) => {
    const cols = MERGED.flatMap(([from, names, type]) =>
      names.map((n) => (from === source ? `x.${n}` : `null::${type}`) + ` as ${n}`),
    )
    return `select x.is_total, coalesce(x.g, '') as k, ${source === 'grp'} as in_grp, ${cols.join(', ')} from ${source} x`
  })
  return sql.raw(selects.join('\n  union all\n  '))
}

/** One value per column and group: each column comes from one part, the others are null. */
function mergedColumns(): RawBuilder<unknown> {
  return sql.raw(MERGED.flatMap(([, names]) => names.map((n) => `max(${n}) as ${n}`)).join(', '))
}

/** Builds the rollup statement; same columns as `metricsSql`. */
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
  const rawChannel: RawBuilder<SqlBool>[] = []
  if (query.channelIds?.length) {
    rollupChannel.push(inList('r.channel_id', query.channelIds))
    rawChannel.push(inList('m.channel_id', query.channelIds))
  }
  if (query.platforms?.length) {
    rollupChannel.push(inList('r.platform', query.platforms))
    rawChannel.push(inList('m.platform', query.platforms))
  }
  const hasCategories = Boolean(query.categories?.length)
  const rollupCategory = hasCategories
    ? inList('r.category', query.categories ?? [])
    : sql<SqlBool>`true`
  const rawCategory = hasCategories
    ? inList('m.category', query.categories ?? [])
    : sql<SqlBool>`true`
  const inKey = rollupKey(groupBy, false, UNCATEGORISED)
  const outKey = rollupKey(groupBy, true, UNCATEGORISED)
  // The local day of an instant is its UTC day ± 1: these constant bounds let the planner range
  // over the (organisation, day) indexes instead of reading every day the organisation has.
  const dayLo = utcDay(query.from, -1)
  const dayHi = utcDay(query.to, 2)
  const days = sql`r.day >= ${dayLo}::date and r.day < ${dayHi}::date
    and r.day >= (${from} at time zone sp.time_zone)::date and r.day < (${to} at time zone sp.time_zone)::date`
  const rep = bucketRepresentativeSql(sql`h.bucket`)

  return sql<Row>`
with sp as not materialized (
  select p.id, p.name, p.time_zone
  from practices p
  where p.organisation_id = ${org} and ${practiceScope}
),
r as materialized (
  select r.*, sp.time_zone as tz, ${inKey} as gi, ${outKey} as go
  from mention_rollups r join sp on sp.id = r.practice_id
  where r.organisation_id = ${org} and ${days} and ${allOf(rollupChannel)}
),
inb as (
  select gi as g from r where r.inbound > 0 and ${rollupCategory}
),
inb_agg as (
  select gi as g, grouping(gi)::int as is_total,
    sum(inbound)::int as inbound,
    sum(inbound - unlinked - exempt)::int as needing_reply,
    sum(met + missed)::int as answered,
    sum(exempt)::int as exempt, sum(met)::int as met, sum(missed)::int as missed,
    sum(wall_b1)::int as wall_b1, sum(wall_b2)::int as wall_b2, sum(wall_b3)::int as wall_b3,
    sum(wall_b4)::int as wall_b4, sum(wall_b5)::int as wall_b5,
    sum(business_b1)::int as business_b1, sum(business_b2)::int as business_b2,
    sum(business_b3)::int as business_b3, sum(business_b4)::int as business_b4,
    sum(business_b5)::int as business_b5,
    (sum(sentiment_sum) / nullif(sum(sentiment_scored), 0))::float8 as sentiment_mean,
    sum(negative + neutral + positive)::int as sentiment_labelled,
    sum(negative)::int as negative, sum(neutral)::int as neutral, sum(positive)::int as positive
  from r where ${rollupCategory}
  group by grouping sets ((gi), ())
),
-- The open backlog. Its size per group is exact in the rollups (\`open\`: linked, not exempt,
-- unanswered); only its split by the instant is live. An open link whose due time has passed is
-- breached, so only the not-yet-due ones are read from raw rows (the open-links index by due
-- time: recent items, however long the history), and breached = open − pending − at risk.
open_total as (
  select gi as g, grouping(gi)::int as is_total, sum(open)::int as open_count
  from r where ${rollupCategory}
  group by grouping sets ((gi), ())
),
live_rows as (
  select ${rawKey(groupBy, false, UNCATEGORISED)} as g, ${slaStatusSql(now, 'rl')} as status
  from response_links rl
  join mentions m on m.organisation_id = rl.organisation_id and m.id = rl.inbound_id
  join sp on sp.id = rl.practice_id
  where rl.organisation_id = ${org} and rl.outcome is null
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
open_first as (
  select gi as g, grouping(gi)::int as is_total, min(day) as day
  from r where r.open > 0 and ${rollupCategory}
  group by grouping sets ((gi), ())
),
open_first_rows as (
  select f.g, f.is_total, r.practice_id, r.channel_id, r.category, r.day, r.tz
  from open_first f join r on r.gi = f.g and r.day = f.day
  where f.is_total = 0 and r.open > 0 and ${rollupCategory}
  union all
  select f.g, f.is_total, r.practice_id, r.channel_id, r.category, r.day, r.tz
  from open_first f join r on r.day = f.day
  where f.is_total = 1 and r.open > 0 and ${rollupCategory}
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
  from open_total t
  left join live_agg l on l.is_total = t.is_total and coalesce(l.g, '') = coalesce(t.g, '')
  left join open_oldest o on o.is_total = t.is_total and coalesce(o.g, '') = coalesce(t.g, '')
),
hist as (
  select r.gi as g, grouping(r.gi)::int as is_total, h.clock, h.bucket, ${rep} as v, sum(h.n)::float8 as n
  from mention_rollup_histograms h
  join r on r.practice_id = h.practice_id and r.day = h.day and r.channel_id = h.channel_id
    and r.category = h.category
  where h.organisation_id = ${org} and h.day >= ${dayLo}::date and h.day < ${dayHi}::date
    and ${rollupCategory}
  group by grouping sets ((r.gi, h.clock, h.bucket), (h.clock, h.bucket))
),
cum as (
  select g, is_total, clock, v, n,
    sum(n) over (partition by is_total, g, clock order by v rows between unbounded preceding and current row) - n as before,
    sum(n) over (partition by is_total, g, clock) as total
  from hist
),
pct as (
  select is_total, g, clock, q.p,
    max(v) filter (where floor(q.p * (total - 1)) >= before and floor(q.p * (total - 1)) < before + n) as v_lo,
    max(v) filter (where ceil(q.p * (total - 1)) >= before and ceil(q.p * (total - 1)) < before + n) as v_hi,
    max(q.p * (total - 1) - floor(q.p * (total - 1))) as frac
  from cum cross join (values (0.5::float8), (0.9::float8)) as q(p)
  group by is_total, g, clock, q.p
),
pct_agg as (
  select is_total, g,
    max(v_lo + frac * (v_hi - v_lo)) filter (where clock = 'wall' and p = 0.5) as median_wall_ms,
    max(v_lo + frac * (v_hi - v_lo)) filter (where clock = 'wall' and p = 0.9) as p90_wall_ms,
    max(v_lo + frac * (v_hi - v_lo)) filter (where clock = 'business' and p = 0.5) as median_business_ms,
    max(v_lo + frac * (v_hi - v_lo)) filter (where clock = 'business' and p = 0.9) as p90_business_ms
  from pct group by is_total, g
),
outb_agg as (
  select go as g, grouping(go)::int as is_total,
    sum(outbound)::int as outbound, sum(replies_sent)::int as replies_sent, sum(posts)::int as posts
  from r
  group by grouping sets ((go), ())
),
-- "Last post" is all-time: per channel, the latest rollup day with a post before today (one
-- backward probe of a partial index per channel, however long the history) and the latest of
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
    order by x.day desc, x.last_post_at desc nulls last
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
  where ${allOf(rollupChannel)} and (lr.last_post_at is not null or lm.created_at is not null)
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
-- Every per-group aggregate and the group list meet in one grouped pass over their union (linear
-- in the number of groups). Joining them instead left the planner free to merge-join on
-- is_total alone and filter the key afterwards: quadratic (2.1M rows compared for 2,000
-- practices, 240 of 370 ms; docs/performance.md).
parts as (
  ${partsSql()}
),
merged as (
  select is_total, k, ${mergedColumns()}
  from parts group by is_total, k having bool_or(in_grp)
)
select case when grp.is_total = 1 then null else grp.k end as g, grp.label, grp.is_total,
  coalesce(a.inbound, 0) as inbound,
  coalesce(o.outbound, 0) as outbound,
  coalesce(o.replies_sent, 0) as replies_sent,
  coalesce(a.needing_reply, 0) as needing_reply,
  coalesce(a.answered, 0) as answered,
  coalesce(a.exempt, 0) as exempt,
  coalesce(a.met, 0) as met,
  coalesce(a.missed, 0) as missed,
  coalesce(op.breached, 0) as breached,
  coalesce(op.at_risk, 0) as at_risk,
  coalesce(op.pending, 0) as pending,
  (a.answered::float8 / nullif(a.needing_reply, 0)) as response_rate,
  (a.met::float8 / nullif(a.met + a.missed + coalesce(op.breached, 0), 0)) as compliance,
  coalesce(op.open_count, 0) as open_count,
  op.oldest_open_age_s,
  pa.median_wall_ms, pa.p90_wall_ms, pa.median_business_ms, pa.p90_business_ms,
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
from merged grp, lateral (select grp.inbound, grp.needing_reply, grp.answered, grp.exempt, grp.met,
    grp.missed, grp.wall_b1, grp.wall_b2, grp.wall_b3, grp.wall_b4, grp.wall_b5, grp.business_b1,
    grp.business_b2, grp.business_b3, grp.business_b4, grp.business_b5, grp.sentiment_mean,
    grp.sentiment_labelled, grp.negative, grp.neutral, grp.positive) a,
  lateral (select grp.breached, grp.at_risk, grp.pending, grp.open_count, grp.oldest_open_age_s) op,
  lateral (select grp.median_wall_ms, grp.p90_wall_ms, grp.median_business_ms, grp.p90_business_ms) pa,
  lateral (select grp.outbound, grp.replies_sent, grp.posts) o,
  lateral (select grp.last_post_at) lp
order by grp.is_total, grp.label, grp.k`
}

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
