/**
 * @module Benchmark of the inbox at volume: seeds 10,000+ open mentions (bulk SQL) in one
 * practice, then times the first page in the default order with true totals, a deep page (the
 * tenth, reached through cursors) and the count alone, and prints the first page's query plan.
 *
 * Run: cd packages/core && node --conditions=@earshot/source --import tsx bench/inbox-bench.ts
 * Uses EARSHOT_BENCH_DATABASE_URL or EARSHOT_TEST_DATABASE_URL when set, else in-memory PGlite.
 * Prints `METRIC inbox.first_page_ms <median>`, `METRIC inbox.deep_page_ms <median>` and
 * `METRIC inbox.count_ms <median>`.
 */
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { sql } from 'kysely'
import { countInbox, listInbox } from '../src/metrics/list-inbox.js'
import { openDatabase } from '../src/storage/open-database.js'
import { bulkOpenInbox } from '../test/bulk-inbox.js'

const OPEN = Number(process.env.EARSHOT_BENCH_INBOX ?? 10_210)
const RUNS = Number(process.env.EARSHOT_BENCH_RUNS ?? 7)
const NOW = new Date('2026-11-10T00:00:00Z')

const url = process.env.EARSHOT_BENCH_DATABASE_URL ?? process.env.EARSHOT_TEST_DATABASE_URL
const { db, kind, close } = await openDatabase(url ? { url } : {})
const org = `bench-${randomUUID()}`

async function median(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now()
    await run()
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]!
}

try {
  await db.insertInto('organisations').values({ id: org, name: 'Inbox bench' }).execute()
  const practice = `p-${randomUUID()}`
  await db
    .insertInto('practices')
    .values({
      organisation_id: org,
      id: practice,
      name: 'Bench Dental',
      slug: `bench-${practice.slice(-6)}`,
      time_zone: 'UTC',
      holiday_region: null,
    })
    .execute()
  const channel = `c-${randomUUID()}`
  await db
    .insertInto('channels')
    .values({
      organisation_id: org,
      practice_id: practice,
      id: channel,
      platform: 'facebook',
      external_account_id: `acct-${channel}`,
      name: 'Bench on Facebook',
      own_identities: '[]',
      config: '{}',
    })
    .execute()
  const seedStart = performance.now()
  await bulkOpenInbox(db, NOW, org, practice, channel, 'b', OPEN)
  await sql`analyze`.execute(db)
  console.log(
    `# ${kind}: seeded ${OPEN} open mentions in ${Math.round(performance.now() - seedStart)} ms`,
  )

  const query = { organisationId: org, practiceIds: [practice], now: NOW, limit: 50 }
  const first = await listInbox(db, query)
  if (first.totals?.total !== OPEN) throw new Error(`total ${first.totals?.total} ≠ ${OPEN}`)
  let cursor = first.nextCursor!
  for (let i = 1; i < 9; i++) cursor = (await listInbox(db, { ...query, cursor })).nextCursor!

  console.log(`METRIC inbox.first_page_ms ${(await median(() => listInbox(db, query))).toFixed(1)}`)
  console.log(
    `METRIC inbox.deep_page_ms ${(await median(() => listInbox(db, { ...query, cursor, withTotals: false }))).toFixed(1)}`,
  )
  console.log(
    `METRIC inbox.count_ms ${(await median(() => countInbox(db, query, NOW))).toFixed(1)}`,
  )

  // The plan of the first page (without totals), for docs/performance.md.
  const compiled = (await import('../src/metrics/list-inbox.js')).inboxPageSql(db, {
    ...query,
    withTotals: false,
  })
  const plan = await sql
    .raw(
      `explain analyze ${compiled.sql.replace(/\$(\d+)/g, (_, n) => literal(compiled.parameters[Number(n) - 1]))}`,
    )
    .execute(db)
  for (const row of plan.rows as Record<string, string>[]) console.log(`# ${Object.values(row)[0]}`)
} finally {
  await db.deleteFrom('response_links').where('organisation_id', '=', org).execute()
  await db.deleteFrom('mentions').where('organisation_id', '=', org).execute()
  await db.deleteFrom('channels').where('organisation_id', '=', org).execute()
  await db.deleteFrom('practices').where('organisation_id', '=', org).execute()
  await db.deleteFrom('organisations').where('id', '=', org).execute()
  await close()
}

function literal(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  const text = v instanceof Date ? v.toISOString() : String(v)
  return `'${text.replace(/'/g, "''")}'`
}
