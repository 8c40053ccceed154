/**
 * @module Webhook deliveries are claimed from their table in batches, not one pg-boss job each
 * (docs/jobs.md § Webhooks). A drainer claims up to N `received` rows whose `available_at` has
 * come with `update … where id in (select … for update skip locked limit N)`, moving
 * `available_at` to the end of its lease and stamping `claim_token` / `claimed_by`; finishing
 * them requires the same token. So:
 *
 * - two drainers never hold one delivery (SKIP LOCKED, then the lease);
 * - a drainer that dies leaves its rows `received` with a lease that runs out, and the next
 *   drainer takes them again (`attempts` counts every claim, so a delivery that kills its
 *   worker every time is quarantined after the last attempt instead of looping);
 * - a failed attempt sets `available_at` to the retry time (backoff), the same column.
 *
 * `available_at` defaults to `-infinity` (available at once): a row inserted by a process that
 * predates this migration (a rolling deploy) is drained like any other. Rows waiting now become
 * available from when they were received. The partial index holds only the pending rows, so the
 * claim stays an index range however many ingested rows the table keeps.
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

export async function up(db: AnyDb): Promise<void> {
  await sql`alter table webhook_deliveries
    add column available_at timestamptz not null default '-infinity',
    add column claim_token text,
    add column claimed_by text`.execute(db)
  await sql`update webhook_deliveries set available_at = received_at where status = 'received'`.execute(
    db,
  )
  await sql`create index webhook_deliveries_pending_idx on webhook_deliveries (available_at, id)
    where status = 'received'`.execute(db)
}

export async function down(db: AnyDb): Promise<void> {
  await sql`drop index if exists webhook_deliveries_pending_idx`.execute(db)
  await sql`alter table webhook_deliveries
    drop column if exists available_at,
    drop column if exists claim_token,
    drop column if exists claimed_by`.execute(db)
}
