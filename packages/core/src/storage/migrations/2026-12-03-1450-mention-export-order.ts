/**
 * @module The row-level export's order, (created_at, id) within an organisation, as an index.
 * Without it every keyset page of an export sorted all of the organisation's remaining rows
 * (EXPLAIN, 1M mentions: a parallel seq scan of 600k rows and an external merge sort, 424 ms
 * for a page of 1,000; with it an index range scan, 3.8 ms), and a single streamed query had to
 * sort the whole year before its first row. docs/performance.md § Export.
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

export async function up(db: AnyDb): Promise<void> {
  await sql`create index if not exists mentions_export_order_idx
    on mentions (organisation_id, created_at, id)`.execute(db)
}

export async function down(db: AnyDb): Promise<void> {
  await sql`drop index if exists mentions_export_order_idx`.execute(db)
}
