/**
 * @module What `/healthz` reports about the database, within a bounded time: `up`, or what is
 * wrong (`down`, `read-only`, `slow`, `disk-full`), so a load balancer or an operator learns it
 * without the check itself hanging behind a locked or unreachable database.
 */
import { statfs } from 'node:fs/promises'
import { type Kysely, sql } from 'kysely'
import { type Database, databaseFaultOf } from '../core.js'

export type DatabaseHealth = 'up' | 'down' | 'read-only' | 'slow' | 'disk-full'

/** How long the check waits for the database before calling it slow. */
export const HEALTH_CHECK_BUDGET_MS = 900

/** Below this much free space on the data folder's file system, the database reports `disk-full`. */
export const MIN_FREE_DISK_BYTES = 64 * 1024 * 1024

/** Where the database keeps its files, when this process can see them (the embedded database). */
export interface DiskCheck {
  path: string
  /** Default {@link MIN_FREE_DISK_BYTES}. */
  minFreeBytes?: number
}

/**
 * Probes the database: a round trip, then whether it accepts writes (a read-only server or a
 * standby reports `read-only`). Never throws; answers `slow` once `budgetMs` passes.
 */
export async function checkDatabaseHealth(
  db: Kysely<Database>,
  budgetMs = HEALTH_CHECK_BUDGET_MS,
  disk?: DiskCheck,
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
      // A full disk still answers reads: only free space (or a failing write) shows it.
      if (disk && (await freeBytes(disk.path)) < (disk.minFreeBytes ?? MIN_FREE_DISK_BYTES))
        return 'disk-full'
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

async function freeBytes(path: string): Promise<number> {
  const stats = await statfs(path)
  return stats.bavail * stats.bsize
}
