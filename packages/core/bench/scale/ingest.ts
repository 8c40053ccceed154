/**
 * @module The ingest part of `npm run bench:scale`: fresh mentions of one practice ingested
 * through the one write path (batches of 500) with the whole data set present, against a raw
 * COPY of the same rows in the same run. The ratio `scale.ingest_vs_copy` is against a COPY of
 * the very mention and link rows ingest wrote into twin tables with the real tables' columns,
 * keys and indexes (`scale.copy_per_s`); a COPY of the mention rows into a temporary table with
 * no indexes is printed too (`scale.copy_bare_per_s`, `scale.ingest_vs_copy_bare`). To say
 * where the time goes it prints the statements that took longest, summed (the rollup work runs
 * inside `earshot_rollups_flush()`).
 */
import { performance } from 'node:perf_hooks'
import { sql } from 'kysely'
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
// EARSHOT_BENCH_INGEST_BATCH: mentions per ingest() call (default 500, the figure quoted).
const BATCH = Number(process.env.EARSHOT_BENCH_INGEST_BATCH ?? 500)

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
    // Warm-up, not measured (as bench/ingest-bench.ts does): one batch on a day of its own, so
    // the first measured batch does not pay for JIT, plan caches and cold indexes alone.
    await ingest(
      db,
      items.slice(0, BATCH).map((m, i) => ({
        ...m,
        externalId: `warm-${run}-${i}`,
        threadKey: `warm-${run}-${Math.floor(i / 2)}`,
        createdAt: new Date(ctx.end.getTime() - 6 * DAY + i * 10_000).toISOString(),
      })),
      { now: ctx.now },
    )
    stats.clear()
    const ingestStart = performance.now()
    for (let i = 0; i < INGEST; i += BATCH)
      await ingest(db, items.slice(i, i + BATCH), { now: ctx.now })
    const ingestS = (performance.now() - ingestStart) / 1000

    // Reference 1 (kept for honesty, not the ratio): the mention rows COPYed into a temporary
    // table with no indexes, no triggers and no WAL — the cheapest possible write.
    await ctx.query('create temp table copy_probe (like mentions including defaults)')
    const bareStart = performance.now()
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
    const bareS = (performance.now() - bareStart) / 1000
    await ctx.query('drop table copy_probe')

    // Reference 2, the ratio's: the very rows ingest wrote — its mention rows and their link
    // rows, every column — COPYed into twin tables shaped like the real ones:
    // `create table … (like … including all)` gives them the same columns, defaults, NOT NULL
    // and CHECK constraints, primary keys, unique constraints and every index (printed: 8 on
    // mentions and 6 on response_links today), logged like the real tables (WAL). What they lack: foreign keys
    // (LIKE never copies them; mentions has one, to channels), triggers (rollups, inbox change
    // feed) and the 10M rows already present (the twins start empty, so their indexes are small
    // and cached: if anything this favours COPY).
    const twin = await copyIntoTwins(ctx, p.org, `fresh-${run}-%`)
    const copyS = twin.mentions.seconds + twin.links.seconds
    console.log(
      `# ingest: ${INGEST} mentions in batches of ${BATCH}, ${ingestS.toFixed(2)} s; top statements:`,
    )
    for (const [k, [n, ms]] of [...stats].sort((a, b) => b[1][1] - a[1][1]).slice(0, 6))
      console.log(`#   ${ms.toFixed(0)} ms ×${n}  ${k}`)
    console.log(
      `# COPY into indexed twins (${twin.mentions.indexes} and ${twin.links.indexes} indexes): ${twin.mentions.rows} mention rows in ${twin.mentions.seconds.toFixed(3)} s + ${twin.links.rows} link rows in ${twin.links.seconds.toFixed(3)} s; bare COPY of the mention rows ${bareS.toFixed(3)} s`,
    )
    ctx.metric('scale.ingest_per_s', INGEST / ingestS, 0)
    // Mentions per second of the twin COPY (its link rows' time included), the ratio's reference.
    ctx.metric('scale.copy_per_s', twin.mentions.rows / copyS, 0)
    ctx.metric('scale.copy_bare_per_s', INGEST / bareS, 0)
    ctx.metric('scale.ingest_vs_copy', INGEST / ingestS / (twin.mentions.rows / copyS), 3)
    ctx.metric('scale.ingest_vs_copy_bare', bareS / ingestS, 3)

    // Same-run comparisons, each on a day of its own (so no pass fills another's day), unless
    // EARSHOT_BENCH_INGEST_COMPARE=0: the per-day recompute the deltas replaced
    // (`earshot.rollups_deltas = off`), and larger batches.
    if (process.env.EARSHOT_BENCH_INGEST_COMPARE !== '0') {
      const passes = [
        { label: 'recompute', day: 2, batch: BATCH, off: true },
        { label: 'deltas', day: 3, batch: BATCH, off: false },
        { label: 'deltas_batch_2000', day: 4, batch: 2000, off: false },
      ]
      for (const pass of passes) {
        const rows = items.map((m, i) => ({
          ...m,
          externalId: `${pass.label}-${run}-${i}`,
          threadKey: `${pass.label}-${run}-${Math.floor(i / 2)}`,
          createdAt: new Date(ctx.end.getTime() - pass.day * DAY + i * 10_000).toISOString(),
        }))
        stats.clear()
        const started = performance.now()
        for (let i = 0; i < INGEST; i += pass.batch) {
          const slice = rows.slice(i, i + pass.batch)
          if (pass.off)
            await db.transaction().execute(async (trx) => {
              await sql`set local earshot.rollups_deltas = off`.execute(trx)
              await ingest(trx, slice, { now: ctx.now })
            })
          else await ingest(db, slice, { now: ctx.now })
        }
        const s = (performance.now() - started) / 1000
        const flush = [...stats].find(([k]) => k.includes('earshot_rollups_flush'))?.[1][1] ?? 0
        console.log(
          `# pass ${pass.label}: ${INGEST} mentions in batches of ${pass.batch}, ${s.toFixed(2)} s (rollup flush ${flush.toFixed(0)} ms)`,
        )
        ctx.metric(`scale.ingest_${pass.label}_per_s`, INGEST / s, 0)
        ctx.metric(
          `scale.ingest_${pass.label}_vs_copy`,
          INGEST / s / (twin.mentions.rows / copyS),
          3,
        )
      }
    }
  } finally {
    await close()
  }
}

/** COPYs the stored rows of this run's fresh mentions and their links into indexed twin tables. */
async function copyIntoTwins(
  ctx: ScaleIngestContext,
  org: string,
  externalIds: string,
): Promise<Record<'mentions' | 'links', { rows: number; seconds: number; indexes: number }>> {
  const one = async (table: 'mentions' | 'response_links', where: string) => {
    const twin = `bench_twin_${table}`
    await ctx.query(`drop table if exists ${twin}`)
    await ctx.query(`create table ${twin} (like ${table} including all)`)
    const { rows: idx } = (await ctx.query(
      `select count(*)::int as n from pg_indexes where tablename = '${twin}' and schemaname = current_schema()`,
    )) as { rows: Array<{ n: number }> }
    const { rows: cols } = (await ctx.query(
      `select column_name from information_schema.columns where table_name = '${table}'
         and table_schema = current_schema() order by ordinal_position`,
    )) as { rows: Array<{ column_name: string }> }
    const columns = cols.map((c) => c.column_name)
    const { rows } = (await ctx.query(
      `select ${columns.map((c) => `${c}::text as ${c}`).join(', ')} from ${table} where ${where}`,
    )) as { rows: Array<Record<string, string | null>> }
    const lines = rows.map((r) => columns.map((c) => copyValue(r[c] ?? null)).join('\t'))
    const started = performance.now()
    await ctx.copyLines(twin, columns.join(', '), lines)
    const seconds = (performance.now() - started) / 1000
    await ctx.query(`drop table ${twin}`)
    return { rows: rows.length, seconds, indexes: idx[0]?.n ?? 0 }
  }
  const lit = (v: string) => `'${v.replace(/'/g, "''")}'`
  const mentions = await one(
    'mentions',
    `organisation_id = ${lit(org)} and external_id like ${lit(externalIds)}`,
  )
  const links = await one(
    'response_links',
    `organisation_id = ${lit(org)} and inbound_id in (select id from mentions
       where organisation_id = ${lit(org)} and external_id like ${lit(externalIds)})`,
  )
  return { mentions, links }
}

function copyValue(v: string | null): string {
  if (v === null) return '\\N'
  return v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
}
