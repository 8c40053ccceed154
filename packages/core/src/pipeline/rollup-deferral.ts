/**
 * @module Deferring rollup recomputes to one per batch (migration 2026-12-03-1300). Between
 * {@link deferRollups} and {@link flushRollups} the rollup triggers of this transaction queue the
 * (organisation, practice, day) keys they computed from their transition tables instead of
 * recomputing; the flush recomputes each queued key once. Statements outside such a window —
 * any other writer — recompute at once, as before, so the rollups stay exact either way.
 * Both must run inside the same transaction, the flush before it commits: the queue is a
 * transaction-local temporary table and the setting is transaction-local too.
 */
import { type Kysely, sql } from 'kysely'
import type { Database } from '../storage/database.js'

/** From now until {@link flushRollups}, this transaction's rollup triggers queue their keys. */
export async function deferRollups(db: Kysely<Database>): Promise<void> {
  await sql`select earshot_rollups_defer()`.execute(db)
}

/**
 * Recomputes every queued key once and returns the transaction to immediate recomputes.
 * Returns how many (practice, day) keys were recomputed.
 */
export async function flushRollups(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ n: number | null }>`select earshot_rollups_flush() as n`.execute(db)
  return Number(rows[0]?.n ?? 0)
}
