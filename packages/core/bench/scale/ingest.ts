/**
 * @module The ingest part of `npm run bench:scale`: fresh mentions of one practice ingested
 * through the one write path (batches of 500) with the whole data set present, against a raw
 * COPY of the same rows into a twin table in the same run. Prints `scale.ingest_per_s`,
 * `scale.copy_per_s`, `scale.ingest_vs_copy`, and — to say where the time goes — the statements
 * that took longest, summed (the rollup recompute runs inside `earshot_rollups_flush()`).
 */
import { performance } from 'node:perf_hooks'
import { ingest } from '../../src/pipeline/ingest.js'
import { savePromise, saveSchedule } from '../../src/repositories/practice-policy.js'
import { openDatabase } from '../../src/storage/open-database.js'

export interface ScaleIngestContext {
  url: string
  run: string
  practice: { org: string; id: string; channels: readonly [string, string] }
  /** The end of the seeded year; fresh mentions land in the day before it. */
  end: Date
  start: Date
  now: Date
  /** COPYs tab-separated lines into `table (columns)` on the bench's own connection. */
  copyLines(table: string, columns: string, lines: Iterable<string>): Promise<void>
  /** Runs one statement on the bench's own connection (where the twin table lives). */
  query(text: string): Promise<unknown>
  mentionColumns: string
  metric(name: string, value: number, digits?: number): void
}

const DAY = 86_400_000
const INGEST = Number(process.env.EARSHOT_BENCH_INGEST ?? 5000)
const BATCH = 500

export async function benchScaleIngest(ctx: ScaleIngestContext): Promise<void> {
  const stats = new Map<string, [number, number]>()
  const { db, close } = await openDatabase({
    url: ctx.url,
    poolSize: 2,
    migrate: false,
    log: (e) => {
      const k = e.query.sql.replace(/\s+/g, ' ').slice(0, 70)
      const s = stats.get(k) ?? [0, 0]
      s[0]++
      s[1] += e.queryDurationMillis
      stats.set(k, s)
    },
  })
  try {
    const { practice: p, run } = ctx
    const items = Array.from({ length: INGEST }, (_, i) => ({
      channelId: p.channels[0],
      externalId: `fresh-${run}-${i}`,
      kind: 'comment' as const,
      threadKey: `fresh-${run}-${Math.floor(i / 2)}`,
      author: { id: `u${i}`, name: 'Sam' },
      text: i % 2 ? 'thanks!' : 'are you open on saturday?',
      createdAt: new Date(ctx.end.getTime() - DAY + i * 10_000).toISOString(),
    }))
    // Ingestion evaluates SLAs, so this practice needs a schedule and a promise.
    await saveSchedule(
      db,
      p.org,
      p.id,
      {
        timeZone: 'UTC',
        weekly: Object.fromEntries(
          ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ start: '08:00', end: '18:00' }]]),
        ),
      },
      { effectiveFrom: ctx.start },
    )
    await savePromise(
      db,
      p.org,
      p.id,
      {
        targets: [{ duration: '4 business hours' }],
        goal: 0.9,
        statement: 'We reply within 4 business hours',
      },
      { effectiveFrom: ctx.start },
    )
    stats.clear()
    const ingestStart = performance.now()
    for (let i = 0; i < INGEST; i += BATCH)
      await ingest(db, items.slice(i, i + BATCH), { now: ctx.now })
    const ingestS = (performance.now() - ingestStart) / 1000

    await ctx.query('create temp table copy_probe (like mentions including defaults)')
    const copyStart = performance.now()
    await ctx.copyLines(
      'copy_probe',
      ctx.mentionColumns,
      items.map((m, i) =>
        [
          p.org,
          p.id,
          m.channelId,
          `probe-${i}`,
          'facebook',
          m.externalId,
          'comment',
          'inbound',
          m.threadKey,
          m.text,
          m.createdAt,
          `h${i}`,
          0,
          'neutral',
          't',
          'question',
          m.createdAt,
        ].join('\t'),
      ),
    )
    const copyS = (performance.now() - copyStart) / 1000
    console.log(
      `# ingest: ${INGEST} mentions in batches of ${BATCH}, ${ingestS.toFixed(2)} s; top statements:`,
    )
    for (const [k, [n, ms]] of [...stats].sort((a, b) => b[1][1] - a[1][1]).slice(0, 6))
      console.log(`#   ${ms.toFixed(0)} ms ×${n}  ${k}`)
    ctx.metric('scale.ingest_per_s', INGEST / ingestS, 0)
    ctx.metric('scale.copy_per_s', INGEST / copyS, 0)
    ctx.metric('scale.ingest_vs_copy', copyS / ingestS, 3)
  } finally {
    await close()
  }
}
