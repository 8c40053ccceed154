/**
 * @module A transaction exempt from the pool's statement limit (`statement_timeout`, 30 s by
 * default in `openDatabase`). For work whose size is the data's rather than a request's — a
 * rollup rebuild, a bulk load or clean-up in a benchmark — never for request paths.
 */
import { type Kysely, sql, type Transaction } from 'kysely'
import type { Database } from './database.js'

export function withoutStatementLimit<T>(
  db: Kysely<Database>,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`set local statement_timeout = 0`.execute(trx)
    return work(trx)
  })
}
