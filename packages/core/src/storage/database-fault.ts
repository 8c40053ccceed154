/**
 * @module Telling "the database is not there right now" apart from a bug: connection losses,
 * shutdowns, timeouts, a full disk or a read-only server are the operator's to fix and the
 * caller's to retry (503), not a crash and not a 500.
 */

/** SQLSTATE classes and codes that mean the database, not the request, is at fault. */
const UNAVAILABLE_SQLSTATE = [
  /^08/, // connection exception
  /^53/, // insufficient resources: disk full, out of memory, too many connections
  /^57P0[1-4]$/, // admin shutdown, crash shutdown, cannot connect now, database dropped
  /^57014$/, // query cancelled: the statement timeout
  /^55P03$/, // lock not available: the lock timeout
  /^25006$/, // read-only SQL transaction: a read-only server or a standby
  /^58/, // system error: an I/O error on the server
] as const

const UNAVAILABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
])

// What `pg` and `pg-pool` throw without a code when a connection goes or cannot be had.
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Cannot use a pool after calling end|Query read timeout|database is not reachable/i

/** A short, address-free name for what went wrong, for health checks and logs. */
export type DatabaseFault = 'down' | 'read-only' | 'slow' | 'disk-full' | 'unavailable'

/**
 * The kind of database outage `error` reports, or `undefined` when it is some other error
 * (a bug, a constraint violation). Follows `cause` chains.
 *
 * @example
 * databaseFaultOf(new Error('Connection terminated unexpectedly')) // 'down'
 */
export function databaseFaultOf(error: unknown, depth = 0): DatabaseFault | undefined {
  if (!error || typeof error !== 'object' || depth > 5) return undefined
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown }
  if (code === 'DATABASE_UNAVAILABLE') return 'unavailable'
  if (typeof code === 'string') {
    if (code === '53100') return 'disk-full'
    if (code === '25006') return 'read-only'
    if (code === '57014' || code === '55P03') return 'slow'
    if (UNAVAILABLE_SQLSTATE.some((pattern) => pattern.test(code))) return 'down'
    if (UNAVAILABLE_ERRNO.has(code)) return 'down'
  }
  if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message))
    return /timeout/i.test(message) ? 'slow' : 'down'
  if (error instanceof AggregateError)
    for (const inner of error.errors) {
      const fault = databaseFaultOf(inner, depth + 1)
      if (fault) return fault
    }
  return databaseFaultOf(cause, depth + 1)
}

/** True when `error` means the database is unavailable (answer 503 and retry later). */
export function isDatabaseUnavailable(error: unknown): boolean {
  return databaseFaultOf(error) !== undefined
}

/**
 * What a database remembers of its own failed statements, for `/healthz`: when one last failed
 * for lack of disk space (SQLSTATE 53100). A full disk still answers reads, so a probe that only
 * reads calls it up; the writes that failed are the evidence. `openDatabase` notes every
 * failed statement here (through Kysely's log hook, so no write path can forget it) with its
 * clock.
 */
export interface DatabaseFaultMemory {
  /** Notes a failed statement at `at`; returns its fault, if it is one. */
  note(error: unknown, at: Date): DatabaseFault | undefined
  /** When a statement last failed with a full disk, if one ever did. */
  readonly lastDiskFullAt: Date | null
}

/** A fresh memory (openDatabase makes one per database; tests can make their own). */
export function createDatabaseFaultMemory(): DatabaseFaultMemory {
  let lastDiskFullAt: Date | null = null
  return {
    note(error, at) {
      const fault = databaseFaultOf(error)
      if (fault === 'disk-full' && (!lastDiskFullAt || at > lastDiskFullAt)) lastDiskFullAt = at
      return fault
    },
    get lastDiskFullAt() {
      return lastDiskFullAt
    },
  }
}

// Keyed by the Kysely instance, so whoever holds the database (the health check) finds it
// without every caller passing it along; garbage-collected with the instance.
const memories = new WeakMap<object, DatabaseFaultMemory>()

/** Attaches `memory` to a database handle (done by openDatabase). */
export function attachDatabaseFaultMemory(db: object, memory: DatabaseFaultMemory): void {
  memories.set(db, memory)
}

/** The fault memory of a database opened by openDatabase (not of a transaction or connection). */
export function databaseFaultMemoryOf(db: object): DatabaseFaultMemory | undefined {
  return memories.get(db)
}
