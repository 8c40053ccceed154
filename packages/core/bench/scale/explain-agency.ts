/**
 * @module EXPLAIN (ANALYZE, BUFFERS) of the statements behind the agency comparison and the
 * practice overview, on a database bench:scale left behind (EARSHOT_BENCH_KEEP=1). Captures the
 * statements through Kysely's log hook and explains the slowest of each call.
 * Run: EARSHOT_BENCH_DATABASE_URL=… node --conditions=@earshot/source --import tsx bench/scale/explain-agency.ts
 */
import { CompiledQuery, type LogEvent, sql } from 'kysely'
import { getMetrics } from '../../src/metrics/get-metrics.js'
import { getOrganisationRanking } from '../../src/metrics/get-organisation-ranking.js'
import { openDatabase } from '../../src/storage/open-database.js'

const url = process.env.EARSHOT_BENCH_DATABASE_URL
if (!url) throw new Error('needs EARSHOT_BENCH_DATABASE_URL')
const DAY = 86_400_000
const END = new Date('2026-11-30T00:00:00Z')
const NOW = new Date(END.getTime() + 3_600_000)
let captured: { sql: string; params: readonly unknown[]; ms: number }[] = []
const { db, close } = await openDatabase({
  url,
  poolSize: 2,
  statementTimeoutMs: 0,
  log: (e: LogEvent) => {
    if (e.level === 'query')
      captured.push({ sql: e.query.sql, params: e.query.parameters, ms: e.queryDurationMillis })
  },
})
const orgs = await sql<{ organisation_id: string; n: number }>`
  select organisation_id, count(*)::int as n from practices group by 1 order by 2 desc`.execute(db)
const agency = orgs.rows[0]!.organisation_id
const small = orgs.rows.at(-1)!.organisation_id
const practice = await sql<{ id: string }>`
  select id from practices where organisation_id = ${agency} order by id limit 1 offset 7`.execute(
  db,
)
const from30 = new Date(END.getTime() - 30 * DAY)
const from365 = new Date(END.getTime() - 364 * DAY)
const only = process.env.EXPLAIN_ONLY
const cases: [string, () => Promise<unknown>][] = [
  [
    'agency_2000',
    () => getOrganisationRanking(db, { organisationId: agency, from: from30, to: END, now: NOW }),
  ],
  [
    'agency_40',
    () => getOrganisationRanking(db, { organisationId: small, from: from30, to: END, now: NOW }),
  ],
  ...(['week', 'channel'] as const).flatMap((groupBy) =>
    [
      ['30d', from30],
      ['12m', from365],
    ].map(
      ([label, from]) =>
        [
          `practice_${label}_${groupBy}`,
          () =>
            getMetrics(db, {
              organisationId: agency,
              practiceIds: [practice.rows[0]!.id],
              from: from as Date,
              to: END,
              now: NOW,
              groupBy,
              source: 'auto',
            }),
        ] as [string, () => Promise<unknown>],
    ),
  ),
]
try {
  for (const [name, f] of cases) {
    if (only && !name.includes(only)) continue
    await f()
    captured = []
    await f()
    const slowest = [...captured].sort((a, b) => b.ms - a.ms)[0]!
    console.log(
      `\n==== ${name}: ${captured.length} statements, slowest ${slowest.ms.toFixed(1)} ms`,
    )
    const plan = await db.executeQuery<{ 'QUERY PLAN': string }>(
      CompiledQuery.raw(`explain (analyze, buffers) ${slowest.sql}`, [...slowest.params]),
    )
    console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'))
  }
} finally {
  await close()
}
