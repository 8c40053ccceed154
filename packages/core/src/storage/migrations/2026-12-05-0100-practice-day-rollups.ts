/**
 * @module A coarser rollup for the agency comparison (issue 12): `mention_practice_days`, one row
 * per (organisation, practice, local day) — `mention_rollups` summed over channel and category,
 * with that day's response-time histograms merged into arrays (bucket, count) per clock, so a
 * 30-day comparison of 2,000 practices reads at most 60,000 rows and no histogram rows.
 *
 * Maintained exactly, and only, from the two rollup tables: statement-level triggers (transition
 * tables, one per event) on `mention_rollups` and `mention_rollup_histograms` recompute every
 * (organisation, practice, day) a statement touched from those tables, in the writing
 * transaction. Every write path of the rollups — the deltas and the recompute of migration
 * `2026-12-04-0300-rollup-deltas`, `rebuildRollups`, a practice's deletion (cascade) — goes
 * through those tables, so a late reply, an override, a schedule re-evaluation or a deletion
 * reaches this table in the same statement. Writers of one practice are already serialised by the
 * rollups' per-practice advisory lock, and each statement of a trigger function reads the
 * committed rows plus the transaction's own, so the recompute sees what the rollups hold.
 *
 * - a `mention_rollups` write recomputes the whole row (counters and arrays), or deletes it when
 *   the day has no rollup row left;
 * - a `mention_rollup_histograms` write recomputes the arrays of the rows that exist (a day's
 *   histogram rows never outlive its rollup rows; the rollup trigger computes both).
 *
 * `earshot_refresh_practice_days` is also called by `rebuildRollups`, so a rebuild repairs this
 * table even where the rollups themselves did not change. The rebuild sets
 * `earshot.practice_days = deferred` (local to the chunk's transaction) so the triggers leave
 * its keys to that one call instead of recomputing each key four times (delete, insert and the
 * two histogram statements of the refresh; a rebuild of 1M mentions took 115 s with them, 69 s
 * without, 56 s before this table).
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

/** The additive counters of mention_rollups, copied as sums (test/practice-days.ts sums the same). */
export const COUNTERS = [
  'inbound',
  'unlinked',
  'exempt',
  'met',
  'missed',
  'open',
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
  'sentiment_scored',
  'negative',
  'neutral',
  'positive',
  'outbound',
  'replies_sent',
  'posts',
] as const

const ARRAYS = ['wall_buckets', 'wall_counts', 'business_buckets', 'business_counts'] as const

/** One key's (`alias`.o, .p, .d) merged histogram arrays, empty when it has none. */
const histOfKey = (alias: string) => `
  select
    coalesce(array_agg(x.bucket order by x.bucket) filter (where x.clock = 'wall'), '{}') as wall_buckets,
    coalesce(array_agg(x.n order by x.bucket) filter (where x.clock = 'wall'), '{}') as wall_counts,
    coalesce(array_agg(x.bucket order by x.bucket) filter (where x.clock = 'business'), '{}') as business_buckets,
    coalesce(array_agg(x.n order by x.bucket) filter (where x.clock = 'business'), '{}') as business_counts
  from (
    select h.clock, h.bucket, sum(h.n)::int as n
    from mention_rollup_histograms h
    where h.organisation_id = ${alias}.o and h.practice_id = ${alias}.p and h.day = ${alias}.d
    group by h.clock, h.bucket
  ) x`

export async function up(db: AnyDb): Promise<void> {
  await sql
    .raw(`
create table mention_practice_days (
  organisation_id text not null,
  practice_id text not null,
  day date not null,
  ${COUNTERS.filter((c) => c !== 'sentiment_scored')
    .map((c) => `${c} integer not null`)
    .join(',\n  ')},
  sentiment_sum double precision not null,
  sentiment_scored integer not null,
  -- The day's merged histograms: bucket numbers ascending (earshot_rt_bucket) and their counts.
  wall_buckets smallint[] not null,
  wall_counts integer[] not null,
  business_buckets smallint[] not null,
  business_counts integer[] not null,
  constraint mention_practice_days_pk primary key (organisation_id, practice_id, day),
  constraint mention_practice_days_practice_fk foreign key (organisation_id, practice_id)
    references practices (organisation_id, id) on delete cascade
)`)
    .execute(db)
  // The comparison reads one organisation's period for all (or many) practices.
  await sql`create index mention_practice_days_org_day_idx
    on mention_practice_days (organisation_id, day, practice_id)`.execute(db)

  // Recomputes the given keys from the rollup tables (duplicates are fine).
  await sql
    .raw(`
create function earshot_refresh_practice_days(k_org text[], k_practice text[], k_day date[]) returns void
language plpgsql
-- Key look-ups by primary key, however many keys: with thousands of keys (a rebuild chunk) the
-- planner hashed the whole table instead (490,000 rows at 1M mentions: 250 ms a statement).
set enable_hashjoin = off set enable_mergejoin = off
as $fn$
begin
  if coalesce(array_length(k_org, 1), 0) = 0 then return; end if;
  -- Distinct keys (a statement's rows repeat them); the rollups probed in primary-key order.
  delete from mention_practice_days t
    using (select distinct u.o, u.p, u.d from unnest(k_org, k_practice, k_day) as u(o, p, d)) k
    where t.organisation_id = k.o and t.practice_id = k.p and t.day = k.d
      and not exists (select 1 from mention_rollups r
        where r.organisation_id = k.o and r.practice_id = k.p and r.day = k.d
        order by r.organisation_id, r.practice_id, r.day limit 1);
  -- Histograms only for the keys that keep a row (a key whose rollups are gone costs nothing more).
  insert into mention_practice_days as t (organisation_id, practice_id, day,
    ${COUNTERS.join(', ')}, sentiment_sum, ${ARRAYS.join(', ')})
  select c.o, c.p, c.d, ${COUNTERS.map((n) => `c.${n}`).join(', ')}, c.sentiment_sum,
    ${ARRAYS.map((n) => `h.${n}`).join(', ')}
  from (
    select r.organisation_id as o, r.practice_id as p, r.day as d,
      ${COUNTERS.map((n) => `sum(r.${n})::int as ${n}`).join(', ')},
      sum(r.sentiment_sum)::float8 as sentiment_sum
    from (select distinct u.o, u.p, u.d from unnest(k_org, k_practice, k_day) as u(o, p, d)) k
    join mention_rollups r on r.organisation_id = k.o and r.practice_id = k.p and r.day = k.d
    group by r.organisation_id, r.practice_id, r.day
  ) c
  cross join lateral (${histOfKey('c')}) h
  on conflict (organisation_id, practice_id, day) do update set
    ${[...COUNTERS, 'sentiment_sum', ...ARRAYS].map((n) => `${n} = excluded.${n}`).join(',\n    ')}
  -- A row that is already right is not rewritten (a rebuild recomputes every key twice).
  where (${[...COUNTERS, 'sentiment_sum', ...ARRAYS].map((n) => `t.${n}`).join(', ')})
    is distinct from (${[...COUNTERS, 'sentiment_sum', ...ARRAYS].map((n) => `excluded.${n}`).join(', ')});
end $fn$`)
    .execute(db)

  // Only the histogram arrays of existing rows.
  await sql
    .raw(`
create function earshot_refresh_practice_day_histograms(k_org text[], k_practice text[], k_day date[]) returns void
language plpgsql
-- Key look-ups by primary key, however many keys: with thousands of keys (a rebuild chunk) the
-- planner hashed the whole table instead (490,000 rows at 1M mentions: 250 ms a statement).
set enable_hashjoin = off set enable_mergejoin = off
as $fn$
begin
  if coalesce(array_length(k_org, 1), 0) = 0 then return; end if;
  update mention_practice_days t set
    ${ARRAYS.map((n) => `${n} = h.${n}`).join(', ')}
  from (
    select k.o, k.p, k.d, x.*
    from (select distinct u.o, u.p, u.d from unnest(k_org, k_practice, k_day) as u(o, p, d)
      join mention_practice_days y on y.organisation_id = u.o and y.practice_id = u.p and y.day = u.d) k
    cross join lateral (${histOfKey('k')}) x
  ) h
  where t.organisation_id = h.o and t.practice_id = h.p and t.day = h.d
    and (t.wall_buckets, t.wall_counts, t.business_buckets, t.business_counts)
      is distinct from (h.wall_buckets, h.wall_counts, h.business_buckets, h.business_counts);
end $fn$`)
    .execute(db)

  // One trigger per table and event (a trigger with transition tables has one event).
  for (const [table, fn] of [
    ['mention_rollups', 'earshot_refresh_practice_days'],
    ['mention_rollup_histograms', 'earshot_refresh_practice_day_histograms'],
  ] as const) {
    for (const op of ['insert', 'update', 'delete'] as const) {
      const rows =
        op === 'insert'
          ? 'new_rows'
          : op === 'delete'
            ? 'old_rows'
            : '(select organisation_id, practice_id, day from new_rows union select organisation_id, practice_id, day from old_rows)'
      const name = `${table}_practice_days_${op}`
      await sql
        .raw(`
create function earshot_${name}() returns trigger language plpgsql as $fn$
declare ko text[]; kp text[]; kd date[];
begin
  -- rebuildRollups recomputes every key of its chunk itself, once, after the refresh.
  if current_setting('earshot.practice_days', true) = 'deferred' then return null; end if;
  select array_agg(x.organisation_id), array_agg(x.practice_id), array_agg(x.day)
    into ko, kp, kd from ${rows} x;
  perform ${fn}(ko, kp, kd);
  return null;
end $fn$`)
        .execute(db)
      const referencing =
        op === 'insert'
          ? 'new table as new_rows'
          : op === 'delete'
            ? 'old table as old_rows'
            : 'old table as old_rows new table as new_rows'
      await sql
        .raw(`create trigger ${name} after ${op} on ${table}
        referencing ${referencing} for each statement execute function earshot_${name}()`)
        .execute(db)
    }
  }

  // What the rollups hold today.
  await sql
    .raw(`
insert into mention_practice_days (organisation_id, practice_id, day,
  ${COUNTERS.join(', ')}, sentiment_sum, ${ARRAYS.join(', ')})
select c.o, c.p, c.d, ${COUNTERS.map((n) => `c.${n}`).join(', ')}, c.sentiment_sum,
  coalesce(h.wall_buckets, '{}'), coalesce(h.wall_counts, '{}'),
  coalesce(h.business_buckets, '{}'), coalesce(h.business_counts, '{}')
from (
  select r.organisation_id as o, r.practice_id as p, r.day as d,
    ${COUNTERS.map((n) => `sum(r.${n})::int as ${n}`).join(', ')},
    sum(r.sentiment_sum)::float8 as sentiment_sum
  from mention_rollups r
  group by r.organisation_id, r.practice_id, r.day
) c
left join (
  select o, p, d,
    array_agg(bucket order by bucket) filter (where clock = 'wall') as wall_buckets,
    array_agg(n order by bucket) filter (where clock = 'wall') as wall_counts,
    array_agg(bucket order by bucket) filter (where clock = 'business') as business_buckets,
    array_agg(n order by bucket) filter (where clock = 'business') as business_counts
  from (
    select organisation_id as o, practice_id as p, day as d, clock, bucket, sum(n)::int as n
    from mention_rollup_histograms
    group by organisation_id, practice_id, day, clock, bucket
  ) x
  group by o, p, d
) h on h.o = c.o and h.p = c.p and h.d = c.d`)
    .execute(db)
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of ['mention_rollups', 'mention_rollup_histograms'])
    for (const op of ['insert', 'update', 'delete']) {
      await sql.raw(`drop trigger if exists ${table}_practice_days_${op} on ${table}`).execute(db)
      await sql.raw(`drop function if exists earshot_${table}_practice_days_${op}()`).execute(db)
    }
  await sql`drop function if exists earshot_refresh_practice_day_histograms(text[], text[], date[])`.execute(
    db,
  )
  await sql`drop function if exists earshot_refresh_practice_days(text[], text[], date[])`.execute(
    db,
  )
  await sql`drop table if exists mention_practice_days`.execute(db)
}
