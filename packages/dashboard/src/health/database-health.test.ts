import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type EarshotDatabase, openDatabase } from '@earshot/core'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkDatabaseHealth } from './database-health.js'

describe('what /healthz says about the database', () => {
  let handle: EarshotDatabase
  const dir = mkdtempSync(join(tmpdir(), 'earshot-health-'))
  beforeAll(async () => {
    handle = await openDatabase()
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
})
