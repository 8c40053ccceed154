import { PGlite } from '@electric-sql/pglite'
import { Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { analyzeDue, PGliteDialect } from './pglite-dialect.js'

describe('analyzeDue', () => {
  it('waits for the floor on a small database and a fifth of the rows on a large one', () => {
    expect(analyzeDue(999, 0, 1000)).toBe(false)
    expect(analyzeDue(1000, 0, 1000)).toBe(true)
    expect(analyzeDue(19_999, 100_000, 1000)).toBe(false)
    expect(analyzeDue(20_000, 100_000, 1000)).toBe(true)
  })
  it('never analyses when turned off', () => {
    expect(analyzeDue(1e9, 0, 0)).toBe(false)
  })
})

// biome-ignore lint/suspicious/noExplicitAny: a scratch table outside Earshot's schema
type AnyDb = Kysely<any>

describe('the PGlite driver without autovacuum', () => {
  let instance: PGlite
  let db: AnyDb
  // What the planner believes the table holds: -1 (or 0) until an ANALYZE.
  const reltuples = async (executor: AnyDb = db) =>
    Number(
      (
        await sql<{
          n: number
        }>`select reltuples as n from pg_class where relname = 'items'`.execute(executor)
      ).rows[0]!.n,
    )
  beforeAll(async () => {
    instance = new PGlite()
    db = new Kysely({ dialect: new PGliteDialect({ database: instance, analyzeAfterRows: 100 }) })
    await sql`create table items (id int primary key, owner text not null)`.execute(db)
    await sql`create index items_owner_idx on items (owner)`.execute(db)
  })
  afterAll(async () => {
    await db.destroy()
  })

  it('analyses between transactions once enough rows were written, so plans see the real table', async () => {
    await db.insertInto('items').values({ id: 0, owner: 'a' }).execute()
    expect(await reltuples()).toBeLessThanOrEqual(0)
    await db.transaction().execute(async (trx) => {
      for (let i = 1; i < 150; i += 50)
        await trx
          .insertInto('items')
          .values(Array.from({ length: 50 }, (_, k) => ({ id: i + k, owner: 'a' })))
          .execute()
      // Not inside the transaction: the statistics are unchanged until it commits.
      expect(await reltuples(trx)).toBeLessThanOrEqual(0)
    })
    expect(await reltuples()).toBe(151)
  })

  it('counts updates and deletes as writes too', async () => {
    await sql`delete from items where id >= 120`.execute(db)
    // 31 rows written since the last ANALYZE, under the floor of 100: the estimate is stale.
    expect(await reltuples()).toBe(151)
    await sql`update items set owner = 'b' where id < 100`.execute(db)
    // 31 + 100: analysed again.
    expect(await reltuples()).toBe(120)
  })
})
