/**
 * @module The lock on an embedded data folder. PGlite is Postgres in one process: two processes
 * opening the same folder each write their own copy and one silently loses the other's rows.
 * So the first process to open a folder holds `earshot.lock` in it (pid, host, command, start
 * time) until it closes or exits, and a second one is refused with a message naming the holder.
 *
 * - Taking the lock is atomic: the record is written to a file of our own (created with
 *   `O_EXCL`), then hard-linked to `earshot.lock`, which fails if the name exists. The lock
 *   file therefore always holds a complete record; a crash mid-write leaves no half lock.
 * - A lock whose process is dead on this host is stale and taken over; the take-over renames the
 *   stale file away first, so of two processes racing for it only one wins.
 * - A lock from another host (a shared network folder) cannot be checked and is never taken over.
 * - Released by `release()` (the database's `close`), and on exit and on SIGINT/SIGTERM/SIGHUP
 *   when nothing else handles those signals.
 */
import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs'
import { hostname } from 'node:os'
import { basename, join } from 'node:path'
import { z } from 'zod'
import { EarshotError } from '../errors.js'

/** The lock file's name inside the data folder. */
export const DATA_FOLDER_LOCK_FILE = 'earshot.lock'

const holderSchema = z.object({
  pid: z.number().int().positive(),
  hostname: z.string(),
  command: z.string(),
  startedAt: z.string(),
})

/** Who holds a data folder. */
export type DataFolderLockHolder = z.infer<typeof holderSchema>

/** A held lock. */
export interface DataFolderLock {
  /** The lock file. */
  readonly path: string
  readonly holder: DataFolderLockHolder
  /** Removes the lock file (if it is still ours). Safe to call more than once. */
  release(): void
}

/** Options of {@link lockDataFolder}. */
export interface LockDataFolderOptions {
  /** What to call this process in the lock (default: the script and its arguments). */
  command?: string
  /** The clock for the start time. */
  now?: () => Date
  /** Whether a pid runs on this host (default: `process.kill(pid, 0)`). */
  isAlive?: (pid: number) => boolean
}

/** The error's `details` when a folder is held by another process. */
export interface DataFolderLockedDetails {
  reason: 'locked'
  lockFile: string
  holder: DataFolderLockHolder
}

/**
 * Takes the lock on `dir` (created if missing), or throws an `EarshotError`
 * (`DATABASE_UNAVAILABLE`, details {@link DataFolderLockedDetails}) naming the holder.
 */
export function lockDataFolder(dir: string, options: LockDataFolderOptions = {}): DataFolderLock {
  mkdirSync(dir, { recursive: true })
  const path = join(dir, DATA_FOLDER_LOCK_FILE)
  const holder: DataFolderLockHolder = {
    pid: process.pid,
    hostname: hostname(),
    command: options.command ?? defaultCommand(),
    startedAt: (options.now?.() ?? new Date()).toISOString(),
  }
  const record = `${JSON.stringify(holder)}\n`
  const isAlive = options.isAlive ?? pidIsAlive
  // A few rounds: after a take-over of a stale lock, or a lock released while we looked.
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path, record)) return heldLock(path, record, holder)
    const current = readHolder(path)
    if (current === 'missing') continue
    if (current === 'unreadable') throw unreadableError(dir, path)
    if (!isStale(current, isAlive)) throw lockedError(dir, path, current)
    takeOverStale(path, current)
  }
  const current = readHolder(path)
  if (typeof current === 'object') throw lockedError(dir, path, current)
  throw unreadableError(dir, path)
}

/** Creates the lock file with the complete record, atomically; false if it exists. */
function tryCreate(path: string, record: string): boolean {
  const own = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`
  const fd = openSync(own, 'wx', 0o644)
  try {
    writeSync(fd, record)
  } finally {
    closeSync(fd)
  }
  try {
    linkSync(own, path)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  } finally {
    unlinkSync(own)
  }
}

function readHolder(path: string): DataFolderLockHolder | 'missing' | 'unreadable' {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing'
    throw error
  }
  try {
    const parsed = holderSchema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : 'unreadable'
  } catch {
    return 'unreadable'
  }
}

function isStale(holder: DataFolderLockHolder, isAlive: (pid: number) => boolean): boolean {
  return holder.hostname === hostname() && holder.pid !== process.pid && !isAlive(holder.pid)
}

/**
 * Moves a stale lock out of the way. The rename is atomic, so when two processes race only one
 * moves the stale file; if what we moved is not the stale record any more (the other process
 * had already replaced it with its own), it is put back.
 */
function takeOverStale(path: string, stale: DataFolderLockHolder): void {
  const aside = `${path}.stale-${process.pid}`
  try {
    renameSync(path, aside)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw error
  }
  const moved = readHolder(aside)
  if (
    typeof moved === 'object' &&
    (moved.pid !== stale.pid || moved.startedAt !== stale.startedAt)
  ) {
    try {
      linkSync(aside, path)
    } catch {
      // Someone took the name meanwhile: their lock stands and ours will be refused.
    }
  }
  unlinkSync(aside)
}

function heldLock(path: string, record: string, holder: DataFolderLockHolder): DataFolderLock {
  let released = false
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
  const release = () => {
    if (released) return
    released = true
    process.off('exit', release)
    for (const s of signals) process.off(s, onSignal)
    try {
      // Only our own record: a lock someone removed and re-took is theirs.
      if (readFileSync(path, 'utf8') === record) unlinkSync(path)
    } catch {
      // Already gone.
    }
  }
  // With no other handler a signal ends the process without an 'exit' event: release, then let
  // the signal do what it would have done. With other handlers (serve, collect), they close the
  // database, which releases the lock after PGlite has flushed.
  function onSignal(signal: NodeJS.Signals) {
    if (process.listenerCount(signal) > 1) return
    release()
    process.kill(process.pid, signal)
  }
  process.on('exit', release)
  for (const s of signals) process.on(s, onSignal)
  return { path, holder, release }
}

function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function defaultCommand(): string {
  const [, script, ...args] = process.argv
  return [script ? basename(script) : 'node', ...args].join(' ').slice(0, 200)
}

function lockedError(dir: string, lockFile: string, holder: DataFolderLockHolder): EarshotError {
  const where = holder.hostname === hostname() ? '' : ` on host ${holder.hostname}`
  const details: DataFolderLockedDetails = { reason: 'locked', lockFile, holder }
  return new EarshotError(
    'DATABASE_UNAVAILABLE',
    `the embedded database in ${dir} is in use by process ${holder.pid} (${holder.command})${where} since ${holder.startedAt}. ` +
      'The embedded database serves one process at a time: stop that process first, ' +
      'or set DATABASE_URL=postgres://… to share a PostgreSQL server between processes.' +
      (where ? ` If that host no longer uses the folder, delete ${lockFile}.` : ''),
    { details },
  )
}

function unreadableError(dir: string, lockFile: string): EarshotError {
  return new EarshotError(
    'DATABASE_UNAVAILABLE',
    `the embedded database in ${dir} has a lock file that cannot be read (${lockFile}). ` +
      'If no earshot process uses the folder, delete that file and try again.',
    { details: { reason: 'locked', lockFile } },
  )
}
