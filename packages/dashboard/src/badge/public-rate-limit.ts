/**
 * @module A fixed-window request counter in the database for public, unauthenticated routes,
 * so the limit holds across every `serve` process behind a load balancer (one atomic upsert
 * per request; a counter row per key and window).
 */
import { type Kysely, sql } from 'kysely'
import type { Database } from '../core.js'

export interface PublicRateLimit {
  /** Requests allowed per key per window. */
  max: number
  windowMs: number
}

/** Counts one request for the key; true while it is within the limit. */
export async function admitPublicRequest(
  db: Kysely<Database>,
  key: string,
  limit: PublicRateLimit,
  now: Date,
): Promise<boolean> {
  const ends = new Date(now.getTime() + limit.windowMs)
  const result = await sql<{ count: number }>`
    insert into request_counters (key, count, window_ends_at)
    values (${key}, 1, ${ends.toISOString()}::timestamptz)
    on conflict (key) do update set
      count = case when request_counters.window_ends_at <= ${now.toISOString()}::timestamptz
                   then 1 else request_counters.count + 1 end,
      window_ends_at = case when request_counters.window_ends_at <= ${now.toISOString()}::timestamptz
                   then excluded.window_ends_at else request_counters.window_ends_at end
    returning count`.execute(db)
  return Number(result.rows[0]?.count ?? 1) <= limit.max
}
