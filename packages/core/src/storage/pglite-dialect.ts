/**
 * @module A Kysely dialect for PGlite (Postgres compiled to WASM, in-process). PGlite is a single
 * connection, so the driver hands out one connection at a time and queues the rest: a
 * transaction holds the connection until it commits, exactly as a pooled `pg` client would.
 *
 * PGlite has no autovacuum, so nothing ever gives its planner statistics: a plan made while a
 * table was empty (every index then costs the same) stays cached for the session, and the link
 * trigger's mention probe, planned that way, read the organisation's whole `mentions_enricher_idx`
 * range for every link — ingest grew quadratically with the table. The driver therefore does
 * what autovacuum's analyze does on a server: once the rows written since the last `ANALYZE`
 * pass a threshold, it runs one between transactions, which also invalidates the stale plans.
 */
import {
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryCompiler,
  type QueryResult,
} from 'kysely'

/**
 * The slice of PGlite the dialect needs, so callers can pass any compatible instance (a `PGlite`
 * is one). Declared here rather than picked from PGlite's types: those need
 * `@types/emscripten`, and naming them in our declarations would break every consumer that
 * compiles with `skipLibCheck: false`.
 */
export interface PGliteLike {
  query<T>(query: string, params?: unknown[]): Promise<{ rows: T[]; affectedRows?: number }>
  close(): Promise<void>
}

export interface PGliteDialectConfig {
  /** An open PGlite instance (or a promise of one). */
  database: PGliteLike | (() => Promise<PGliteLike>)
  /** Close the instance when Kysely is destroyed (default true). */
  closeOnDestroy?: boolean
  /**
   * `ANALYZE` once this many rows were written since the last one, or a fifth of the rows the
   * database held then if that is more (default 1,000; 0 turns it off). Autovacuum's rule on a
   * server is 50 rows and a tenth; a larger floor keeps small test databases from analysing
   * after every few statements, and plans only go wrong at thousands of rows.
   */
  analyzeAfterRows?: number
}

/** When the driver analyses: rows written since the last `ANALYZE` against the size then. */
export function analyzeDue(written: number, rowsAtLastAnalyze: number, floor: number): boolean {
  return floor > 0 && written >= Math.max(floor, rowsAtLastAnalyze / 5)
}

export class PGliteDialect implements Dialect {
  readonly #config: PGliteDialectConfig
  constructor(config: PGliteDialectConfig) {
    this.#config = { ...config }
  }
  createAdapter(): DialectAdapter {
    return new PostgresAdapter()
  }
  createDriver(): Driver {
    return new PGliteDriver(this.#config)
  }
  // biome-ignore lint/suspicious/noExplicitAny: the introspector is untyped in Kysely's own dialects
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new PostgresIntrospector(db)
  }
  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler()
  }
}

class PGliteDriver implements Driver {
  readonly #config: PGliteDialectConfig
  #db: PGliteLike | undefined
  #connection: PGliteConnection | undefined
  #queue: Array<(c: DatabaseConnection) => void> = []
  #busy = false

  constructor(config: PGliteDialectConfig) {
    this.#config = config
  }

  async init(): Promise<void> {
    const source = this.#config.database
    this.#db = typeof source === 'function' ? await source() : source
    this.#connection = new PGliteConnection(this.#db)
    // A persistent database reopened with its rows: the threshold starts from their count.
    const { rows } = await this.#db.query<{ n: number | string | null }>(
      `select sum(greatest(reltuples, 0)) as n from pg_class where relkind = 'r' and relnamespace = 'public'::regnamespace`,
    )
    this.#connection.rowsAtLastAnalyze = Number(rows[0]?.n ?? 0)
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = this.#connection!
    if (!this.#busy) {
      this.#busy = true
      return connection
    }
    return new Promise((resolve) => this.#queue.push(resolve))
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery({ sql: 'begin', parameters: [] } as unknown as CompiledQuery)
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery({ sql: 'commit', parameters: [] } as unknown as CompiledQuery)
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery({ sql: 'rollback', parameters: [] } as unknown as CompiledQuery)
  }

  async releaseConnection(): Promise<void> {
    // Between transactions: never inside one, and before the next caller gets the connection.
    await this.#connection!.analyzeIfDue(this.#config.analyzeAfterRows ?? 1000)
    const next = this.#queue.shift()
    if (next) next(this.#connection!)
    else this.#busy = false
  }

  async destroy(): Promise<void> {
    if (this.#db && this.#config.closeOnDestroy !== false) await this.#db.close()
  }
}

class PGliteConnection implements DatabaseConnection {
  readonly #db: PGliteLike
  /** Rows inserted, updated or deleted by statements since the last `ANALYZE`. */
  written = 0
  rowsAtLastAnalyze = 0
  constructor(db: PGliteLike) {
    this.#db = db
  }
  async analyzeIfDue(floor: number): Promise<void> {
    if (!analyzeDue(this.written, this.rowsAtLastAnalyze, floor)) return
    this.rowsAtLastAnalyze += this.written
    this.written = 0
    // Statistics only steer plans: a failure (a closing database) must not fail the caller.
    await this.#db.query('analyze').catch(() => {})
  }
  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.#db.query<R>(compiledQuery.sql, [...compiledQuery.parameters])
    const affected = result.affectedRows
    if (affected !== undefined && /^\s*(with|insert|update|delete)/i.test(compiledQuery.sql))
      this.written += affected
    return {
      rows: result.rows,
      ...(affected !== undefined && !/^\s*select/i.test(compiledQuery.sql)
        ? { numAffectedRows: BigInt(affected) }
        : {}),
    }
  }
  // biome-ignore lint/correctness/useYield: PGlite has no cursors; streaming is not offered
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('[earshot] streaming queries are not supported on PGlite')
  }
}
