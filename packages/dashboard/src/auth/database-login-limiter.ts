/**
 * @module Sign-in throttling that holds under concurrency and across several `serve`
 * processes: each attempt is counted in the database, atomically, BEFORE the slow password
 * hash runs, once per account (the e-mail) and once per client address. An attempt over either
 * limit is refused without hashing. A correct password clears the account's count and takes
 * its own attempt back from the address, so what piles up against an address is its failures
 * across every e-mail (one address spraying many e-mails is the attack it stops).
 */
import { type Kysely, sql } from 'kysely'
import type { Database } from '../core.js'

export interface DatabaseLoginLimitOptions {
  /** Attempts per account per window (default 5). */
  perAccount?: number
  /** Attempts per client address per window (default 30: a shared practice network). */
  perAddress?: number
  /** Window length in milliseconds (default 15 minutes). */
  windowMs?: number
}

/** The outcome of {@link DatabaseLoginLimiter.admit}. */
export type LoginAdmission = { admitted: true } | { admitted: false; retryAfterMs: number }

export interface DatabaseLoginLimiter {
  /** Counts one attempt for the account and the address; refuses it when either is over. */
  admit(email: string, address: string, now: Date): Promise<LoginAdmission>
  /**
   * After a correct password: the account's failures no longer count, and this attempt is
   * taken back from the address (so only failures pile up against a shared network).
   */
  succeeded(email: string, address: string): Promise<void>
  /** Deletes counters whose window has passed (a housekeeping job may call it). */
  sweep(now: Date): Promise<number>
}

const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`
const addressKey = (address: string) => `address:${address}`

/**
 * Creates the limiter.
 *
 * @example
 * const limiter = createDatabaseLoginLimiter(db)
 * const admission = await limiter.admit(email, ip, new Date())
 * if (!admission.admitted) return tooMany(admission.retryAfterMs) // no hash computed
 */
export function createDatabaseLoginLimiter(
  db: Kysely<Database>,
  options: DatabaseLoginLimitOptions = {},
): DatabaseLoginLimiter {
  const perAccount = options.perAccount ?? 5
  const perAddress = options.perAddress ?? 30
  const windowMs = options.windowMs ?? 15 * 60 * 1000

  /** Adds one attempt to `key` (a new window when the last one ended); its count and end. */
  const count = async (key: string, now: Date) => {
    const windowEnds = new Date(now.getTime() + windowMs)
    const { rows } = await sql<{ attempts: number; window_ends_at: Date | string }>`
      insert into login_attempts (key, attempts, window_ends_at)
      values (${key}, 1, ${windowEnds.toISOString()}::timestamptz)
      on conflict (key) do update set
        attempts = case when login_attempts.window_ends_at <= ${now.toISOString()}::timestamptz
                        then 1 else login_attempts.attempts + 1 end,
        window_ends_at = case when login_attempts.window_ends_at <= ${now.toISOString()}::timestamptz
                        then excluded.window_ends_at else login_attempts.window_ends_at end
      returning attempts, window_ends_at`.execute(db)
    const row = rows[0]!
    return { attempts: Number(row.attempts), endsAt: new Date(row.window_ends_at).getTime() }
  }

  return {
    async admit(email, address, now) {
      // Sequential on purpose: each upsert is atomic, so concurrent attempts get distinct counts.
      const account = await count(accountKey(email), now)
      const client = await count(addressKey(address), now)
      const over = [
        account.attempts > perAccount ? account.endsAt : 0,
        client.attempts > perAddress ? client.endsAt : 0,
      ].filter((end) => end > 0)
      if (over.length === 0) return { admitted: true }
      return { admitted: false, retryAfterMs: Math.max(1000, Math.max(...over) - now.getTime()) }
    },
    async succeeded(email, address) {
      await sql`delete from login_attempts where key = ${accountKey(email)}`.execute(db)
      await sql`update login_attempts set attempts = greatest(attempts - 1, 0)
                where key = ${addressKey(address)}`.execute(db)
    },
    async sweep(now) {
      const result =
        await sql`delete from login_attempts where window_ends_at <= ${now.toISOString()}::timestamptz`.execute(
          db,
        )
      return Number(result.numAffectedRows ?? 0)
    },
  }
}
