/**
 * @module Benchmark of the collectors' own overhead, as ratios against this machine's limits in
 * the same run (never asserted in tests):
 * - streaming import parse rate (CSV → mentions) against a plain `readFileSync` + `split` of the
 *   same file, i.e. what streaming and mapping cost over reading the bytes at all;
 * - a full collection run through the loop (fake Google API on 127.0.0.1 → HTTP client → mapping →
 *   ingest + checkpoint per page) against `ingest()` of the same mentions in the same page sizes,
 *   i.e. what polling and per-page checkpoints add on top of ingestion itself.
 *
 * Run: cd packages/collectors && npm run bench   (EARSHOT_BENCH_DATABASE_URL=postgres://… for a server)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ingest, openDatabase } from '@earshot/core'
import { googleCollector } from '../src/google/google-collector.js'
import { readImportFile } from '../src/import/read-import-file.js'
import { collectChannel, toCollectorChannel } from '../src/run/core-loop.js'
import { startFakeServer } from '../src/testing/fake-server.js'
import { createTestTenant } from '../src/testing/test-tenant.js'

const ROWS = Number(process.env.COLLECT_BENCH_ROWS ?? 50_000)
const REVIEWS = Number(process.env.COLLECT_BENCH_REVIEWS ?? 2_000)
const metric = (name: string, value: number) =>
  console.log(`METRIC ${name} ${Number.isInteger(value) ? value : value.toFixed(3)}`)

// 1. Streaming import parse rate vs reading the same bytes whole.
const dir = mkdtempSync(join(tmpdir(), 'earshot-bench-'))
const csv = join(dir, 'export.csv')
const lines = ['external_id,kind,created_at,author_name,text,rating']
for (let i = 0; i < ROWS; i++)
  lines.push(
    `m${i},comment,2025-01-06T10:${String(i % 60).padStart(2, '0')}:00Z,Patient ${i % 997},"Do you have an appointment on day ${i % 31}, please?",`,
  )
writeFileSync(csv, lines.join('\n'))
let t = performance.now()
let records = 0
for await (const batch of readImportFile(csv, { channelId: 'bench', batchSize: 1000 }))
  records += batch.items.length
const streamMs = performance.now() - t
t = performance.now()
const raw = readFileSync(csv, 'utf8').split('\n').length - 1
const rawMs = performance.now() - t
if (records !== ROWS || raw !== ROWS)
  throw new Error(`expected ${ROWS} records, got ${records}/${raw}`)
metric('import_parse_records_per_s', Math.round(ROWS / (streamMs / 1000)))
metric('import_parse_vs_readfile_split_ratio', streamMs / rawMs)

// 2. A collection run through the loop vs ingest() of the same pages.
const PAGE = 50
const review = (n: number) => ({
  name: `accounts/1/locations/2/reviews/r${n}`,
  reviewId: `r${n}`,
  reviewer: { displayName: `Patient ${n}` },
  starRating: ['ONE', 'TWO', 'THREE', 'FOUR', 'FIVE'][n % 5],
  comment: `Review ${n}: friendly staff but the wait was long`,
  createTime: new Date(Date.UTC(2025, 0, 1) + n * 60_000).toISOString(),
  updateTime: new Date(Date.UTC(2025, 0, 1) + n * 60_000).toISOString(),
})
const server = await startFakeServer((req) => {
  const page = Number(req.query.get('pageToken') ?? '0')
  const reviews = Array.from({ length: Math.min(PAGE, REVIEWS - page * PAGE) }, (_, i) =>
    review(page * PAGE + i),
  )
  return {
    body: { reviews, ...((page + 1) * PAGE < REVIEWS ? { nextPageToken: String(page + 1) } : {}) },
  }
})
const { db, close } = await openDatabase(
  process.env.EARSHOT_BENCH_DATABASE_URL ? { url: process.env.EARSHOT_BENCH_DATABASE_URL } : {},
)
try {
  const tenant = await createTestTenant(db, 'Bench Clinic')
  const config = { accessToken: 'token', baseUrl: server.url }
  const loopChannel = await tenant.channel({
    platform: 'google',
    externalAccountId: 'accounts/1/locations/2',
    config,
  })
  t = performance.now()
  const result = await collectChannel(db, loopChannel, googleCollector())
  const loopMs = performance.now() - t
  if (result.status !== 'success' || result.inserted !== REVIEWS)
    throw new Error(`collection failed: ${result.errorMessage ?? result.inserted}`)

  // The same mentions, fetched up front, ingested page by page without HTTP or checkpoints.
  const plainChannel = await tenant.channel({
    platform: 'google',
    externalAccountId: 'accounts/1/locations/2',
    config,
  })
  const pages = []
  for await (const batch of googleCollector().poll!({
    channel: toCollectorChannel(plainChannel),
    config: googleCollector().configSchema.parse(config),
    cursor: null,
  }))
    pages.push(batch.items)
  t = performance.now()
  for (const items of pages) await ingest(db, items, { organisationId: tenant.organisationId })
  const ingestMs = performance.now() - t

  metric('collect_loop_mentions_per_s', Math.round(REVIEWS / (loopMs / 1000)))
  metric('collect_loop_vs_plain_ingest_ratio', loopMs / ingestMs)
} finally {
  await close()
  await server.close()
  rmSync(dir, { recursive: true, force: true })
}
