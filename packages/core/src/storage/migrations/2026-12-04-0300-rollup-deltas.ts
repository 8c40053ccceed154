/**
 * @module Rollups maintained by exact deltas for the common writes (issue 12, ingest ≥ 0.5× COPY).
 * Replaces, with `create or replace`, the trigger functions and `earshot_rollups_defer`,
 * `earshot_rollups_touch` and `earshot_rollups_flush` of migrations 700 and 1300.
 *
 * Before, every statement handed the (practice, day) keys it touched to a recompute of those
 * days from all of their raw rows, so a day that kept receiving batches cost more per batch as it
 * filled (the rollup flush was 12 of 17 s of the 30k ingest bench). Now the triggers only log
 * what changed, in transaction-local queues, and `earshot_rollups_apply()` turns that into
 * additive deltas — at the end of each statement, or once per batch inside defer … flush:
 *
 * - a mention INSERT logs the new ids; its contribution is the row's whole contribution,
 *   computed from the final mention row and the current links (links have no foreign key, so a
 *   link may already point at it). Counts add; `platform` is a min and `last_post_at` a max,
 *   both exact under insertion (`least`, `greatest`).
 * - a response-link INSERT, UPDATE (of a column the rollups read) or DELETE logs, per inbound id,
 *   the FIRST version this window saw (or "absent"). The delta for the inbound mention is its
 *   link-dependent contribution under the final link minus the one under that first version.
 *   "Replies sent" depends on other rows (an outbound mention counts once however many links
 *   point at it); it is exact too: for each outbound id of a first or final version, the links
 *   pointing at it now are counted, and the count before is that minus the final versions plus
 *   the first versions — the delta is [after > 0] − [before > 0].
 * - anything else falls back to the recompute, as before: a mention UPDATE that changes a column
 *   the rollups read (old and new days), a mention DELETE (a min cannot be decremented), a
 *   practice's time-zone change. Deltas for a day that is also recomputed are dropped.
 *
 * Everything is computed under the per-practice advisory locks the recompute takes, after
 * taking them (each statement of a plpgsql function takes a fresh snapshot under READ
 * COMMITTED), so two writers of one practice see each other's committed rows: what the rollups
 * hold is always exact for what is committed plus the writer's own earlier flushes.
 * Rows left empty are deleted, so the tables equal `rebuildRollups` from scratch (tested by
 * src/metrics/rollup-deltas.property.test.ts). `sentiment_sum` is a float8 sum: like any SUM its
 * last bits depend on the order of additions.
 *
 * `set earshot.rollups_deltas = off` (session or transaction) restores the recompute of every
 * touched day, for comparison and as an escape hatch.
 *
 * A table derived from these rollups must be maintained from both paths: the recompute
 * (`earshot_refresh_rollups_unlocked`) and the deltas (`earshot_rollup_delta`,
 * `earshot_rollup_delta_hist`, applied in `earshot_rollups_apply_deltas`) — or by a trigger on
 * `mention_rollups`, which both paths write through.
 */
import { type Kysely, sql } from 'kysely'
import * as writePath1300 from './2026-12-03-1300-rollup-write-path.js'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

/** The additive counters of mention_rollups, in table order, with the delta expression of each. */
const COUNTERS: ReadonlyArray<[string, string]> = [
  ['inbound', "sum(case when r.mention_part and r.direction = 'inbound' then 1 else 0 end)"],
  ['unlinked', 'sum(r.lsign * case when not r.linked then 1 else 0 end)'],
  ['exempt', 'sum(r.lsign * case when r.linked and r.ex then 1 else 0 end)'],
  ['met', "sum(r.lsign * case when r.linked and not r.ex and r.outcome = 'met' then 1 else 0 end)"],
  [
    'missed',
    "sum(r.lsign * case when r.linked and not r.ex and r.outcome = 'missed' then 1 else 0 end)",
  ],
  [
    'open',
    'sum(r.lsign * case when r.linked and not r.ex and r.outcome is null then 1 else 0 end)',
  ],
  ...(
    [
      ['b1', '< 3600000'],
      ['b2', '>= 3600000 and {ms} < 14400000'],
      ['b3', '>= 14400000 and {ms} < 28800000'],
      ['b4', '>= 28800000 and {ms} < 86400000'],
      ['b5', '>= 86400000'],
    ] as const
  ).flatMap(([b, range]) =>
    (['wall', 'business'] as const).map((clock): [string, string] => [
      `${clock}_${b}`,
      `sum(r.lsign * case when r.answered and r.${clock}_ms ${range.replace('{ms}', `r.${clock}_ms`)} then 1 else 0 end)`,
    ]),
  ),
  [
    'sentiment_sum',
    "coalesce(sum(r.sentiment_score) filter (where r.mention_part and r.direction = 'inbound'), 0)",
  ],
  [
    'sentiment_scored',
    "count(r.sentiment_score) filter (where r.mention_part and r.direction = 'inbound')",
  ],
  ...(['negative', 'neutral', 'positive'] as const).map((label): [string, string] => [
    label,
    `sum(case when r.mention_part and r.direction = 'inbound' and r.sentiment_label = '${label}' then 1 else 0 end)`,
  ]),
  ['outbound', "sum(case when r.mention_part and r.direction = 'outbound' then 1 else 0 end)"],
  ['replies_sent', 'sum(r.rs)'],
  [
    'posts',
    "sum(case when r.mention_part and r.direction = 'outbound' and r.kind = 'post' then 1 else 0 end)",
  ],
]
// Table order: wall_b1..b5 then business_b1..b5.
const ORDERED = [
  ...COUNTERS.filter(([c]) => !/_b\d$/.test(c)).slice(0, 6),
  ...COUNTERS.filter(([c]) => c.startsWith('wall_')),
  ...COUNTERS.filter(([c]) => c.startsWith('business_')),
  ...COUNTERS.filter(([c]) => !/_b\d$/.test(c)).slice(6),
]
const NAMES = ORDERED.map(([c]) => c)
const KEY = 'organisation_id, practice_id, day, channel_id, category'

// The off switch's key look-ups: migration 1300's, unchanged.
const mentionKeys = (rows: string) => `
    select array_agg(x.organisation_id), array_agg(x.practice_id),
      array_agg((x.created_at at time zone pr.time_zone)::date)
    from ${rows} x join practices pr on pr.organisation_id = x.organisation_id and pr.id = x.practice_id`
const linkKeys = (rows: string) => `
    select array_agg(m.organisation_id), array_agg(m.practice_id),
      array_agg((m.created_at at time zone pr.time_zone)::date)
    from (select x.organisation_id, x.inbound_id as id from ${rows} x
          union all
          select x.organisation_id, x.outbound_id from ${rows} x where x.outbound_id is not null) ref
    cross join lateral (select m.organisation_id, m.practice_id, m.created_at from mentions m
      where m.organisation_id = ref.organisation_id and m.id = ref.id offset 0) m
    join practices pr on pr.organisation_id = m.organisation_id and pr.id = m.practice_id`

const MENTION_READ = `practice_id, channel_id, platform, created_at, direction, kind, category,
           is_tombstone, sentiment_score, sentiment_label`
// Rows of a mention update that change what the rollups read, old and new versions (an update of
// the primary key counts as a change of both rows).
const changedMentions = `(
    select n.* from new_rows n where not exists (select 1 from old_rows o
      where o.organisation_id = n.organisation_id and o.id = n.id
        and (${MENTION_READ.replace(/(\w+)/g, 'o.$1')}) is not distinct from (${MENTION_READ.replace(/(\w+)/g, 'n.$1')}))
    union all
    select o.* from old_rows o where not exists (select 1 from new_rows n
      where o.organisation_id = n.organisation_id and o.id = n.id
        and (${MENTION_READ.replace(/(\w+)/g, 'o.$1')}) is not distinct from (${MENTION_READ.replace(/(\w+)/g, 'n.$1')})))`
const LINK_READ = 'outbound_id, needs_reply, exempt_reason, outcome, wall_ms, business_ms'
const linkSame = (a: string, b: string) =>
  `${a}.organisation_id = ${b}.organisation_id and ${a}.inbound_id = ${b}.inbound_id
        and (${LINK_READ.replace(/(\w+)/g, `${a}.$1`)}) is not distinct from (${LINK_READ.replace(/(\w+)/g, `${b}.$1`)})`
const changedLinks = `(
    select n.* from new_rows n where not exists (select 1 from old_rows o where ${linkSame('o', 'n')})
    union all
    select o.* from old_rows o where not exists (select 1 from new_rows n where ${linkSame('o', 'n')}))`

const DELTAS_OFF = `coalesce(current_setting('earshot.rollups_deltas', true), '') = 'off'`

export async function up(db: AnyDb): Promise<void> {
  // The queues live for the session and empty at every commit (no DDL per transaction, and the
  // plans of the functions that read them stay cached).
  await sql`
create or replace function earshot_rollups_queues() returns void language plpgsql as $fn$
begin
  if to_regclass('pg_temp.earshot_rollup_link_before') is not null then return; end if;
  create temp table if not exists earshot_rollup_pending (o text, p text, d date,
    primary key (o, p, d)) on commit delete rows;
  -- New mentions as inserted (a later update of a column the rollups read, or a deletion,
  -- recomputes that version's day, so its delta is dropped: the inserted values are exact).
  create temp table earshot_rollup_new_mentions (o text, id text, p text, channel_id text,
    platform text, created_at timestamptz, direction text, kind text, category text,
    sentiment_score float8, sentiment_label text,
    primary key (o, id)) on commit delete rows;
  -- Per inbound id, the first version this window saw; existed = false: there was none.
  create temp table earshot_rollup_link_before (o text, inbound_id text, p text,
    existed boolean not null, outbound_id text, needs_reply boolean, exempt_reason text,
    outcome text, wall_ms float8, business_ms float8,
    primary key (o, inbound_id)) on commit delete rows;
  create temp table earshot_rollup_delta (like mention_rollups) on commit delete rows;
  create temp table earshot_rollup_delta_hist (like mention_rollup_histograms) on commit delete rows;
end $fn$`.execute(db)

  await sql`
create or replace function earshot_rollups_defer() returns void language plpgsql as $fn$
begin
  perform earshot_rollups_queues();
  perform set_config('earshot.rollups_deferred', 'on', true);
end $fn$`.execute(db)

  await sql`
create or replace function earshot_rollups_touch(k_org text[], k_practice text[], k_day date[]) returns void
language plpgsql as $fn$
begin
  if coalesce(array_length(k_org, 1), 0) = 0 then return; end if;
  if current_setting('earshot.rollups_deferred', true) = 'on' then
    insert into earshot_rollup_pending
      select distinct u.o, u.p, u.d from unnest(k_org, k_practice, k_day) as u(o, p, d)
      on conflict do nothing;
  else
    perform earshot_refresh_rollups(k_org, k_practice, k_day);
  end if;
end $fn$`.execute(db)

  // The deltas of the logged changes, computed from the current rows, into the delta tables.
  await sql
    .raw(`
create or replace function earshot_rollups_compute_deltas() returns void language plpgsql as $fn$
begin
  delete from earshot_rollup_delta;
  delete from earshot_rollup_delta_hist;
  -- Dynamic, so it is planned for the tables as they are now: a plan cached for the session
  -- (the queues outlive transactions) was made when mentions was small and probed it through
  -- mentions_enricher_idx, filtering every row of the organisation per new mention.
  execute $q$
  with
  nm as (select * from earshot_rollup_new_mentions),
  lb as (select * from earshot_rollup_link_before b
         where not exists (select 1 from nm where nm.o = b.o and nm.id = b.inbound_id)),
  -- Outbound ids whose "answered" may have changed: of first versions and of final versions.
  -- Every look-up below is a primary-key or index probe per logged row, lateral, ordered like the
  -- index it should use (limit 1): the queues have no statistics, a join the planner was free
  -- to reorder scanned all answered links (outbound_id is not null), and without statistics on
  -- mentions (a young table) it probed by any index leading with organisation_id
  -- (mentions_export_order_idx, mentions_enricher_idx), filtering the whole organisation.
  fin_t as (select l.organisation_id as o, l.outbound_id as id, count(*) as n
            from earshot_rollup_link_before b
            cross join lateral (select l.organisation_id, l.outbound_id from response_links l
              where l.organisation_id = b.o and l.inbound_id = b.inbound_id
              order by l.organisation_id, l.inbound_id limit 1) l
            where l.outbound_id is not null group by 1, 2),
  ini_t as (select b.o, b.outbound_id as id, count(*) as n from earshot_rollup_link_before b
            where b.existed and b.outbound_id is not null group by 1, 2),
  outs as (select o, id from fin_t union select o, id from ini_t),
  contrib as (
    -- New mentions: their whole contribution.
    select m.o, m.p, m.created_at, m.channel_id, m.platform,
      m.direction, m.kind, m.category, m.sentiment_score, m.sentiment_label, true as mention_part,
      case when m.direction = 'inbound' then 1 else 0 end as lsign,
      rl.inbound_id is not null as linked, rl.exempt_reason is not null or not rl.needs_reply as ex,
      rl.outcome, rl.wall_ms, rl.business_ms, coalesce(a.n, 0) as rs
    from nm m
    left join lateral (select * from response_links rl where m.direction = 'inbound'
      and rl.organisation_id = m.o and rl.inbound_id = m.id
      order by rl.organisation_id, rl.inbound_id limit 1) rl on true
    left join lateral (select 1 as n from response_links a where m.direction = 'outbound'
      and a.organisation_id = m.o and a.outbound_id = m.id
      order by a.organisation_id, a.outbound_id limit 1) a on true
    union all
    -- Inbound mentions whose link changed: + under the final link, − under the first version.
    select m.organisation_id, m.practice_id, m.created_at, m.channel_id, m.platform,
      m.direction, m.kind, m.category, null, null, false, v.sign,
      v.linked, v.exempt_reason is not null or not v.needs_reply, v.outcome, v.wall_ms, v.business_ms, 0
    from lb
    cross join lateral (select * from mentions m
      where m.organisation_id = lb.o and m.id = lb.inbound_id order by m.organisation_id, m.id limit 1) m
    cross join lateral (
      select 1 as sign, rl.inbound_id is not null as linked, rl.needs_reply, rl.exempt_reason,
        rl.outcome, rl.wall_ms, rl.business_ms
      from (select 1) one left join lateral (select * from response_links rl
        where rl.organisation_id = lb.o and rl.inbound_id = lb.inbound_id
        order by rl.organisation_id, rl.inbound_id limit 1) rl on true
      union all
      select -1, lb.existed, lb.needs_reply, lb.exempt_reason, lb.outcome, lb.wall_ms, lb.business_ms
    ) v
    where m.direction = 'inbound' and not m.is_tombstone
    union all
    -- Outbound mentions some changed link pointed or points at: answered now vs before.
    select m.organisation_id, m.practice_id, m.created_at, m.channel_id, m.platform,
      m.direction, m.kind, m.category, null, null, false, 0, false, null, null, null, null,
      (c.n > 0)::int - (c.n - coalesce(f.n, 0) + coalesce(i.n, 0) > 0)::int
    from outs x
    cross join lateral (select * from mentions m
      where m.organisation_id = x.o and m.id = x.id order by m.organisation_id, m.id limit 1) m
    left join fin_t f on f.o = x.o and f.id = x.id
    left join ini_t i on i.o = x.o and i.id = x.id
    cross join lateral (select count(*) as n from (select 1 from response_links a
      where a.organisation_id = x.o and a.outbound_id = x.id
      order by a.organisation_id, a.outbound_id) a) c
    where m.direction = 'outbound' and not m.is_tombstone
      and not exists (select 1 from nm where nm.o = x.o and nm.id = x.id)
  ),
  keyed as (
    select r.*, (r.created_at at time zone pr.time_zone)::date as d,
      case when r.direction = 'inbound' then coalesce(r.category, '') else '' end as cat,
      r.linked and not r.ex and r.outcome is not null as answered
    from contrib r
    cross join lateral (select pr.time_zone from practices pr
      where pr.organisation_id = r.o and pr.id = r.p order by pr.organisation_id, pr.id limit 1) pr
  ),
  hist as (
    insert into earshot_rollup_delta_hist (${KEY}, clock, bucket, n)
    select r.o, r.p, r.d, r.channel_id, r.cat, c.clock, earshot_rt_bucket(c.ms), sum(r.lsign)
    from keyed r
    cross join lateral (values ('wall', r.wall_ms), ('business', r.business_ms)) as c(clock, ms)
    where r.lsign <> 0 and r.answered and c.ms is not null
    group by 1, 2, 3, 4, 5, 6, 7
    having sum(r.lsign) <> 0
    returning 1
  )
  insert into earshot_rollup_delta (${KEY}, platform, ${NAMES.join(', ')}, last_post_at)
  select r.o, r.p, r.d, r.channel_id, r.cat, min(r.platform),
    ${ORDERED.map(([, e]) => e).join(',\n    ')},
    max(r.created_at) filter (where r.mention_part and r.direction = 'outbound' and r.kind = 'post')
  from keyed r
  group by 1, 2, 3, 4, 5
  having ${ORDERED.filter(([c]) => c !== 'sentiment_sum')
    .map(([, e]) => `${e} <> 0`)
    .join(' or ')}
  $q$;
end $fn$`)
    .execute(db)

  await sql
    .raw(`
create or replace function earshot_rollups_apply_deltas() returns void language plpgsql as $fn$
declare x record;
begin
  insert into mention_rollups as t (${KEY}, platform, ${NAMES.join(', ')}, last_post_at)
  select ${KEY}, platform, ${NAMES.join(', ')}, last_post_at from earshot_rollup_delta
  on conflict (${KEY}) do update set
    platform = least(t.platform, excluded.platform),
    ${NAMES.map((c) => `${c} = t.${c} + excluded.${c}`).join(',\n    ')},
    last_post_at = greatest(t.last_post_at, excluded.last_post_at);
  -- A group with no mention left has no row, a bucket with no answer neither (as after a
  -- recompute). Only a negative delta can empty one; each is one primary-key probe (a join let
  -- the planner scan the whole histogram table).
  for x in select * from earshot_rollup_delta where inbound < 0 or outbound < 0 loop
    delete from mention_rollups t
      where t.organisation_id = x.organisation_id and t.practice_id = x.practice_id and t.day = x.day
        and t.channel_id = x.channel_id and t.category = x.category and t.inbound = 0 and t.outbound = 0;
  end loop;
  insert into mention_rollup_histograms as t (${KEY}, clock, bucket, n)
  select ${KEY}, clock, bucket, n from earshot_rollup_delta_hist
  on conflict (${KEY}, clock, bucket) do update set n = t.n + excluded.n;
  for x in select * from earshot_rollup_delta_hist where n < 0 loop
    delete from mention_rollup_histograms t
      where t.organisation_id = x.organisation_id and t.practice_id = x.practice_id and t.day = x.day
        and t.channel_id = x.channel_id and t.category = x.category and t.clock = x.clock
        and t.bucket = x.bucket and t.n = 0;
  end loop;
end $fn$`)
    .execute(db)

  // Applies everything logged since the last apply: deltas, then the recompute of the days that
  // need one. Returns the number of days recomputed.
  await sql`
create or replace function earshot_rollups_apply() returns integer language plpgsql as $fn$
declare
  locked text[] := '{}';
  want text[];
  lk record;
  ko text[]; kp text[]; kd date[]; n integer;
begin
  if to_regclass('pg_temp.earshot_rollup_link_before') is null then return 0; end if;
  if not exists (select 1 from earshot_rollup_new_mentions)
     and not exists (select 1 from earshot_rollup_link_before)
     and not exists (select 1 from earshot_rollup_pending) then
    return 0;
  end if;
  -- Lock the practices the logged rows name, compute the deltas after the locks; if a delta
  -- lands in a practice not locked (a mention moved practice meanwhile), lock it and compute again.
  select coalesce(array_agg(x order by x), '{}') into want from (
    select q.o || '/' || q.p as x from earshot_rollup_new_mentions q
    union select q.o || '/' || q.p from earshot_rollup_link_before q
    union select q.o || '/' || q.p from earshot_rollup_pending q) s;
  loop
    for lk in select u.x from unnest(want) as u(x) where u.x <> all(locked) order by u.x loop
      perform pg_advisory_xact_lock(hashtextextended('earshot-rollup/' || lk.x, 0));
    end loop;
    locked := locked || want;
    perform earshot_rollups_compute_deltas();
    select coalesce(array_agg(distinct x order by x), '{}') into want from (
      select organisation_id || '/' || practice_id as x from earshot_rollup_delta
      union select organisation_id || '/' || practice_id from earshot_rollup_delta_hist) s
      where x <> all(locked);
    exit when coalesce(array_length(want, 1), 0) = 0;
  end loop;
  -- Days that are recomputed take no delta.
  delete from earshot_rollup_delta x using earshot_rollup_pending q
    where x.organisation_id = q.o and x.practice_id = q.p and x.day = q.d;
  delete from earshot_rollup_delta_hist x using earshot_rollup_pending q
    where x.organisation_id = q.o and x.practice_id = q.p and x.day = q.d;
  perform earshot_rollups_apply_deltas();
  select array_agg(q.o), array_agg(q.p), array_agg(q.d), count(*) from earshot_rollup_pending q
    into ko, kp, kd, n;
  delete from earshot_rollup_new_mentions;
  delete from earshot_rollup_link_before;
  delete from earshot_rollup_pending;
  delete from earshot_rollup_delta;
  delete from earshot_rollup_delta_hist;
  perform earshot_refresh_rollups(ko, kp, kd);
  return n;
end $fn$`.execute(db)

  // Recomputes/applies everything queued and returns to per-statement maintenance.
  await sql`
create or replace function earshot_rollups_flush() returns integer language plpgsql as $fn$
begin
  if coalesce(current_setting('earshot.rollups_deferred', true), '') <> 'on' then return 0; end if;
  perform set_config('earshot.rollups_deferred', '', true);
  return earshot_rollups_apply();
end $fn$`.execute(db)

  await sql`
create or replace function earshot_rollups_statement_end() returns void language plpgsql as $fn$
begin
  if coalesce(current_setting('earshot.rollups_deferred', true), '') <> 'on' then
    perform earshot_rollups_apply();
  end if;
end $fn$`.execute(db)

  const trigger = (name: string, off: string, body: string) => `
create or replace function ${name}() returns trigger language plpgsql as $fn$
declare ko text[]; kp text[]; kd date[];
begin
  if ${DELTAS_OFF} then
    ${off} into ko, kp, kd;
    perform earshot_rollups_touch(ko, kp, kd);
    return null;
  end if;
  perform earshot_rollups_queues();
  ${body}
  perform earshot_rollups_statement_end();
  return null;
end $fn$`
  const recompute = (keys: string) => `${keys} into ko, kp, kd;
  perform earshot_rollups_touch(ko, kp, kd);`

  await sql
    .raw(
      trigger(
        'earshot_rollups_mentions_insert',
        mentionKeys('new_rows'),
        `insert into earshot_rollup_new_mentions
    select organisation_id, id, practice_id, channel_id, platform, created_at, direction, kind,
      category, sentiment_score, sentiment_label
    from new_rows where not is_tombstone
    on conflict (o, id) do update set p = excluded.p, channel_id = excluded.channel_id,
      platform = excluded.platform, created_at = excluded.created_at,
      direction = excluded.direction, kind = excluded.kind, category = excluded.category,
      sentiment_score = excluded.sentiment_score, sentiment_label = excluded.sentiment_label;`,
      ),
    )
    .execute(db)
  await sql
    .raw(
      trigger(
        'earshot_rollups_mentions_update',
        mentionKeys(changedMentions),
        recompute(mentionKeys(changedMentions)),
      ),
    )
    .execute(db)
  await sql
    .raw(
      trigger(
        'earshot_rollups_mentions_delete',
        mentionKeys('old_rows'),
        recompute(mentionKeys('old_rows')),
      ),
    )
    .execute(db)

  const logOld = (rows: string) => `insert into earshot_rollup_link_before
    select x.organisation_id, x.inbound_id, x.practice_id, true, ${LINK_READ.replace(/(\w+)/g, 'x.$1')}
    from ${rows} x
    on conflict do nothing;`
  const logAbsent = (
    rows: string,
  ) => `insert into earshot_rollup_link_before (o, inbound_id, p, existed)
    select x.organisation_id, x.inbound_id, x.practice_id, false from ${rows} x
    on conflict do nothing;`
  await sql
    .raw(trigger('earshot_rollups_links_insert', linkKeys('new_rows'), logAbsent('new_rows')))
    .execute(db)
  await sql
    .raw(
      trigger(
        'earshot_rollups_links_update',
        linkKeys(changedLinks),
        // Old versions of changed rows first (they win), then new keys that had no old row.
        `${logOld(`(select o.* from old_rows o where not exists (select 1 from new_rows n where ${linkSame('o', 'n')}))`)}
  ${logAbsent(`(select n.* from new_rows n where not exists (select 1 from old_rows o
      where o.organisation_id = n.organisation_id and o.inbound_id = n.inbound_id))`)}`,
      ),
    )
    .execute(db)
  await sql
    .raw(trigger('earshot_rollups_links_delete', linkKeys('old_rows'), logOld('old_rows')))
    .execute(db)
}

export async function down(db: AnyDb): Promise<void> {
  // Migration 1300's functions (create or replace), then drop what this one added.
  await writePath1300.up(db)
  for (const f of [
    'earshot_rollups_statement_end',
    'earshot_rollups_apply',
    'earshot_rollups_apply_deltas',
    'earshot_rollups_compute_deltas',
    'earshot_rollups_queues',
  ])
    await sql.raw(`drop function if exists ${f}()`).execute(db)
}
