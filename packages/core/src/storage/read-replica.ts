/**
 * @module A PostgreSQL streaming replica for reads (`DATABASE_READ_URL`), beside the primary:
 * how far behind it is, measured periodically, and a Kysely instance over it that never fails a
 * read because of it. Two instances (primary, replica) rather than one routing dialect such as
 * `kysely-replication`: which database a read may use depends on the request (a page shown right
 * after its own write, a session check) and on the replica's health, not on the statement's kind.
 *
 * Lag: `now() - pg_last_xact_replay_timestamp()` on the replica alone overstates the lag of a
 * replica of an idle primary (no new transactions, so the last replayed one grows old), so the
 * replica's replayed WAL position is compared with the primary's first: caught up means 0. Behind
 * the primary's current position but past the position seen at the previous check, the lag is
 * at most the time since that check (WAL written without a transaction, e.g. a checkpoint).
 */
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  sql,
  type TransactionSettings,
} from 'kysely'
import type { Database } from './database.js'
import { databaseFaultOf } from './database-fault.js'

/** What the last check found: `unknown` until the first check. */
export type ReadReplicaState = 'ok' | 'lagging' | 'down' | 'unknown'

/** The replica's health as `/healthz` shows it. */
export interface ReadReplicaStatus {
  state: ReadReplicaState
  /** How far behind the primary it is in milliseconds; null when down or not measurable. */
  lagMs: number | null
  /** Where reads go now: the replica only while `ok`. */
  readsFrom: 'replica' | 'primary'
  /** When the last check ran, by the replica's clock option. */
  checkedAt: Date | null
}

/** Options of {@link openReadReplica}. */
export interface ReadReplicaOptions {
  /** `postgres://…` of the replica (a hot standby, or any server holding the same data). */
  url: string
  /** The primary: reads fall back to it, and its WAL position measures the lag. */
  primary: Kysely<Database>
  /** Beyond this lag reads go to the primary (default {@link DEFAULT_MAX_REPLICA_LAG_MS}). */
  maxLagMs?: number
  /** Pool size (default 10). */
  poolSize?: number
  /** Per-statement limit in milliseconds on the replica (default 30 000; 0 turns it off). */
  statementTimeoutMs?: number
  /** How long to wait for a replica connection before using the primary (default 2 000). */
  acquireTimeoutMs?: number
  /** The clock of checks (default the system clock). */
  now?: () => Date
}

/** Default lag bound: 30 seconds. */
export const DEFAULT_MAX_REPLICA_LAG_MS = 30_000

/** Default interval of {@link ReadReplica.start}: 5 seconds. */
export const DEFAULT_REPLICA_CHECK_INTERVAL_MS = 5_000

/** A replica opened by {@link openReadReplica}. */
export interface ReadReplica {
  /** The lag bound beyond which reads go to the primary. */
  readonly maxLagMs: number
  /**
   * The database reads should use now: the replica while its last check was `ok`, else the
   * primary. A replica connection that cannot be had (or is lost) mid-read falls back to the
   * primary too and marks the replica `down`, so a dead replica costs no failed request.
   */
  reads(): Kysely<Database>
  /** The last check's result. */
  status(): ReadReplicaStatus
  /** Measures the replica now (never throws). */
  check(): Promise<ReadReplicaStatus>
  /**
   * Whether the replica had replayed the primary's WAL position `lsn` (e.g. `0/3000148`) at the
   * last check: a reader who just wrote there may use the replica only then.
   */
  hasReplayed(lsn: string): boolean
  /**
   * Checks every `intervalMs` until the returned function is called. `schedule` replaces
   * `setInterval` (tests drive checks themselves).
   */
  start(options?: {
    intervalMs?: number
    schedule?: (run: () => void, intervalMs: number) => () => void
  }): () => void
  close(): Promise<void>
}

/**
 * The primary's current WAL insert position (`pg_current_wal_insert_lsn()`), or null on a server
 * without one. The insert position, not `pg_current_wal_lsn()` (the write position): with
 * `synchronous_commit = off` a committed transaction's WAL may still sit in the buffers, behind
 * the write position, so a replica at the write position could lack it.
 */
export async function currentWalPosition(db: Kysely<Database>): Promise<string | null> {
  // At the very start of a WAL page the insert position counts the page's header, which the
  // end of the last record (what a caught-up replica has replayed) does not: step back over it,
  // else an idle replica would look 24 (or, at a segment's start, 40) bytes behind for ever.
  const { rows } = await sql<{ lsn: string | null }>`
    with p as (
      select pg_current_wal_insert_lsn() as at,
             (pg_current_wal_insert_lsn() - '0/0'::pg_lsn) as pos,
             current_setting('wal_block_size')::numeric as block,
             (select setting::numeric * (case unit when 'B' then 1 when 'kB' then 1024 when 'MB' then 1048576 else 1 end)
                from pg_settings where name = 'wal_segment_size') as segment
      where not pg_is_in_recovery()
    )
    select (at - case when pos % segment = 40 then 40 when pos % block = 24 then 24 else 0 end)::text as lsn
      from p`.execute(db)
  return rows[0]?.lsn ?? null
}

/** Orders two WAL positions (`X/Y`, hexadecimal): negative, zero or positive. */
export function compareWalPositions(a: string, b: string): number {
  const x = lsnValue(a)
  const y = lsnValue(b)
  return x < y ? -1 : x > y ? 1 : 0
}

function lsnValue(lsn: string): bigint {
  const [hi, lo] = lsn.split('/')
  if (hi === undefined || lo === undefined || !/^[0-9A-F]+$/i.test(hi + lo))
    throw new TypeError(`not a WAL position: ${lsn}`)
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`)
}

/**
 * Opens a pool on the replica without connecting (a replica that is down at start costs reads
 * nothing: they use the primary until a check finds it `ok`).
 *
 * @example
 * const replica = openReadReplica({ url: process.env.DATABASE_READ_URL, primary: db })
 * await replica.check(); const stop = replica.start()
 * const rows = await replica.reads().selectFrom('mentions').selectAll().execute()
 */
export async function openReadReplica(options: ReadReplicaOptions): Promise<ReadReplica> {
  const pg = await import('pg')
  const Pool = pg.default?.Pool ?? pg.Pool
  const statementTimeout = options.statementTimeoutMs ?? 30_000
  const pool = new Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.acquireTimeoutMs ?? 2_000,
    ...(statementTimeout > 0 ? { statement_timeout: statementTimeout } : {}),
  })
  // A lost connection emits 'error'; unhandled it would end the process. The next check or
  // read finds the replica down and uses the primary.
  const ignore = () => {}
  pool.on('error', ignore)
  pool.on('connect', (client) => {
    client.on('error', ignore)
  })
  const maxLagMs = options.maxLagMs ?? DEFAULT_MAX_REPLICA_LAG_MS
  const now = options.now ?? (() => new Date())
  const primary = options.primary
  // The checks use the replica alone: a fallback there would measure the primary.
  const direct = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  let status: ReadReplicaStatus = {
    state: 'unknown',
    lagMs: null,
    readsFrom: 'primary',
    checkedAt: null,
  }
  let replayed: string | null = null
  let previous: { lsn: string; at: Date } | null = null
  const markDown = () => {
    status = { state: 'down', lagMs: null, readsFrom: 'primary', checkedAt: status.checkedAt }
  }
  const routed = new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () =>
        new FallbackDriver(new PostgresDialect({ pool }).createDriver(), primary, markDown),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  })

  async function check(): Promise<ReadReplicaStatus> {
    const at = now()
    // The primary's position first: whatever the replica has replayed by the time it answers
    // and is at or past it, it had everything committed before the check began.
    const primaryLsn = await currentWalPosition(primary).catch(() => null)
    try {
      const { rows } = await sql<{ replay_lsn: string | null; since_replay_ms: number | null }>`
        select pg_last_wal_replay_lsn()::text as replay_lsn,
               (extract(epoch from (now() - pg_last_xact_replay_timestamp())) * 1000)::float8
                 as since_replay_ms`.execute(direct)
      const row = rows[0]
      const replayLsn = row?.replay_lsn ?? null
      let lagMs: number | null
      if (replayLsn === null)
        lagMs = 0 // not a standby: the same data as it is written
      else if (primaryLsn !== null && compareWalPositions(replayLsn, primaryLsn) >= 0) lagMs = 0
      else {
        const sinceReplay = row?.since_replay_ms === null ? null : Number(row?.since_replay_ms)
        const sincePrevious =
          previous && compareWalPositions(replayLsn, previous.lsn) >= 0
            ? Math.max(0, at.getTime() - previous.at.getTime())
            : null
        lagMs =
          sinceReplay === null
            ? sincePrevious
            : sincePrevious === null
              ? sinceReplay
              : Math.min(sinceReplay, sincePrevious)
        // Up, not to nearest: a replica behind the primary is never reported 0 ms behind.
        if (lagMs !== null) lagMs = Math.max(0, Math.ceil(lagMs))
      }
      replayed = replayLsn ?? primaryLsn
      const ok = lagMs !== null && lagMs <= maxLagMs
      status = {
        state: ok ? 'ok' : 'lagging',
        lagMs,
        readsFrom: ok ? 'replica' : 'primary',
        checkedAt: at,
      }
    } catch {
      replayed = null
      status = { state: 'down', lagMs: null, readsFrom: 'primary', checkedAt: at }
    }
    if (primaryLsn !== null) previous = { lsn: primaryLsn, at }
    return status
  }

  return {
    maxLagMs,
    reads: () => (status.state === 'ok' ? routed : primary),
    status: () => status,
    check,
    hasReplayed: (lsn) => {
      if (status.state !== 'ok' || replayed === null) return false
      try {
        return compareWalPositions(replayed, lsn) >= 0
      } catch {
        return false
      }
    },
    start(startOptions = {}) {
      const intervalMs = startOptions.intervalMs ?? DEFAULT_REPLICA_CHECK_INTERVAL_MS
      let running = false
      const run = () => {
        if (running) return // a slow check is not stacked on
        running = true
        void check().finally(() => {
          running = false
        })
      }
      if (startOptions.schedule) return startOptions.schedule(run, intervalMs)
      const timer = setInterval(run, intervalMs)
      timer.unref?.()
      return () => clearInterval(timer)
    },
    // Ends the shared pool once (the routed driver leaves it alone).
    close: () => direct.destroy(),
  }
}

/** Errors after which a read is run again on the primary: the replica is gone or refuses it. */
function replicaFailed(error: unknown): boolean {
  const fault = databaseFaultOf(error)
  return fault === 'down' || fault === 'read-only'
}

/**
 * A driver over the replica that hands out a primary connection when no replica connection can
 * be had, and runs a statement again on the primary when the replica connection fails under it
 * outside a transaction (reads are safe to repeat).
 */
class FallbackDriver implements Driver {
  constructor(
    private readonly replica: Driver,
    private readonly primary: Kysely<Database>,
    private readonly onReplicaFailure: () => void,
  ) {}

  async init(): Promise<void> {
    await this.replica.init()
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    try {
      const inner = await this.replica.acquireConnection()
      return new ReplicaConnection(inner, this.primary, this.onReplicaFailure)
    } catch {
      // Refused, timed out, unauthorised: whatever keeps a connection from being had.
      this.onReplicaFailure()
      return borrowPrimary(this.primary)
    }
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    if (connection instanceof ReplicaConnection) {
      connection.inTransaction = true
      return this.replica.beginTransaction(connection.inner, settings)
    }
    let begin = 'begin'
    if (settings.isolationLevel || settings.accessMode) {
      begin = 'start transaction'
      if (settings.isolationLevel) begin += ` isolation level ${settings.isolationLevel}`
      if (settings.accessMode) begin += ` ${settings.accessMode}`
    }
    await connection.executeQuery(CompiledQuery.raw(begin))
  }

  async commitTransaction(connection: DatabaseConnection) {
    if (connection instanceof ReplicaConnection) {
      connection.inTransaction = false
      return this.replica.commitTransaction(connection.inner)
    }
    await connection.executeQuery(CompiledQuery.raw('commit'))
  }

  async rollbackTransaction(connection: DatabaseConnection) {
    if (connection instanceof ReplicaConnection) {
      connection.inTransaction = false
      return this.replica.rollbackTransaction(connection.inner)
    }
    await connection.executeQuery(CompiledQuery.raw('rollback'))
  }

  async releaseConnection(connection: DatabaseConnection) {
    if (connection instanceof ReplicaConnection)
      return this.replica.releaseConnection(connection.inner)
    if (connection instanceof PrimaryConnection) connection.release()
  }

  // The pool is the replica's to close (ReadReplica.close); nothing of the primary's either.
  async destroy() {}
}

class ReplicaConnection implements DatabaseConnection {
  inTransaction = false
  constructor(
    readonly inner: DatabaseConnection,
    private readonly primary: Kysely<Database>,
    private readonly onReplicaFailure: () => void,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return await this.inner.executeQuery<R>(query)
    } catch (error) {
      if (this.inTransaction || !replicaFailed(error)) throw error
      this.onReplicaFailure()
      const borrowed = await borrowPrimary(this.primary)
      try {
        return await borrowed.executeQuery<R>(query)
      } finally {
        borrowed.release()
      }
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize)
  }
}

/** A primary connection held until released, for the fallback driver. */
class PrimaryConnection implements DatabaseConnection {
  constructor(
    private readonly inner: DatabaseConnection,
    readonly release: () => void,
  ) {}
  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.inner.executeQuery<R>(query)
  }
  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize)
  }
}

/** Takes a connection from the primary's pool and keeps it until `release` is called. */
function borrowPrimary(primary: Kysely<Database>): Promise<PrimaryConnection> {
  return new Promise((resolve, reject) => {
    let release!: () => void
    const released = new Promise<void>((r) => {
      release = r
    })
    primary
      .getExecutor()
      .provideConnection(async (connection) => {
        resolve(new PrimaryConnection(connection, release))
        await released
      })
      .catch(reject)
  })
}
