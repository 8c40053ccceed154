/**
 * @module Ingest throughput against the machine's own limit: the same rows loaded by a raw
 * `COPY` into an identical table (same columns, keys and indexes) in the same run.
 * Run: `npm run bench` (starts a throw-away PostgreSQL), or with EARSHOT_BENCH_DATABASE_URL set.
 */
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { sql } from 'kysely'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { ingest } from '../src/pipeline/ingest.js'
import { createChannel } from '../src/repositories/channels.js'
import { createOrganisation, createPractice } from '../src/repositories/organisations.js'
import { openDatabase } from '../src/storage/open-database.js'
import { generateMentions } from './generate-mentions.js'

const url = process.env.EARSHOT_BENCH_DATABASE_URL ?? process.env.EARSHOT_TEST_DATABASE_URL
if (!url) {
  console.error(
    'ingest-bench needs PostgreSQL: run `npm run bench` (it starts one) or set EARSHOT_BENCH_DATABASE_URL',
  )
  process.exit(2)
}
const ROWS = Number(process.env.BENCH_ROWS ?? 30_000)
const BATCH = Number(process.env.BENCH_BATCH ?? 1000)

const queryStats = new Map<string, [number, number]>()
const { db, close } = await openDatabase({
  url,
  // BENCH_PROFILE=1 prints where the database time goes.
  ...(process.env.BENCH_PROFILE
    ? {
        log: (e) => {
          const k = e.query.sql.slice(0, 60)
          const s = queryStats.get(k) ?? [0, 0]
          s[0]++
          s[1] += e.queryDurationMillis
          queryStats.set(k, s)
        },
      }
    : {}),
})
const org = await createOrganisation(db, { name: `bench ${Date.now()}` })
const channels: string[] = []
for (const [i, zone] of ['Australia/Sydney', 'Europe/London', 'America/Los_Angeles'].entries()) {
  const practice = await createPractice(db, {
    organisationId: org.id,
    name: `Practice ${i}`,
    schedule: {
      timeZone: zone,
      weekly: Object.fromEntries(
        ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [
          d,
          [
            { start: '08:00', end: '12:30' },
            { start: '13:30', end: '18:00' },
          ],
        ]),
      ),
    },
    promise: {
      targets: [
        { filter: { categories: ['complaint', 'clinical'] }, duration: '1 business hour' },
        { duration: '2 business hours' },
      ],
    },
  })
  for (const platform of ['facebook', 'instagram'] as const) {
    const c = await createChannel(db, {
      organisationId: org.id,
      practiceId: practice.id,
      platform,
      externalAccountId: 'page',
      name: `${platform} ${i}`,
    })
    channels.push(c.id)
  }
}
const items = generateMentions(channels, ROWS)

// Warm up the JIT and the caches on a separate organisation-sized slice, not measured.
await ingest(
  db,
  generateMentions(channels, 500, { seed: 7 }).map((m) => ({
    ...m,
    externalId: `warm-${m.externalId}`,
    threadKey: `warm-${m.threadKey}`,
    ...(m.parentExternalId ? { parentExternalId: `warm-${m.parentExternalId}` } : {}),
  })),
)
// What autovacuum does within a minute of the first rows: statistics, and with them new plans in
// every session. Without it this bench measures the first minute of a fresh database, where a
// session that planned the link trigger's mention probe while `mentions` was empty keeps probing
// through whichever index looked cheapest then (mentions_enricher_idx: the whole organisation per
// link, 0.3–0.6 ms a link and growing; docs/performance.md § Ingest).
if (!process.env.BENCH_NO_ANALYZE) await sql`analyze`.execute(db)

const t = performance.now()
for (let i = 0; i < items.length; i += BATCH) await ingest(db, items.slice(i, i + BATCH))
const ingestSeconds = (performance.now() - t) / 1000

// The reference: the very rows ingest wrote (mentions and their response links), COPYed into
// twin tables with the same keys, indexes and foreign key.
const client = new pg.Client({ connectionString: url })
await client.connect()
async function copyTable(
  table: 'mentions' | 'response_links',
  where: string,
): Promise<{ rows: number; seconds: number }> {
  const twin = `bench_${table}_copy`
  await client.query(`drop table if exists ${twin}`)
  await client.query(`create table ${twin} (like ${table} including all)`)
  // LIKE copies keys and indexes but not foreign keys; add the one mentions has.
  if (table === 'mentions')
    await client.query(
      `alter table ${twin} add foreign key (organisation_id, channel_id) references channels (organisation_id, id)`,
    )
  const columns = (
    await client.query<{ column_name: string }>(
      'select column_name from information_schema.columns where table_name = $1 and table_schema = current_schema() order by ordinal_position',
      [table],
    )
  ).rows.map((r) => r.column_name)
  const rows = (await client.query(`select * from ${table} where ${where}`, [org.id]))
    .rows as Record<string, unknown>[]
  const lines = rows.map((r) => `${columns.map((c) => copyValue(r[c])).join('\t')}\n`)
  const started = performance.now()
  await pipeline(
    Readable.from(lines),
    client.query(copyFrom(`copy ${twin} (${columns.join(', ')}) from stdin`)),
  )
  const seconds = (performance.now() - started) / 1000
  await client.query(`drop table ${twin}`)
  return { rows: rows.length, seconds }
}
const copyMentions = await copyTable(
  'mentions',
  "organisation_id = $1 and external_id not like 'warm-%'",
)
const copyLinks = await copyTable(
  'response_links',
  "organisation_id = $1 and inbound_id in (select id from mentions where organisation_id = $1 and external_id not like 'warm-%')",
)
await client.end()

const ingestRate = items.length / ingestSeconds
const copySeconds = copyMentions.seconds + copyLinks.seconds
const copyRate = copyMentions.rows / copySeconds
console.log(
  `ingest: ${items.length} mentions in ${ingestSeconds.toFixed(2)} s (batches of ${BATCH}; validation, triage, linking, SLA and the links table included)`,
)
console.log(
  `COPY:   the same ${copyMentions.rows} mention rows in ${copyMentions.seconds.toFixed(2)} s + their ${copyLinks.rows} link rows in ${copyLinks.seconds.toFixed(2)} s`,
)
console.log(`METRIC ingest.rows_per_s ${Math.round(ingestRate)}`)
console.log(`METRIC ingest.copy_rows_per_s ${Math.round(copyRate)}`)
console.log(`METRIC ingest.vs_copy ${(ingestRate / copyRate).toFixed(3)}`)
console.log(
  `METRIC ingest.vs_copy_mentions_only ${(ingestRate / (copyMentions.rows / copyMentions.seconds)).toFixed(3)}`,
)
if (process.env.BENCH_PROFILE) {
  for (const [k, [n, ms]] of [...queryStats].sort((a, b) => b[1][1] - a[1][1]).slice(0, 10))
    console.log(`${ms.toFixed(0)} ms ×${n}  ${k}`)
}
await close()

function copyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N'
  const text =
    v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v)
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\t/g, '\\t')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
}
