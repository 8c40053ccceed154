/**
 * @module EXPLAIN (ANALYZE, BUFFERS) of the statements behind the agency comparison and the
 * practice overview, on a database bench:scale left behind (EARSHOT_BENCH_KEEP=1). Captures the
 * statements through Kysely's log hook and explains the slowest of each call; then splits each
 * call's wall time into SQL (the statements' own durations as the driver saw them) and JavaScript
 * (the rest: row conversion, ranking), and the slowest statement's time into planning and
 * execution (median of EXPLAIN (ANALYZE, SUMMARY) runs), with JIT's share when it kicked in.
 * Run: EARSHOT_BENCH_DATABASE_URL=… node --conditions=@earshot/source --import tsx bench/scale/explain-agency.ts
 * EXPLAIN_ONLY=<part of a case name> limits the cases; EXPLAIN_PLAN=0 leaves the plans out;
 * EXPLAIN_RUNS (default 5) sets the repetitions of the timings. EXPLAIN_BENCH=1 instead runs
 * bench:scale's agency part (bench/scale/agency.ts: the same METRIC lines and same-run
 * hand-written references) against the kept data, EXPLAIN_RUNS times each, without re-seeding.
 */
import { loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { CompiledQuery, type LogEvent, sql } from 'kysely'
import { getMetrics } from '../../src/metrics/get-metrics.js'
import { getOrganisationRanking } from '../../src/metrics/get-organisation-ranking.js'
import { openDatabase } from '../../src/storage/open-database.js'
import { agencyBench } from './agency.js'

const url = process.env.EARSHOT_BENCH_DATABASE_URL
if (!url) throw new Error('needs EARSHOT_BENCH_DATABASE_URL')
const DAY = 86_400_000
const END = new Date('2026-11-30T00:00:00Z')
const NOW = new Date(END.getTime() + 3_600_000)
const RUNS = Number(process.env.EXPLAIN_RUNS ?? 5)
let captured: { sql: string; params: readonly unknown[]; ms: number }[] = []
const { db, close } = await openDatabase({
  url,
  poolSize: 4, // as bench:scale
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
console.log(
  `# agency ${agency} (${orgs.rows[0]!.n} practices), small ${small} (${orgs.rows.at(-1)!.n})`,
)
const practice = await sql<{ id: string }>`
  select id from practices where organisation_id = ${agency} order by id limit 1 offset 7`.execute(
  db,
)
const from30 = new Date(END.getTime() - 30 * DAY)
const from365 = new Date(END.getTime() - 364 * DAY)
const only = process.env.EXPLAIN_ONLY
if (process.env.EXPLAIN_BENCH === '1') {
  // bench:scale names the agency's practices `<agency>-p<i>` and its first small organisation
  // `org-<run>-0`; the overview walks them in seeding order.
  const run = agency.replace(/^agency-/, '')
  const ids = await sql<{ id: string }>`
    select id from practices where organisation_id = ${agency}`.execute(db)
  const practices = ids.rows
    .map((r) => ({ org: agency, id: r.id, i: Number(r.id.slice(r.id.lastIndexOf('-p') + 2)) }))
    .sort((a, b) => a.i - b.i)
  console.log(
    `# load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  )
  await agencyBench({
    db,
    agency,
    smallOrg: `org-${run}-0`,
    practices,
    agencyPractices: practices.length,
    end: END,
    now: NOW,
    runs: RUNS,
  })
  console.log(
    `# load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  )
  await close()
  process.exit(0)
}
// A second handle on the same pool: not the one openDatabase registered, so getMetrics runs every
// statement through Kysely (its log hook captures them) rather than as named statements.
const plain = db.withoutPlugins()
type Case = [string, (db: typeof plain) => Promise<unknown>]
const cases: Case[] = [
  [
    'agency_2000',
    (db) => getOrganisationRanking(db, { organisationId: agency, from: from30, to: END, now: NOW }),
  ],
  [
    'agency_40',
    (db) => getOrganisationRanking(db, { organisationId: small, from: from30, to: END, now: NOW }),
  ],
  ...(['week', 'channel'] as const).flatMap((groupBy) =>
    [
      ['30d', from30],
      ['12m', from365],
    ].map(
      ([label, from]) =>
        [
          `practice_${label}_${groupBy}`,
          (db: typeof plain) =>
            getMetrics(db, {
              organisationId: agency,
              practiceIds: [practice.rows[0]!.id],
              from: from as Date,
              to: END,
              now: NOW,
              groupBy,
              source: 'auto',
            }),
        ] as Case,
    ),
  ),
]

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const ms = (plan: string, label: string) =>
  Number(new RegExp(`${label}: ([0-9.]+) ms`).exec(plan)?.[1] ?? Number.NaN)
// EXPLAIN_SET="jit=off,work_mem=16MB" explains under those settings (same connection, reset after).
const settings = (process.env.EXPLAIN_SET ?? '')
  .split(',')
  .filter(Boolean)
  .map((kv) => kv.split('=') as [string, string])
const explain = (options: string, text: string, params: readonly unknown[]) =>
  db.connection().execute(async (conn) => {
    for (const [k, v] of settings) await sql`select set_config(${k}, ${v}, false)`.execute(conn)
    try {
      return (
        await conn.executeQuery<{ 'QUERY PLAN': string }>(
          CompiledQuery.raw(`explain (${options}) ${text}`, [...params]),
        )
      ).rows
        .map((r) => r['QUERY PLAN'])
        .join('\n')
    } finally {
      for (const [k] of settings) await sql`select set_config(${k}, null, false)`.execute(conn)
    }
  })

try {
  for (const [name, f] of cases) {
    if (only && !name.includes(only)) continue
    // Warm: named statements get their generic plan after five executions per connection.
    for (let i = 0; i < 12; i++) await f(db)
    const wall: number[] = []
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now()
      await f(db)
      wall.push(performance.now() - t)
    }
    const sqlMs: number[] = []
    const plainMs: number[] = []
    let statements = captured
    for (let i = 0; i < RUNS; i++) {
      captured = []
      const t = performance.now()
      await f(plain)
      plainMs.push(performance.now() - t)
      sqlMs.push(captured.reduce((s, c) => s + c.ms, 0))
      statements = [...captured]
    }
    const slowest = [...statements].sort((a, b) => b.ms - a.ms)[0]!
    const planning: number[] = []
    const execution: number[] = []
    const jit: number[] = []
    for (let i = 0; i < RUNS; i++) {
      const plan = await explain('analyze, summary', slowest.sql, slowest.params)
      planning.push(ms(plan, 'Planning Time'))
      execution.push(ms(plan, 'Execution Time'))
      const total = /Timing: .*Total ([0-9.]+) ms/.exec(plan)
      jit.push(total ? Number(total[1]) : 0)
    }
    console.log(
      `\n==== ${name}: ${statements.length} statements; call ${median(wall).toFixed(1)} ms; all through Kysely ${median(plainMs).toFixed(1)} ms = SQL ${median(sqlMs).toFixed(1)} ms + JS ${(median(plainMs) - median(sqlMs)).toFixed(1)} ms; slowest statement: planning ${median(planning).toFixed(2)} ms, execution ${median(execution).toFixed(2)} ms (JIT ${median(jit).toFixed(1)} ms of it)`,
    )
    if (process.env.EXPLAIN_PLAN !== '0')
      console.log(await explain('analyze, buffers, settings', slowest.sql, slowest.params))
  }
} finally {
  await close()
}
