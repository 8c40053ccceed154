/**
 * @module The databases storage tests run against: PGlite always, and a real PostgreSQL server
 * when `EARSHOT_TEST_DATABASE_URL` is set (CI sets it). Tests isolate themselves by creating a
 * fresh organisation rather than a fresh database, so one instance serves a whole file.
 */
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database } from '../src/storage/database.js'
import { type EarshotDatabase, openDatabase } from '../src/storage/open-database.js'

// Production's 30 s statement and 10 s pool limits fail tests on a loaded CI machine
// (a 10k-row inbox walk hit the statement limit): tests wait, they never time out.
const NO_TIME_LIMITS = { statementTimeoutMs: 0, acquireTimeoutMs: 0 }

/** A database a test file can open once (in `beforeAll`) and close at the end. */
export interface TestDatabase {
  /** `pglite` or `postgres`, for suite names. */
  name: 'pglite' | 'postgres'
  open(): Promise<EarshotDatabase>
}

/** PGlite in memory, plus the server named by `EARSHOT_TEST_DATABASE_URL` when set. */
export function testDatabases(): TestDatabase[] {
  const list: TestDatabase[] = [{ name: 'pglite', open: () => openDatabase() }]
  const url = process.env.EARSHOT_TEST_DATABASE_URL?.trim()
  if (url)
    list.push({
      name: 'postgres',
      open: () => openDatabase({ url, poolSize: 4, ...NO_TIME_LIMITS }),
    })
  return list
}

/** Creates an organisation with a unique id so tests sharing a database never see each other's rows. */
export async function freshOrganisation(
  db: Kysely<Database>,
  name = 'Test organisation',
): Promise<{ id: string; name: string }> {
  const id = `org-${randomUUID()}`
  await db.insertInto('organisations').values({ id, name }).execute()
  return { id, name }
}

/**
 * A fresh organisation with two practices (`<org>-pa`, `<org>-pb`, UTC) of two Facebook
 * channels each (`<practice>-c1`, `-c2`), written straight to the tables: what the inbox's
 * random-data tests build once per run.
 */
export async function freshTwoPracticeScope(
  db: Kysely<Database>,
): Promise<{ org: string; practices: string[]; channels: string[] }> {
  const org = (await freshOrganisation(db)).id
  const practices = ['pa', 'pb'].map((p) => `${org}-${p}`)
  const channels = practices.flatMap((p) => [`${p}-c1`, `${p}-c2`])
  await db
    .insertInto('practices')
    .values(
      practices.map((p, i) => ({
        organisation_id: org,
        id: p,
        name: `P${i}`,
        slug: p,
        time_zone: 'UTC',
        holiday_region: null,
      })),
    )
    .execute()
  await db
    .insertInto('channels')
    .values(
      channels.map((c) => ({
        organisation_id: org,
        practice_id: c.slice(0, -3),
        id: c,
        platform: 'facebook',
        external_account_id: c,
        name: c,
        own_identities: '[]',
        config: '{}',
      })),
    )
    .execute()
  return { org, practices, channels }
}
