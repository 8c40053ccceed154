/**
 * @module The export statement's cost on the server, measured as the backend's CPU time rather
 * than wall time (on a shared 2-core machine the wall time of a statement mostly says how busy
 * the other processes were). Runs the real `COPY` of `exportMentionsCsv` and the raw COPY of the
 * same rows (`bench/scale/export.ts`'s reference) to a sink, serially (no parallel workers), and
 * reads the backend's utime + stime from /proc/<pid>/stat before and after; so the server must
 * run on this machine (scripts/with-postgres.mjs). A script, never a test.
 *
 * Run (on the organisation export-bench seeded and kept, EARSHOT_BENCH_KEEP=1):
 *   EARSHOT_BENCH_ORG=<org> node ../../scripts/with-postgres.mjs -- node --conditions=@earshot/source --import tsx bench/export-cpu.ts
 * or with EARSHOT_BENCH_DATABASE_URL pointing at a local server that holds it. Prints
 * `METRIC export.backend_cpu_s`, `export.copy_backend_cpu_s` and `export.cpu_vs_copy` (medians).
 */
import { readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { to as copyTo } from 'pg-copy-streams'
import { exportCopyStatement } from '../src/metrics/export-mention-rows.js'
import type { Database } from '../src/storage/database.js'

const url = process.env.EARSHOT_BENCH_DATABASE_URL ?? process.env.EARSHOT_TEST_DATABASE_URL
const org = process.env.EARSHOT_BENCH_ORG
if (!url || !org)
  throw new Error('export-cpu needs EARSHOT_BENCH_DATABASE_URL and EARSHOT_BENCH_ORG')
const RUNS = Number(process.env.EARSHOT_BENCH_RUNS ?? 3)
const from = new Date('2025-12-01T00:00:00Z')
const to = new Date('2026-12-01T00:00:00Z')
const now = new Date('2026-12-02T00:00:00Z')

const client = new pg.Client({ connectionString: url })
await client.connect()
// Only to compile the statement: no query goes through it.
const db = new Kysely<Database>({
  dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
})
const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid
const cpu = () => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100 // utime + stime, in clock ticks of 10 ms
}
await client.query('set max_parallel_workers_per_gather = 0')
await client.query('set jit = off')

const exportSql = exportCopyStatement(
  db,
  { organisationId: org, from, to, now, direction: 'inbound' },
  now,
  client,
)
const where = `m.organisation_id = ${client.escapeLiteral(org)} and not m.is_tombstone
  and m.direction = 'inbound' and m.created_at >= ${client.escapeLiteral(from.toISOString())}
  and m.created_at < ${client.escapeLiteral(to.toISOString())}`
const referenceSql = `copy (select m.*, rl.*, c.name, p.name from mentions m
  left join response_links rl on rl.organisation_id = m.organisation_id and rl.inbound_id = m.id
  join channels c on c.organisation_id = m.organisation_id and c.id = m.channel_id
  join practices p on p.organisation_id = m.organisation_id and p.id = m.practice_id
  where ${where} order by m.created_at, m.id) to stdout with (format csv)`

async function backendSeconds(statement: string): Promise<number> {
  const before = cpu()
  for await (const _chunk of client.query(copyTo(statement))) {
    // drained
  }
  return cpu() - before
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const ours: number[] = []
const reference: number[] = []
for (let i = 0; i < RUNS; i++) {
  ours.push(await backendSeconds(exportSql))
  reference.push(await backendSeconds(referenceSql))
  console.log(
    `# run ${i + 1}: export ${ours.at(-1)!.toFixed(2)} s, raw COPY ${reference.at(-1)!.toFixed(2)} s of backend CPU; load ${loadavg()[0]!.toFixed(2)}`,
  )
}
console.log(`METRIC export.backend_cpu_s ${median(ours).toFixed(2)}`)
console.log(`METRIC export.copy_backend_cpu_s ${median(reference).toFixed(2)}`)
console.log(`METRIC export.cpu_vs_copy ${(median(ours) / median(reference)).toFixed(2)}`)
await client.end()
await db.destroy()
