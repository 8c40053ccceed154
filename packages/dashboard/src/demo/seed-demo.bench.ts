/**
 * @module Benchmark of `earshot demo`'s first run: generating the demo data set and ingesting it
 * (triage, linking, SLA) into a fresh embedded database. Prints `METRIC` lines.
 *
 * Run: npm run bench -w @earshot/dashboard   (EARSHOT_BENCH_DATA_DIR=DIR for a persistent folder)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase } from '@earshot/core'
import { generateDemoData } from './generate-demo-data.js'
import { seedDemo } from './seed-demo.js'

const dir = process.env.EARSHOT_BENCH_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'earshot-demo-bench-'))
const scale = Number(process.env.EARSHOT_DEMO_SCALE ?? 1)

const openStarted = performance.now()
const database = await openDatabase({ url: dir })
const openMs = performance.now() - openStarted

const generateStarted = performance.now()
const dataset = generateDemoData({ scale })
const generateMs = performance.now() - generateStarted
const result = await seedDemo(database.db, { dataset })
const mentions = result.ingested.inserted + result.ingested.updated + result.ingested.unchanged
await database.close()
if (!process.env.EARSHOT_BENCH_DATA_DIR) rmSync(dir, { recursive: true, force: true })

console.log(`METRIC demo_mentions ${mentions}`)
console.log(`METRIC demo_quarantined ${result.ingested.quarantined}`)
console.log(`METRIC demo_open_and_migrate_ms ${openMs.toFixed(0)}`)
console.log(`METRIC demo_generate_ms ${generateMs.toFixed(0)}`)
console.log(`METRIC demo_ingest_ms ${result.ingestMs.toFixed(0)}`)
console.log(`METRIC demo_ingest_mentions_per_s ${((mentions / result.ingestMs) * 1000).toFixed(0)}`)
console.log(`METRIC demo_first_run_total_ms ${(openMs + generateMs + result.ingestMs).toFixed(0)}`)
// Wall-clock figures swing with load on a shared machine; CPU time says what the work costs.
const cpu = process.cpuUsage()
console.log(`METRIC demo_process_cpu_ms ${((cpu.user + cpu.system) / 1000).toFixed(0)}`)
