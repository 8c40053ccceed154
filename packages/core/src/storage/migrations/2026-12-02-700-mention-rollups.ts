/**
 * @module Daily rollups of mentions (design § Scale): per (organisation, practice, channel,
 * category, day in the practice's zone) the time-invariant counts, exact response-time buckets
 * and a mergeable log-bucket histogram of wall and business response times. Statement-level
 * triggers on `mentions`, `response_links` and `practices` recompute every (practice, day) a
 * statement touched from the raw rows, inside the writing transaction — so whatever writes
 * (ingest, thread pass, override, re-evaluation, deletion, a time-zone change) the rollups are
 * exact when it commits. Recomputing a touched day instead of applying deltas keeps them exact
 * even where one row's figure depends on another ("replies sent" counts outbound mentions some
 * link points at). See docs/performance.md § Rollups.
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

/** Histogram ratio: bucket i ≥ 0 covers [1000·γ^i, 1000·γ^(i+1)) ms; −1 is (0, 1 s); −2 is ≤ 0. */
const GAMMA = 1.02

export async function up(db: AnyDb): Promise<void> {
  await sql`
create table mention_rollups (
  organisation_id text not null,
  practice_id text not null,
  day date not null,
  channel_id text not null,
  -- '' stands for no category (outbound mentions, untriaged inbound ones).
  category text not null,
  platform text not null,
  inbound integer not null,
  -- Inbound mentions with no response link (never evaluated): counted, no status.
  unlinked integer not null,
  exempt integer not null,
  met integer not null,
  missed integer not null,
  -- Linked, not exempt, not answered: pending, at risk or breached depending on the instant.
  open integer not null,
  wall_b1 integer not null, wall_b2 integer not null, wall_b3 integer not null,
  wall_b4 integer not null, wall_b5 integer not null,
  business_b1 integer not null, business_b2 integer not null, business_b3 integer not null,
  business_b4 integer not null, business_b5 integer not null,
  sentiment_sum double precision not null,
  sentiment_scored integer not null,
  negative integer not null,
  neutral integer not null,
  positive integer not null,
  outbound integer not null,
  replies_sent integer not null,
  posts integer not null,
  last_post_at timestamptz,
  constraint mention_rollups_pk primary key (organisation_id, practice_id, day, channel_id, category),
  constraint mention_rollups_practice_fk foreign key (organisation_id, practice_id)
    references practices (organisation_id, id) on delete cascade
)`.execute(db)
  await sql`
create table mention_rollup_histograms (
  organisation_id text not null,
  practice_id text not null,
  day date not null,
  channel_id text not null,
  category text not null,
  clock text not null check (clock in ('wall', 'business')),
  bucket smallint not null,
  n integer not null,
  constraint mention_rollup_histograms_pk
    primary key (organisation_id, practice_id, day, channel_id, category, clock, bucket),
  constraint mention_rollup_histograms_practice_fk foreign key (organisation_id, practice_id)
    references practices (organisation_id, id) on delete cascade
)`.execute(db)

  await sql`
create function earshot_rt_bucket(ms double precision) returns smallint
language sql immutable parallel safe as $$
  select case when ms <= 0 then -2 when ms < 1000 then -1
    else floor(ln(ms / 1000.0) / ln(${sql.lit(GAMMA)}::float8))::smallint end
$$`.execute(db)

  // Recomputes the rollup rows of the given (organisation, practice, local day) keys from the
  // raw rows. The arrays are parallel; duplicates are fine.
  await sql`
create function earshot_refresh_rollups(k_org text[], k_practice text[], k_day date[]) returns void
language plpgsql as $fn$
begin
  if coalesce(array_length(k_org, 1), 0) = 0 then return; end if;
  create temp table if not exists earshot_rollup_keys (o text, p text, d date, lo timestamptz, hi timestamptz) on commit drop;
  truncate earshot_rollup_keys;
  insert into earshot_rollup_keys
    select distinct k.o, k.p, k.d,
      k.d::timestamp at time zone pr.time_zone, (k.d + 1)::timestamp at time zone pr.time_zone
    from unnest(k_org, k_practice, k_day) as k(o, p, d)
    join practices pr on pr.organisation_id = k.o and pr.id = k.p;
  delete from mention_rollups r using unnest(k_org, k_practice, k_day) as k(o, p, d)
    where r.organisation_id = k.o and r.practice_id = k.p and r.day = k.d;
  delete from mention_rollup_histograms r using unnest(k_org, k_practice, k_day) as k(o, p, d)
    where r.organisation_id = k.o and r.practice_id = k.p and r.day = k.d;

  create temp table if not exists earshot_rollup_rows (
    o text, p text, d date, channel_id text, category text, platform text, direction text,
    kind text, created_at timestamptz, sentiment_score float8, sentiment_label text,
    linked boolean, exempt boolean, outcome text, wall_ms float8, business_ms float8,
    answering boolean) on commit drop;
  truncate earshot_rollup_rows;
  insert into earshot_rollup_rows
    select k.o, k.p, k.d, m.channel_id,
      case when m.direction = 'inbound' then coalesce(m.category, '') else '' end,
      m.platform, m.direction, m.kind, m.created_at, m.sentiment_score, m.sentiment_label,
      rl.inbound_id is not null,
      rl.exempt_reason is not null or not rl.needs_reply,
      rl.outcome, rl.wall_ms, rl.business_ms,
      m.direction = 'outbound' and exists (
        select 1 from response_links a where a.organisation_id = m.organisation_id and a.outbound_id = m.id)
    from earshot_rollup_keys k
    join mentions m on m.organisation_id = k.o and m.practice_id = k.p
      and m.created_at >= k.lo and m.created_at < k.hi and not m.is_tombstone
    left join response_links rl on m.direction = 'inbound'
      and rl.organisation_id = m.organisation_id and rl.inbound_id = m.id;

  insert into mention_rollups
    select o, p, d, channel_id, category, min(platform),
      count(*) filter (where direction = 'inbound'),
      count(*) filter (where direction = 'inbound' and not linked),
      count(*) filter (where direction = 'inbound' and linked and exempt),
      count(*) filter (where direction = 'inbound' and linked and not exempt and outcome = 'met'),
      count(*) filter (where direction = 'inbound' and linked and not exempt and outcome = 'missed'),
      count(*) filter (where direction = 'inbound' and linked and not exempt and outcome is null),
      count(*) filter (where answered and wall_ms < 3600000),
      count(*) filter (where answered and wall_ms >= 3600000 and wall_ms < 14400000),
      count(*) filter (where answered and wall_ms >= 14400000 and wall_ms < 28800000),
      count(*) filter (where answered and wall_ms >= 28800000 and wall_ms < 86400000),
      count(*) filter (where answered and wall_ms >= 86400000),
      count(*) filter (where answered and business_ms < 3600000),
      count(*) filter (where answered and business_ms >= 3600000 and business_ms < 14400000),
      count(*) filter (where answered and business_ms >= 14400000 and business_ms < 28800000),
      count(*) filter (where answered and business_ms >= 28800000 and business_ms < 86400000),
      count(*) filter (where answered and business_ms >= 86400000),
      coalesce(sum(sentiment_score) filter (where direction = 'inbound'), 0),
      count(sentiment_score) filter (where direction = 'inbound'),
      count(*) filter (where direction = 'inbound' and sentiment_label = 'negative'),
      count(*) filter (where direction = 'inbound' and sentiment_label = 'neutral'),
      count(*) filter (where direction = 'inbound' and sentiment_label = 'positive'),
      count(*) filter (where direction = 'outbound'),
      count(*) filter (where direction = 'outbound' and answering),
      count(*) filter (where direction = 'outbound' and kind = 'post'),
      max(created_at) filter (where direction = 'outbound' and kind = 'post')
    from (select *, direction = 'inbound' and linked and not exempt and outcome is not null as answered
          from earshot_rollup_rows) x
    group by o, p, d, channel_id, category;

  insert into mention_rollup_histograms
    select o, p, d, channel_id, category, c.clock, earshot_rt_bucket(c.ms), count(*)
    from earshot_rollup_rows
    cross join lateral (values ('wall', wall_ms), ('business', business_ms)) as c(clock, ms)
    where direction = 'inbound' and linked and not exempt and outcome is not null and c.ms is not null
    group by o, p, d, channel_id, category, c.clock, earshot_rt_bucket(c.ms);
end
$fn$`.execute(db)

  // One function per event: a trigger with transition tables may only have one event.
  const mentionKeys = (rows: string) => `
    select array_agg(x.organisation_id), array_agg(x.practice_id),
      array_agg((x.created_at at time zone pr.time_zone)::date)
    from ${rows} x join practices pr on pr.organisation_id = x.organisation_id and pr.id = x.practice_id`
  const mentionTrigger = async (op: 'insert' | 'update' | 'delete', source: string) => {
    await sql
      .raw(`
create function earshot_rollups_mentions_${op}() returns trigger language plpgsql as $fn$
declare o text[]; p text[]; d date[];
begin
  ${mentionKeys(source)} into o, p, d;
  perform earshot_refresh_rollups(o, p, d);
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
      .raw(`create trigger mentions_rollups_${op} after ${op} on mentions
        referencing ${referencing} for each statement execute function earshot_rollups_mentions_${op}()`)
      .execute(db)
  }
  // An update that changes none of the columns a rollup reads (thread moves, enrichment of
  // text) recomputes nothing.
  const changedMentions = `(
    select n.* from new_rows n join old_rows o using (organisation_id, id)
    where (o.practice_id, o.channel_id, o.platform, o.created_at, o.direction, o.kind, o.category,
           o.is_tombstone, o.sentiment_score, o.sentiment_label)
      is distinct from
          (n.practice_id, n.channel_id, n.platform, n.created_at, n.direction, n.kind, n.category,
           n.is_tombstone, n.sentiment_score, n.sentiment_label)
    union all
    select o.* from old_rows o join new_rows n using (organisation_id, id)
    where (o.practice_id, o.created_at) is distinct from (n.practice_id, n.created_at))`
  await mentionTrigger('insert', 'new_rows')
  await mentionTrigger('update', changedMentions)
  await mentionTrigger('delete', 'old_rows')

  // A link touches the day of its inbound mention and, for "replies sent", of its outbound one.
  const linkKeys = (rows: string) => `
    select array_agg(m.organisation_id), array_agg(m.practice_id),
      array_agg((m.created_at at time zone pr.time_zone)::date)
    from ${rows} x
    cross join lateral (values (x.inbound_id), (x.outbound_id)) as ref(id)
    join mentions m on m.organisation_id = x.organisation_id and m.id = ref.id
    join practices pr on pr.organisation_id = m.organisation_id and pr.id = m.practice_id`
  const linkTrigger = async (op: 'insert' | 'update' | 'delete', source: string) => {
    await sql
      .raw(`
create function earshot_rollups_links_${op}() returns trigger language plpgsql as $fn$
declare o text[]; p text[]; d date[];
begin
  ${linkKeys(source)} into o, p, d;
  perform earshot_refresh_rollups(o, p, d);
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
      .raw(`create trigger response_links_rollups_${op} after ${op} on response_links
        referencing ${referencing} for each statement execute function earshot_rollups_links_${op}()`)
      .execute(db)
  }
  const changedLinks = `(
    select x.* from (select n.* from new_rows n union all select o.* from old_rows o) x
    join old_rows o using (organisation_id, inbound_id) join new_rows n using (organisation_id, inbound_id)
    where (o.outbound_id, o.needs_reply, o.exempt_reason, o.outcome, o.wall_ms, o.business_ms)
      is distinct from (n.outbound_id, n.needs_reply, n.exempt_reason, n.outcome, n.wall_ms, n.business_ms))`
  await linkTrigger('insert', 'new_rows')
  await linkTrigger('update', changedLinks)
  await linkTrigger('delete', 'old_rows')

  // A practice that changes zone re-buckets all its days.
  await sql`
create function earshot_rollups_practices_update() returns trigger language plpgsql as $fn$
declare o text[]; p text[]; d date[];
begin
  delete from mention_rollups r using new_rows n join old_rows x using (organisation_id, id)
    where n.time_zone is distinct from x.time_zone and r.organisation_id = n.organisation_id and r.practice_id = n.id;
  delete from mention_rollup_histograms r using new_rows n join old_rows x using (organisation_id, id)
    where n.time_zone is distinct from x.time_zone and r.organisation_id = n.organisation_id and r.practice_id = n.id;
  select array_agg(m.organisation_id), array_agg(m.practice_id),
      array_agg((m.created_at at time zone n.time_zone)::date)
    from new_rows n join old_rows x using (organisation_id, id)
    join mentions m on m.organisation_id = n.organisation_id and m.practice_id = n.id
    where n.time_zone is distinct from x.time_zone
    into o, p, d;
  perform earshot_refresh_rollups(o, p, d);
  return null;
end $fn$`.execute(db)
  await sql`create trigger practices_rollups_update after update on practices
    referencing old table as old_rows new table as new_rows
    for each statement execute function earshot_rollups_practices_update()`.execute(db)

  // Backfill what is already there.
  await sql`
select earshot_refresh_rollups(array_agg(m.organisation_id), array_agg(m.practice_id),
  array_agg((m.created_at at time zone pr.time_zone)::date))
from mentions m join practices pr on pr.organisation_id = m.organisation_id and pr.id = m.practice_id`.execute(
    db,
  )
}

export async function down(db: AnyDb): Promise<void> {
  await sql`drop trigger practices_rollups_update on practices`.execute(db)
  for (const op of ['insert', 'update', 'delete']) {
    await sql.raw(`drop trigger mentions_rollups_${op} on mentions`).execute(db)
    await sql.raw(`drop trigger response_links_rollups_${op} on response_links`).execute(db)
    await sql.raw(`drop function earshot_rollups_mentions_${op}()`).execute(db)
    await sql.raw(`drop function earshot_rollups_links_${op}()`).execute(db)
  }
  await sql`drop function earshot_rollups_practices_update()`.execute(db)
  await sql`drop function earshot_refresh_rollups(text[], text[], date[])`.execute(db)
  await sql`drop function earshot_rt_bucket(double precision)`.execute(db)
  await sql`drop table mention_rollup_histograms`.execute(db)
  await sql`drop table mention_rollups`.execute(db)
}
