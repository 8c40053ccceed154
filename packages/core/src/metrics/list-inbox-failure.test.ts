import {
  type CompiledQuery,
  type DatabaseConnection,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from 'kysely'
import { describe, expect, it } from 'vitest'
import type { Database } from '../storage/database.js'
import { listInbox } from './list-inbox.js'

/** A database whose every statement fails, the count after the page (a lost connection, say). */
function failingDatabase(): Kysely<Database> {
  let n = 0
  class FailingDriver extends DummyDriver {
    override async acquireConnection(): Promise<DatabaseConnection> {
      return {
        async executeQuery<R>(_q: CompiledQuery): Promise<QueryResult<R>> {
          const delay = n++ === 0 ? 20 : 0
          await new Promise((resolve) => setTimeout(resolve, delay))
          throw new Error('connection lost')
        },
        // biome-ignore lint/correctness/useYield: never streams
        async *streamQuery() {
          throw new Error('not used')
        },
      }
    }
  }
  return new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new FailingDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  })
}

describe('listInbox when the database fails', () => {
  // The count runs beside the page. When the page failed first, the count's rejection used to
  // be left unhandled, and Node ends a process on an unhandled rejection: one failed inbox
  // request took `earshot serve` down (found by the HTTP load bench). Vitest fails a run that
  // sees an unhandled rejection, so this test fails without the fix.
  it('rejects with the error and leaves no rejection unhandled', async () => {
    const db = failingDatabase()
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      await expect(
        listInbox(db, { organisationId: 'org', now: new Date('2026-12-01T00:00:00Z') }),
      ).rejects.toThrow('connection lost')
      // Let the count's rejection settle.
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })
})
