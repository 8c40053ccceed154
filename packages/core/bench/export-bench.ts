/**
 * @module A focused export benchmark (issue 12): seeds one organisation of EARSHOT_BENCH_ROWS
 * mentions (default 1,000,000; bench/export-seed.ts, seconds rather than bench:scale's
 * minutes) and runs the bench:scale export figures on it. A script, never a test.
 *
 * Run: node ../../scripts/with-postgres.mjs -- node --conditions=@earshot/source --import tsx bench/export-bench.ts
 */
import { randomUUID } from 'node:crypto'
import { loadavg } from 'node:os'
import { openDatabase } from '../src/storage/open-database.js'
import { seedExportOrganisation } from './export-seed.js'
import { benchExport } from './scale/export.js'

const url = process.env.EARSHOT_BENCH_DATABASE_URL ?? process.env.EARSHOT_TEST_DATABASE_URL
if (!url)
  throw new Error('export-bench needs real PostgreSQL: run it through scripts/with-postgres.mjs')
const ROWS = Number(process.env.EARSHOT_BENCH_ROWS ?? 1_000_000)
const RUNS = Number(process.env.EARSHOT_BENCH_RUNS ?? 3)
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')
const metric = (name: string, value: number, digits = 1) =>
  console.log(`METRIC ${name} ${value.toFixed(digits)}`)

const { db, close } = await openDatabase({ url, statementTimeoutMs: 0 })
const org = process.env.EARSHOT_BENCH_ORG ?? `export-${randomUUID().slice(0, 8)}`
try {
  if (!process.env.EARSHOT_BENCH_ORG) {
    const t = performance.now()
    await seedExportOrganisation(db, org, ROWS)
    console.log(
      `# seeded ${ROWS} mentions in ${((performance.now() - t) / 1000).toFixed(0)} s; load average ${load()}`,
    )
  }
  await benchExport({
    url,
    organisationId: org,
    from: new Date('2025-12-01T00:00:00Z'),
    to: new Date('2026-12-01T00:00:00Z'),
    now: new Date('2026-12-02T00:00:00Z'),
    runs: RUNS,
    metric,
  })
  console.log(`# load average ${load()}`)
  metric('scale.load_1m', loadavg()[0]!, 2)
} finally {
  if (!process.env.EARSHOT_BENCH_ORG && !process.env.EARSHOT_BENCH_KEEP)
    await db.deleteFrom('organisations').where('id', '=', org).execute()
  await close()
}
