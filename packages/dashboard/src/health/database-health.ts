/**
 * @module What `/healthz` reports about the database, within a bounded time: `up`, or what is
 * wrong (`down`, `read-only`, `slow`, `disk-full`), so a load balancer or an operator learns it
 * without the check itself hanging behind a locked or unreachable database.
 *
 * A full disk still answers reads, so three pieces of evidence decide `disk-full`: a statement of
 * this process failed with SQLSTATE 53100 within the last {@link DISK_FULL_MEMORY_MS} (every
 * failed statement is noted by openDatabase), a write probe failed with it (a temporary table
 * with one row, rolled back: a new table's first row extends its file by a page, so it needs the
 * disk to give space, which a rolled-back insert into an existing table need not), or, for the
 * embedded database, free space on its data folder below a floor.
 */
import { statfs } from 'node:fs/promises'
import { type Kysely, sql } from 'kysely'
import { type Database, databaseFaultMemoryOf, databaseFaultOf } from '../core.js'

export type DatabaseHealth = 'up' | 'down' | 'read-only' | 'slow' | 'disk-full'

/** How long the check waits for the database before calling it slow. */
export const HEALTH_CHECK_BUDGET_MS = 900

/** Below this much free space on the data folder's file system, the database reports `disk-full`. */
export const MIN_FREE_DISK_BYTES = 64 * 1024 * 1024

/** How long a statement that failed for lack of disk keeps `/healthz` saying `disk-full`. */
export const DISK_FULL_MEMORY_MS = 60_000

/** Where the database keeps its files, when this process can see them (the embedded database). */
export interface DiskCheck {
  path: string
  /** Default {@link MIN_FREE_DISK_BYTES}. */
  minFreeBytes?: number
}

export interface HealthCheckOptions {
  /** The app's clock (default the system clock): how recent a disk-full failure is. */
  now?: () => Date
}

/** Thrown inside the probe's transaction so that it rolls back. */
const ROLL_BACK = Symbol('roll back the health probe')

/**
 * Probes the database: a round trip, whether it accepts writes (a read-only server or a standby
 * reports `read-only`), then whether a write can get disk space. Never throws; answers `slow`
 * once `budgetMs` passes.
 */
export async function checkDatabaseHealth(
  db: Kysely<Database>,
  budgetMs = HEALTH_CHECK_BUDGET_MS,
  disk?: DiskCheck,
  options: HealthCheckOptions = {},
): Promise<DatabaseHealth> {
  const now = options.now ?? (() => new Date())
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
      if (recentDiskFull(db, now())) return 'disk-full'
      if (disk && (await freeBytes(disk.path)) < (disk.minFreeBytes ?? MIN_FREE_DISK_BYTES))
        return 'disk-full'
      return await writeProbe(db)
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

function recentDiskFull(db: Kysely<Database>, at: Date): boolean {
  const last = databaseFaultMemoryOf(db)?.lastDiskFullAt
  if (!last) return false
  const age = at.getTime() - last.getTime()
  return age >= 0 && age < DISK_FULL_MEMORY_MS
}

/**
 * Creates a temporary table and writes one row in a transaction that is then rolled back, so
 * nothing stays. A fault (disk full, read-only, a lost connection) is thrown on to the caller;
 * any other refusal (a role without the TEMP privilege) proves nothing either way: `up`.
 */
async function writeProbe(db: Kysely<Database>): Promise<DatabaseHealth> {
  try {
    await db.transaction().execute(async (trx) => {
      await sql`create temporary table earshot_health_probe (filler text) on commit drop`.execute(
        trx,
      )
      await sql`insert into earshot_health_probe values (repeat('x', 200))`.execute(trx)
      throw ROLL_BACK
    })
  } catch (error) {
    if (error !== ROLL_BACK && databaseFaultOf(error)) throw error
  }
  return 'up'
}

async function freeBytes(path: string): Promise<number> {
  const stats = await statfs(path)
  return stats.bavail * stats.bsize
}
