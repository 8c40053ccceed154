import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type EarshotDatabase, openDatabase } from '@earshot/core'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkDatabaseHealth, DISK_FULL_MEMORY_MS } from './database-health.js'

const url = process.env.EARSHOT_TEST_DATABASE_URL?.trim()
const databases = [
  { name: 'pglite', url: undefined as string | undefined },
  ...(url ? [{ name: 'postgres', url }] : []),
]

describe.each(databases)('what /healthz says about the database on $name', ({ url }) => {
  let handle: EarshotDatabase
  let clock = new Date('2026-11-20T03:00:00Z')
  const now = () => clock
  const dir = mkdtempSync(join(tmpdir(), 'earshot-health-'))
  beforeAll(async () => {
    handle = await openDatabase({
      ...(url ? { url, poolSize: 2 } : {}),
      statementTimeoutMs: 0,
      acquireTimeoutMs: 0,
      now,
    })
  })
  afterAll(async () => {
    await handle?.close()
  })

  it('is up when it answers and the data folder has room', async () => {
    expect(await checkDatabaseHealth(handle.db, 5_000, { path: dir, minFreeBytes: 0 })).toBe('up')
  })

  it('reports disk-full when the data folder’s file system has less free space than the floor', async () => {
    // The floor above any real disk: statfs of the real folder decides, nothing is faked.
    const floor = Number.MAX_SAFE_INTEGER
    expect(await checkDatabaseHealth(handle.db, 5_000, { path: dir, minFreeBytes: floor })).toBe(
      'disk-full',
    )
  })

  it('reports read-only when the database refuses writes', async () => {
    await handle.db.connection().execute(async (conn) => {
      await sql`set default_transaction_read_only = on`.execute(conn)
      try {
        expect(await checkDatabaseHealth(conn, 5_000)).toBe('read-only')
      } finally {
        await sql`set default_transaction_read_only = off`.execute(conn)
      }
    })
  })

  it('reports disk-full while a write failed with SQLSTATE 53100 within the last minute', async () => {
    expect(await checkDatabaseHealth(handle.db, 5_000, undefined, { now })).toBe('up')
    // A real server error with the disk-full code, through the driver and openDatabase's
    // classification of every failed statement (a full disk cannot be made on demand in a test).
    await expect(
      sql`do $$ begin raise exception 'could not extend file' using errcode = '53100'; end $$`.execute(
        handle.db,
      ),
    ).rejects.toMatchObject({ code: '53100' })
    expect(await checkDatabaseHealth(handle.db, 5_000, undefined, { now })).toBe('disk-full')
    // Another class-53 error (too many connections) is not a full disk.
    await expect(
      sql`do $$ begin raise exception 'busy' using errcode = '53300'; end $$`.execute(handle.db),
    ).rejects.toMatchObject({ code: '53300' })
    clock = new Date(clock.getTime() + DISK_FULL_MEMORY_MS - 1)
    expect(await checkDatabaseHealth(handle.db, 5_000, undefined, { now })).toBe('disk-full')
    clock = new Date(clock.getTime() + 1)
    expect(await checkDatabaseHealth(handle.db, 5_000, undefined, { now })).toBe('up')
  })

  it('leaves nothing behind from its write probe', async () => {
    expect(await checkDatabaseHealth(handle.db, 5_000, undefined, { now })).toBe('up')
    const { rows } = await sql<{ n: string }>`
      select count(*) as n from pg_class where relname = 'earshot_health_probe'`.execute(handle.db)
    expect(Number(rows[0]!.n)).toBe(0)
  })
})
