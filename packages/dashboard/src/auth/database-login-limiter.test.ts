/**
 * Finding 4 of issue 13: 200 concurrent guesses were all checked because failures were counted
 * after the slow hash, and one address spraying 150 e-mails was never throttled. Attempts are
 * now counted in the database before hashing. Runs on PGlite, and on real PostgreSQL when
 * EARSHOT_TEST_DATABASE_URL is set (the case of several `serve` processes sharing one database).
 */
import { randomUUID } from 'node:crypto'
import { type EarshotDatabase, openDatabase } from '@earshot/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDatabaseLoginLimiter } from './database-login-limiter.js'

// Production's 30 s statement and 10 s pool limits fail tests on a loaded CI machine
// (a 10k-row inbox walk hit the statement limit): tests wait, they never time out.
const NO_TIME_LIMITS = { statementTimeoutMs: 0, acquireTimeoutMs: 0 }

const NOW = new Date('2026-11-20T03:00:00Z')
const databases: { name: string; open: () => Promise<EarshotDatabase> }[] = [
  { name: 'pglite', open: () => openDatabase() },
]
const url = process.env.EARSHOT_TEST_DATABASE_URL?.trim()
if (url)
  databases.push({
    name: 'postgres',
    open: () => openDatabase({ url, poolSize: 8, ...NO_TIME_LIMITS }),
  })

describe.each(databases)('the database login limiter on $name', ({ open }) => {
  let database: EarshotDatabase
  beforeAll(async () => {
    database = await open()
  })
  afterAll(async () => {
    await database?.close()
  })

  it('admits no more than the limit of 200 concurrent guesses at one account', async () => {
    const limiter = createDatabaseLoginLimiter(database.db, { perAccount: 5, perAddress: 1000 })
    const email = `victim-${randomUUID()}@example.com`
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, i) => limiter.admit(email, `198.51.100.${i % 250}`, NOW)),
    )
    expect(outcomes.filter((o) => o.admitted)).toHaveLength(5)
  })

  it('throttles one address spraying many e-mails', async () => {
    const limiter = createDatabaseLoginLimiter(database.db, { perAccount: 5, perAddress: 30 })
    const address = `spray-${randomUUID()}`
    const outcomes = await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        limiter.admit(`user${i}-${address}@example.com`, address, NOW),
      ),
    )
    expect(outcomes.filter((o) => o.admitted)).toHaveLength(30)
  })

  it('shares counts between two limiters on one database (two serve processes)', async () => {
    const one = createDatabaseLoginLimiter(database.db, { perAccount: 3 })
    const two = createDatabaseLoginLimiter(database.db, { perAccount: 3 })
    const email = `shared-${randomUUID()}@example.com`
    const outcomes = [
      await one.admit(email, 'a', NOW),
      await two.admit(email, 'b', NOW),
      await one.admit(email, 'c', NOW),
      await two.admit(email, 'd', NOW),
    ]
    expect(outcomes.map((o) => o.admitted)).toEqual([true, true, true, false])
  })

  it('opens a new window once the old one has passed, and a success clears the account', async () => {
    const limiter = createDatabaseLoginLimiter(database.db, { perAccount: 1, windowMs: 60_000 })
    const email = `window-${randomUUID()}@example.com`
    expect((await limiter.admit(email, 'x', NOW)).admitted).toBe(true)
    const refused = await limiter.admit(email, 'x', NOW)
    expect(refused).toEqual({ admitted: false, retryAfterMs: 60_000 })
    const later = new Date(NOW.getTime() + 60_000)
    expect((await limiter.admit(email, 'x', later)).admitted).toBe(true)
    await limiter.succeeded(email, 'x')
    expect((await limiter.admit(email, 'x', later)).admitted).toBe(true)
  })
})
