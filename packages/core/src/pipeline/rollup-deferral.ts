/**
 * @module Deferring rollup maintenance to once per batch (migrations 2026-12-03-1300 and
 * 2026-12-04-0300). Between {@link deferRollups} and {@link flushRollups} the rollup triggers of
 * this transaction only log what their statements changed (new mentions, each link's first
 * version, the days that need a recompute); the flush applies it once: exact deltas for mention
 * inserts and link writes, a recompute of each logged day for the rest. Statements outside such
 * a window — any other writer — apply their own at once, so the rollups stay exact either way.
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
 * Applies everything logged since {@link deferRollups} (deltas, then the recompute of the days
 * that need one) and returns the transaction to per-statement maintenance. Returns how many
 * (practice, day) keys were recomputed (days maintained by deltas are not counted).
 */
export async function flushRollups(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ n: number | null }>`select earshot_rollups_flush() as n`.execute(db)
  return Number(rows[0]?.n ?? 0)
}
