/**
 * @module Rollup maintenance made cheap enough for ingestion (issue 12, ingest ≥ 0.5× COPY).
 * Replaces, with `create or replace`, the functions of migrations 700 and 710:
 *
 * - The response-link triggers found their (practice, day) keys by joining a `VALUES (inbound),
 *   (outbound)` list per row to `mentions`; the planner could not use the mentions key for it and
 *   the lookup was quadratic in (rows in the statement × links of the organisation): 2,000 links
 *   in one statement took 16 s on PGlite and 97 of 112 s of the 30k ingest bench. The ids are
 *   now a `union all` of inbound and outbound ids joined to mentions by equality (an index probe
 *   per id, kept so by a lateral probe; the same lookup went from 41.9 s to 46 ms under EXPLAIN).
 * - Every trigger hands its keys to `earshot_rollups_touch`: it recomputes at once (as before),
 *   unless the transaction said, through `earshot_rollups_defer()`, that it will call
 *   `earshot_rollups_flush()` before it ends — then the keys are queued in a transaction-local
 *   table and recomputed once. The one write path does that per batch, so a batch's two bulk
 *   statements recompute each touched day once, not once per statement. The keys are still
 *   computed by the triggers from the transition tables, so whatever writes in between (thread
 *   moves, deletions, link rewrites) is covered exactly; writers that never defer get the
 *   immediate recompute, the safety net.
 * - `earshot_refresh_rollups` locks per (organisation, practice) instead of per day: a statement
 *   of the seed (100k mentions over 4,000 practices and a year) needed ~90,000 advisory locks and
 *   failed with "out of shared memory"; a batch now needs at most one lock per practice in it.
 *   Two refreshes of different days of one practice now wait for each other, briefly.
 * - `earshot_rollups_practices_update` returns before touching mentions unless a time zone (the
 *   only practice column the rollups read) changed: saving a schedule updates the practice row.
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

const linkKeys = (rows: string) => `
    select array_agg(m.organisation_id), array_agg(m.practice_id),
      array_agg((m.created_at at time zone pr.time_zone)::date)
    from (select x.organisation_id, x.inbound_id as id from ${rows} x
          union all
          select x.organisation_id, x.outbound_id from ${rows} x where x.outbound_id is not null) ref
    -- One primary-key probe per id: \`offset 0\` keeps the planner from hashing the whole
    -- mentions table instead (it did at 100k rows: 70 ms for a 500-link statement).
    cross join lateral (select m.organisation_id, m.practice_id, m.created_at from mentions m
      where m.organisation_id = ref.organisation_id and m.id = ref.id offset 0) m
    join practices pr on pr.organisation_id = m.organisation_id and pr.id = m.practice_id`

const changedLinks = `(
    select x.* from (select n.* from new_rows n union all select o.* from old_rows o) x
    join old_rows o using (organisation_id, inbound_id) join new_rows n using (organisation_id, inbound_id)
    where (o.outbound_id, o.needs_reply, o.exempt_reason, o.outcome, o.wall_ms, o.business_ms)
      is distinct from (n.outbound_id, n.needs_reply, n.exempt_reason, n.outcome, n.wall_ms, n.business_ms))`

const mentionKeys = (rows: string) => `
    select array_agg(x.organisation_id), array_agg(x.practice_id),
      array_agg((x.created_at at time zone pr.time_zone)::date)
    from ${rows} x join practices pr on pr.organisation_id = x.organisation_id and pr.id = x.practice_id`

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

const triggerFunction = (name: string, keys: string) => `
create or replace function ${name}() returns trigger language plpgsql as $fn$
declare o text[]; p text[]; d date[];
begin
  ${keys} into o, p, d;
  perform earshot_rollups_touch(o, p, d);
  return null;
end $fn$`

export async function up(db: AnyDb): Promise<void> {
  await sql`
create or replace function earshot_refresh_rollups(k_org text[], k_practice text[], k_day date[]) returns void
language plpgsql as $fn$
declare k record;
begin
  if coalesce(array_length(k_org, 1), 0) = 0 then return; end if;
  for k in select distinct u.o, u.p from unnest(k_org, k_practice) as u(o, p) order by u.o, u.p loop
    perform pg_advisory_xact_lock(hashtextextended('earshot-rollup/' || k.o || '/' || k.p, 0));
  end loop;
  perform earshot_refresh_rollups_unlocked(k_org, k_practice, k_day);
end
$fn$`.execute(db)

  // From here until earshot_rollups_flush(), this transaction's triggers queue their keys.
  await sql`
create or replace function earshot_rollups_defer() returns void language plpgsql as $fn$
begin
  create temp table if not exists earshot_rollup_pending (o text, p text, d date,
    primary key (o, p, d)) on commit drop;
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

  // Recomputes every queued key once and returns to immediate recomputes.
  await sql`
create or replace function earshot_rollups_flush() returns integer language plpgsql as $fn$
declare o text[]; p text[]; d date[]; n integer;
begin
  if coalesce(current_setting('earshot.rollups_deferred', true), '') <> 'on' then return 0; end if;
  perform set_config('earshot.rollups_deferred', '', true);
  select array_agg(k.o), array_agg(k.p), array_agg(k.d), count(*) from earshot_rollup_pending k
    into o, p, d, n;
  delete from earshot_rollup_pending;
  perform earshot_refresh_rollups(o, p, d);
  return n;
end $fn$`.execute(db)

  await sql
    .raw(triggerFunction('earshot_rollups_mentions_insert', mentionKeys('new_rows')))
    .execute(db)
  await sql
    .raw(triggerFunction('earshot_rollups_mentions_update', mentionKeys(changedMentions)))
    .execute(db)
  await sql
    .raw(triggerFunction('earshot_rollups_mentions_delete', mentionKeys('old_rows')))
    .execute(db)
  await sql.raw(triggerFunction('earshot_rollups_links_insert', linkKeys('new_rows'))).execute(db)
  await sql.raw(triggerFunction('earshot_rollups_links_update', linkKeys(changedLinks))).execute(db)
  await sql.raw(triggerFunction('earshot_rollups_links_delete', linkKeys('old_rows'))).execute(db)

  await sql`
create or replace function earshot_rollups_practices_update() returns trigger language plpgsql as $fn$
declare o text[]; p text[]; d date[];
begin
  if not exists (select 1 from new_rows n join old_rows x using (organisation_id, id)
                 where n.time_zone is distinct from x.time_zone) then
    return null;
  end if;
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
  perform earshot_rollups_touch(o, p, d);
  return null;
end $fn$`.execute(db)
}

export async function down(db: AnyDb): Promise<void> {
  // Back to migration 700/710's bodies: immediate recompute, VALUES key join, per-day locks.
  const oldLinkKeys = (rows: string) => `
    select array_agg(m.organisation_id), array_agg(m.practice_id),
      array_agg((m.created_at at time zone pr.time_zone)::date)
    from ${rows} x
    cross join lateral (values (x.inbound_id), (x.outbound_id)) as ref(id)
    join mentions m on m.organisation_id = x.organisation_id and m.id = ref.id
    join practices pr on pr.organisation_id = m.organisation_id and pr.id = m.practice_id`
  const immediate = (name: string, keys: string) =>
    triggerFunction(name, keys).replace('earshot_rollups_touch', 'earshot_refresh_rollups')
  await sql.raw(immediate('earshot_rollups_mentions_insert', mentionKeys('new_rows'))).execute(db)
  await sql
    .raw(immediate('earshot_rollups_mentions_update', mentionKeys(changedMentions)))
    .execute(db)
  await sql.raw(immediate('earshot_rollups_mentions_delete', mentionKeys('old_rows'))).execute(db)
  await sql.raw(immediate('earshot_rollups_links_insert', oldLinkKeys('new_rows'))).execute(db)
  await sql.raw(immediate('earshot_rollups_links_update', oldLinkKeys(changedLinks))).execute(db)
  await sql.raw(immediate('earshot_rollups_links_delete', oldLinkKeys('old_rows'))).execute(db)
  await sql`
create or replace function earshot_rollups_practices_update() returns trigger language plpgsql as $fn$
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
  await sql`
create or replace function earshot_refresh_rollups(k_org text[], k_practice text[], k_day date[]) returns void
language plpgsql as $fn$
declare k record;
begin
  if coalesce(array_length(k_org, 1), 0) = 0 then return; end if;
  for k in select distinct u.o, u.p, u.d from unnest(k_org, k_practice, k_day) as u(o, p, d)
           order by u.o, u.p, u.d loop
    perform pg_advisory_xact_lock(hashtextextended('earshot-rollup/' || k.o || '/' || k.p || '/' || k.d::text, 0));
  end loop;
  perform earshot_refresh_rollups_unlocked(k_org, k_practice, k_day);
end
$fn$`.execute(db)
  await sql`drop function earshot_rollups_flush()`.execute(db)
  await sql`drop function earshot_rollups_touch(text[], text[], date[])`.execute(db)
  await sql`drop function earshot_rollups_defer()`.execute(db)
}
