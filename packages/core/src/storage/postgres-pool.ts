/**
 * @module The `pg` pool behind a Kysely instance that `openDatabase` opened on a server, for the
 * few paths that need the driver itself (a `COPY … TO STDOUT` stream). Any other Kysely — PGlite,
 * or one built elsewhere — has none, and those paths fall back to ordinary queries.
 */
import type { Pool } from 'pg'

const pools = new WeakMap<object, Pool>()

/** Remembers the pool of `db` (called by `openDatabase`). */
export function rememberPostgresPool(db: object, pool: Pool): void {
  pools.set(db, pool)
}

/** The pool of `db` when `openDatabase` made it on PostgreSQL, else undefined. */
export function postgresPoolOf(db: object): Pool | undefined {
  return pools.get(db)
}
