/**
 * Finding 1 of issue 13: a server connection that drops while in use used to kill the process
 * (`Unhandled 'error' event … Connection terminated unexpectedly`). These run on the real
 * PostgreSQL server named by EARSHOT_TEST_DATABASE_URL (CI sets it) and are skipped without it.
 */
import { once } from 'node:events'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseFaultOf, isDatabaseUnavailable } from './database-fault.js'
import { type EarshotDatabase, openDatabase } from './open-database.js'

const url = process.env.EARSHOT_TEST_DATABASE_URL?.trim()

describe.skipIf(!url)('a lost PostgreSQL connection (needs EARSHOT_TEST_DATABASE_URL)', () => {
  let database: EarshotDatabase
  beforeAll(async () => {
    database = await openDatabase({ url: url!, poolSize: 3 })
  })
  afterAll(async () => {
    await database?.close()
  })

  it('survives a connection terminated while checked out, then serves the next query', async () => {
    const { db, events } = database
    await db.connection().execute(async (conn) => {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(conn)
      const lost = once(events, 'connection-error')
      await sql`select pg_terminate_backend(${rows[0]!.pid})`.execute(db)
      // Without a listener on checked-out clients this event crashed the process.
      await lost
      const error = await sql`select 1`.execute(conn).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(isDatabaseUnavailable(error)).toBe(true)
    })
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db)
    expect(rows[0]!.one).toBe(1)
  })

  it('fails a query in flight with a database fault when its backend is killed', async () => {
    const { db, events } = database
    const lost = once(events, 'connection-error')
    const running = sql`select pg_sleep(3600), 'earshot-connection-loss-probe'`.execute(db).then(
      () => undefined,
      (e: unknown) => e,
    )
    // Wait (on the database, not a timer) until the sleeping query is visible, then kill it.
    let killed = false
    while (!killed) {
      const { rows } = await sql<{ killed: boolean }>`
        select pg_terminate_backend(pid) as killed from pg_stat_activity
        where query like '%earshot-connection-loss-probe%' and pid <> pg_backend_pid()`.execute(db)
      killed = rows.some((r) => r.killed)
    }
    const error = await running
    expect(databaseFaultOf(error)).toBe('down')
    await lost
    await expect(sql`select 1`.execute(db)).resolves.toBeDefined()
  })

  it('times a statement out as a slow-database fault instead of waiting for ever', async () => {
    const quick = await openDatabase({
      url: url!,
      poolSize: 1,
      statementTimeoutMs: 50,
      migrate: false,
    })
    try {
      const error = await sql`select pg_sleep(3600)`.execute(quick.db).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(databaseFaultOf(error)).toBe('slow')
    } finally {
      await quick.close()
    }
  })
})
