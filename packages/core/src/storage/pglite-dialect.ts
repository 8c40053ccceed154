/**
 * @module A Kysely dialect for PGlite (Postgres compiled to WASM, in-process). PGlite is a single
 * connection, so the driver hands out one connection at a time and queues the rest: a
 * transaction holds the connection until it commits, exactly as a pooled `pg` client would.
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
  constructor(db: PGliteLike) {
    this.#db = db
  }
  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.#db.query<R>(compiledQuery.sql, [...compiledQuery.parameters])
    const affected = result.affectedRows
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
