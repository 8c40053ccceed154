/**
 * @module Rollup refreshes serialised per (organisation, practice, local day). Migration 700's
 * refresh deletes a day's rollup rows and recomputes them from the raw rows; two transactions
 * ingesting into the same practice and day at once (two workers polling two of its channels)
 * both inserted the recomputed rows, and the second failed on `mention_rollups_pk` — found by
 * the three-worker crash run (bench/worker-kill.ts). Each refresh now first takes a
 * transaction-scoped advisory lock per key, in key order (so two refreshes never wait on each
 * other crosswise), and recomputes after the lock: under READ COMMITTED that statement sees
 * every transaction that refreshed the key before, so the last refresh counts them all.
 * The recompute itself is unchanged, renamed `earshot_refresh_rollups_unlocked`.
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

export async function up(db: AnyDb): Promise<void> {
  await sql`alter function earshot_refresh_rollups(text[], text[], date[])
    rename to earshot_refresh_rollups_unlocked`.execute(db)
  await sql`
create function earshot_refresh_rollups(k_org text[], k_practice text[], k_day date[]) returns void
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
}

export async function down(db: AnyDb): Promise<void> {
  await sql`drop function earshot_refresh_rollups(text[], text[], date[])`.execute(db)
  await sql`alter function earshot_refresh_rollups_unlocked(text[], text[], date[])
    rename to earshot_refresh_rollups`.execute(db)
}
