/**
 * @module What `/healthz` reports about the database, within a bounded time: `up`, or what is
 * wrong (`down`, `read-only`, `slow`, `disk-full`), so a load balancer or an operator learns it
 * without the check itself hanging behind a locked or unreachable database.
 */
import { type Kysely, sql } from 'kysely'
import { type Database, databaseFaultOf } from '../core.js'

export type DatabaseHealth = 'up' | 'down' | 'read-only' | 'slow' | 'disk-full'

/** How long the check waits for the database before calling it slow. */
export const HEALTH_CHECK_BUDGET_MS = 900

/**
 * Probes the database: a round trip, then whether it accepts writes (a read-only server or a
 * standby reports `read-only`). Never throws; answers `slow` once `budgetMs` passes.
 */
export async function checkDatabaseHealth(
  db: Kysely<Database>,
  budgetMs = HEALTH_CHECK_BUDGET_MS,
): Promise<DatabaseHealth> {
  let timer: NodeJS.Timeout | undefined
  const slow = new Promise<DatabaseHealth>((resolve) => {
    timer = setTimeout(() => resolve('slow'), budgetMs)
    timer.unref?.()
  })
  const probe = (async (): Promise<DatabaseHealth> => {
    try {
      const { rows } = await sql<{ read_only: string; recovery: boolean }>`
        select current_setting('transaction_read_only') as read_only,
               pg_is_in_recovery() as recovery`.execute(db)
      const row = rows[0]
      if (row && (row.read_only === 'on' || row.recovery)) return 'read-only'
      return 'up'
    } catch (error) {
      const fault = databaseFaultOf(error)
      return fault === 'read-only' || fault === 'slow' || fault === 'disk-full' ? fault : 'down'
    }
  })()
  try {
    return await Promise.race([probe, slow])
  } finally {
    clearTimeout(timer)
  }
}
