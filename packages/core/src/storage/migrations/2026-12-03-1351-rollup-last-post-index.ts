/**
 * @module "Last post" is all-time, so reading it from the rollups scanned every rollup row with a
 * post of every practice in scope (a year of them for an agency). This partial index holds only
 * the days with a post, per channel, so the read is one backward probe per channel
 * (docs/performance.md § Rollups, EXPLAIN). Written only for rollup rows with posts.
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

export async function up(db: AnyDb): Promise<void> {
  await sql`create index mention_rollups_last_post_idx
    on mention_rollups (organisation_id, practice_id, channel_id, day) include (last_post_at)
    where posts > 0`.execute(db)
}

export async function down(db: AnyDb): Promise<void> {
  await sql`drop index if exists mention_rollups_last_post_idx`.execute(db)
}
