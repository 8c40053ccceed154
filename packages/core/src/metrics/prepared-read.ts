/**
 * @module Metrics statements run as named (prepared) statements on a server. The rollup statement
 * is large — about twenty CTEs — and PostgreSQL planned it afresh on every call: for one
 * practice, planning (3–8 ms at 1M rows, more under load) took several times its execution
 * (≈ 1.5 ms). A named statement is parsed once per pooled connection, and after five executions
 * PostgreSQL keeps a generic plan when it costs no more than the custom ones, so later calls
 * skip planning. Plans never change results, only their speed.
 *
 * Only statements whose text varies little are named (each name holds a plan in every backend
 * of the pool until the connection closes): a single practice in scope and short filter lists.
 * Anything else — PGlite, a transaction, an organisation-wide read — runs through Kysely.
 */
import { createHash } from 'node:crypto'
import type { Kysely, QueryResult, RawBuilder } from 'kysely'
import type { Database } from '../storage/database.js'
import { databaseFaultMemoryOf } from '../storage/database-fault.js'
import { postgresPoolOf } from '../storage/postgres-pool.js'

/** The most bound parameters from `in` lists a named statement may have (bounds the variants). */
const MAX_LIST_VALUES = 8

/** The scope whose statements are worth naming: one practice, short filter lists. */
export interface PreparedScope {
  practiceIds?: readonly string[]
  channelIds?: readonly string[]
  categories?: readonly string[]
  platforms?: readonly string[]
}

/** True when statements for `scope` run as named statements (on a server). */
export function preparesFor(scope: PreparedScope): boolean {
  if (scope.practiceIds?.length !== 1) return false
  const listed =
    (scope.channelIds?.length ?? 0) +
    (scope.categories?.length ?? 0) +
    (scope.platforms?.length ?? 0)
  return listed <= MAX_LIST_VALUES
}

/**
 * Executes `statement` as a named statement when `db` is a pool `openDatabase` made and the
 * scope qualifies; otherwise through Kysely. Same rows either way (the same `pg` type parsers).
 */
export async function executeRead<Row>(
  db: Kysely<Database>,
  scope: PreparedScope,
  statement: RawBuilder<Row>,
): Promise<QueryResult<Row>> {
  const pool = preparesFor(scope) ? postgresPoolOf(db) : undefined
  if (!pool) return statement.execute(db)
  const compiled = statement.compile(db)
  const name = `earshot_m_${createHash('sha1').update(compiled.sql).digest('hex').slice(0, 32)}`
  try {
    const result = await pool.query({ name, text: compiled.sql, values: [...compiled.parameters] })
    return { rows: result.rows as Row[] }
  } catch (error) {
    // As Kysely's log hook would: the health check remembers a full disk.
    databaseFaultMemoryOf(db)?.note(error, new Date())
    throw error
  }
}
