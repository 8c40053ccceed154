/**
 * @module One factory for both databases Earshot runs on: PGlite (embedded, the default) and a
 * real PostgreSQL server through a `pg` pool. It is Postgres either way, so the SQL is the same.
 */
import { EventEmitter } from 'node:events'
import { Kysely, type KyselyConfig, Log, type LogEvent, PostgresDialect } from 'kysely'
import { EarshotError } from '../errors.js'
import { type DataFolderLock, lockDataFolder } from './data-folder-lock.js'
import type { Database } from './database.js'
import { attachDatabaseFaultMemory, createDatabaseFaultMemory } from './database-fault.js'
import { migrateToLatest } from './migrate.js'
import { PGliteDialect } from './pglite-dialect.js'
import { rememberPostgresPool } from './postgres-pool.js'

export interface OpenDatabaseOptions {
  /**
   * `postgres://…` / `postgresql://…` for a server; a folder path (or `file://` URL) for a
   * persistent embedded database; omitted or `memory://` for an in-memory embedded one.
   */
  url?: string
  /** Run migrations at open (default true). */
  migrate?: boolean
  /** Pool size for a server (default 10). */
  poolSize?: number
  /** Kysely's query log (levels or a function), e.g. to time queries. */
  log?: KyselyConfig['log']
  /**
   * A server's per-statement limit in milliseconds (default 30 000; 0 turns it off): a locked
   * table or a runaway query fails with a 503-able error instead of holding a request forever.
   */
  statementTimeoutMs?: number
  /**
   * How long a caller waits for a pooled connection, in milliseconds (default 10 000), so a
   * saturated or unreachable server fails fast instead of queueing requests without bound.
   */
  acquireTimeoutMs?: number
  /**
   * The clock failed statements are noted with (default the system clock): `/healthz` reports
   * a disk-full failure while it is recent by the app's clock, so give both the same one.
   */
  now?: () => Date
}

/**
 * Events of an open database: `connection-error` (with the error) each time a server
 * connection is lost, idle or in use. The process keeps running; the pool drops the broken
 * connection and the next query opens a fresh one.
 */
export type DatabaseEvents = EventEmitter<{ 'connection-error': [error: Error] }>

/** An open database: the Kysely instance plus what it runs on. */
export interface EarshotDatabase {
  db: Kysely<Database>
  kind: 'pglite' | 'postgres'
  /** Connection losses, as they are survived (see {@link DatabaseEvents}). */
  events: DatabaseEvents
  /** The server's connection URL (postgres only): a job queue opens its own pool with it. */
  url?: string
  /**
   * The embedded instance itself (pglite only), for a job queue that must share PGlite's one
   * connection. Use it only while holding a Kysely connection (`db.connection().execute`), so
   * its statements never land inside someone else's open transaction.
   */
  embedded?: EmbeddedInstance
  close(): Promise<void>
}

/** The slice of a PGlite instance a job queue needs (see {@link EarshotDatabase.embedded}). */
export interface EmbeddedInstance {
  query<T>(query: string, params?: unknown[]): Promise<{ rows: T[] }>
  exec(query: string): Promise<Array<{ rows: unknown[] }>>
  listen?(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>>
}

/**
 * Opens (and by default migrates) a database.
 *
 * @example
 * const { db, close } = await openDatabase()                        // in memory
 * const prod = await openDatabase({ url: process.env.DATABASE_URL }) // real Postgres
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<EarshotDatabase> {
  const url = options.url?.trim()
  const isServer = url !== undefined && /^postgres(ql)?:\/\//i.test(url)
  let db: Kysely<Database>
  let embedded: EmbeddedInstance | undefined
  // Held from before PGlite opens the folder until close: one process per folder.
  let lock: DataFolderLock | undefined
  const events: DatabaseEvents = new EventEmitter()
  // Every failed statement, whichever path ran it, is classified and remembered (a full disk
  // shows only in failing writes); the caller's own log, if any, still gets every event.
  const faults = createDatabaseFaultMemory()
  const now = options.now ?? (() => new Date())
  const callerLog = options.log ? new Log(options.log) : undefined
  const log = async (event: LogEvent) => {
    if (event.level === 'error') {
      faults.note(event.error, now())
      await callerLog?.error(() => event)
    } else await callerLog?.query(() => event)
  }
  if (isServer) {
    const pg = await import('pg')
    const Pool = pg.default?.Pool ?? pg.Pool
    const statementTimeout = options.statementTimeoutMs ?? 30_000
    const pool = new Pool({
      connectionString: url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.acquireTimeoutMs ?? 10_000,
      ...(statementTimeout > 0 ? { statement_timeout: statementTimeout } : {}),
    })
    // A connection that loses its server, idle in the pool or checked out by a query, emits
    // 'error'; unhandled, that event kills the process (the server then stays down). Handle
    // it on the pool (idle clients) and on every client (in use): the query in flight fails
    // with its own error, the pool discards the client, and the next query reconnects.
    const lost = (error: Error) => {
      events.emit('connection-error', error)
    }
    pool.on('error', lost)
    pool.on('connect', (client) => {
      client.on('error', lost)
    })
    try {
      const client = await pool.connect()
      client.release()
    } catch (cause) {
      await pool.end().catch(() => {})
      throw new EarshotError(
        'DATABASE_UNAVAILABLE',
        `cannot connect to ${redactUrl(url)}: ${(cause as Error).message}`,
        { cause },
      )
    }
    db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool }),
      log,
    })
    rememberPostgresPool(db, pool)
  } else {
    const dataDir =
      url === undefined || url === '' || url === 'memory://'
        ? undefined
        : url.replace(/^file:\/\//, '')
    if (dataDir !== undefined) lock = lockDataFolder(dataDir)
    const { PGlite } = await import('@electric-sql/pglite')
    let instance: InstanceType<typeof PGlite>
    try {
      instance = dataDir === undefined ? new PGlite() : new PGlite(dataDir)
      await instance.waitReady
    } catch (cause) {
      lock?.release()
      throw new EarshotError(
        'DATABASE_UNAVAILABLE',
        `cannot open the embedded database${dataDir ? ` in ${dataDir}` : ''}: ${(cause as Error).message}`,
        { cause },
      )
    }
    embedded = instance as unknown as EmbeddedInstance
    db = new Kysely<Database>({
      dialect: new PGliteDialect({ database: instance }),
      log,
    })
  }
  attachDatabaseFaultMemory(db, faults)
  if (options.migrate !== false) {
    const { error } = await migrateToLatest(db as Kysely<unknown>)
    if (error) {
      await db.destroy()
      lock?.release()
      throw new EarshotError(
        'DATABASE_UNAVAILABLE',
        `migration failed: ${(error as Error).message ?? String(error)}`,
        { cause: error },
      )
    }
  }
  return {
    db,
    kind: isServer ? 'postgres' : 'pglite',
    events,
    ...(isServer && url ? { url } : {}),
    ...(embedded ? { embedded } : {}),
    close: () => db.destroy().finally(() => lock?.release()),
  }
}

/** Hides the password of a connection URL, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@')
}
