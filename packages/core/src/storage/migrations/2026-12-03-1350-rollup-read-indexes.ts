/**
 * @module Indexes for reading rollups of many practices over a period (the agency comparison):
 * the primary keys lead with (organisation, practice, day), so a 30-day read of all of an
 * organisation's practices had to read every day of every practice — a year of rollup rows — and
 * filter. With (organisation, day) the read ranges over the period's days only. Justified by
 * EXPLAIN (ANALYZE, BUFFERS) in docs/performance.md § Rollups. One more index entry per rollup
 * row written.
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

export async function up(db: AnyDb): Promise<void> {
  await sql`create index mention_rollups_org_day_idx on mention_rollups (organisation_id, day)`.execute(
    db,
  )
  await sql`create index mention_rollup_histograms_org_day_idx
    on mention_rollup_histograms (organisation_id, day)`.execute(db)
}

export async function down(db: AnyDb): Promise<void> {
  await sql`drop index if exists mention_rollup_histograms_org_day_idx`.execute(db)
  await sql`drop index if exists mention_rollups_org_day_idx`.execute(db)
}
