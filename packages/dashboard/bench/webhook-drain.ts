/**
 * Webhook ingestion throughput (issue 12, "many machines" and "HTTP while ingesting"): how many
 * stored deliveries one worker process ingests per second, on real PostgreSQL, with the real job
 * system (pg-boss, the deployed polling interval). Three measurements in one run, on one data
 * set (an organisation of EARSHOT_WEBHOOK_PRACTICES practices, one Facebook Page each, every
 * delivery one signed-and-verified comment, spread round-robin over the Pages):
 *
 * 1. **old path**: the one-job-per-delivery `webhook-ingest` handler as it was before the drain
 *    (copied below, unchanged but for its queue name), one pg-boss job per delivery, run for
 *    EARSHOT_WEBHOOK_OLD_SECONDS; the rate is what it ingested in that time.
 * 2. **drain**: the `webhook-drain` job (`JOB_HANDLERS`' definition) in a job system of its own,
 *    woken by one nudge, draining a backlog of EARSHOT_WEBHOOK_DELIVERIES; the rate is the
 *    deliveries finished after the first batch over the time from that batch to the last one
 *    (the time from the nudge, which includes the worker's wait for its next poll, is printed
 *    beside it). With
 *    EARSHOT_WEBHOOK_WORKERS > 1, that many job systems (each its own pool, as separate worker
 *    processes would have) drain a second backlog together.
 * 3. **write path alone**: the same mentions committed with `commitBatch` in batches of the
 *    drain's size, no claim, no parse, no finish: the ceiling the drain works under.
 *
 * Prints `METRIC webhook.*` lines and the load average. A script, never a test; bounded in time
 * (every phase has a deadline). Run through `npm run bench:webhook` (its own PostgreSQL).
 *
 * Environment (all optional): EARSHOT_WEBHOOK_DELIVERIES (backlog, default 3000),
 * EARSHOT_WEBHOOK_PRACTICES (default 20), EARSHOT_WEBHOOK_OLD_SECONDS (default 20),
 * EARSHOT_WEBHOOK_MAX_SECONDS (deadline of each drain, default 90), EARSHOT_WEBHOOK_BATCH
 * (claim size, default the drain's 50), EARSHOT_WEBHOOK_WORKERS (default 2; 1 skips the
 * many-workers run), EARSHOT_WEBHOOK_CONCURRENCY (drains at once per worker process, default the
 * job's 2).
 */
import { randomUUID } from 'node:crypto'
import { loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { facebookCollector, ingestWebhook, toCollectorChannel } from '@earshot/collectors'
import {
  type Collector,
  commitBatch,
  createChannel,
  createOrganisation,
  createPractice,
  type Database,
  type EarshotDatabase,
  getChannel,
  type IngestItem,
  openDatabase,
} from '@earshot/core'
import { type Kysely, sql } from 'kysely'
import { z } from 'zod'
import { defineJob } from '../src/jobs/job-definition.js'
import { type JobSystem, startJobSystem } from '../src/jobs/job-system.js'
import {
  createWebhookDrainJob,
  WEBHOOK_DRAIN_DEFAULTS,
  webhookDrainJob,
} from '../src/jobs/webhook-drain.js'

const url = process.env.EARSHOT_BENCH_DATABASE_URL ?? process.env.EARSHOT_TEST_DATABASE_URL
if (!url) {
  console.error('bench:webhook needs PostgreSQL: run it through npm run bench:webhook')
  process.exit(2)
}
const num = (name: string, fallback: number) => {
  const raw = process.env[name]
  const n = raw === undefined || raw === '' ? fallback : Number(raw)
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number`)
  return n
}
const DELIVERIES = num('EARSHOT_WEBHOOK_DELIVERIES', 3000)
const PRACTICES = Math.max(1, num('EARSHOT_WEBHOOK_PRACTICES', 20))
const OLD_SECONDS = num('EARSHOT_WEBHOOK_OLD_SECONDS', 20)
const MAX_SECONDS = num('EARSHOT_WEBHOOK_MAX_SECONDS', 90)
const BATCH = Math.max(1, num('EARSHOT_WEBHOOK_BATCH', WEBHOOK_DRAIN_DEFAULTS.batchSize))
const WORKERS = Math.max(1, num('EARSHOT_WEBHOOK_WORKERS', 2))
/** Drains at once per worker process (the job's `concurrency`, 2 as deployed). */
const CONCURRENCY = Math.max(
  1,
  num('EARSHOT_WEBHOOK_CONCURRENCY', webhookDrainJob.concurrency ?? 1),
)
const CONFIG = { accessToken: 'x', appSecret: 'bench-secret', verifyToken: 'v' }

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')
const metric = (name: string, value: number, note = '') =>
  console.log(`METRIC ${name} ${Number(value.toFixed(2))}${note ? `  # ${note}` : ''}`)

/**
 * One comment on Page `pageId`, as Meta delivers it, on post `postId` (a few comments a post:
 * one post for every comment would make threads, and the thread pass, grow without bound).
 */
const feedBody = (pageId: string, commentId: string, postId: string, createdTime: number) =>
  JSON.stringify({
    object: 'page',
    entry: [
      {
        id: pageId,
        time: 1735800000,
        changes: [
          {
            field: 'feed',
            value: {
              item: 'comment',
              verb: 'add',
              comment_id: `${pageId}_${commentId}`,
              post_id: `${pageId}_${postId}`,
              parent_id: `${pageId}_${postId}`,
              from: { id: `u-${commentId}`, name: 'Ana K' },
              message: `Do you have an appointment on Saturday? (${commentId})`,
              created_time: createdTime,
            },
          },
        ],
      },
    ],
  })

/**
 * A comment every 3 minutes across the organisation (one a Page per hour with 20 Pages): each
 * practice's day holds what a busy practice gets, not the whole run.
 */
const timeOf = (i: number) => 1764547200 + i * 180

/** Three comments a post on each Page. */
const postOf = (tag: string, i: number, pages: number) => `${tag}-post-${Math.floor(i / pages / 3)}`

// --- the old path, as it was (e9f64cc packages/dashboard/src/jobs/webhook-deliveries.ts) -----
const LEGACY_QUEUE = 'bench-webhook-ingest-legacy'
const LEGACY_RETRY_LIMIT = 5
const ingestData = z.object({ deliveryId: z.string().min(1) })
type LegacyDelivery = {
  id: string
  platform: string
  channels: { organisationId: string; channelId: string }[]
  body: string
  status: string
}
// biome-ignore lint/suspicious/noExplicitAny: the bench addresses the table without its type
const raw = (db: Kysely<Database>) => db as unknown as Kysely<any>
const legacyIngestJob = defineJob<unknown>({
  queue: LEGACY_QUEUE,
  options: {
    policy: 'exclusive',
    retryLimit: LEGACY_RETRY_LIMIT,
    retryDelay: 5,
    retryBackoff: true,
    retryDelayMax: 600,
  },
  concurrency: 2,
  async handle(job, context) {
    const { deliveryId } = ingestData.parse(job.data)
    const db = raw(context.db)
    const delivery = (await db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('id', '=', deliveryId)
      .executeTakeFirst()) as LegacyDelivery | undefined
    if (delivery?.status !== 'received') return
    await db
      .updateTable('webhook_deliveries')
      .set({ attempts: sql`attempts + 1` })
      .where('id', '=', deliveryId)
      .execute()
    try {
      const channels = []
      for (const ref of delivery.channels) {
        const row = await getChannel(context.db, ref.channelId, ref.organisationId)
        if (row) channels.push({ row, config: row.config })
      }
      const result = await ingestWebhook(context.db, delivery.platform, channels, delivery.body)
      const { batches: _batches, ...counts } = result.totals
      await db
        .updateTable('webhook_deliveries')
        .set({
          status: 'ingested',
          result: JSON.stringify({ ...counts, unparseable: result.unparseable }),
          last_error: null,
          processed_at: context.now(),
        })
        .where('id', '=', deliveryId)
        .execute()
    } catch (error) {
      const reason = (error as Error).message ?? String(error)
      const last = job.retryCount >= LEGACY_RETRY_LIMIT
      await db
        .updateTable('webhook_deliveries')
        .set({
          last_error: reason,
          ...(last ? { status: 'quarantined', processed_at: context.now() } : {}),
        })
        .where('id', '=', deliveryId)
        .execute()
        .catch(() => {})
      throw error
    }
  },
})
// ---------------------------------------------------------------------------------------------

interface Page {
  organisationId: string
  channelId: string
  pageId: string
}

async function seed(db: Kysely<Database>): Promise<Page[]> {
  const org = await createOrganisation(db, { name: `Webhook bench ${randomUUID().slice(0, 8)}` })
  const hours = [{ start: '08:00', end: '18:00' }]
  const pages: Page[] = []
  for (let p = 0; p < PRACTICES; p++) {
    const practice = await createPractice(db, {
      organisationId: org.id,
      name: `Practice ${p}`,
      slug: `webhook-bench-${p}-${randomUUID().slice(0, 8)}`,
      schedule: {
        timeZone: 'Australia/Sydney',
        weekly: { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours },
      },
      promise: { targets: [{ duration: '2 business hours' }] },
    })
    const pageId = `${9000 + p}`
    const channel = await createChannel(db, {
      organisationId: org.id,
      practiceId: practice.id,
      platform: 'facebook',
      externalAccountId: pageId,
      name: `Practice ${p} on Facebook`,
      config: CONFIG,
    })
    pages.push({ organisationId: org.id, channelId: channel.id, pageId })
  }
  return pages
}

/** Stores `n` received deliveries (as the receiver does), round-robin over the Pages. */
async function store(db: Kysely<Database>, pages: Page[], n: number, tag: string) {
  const now = new Date()
  const ids: string[] = []
  for (let start = 0; start < n; start += 500) {
    const rows = []
    for (let i = start; i < Math.min(n, start + 500); i++) {
      const page = pages[i % pages.length]!
      const id = randomUUID()
      ids.push(id)
      rows.push({
        id,
        platform: 'facebook',
        channels: JSON.stringify([
          { organisationId: page.organisationId, channelId: page.channelId },
        ]),
        body: feedBody(page.pageId, `${tag}-${i}`, postOf(tag, i, pages.length), timeOf(i)),
        status: 'received',
        attempts: 0,
        received_at: now,
        available_at: now,
      })
    }
    await raw(db).insertInto('webhook_deliveries').values(rows).execute()
  }
  return ids
}

async function finishedCount(db: Kysely<Database>, ids: string[]) {
  const { rows } = await sql<{ status: string; n: number }>`
    select status, count(*)::int as n from webhook_deliveries
    where id = any(${ids}::text[]) group by status`.execute(db)
  return Object.fromEntries(rows.map((r) => [r.status, r.n])) as Record<string, number>
}

/** What autovacuum does within a minute on a live server; tables grew from empty here. */
const analyze = (db: Kysely<Database>) => sql`analyze`.execute(db)

async function drainPhase(
  database: EarshotDatabase,
  pages: Page[],
  workers: number,
  tag: string,
): Promise<number> {
  const ids = await store(database.db, pages, DELIVERIES, tag)
  await analyze(database.db)
  const extra: EarshotDatabase[] = []
  const systems: JobSystem[] = []
  try {
    for (let w = 0; w < workers; w++) {
      const own =
        w === 0 ? database : await openDatabase({ url: url!, poolSize: 10, migrate: false })
      if (w > 0) extra.push(own)
      systems.push(
        await startJobSystem({
          database: own,
          jobs: [
            {
              ...createWebhookDrainJob({ batchSize: BATCH, worker: `bench-worker-${w}` }),
              concurrency: CONCURRENCY,
            },
          ] as never,
          schedule: false,
          instanceName: `bench-drain-${w}`,
        }),
      )
    }
    const loadBefore = load()
    const started = performance.now()
    // One nudge per worker, as the receiver's nudges would wake them under a stream.
    // One nudge, as the receiver sends after storing a delivery; the drain's own nudges after
    // every full claim wake the other drains (two per worker process).
    await systems[0]!.send(webhookDrainJob.queue, {})
    const deadline = started + MAX_SECONDS * 1000
    let counts: Record<string, number> = {}
    // The first finished batch: from there on the drain runs flat out (before it, the worker
    // waited for its next poll to see the nudge, at most the 2 s interval).
    let first: { at: number; done: number } | undefined
    let end = started
    for (;;) {
      counts = await finishedCount(database.db, ids)
      const done = (counts.ingested ?? 0) + (counts.quarantined ?? 0)
      if (!first && done > 0) first = { at: performance.now(), done }
      if (done >= ids.length || performance.now() > deadline) {
        end = performance.now()
        break
      }
      await sleep(100)
    }
    const seconds = (end - started) / 1000
    const ingested = counts.ingested ?? 0
    const done = ingested + (counts.quarantined ?? 0)
    const steady = first && end > first.at ? (done - first.done) / ((end - first.at) / 1000) : 0
    const { rows: by } = await sql<{ claimed_by: string; n: number }>`
      select claimed_by, count(*)::int as n from webhook_deliveries
      where id = any(${ids}::text[]) group by claimed_by order by claimed_by`.execute(database.db)
    console.log(`  finished by: ${by.map((r) => `${r.claimed_by} ×${r.n}`).join(', ')}`)
    console.log(
      `drain, ${workers} worker process(es) × ${CONCURRENCY} drains, batch ${BATCH}: ${ingested} of ${ids.length} ingested` +
        ` (${counts.quarantined ?? 0} quarantined) in ${seconds.toFixed(1)} s from the nudge` +
        ` (${(ingested / seconds).toFixed(1)}/s), ${steady.toFixed(1)}/s after the first batch;` +
        ` load ${loadBefore} → ${load()}`,
    )
    const rate = steady
    return rate
  } finally {
    for (const system of systems) await system.stop({ timeoutMs: 30_000 })
    for (const own of extra) await own.close()
  }
}

async function main() {
  console.log(
    `bench:webhook: ${DELIVERIES} deliveries over ${PRACTICES} Pages of one organisation, batch ${BATCH}; load ${load()}`,
  )
  const database = await openDatabase({ url: url!, poolSize: 10 })
  const { db } = database
  try {
    const pages = await seed(db)

    // 1. The old path: one job per delivery, for a bounded time.
    if (OLD_SECONDS > 0) {
      const ids = await store(db, pages, DELIVERIES, 'old')
      await analyze(db)
      const jobs = await startJobSystem({
        database,
        jobs: [legacyIngestJob] as never,
        schedule: false,
        instanceName: 'bench-legacy',
      })
      try {
        for (const id of ids)
          await jobs.send(LEGACY_QUEUE, { deliveryId: id }, { singletonKey: id })
        const loadBefore = load()
        const started = performance.now()
        await sleep(OLD_SECONDS * 1000)
        const seconds = (performance.now() - started) / 1000
        const counts = await finishedCount(db, ids)
        const rate = (counts.ingested ?? 0) / seconds
        console.log(
          `old path (one pg-boss job per delivery, 2 at a time, 2 s poll): ${counts.ingested ?? 0} ingested in ${seconds.toFixed(1)} s; load ${loadBefore} → ${load()}`,
        )
        metric('webhook.old_deliveries_per_s', rate, 'one job per delivery, one worker process')
      } finally {
        await jobs.stop({ timeoutMs: 30_000 })
      }
      // What the old path left is no longer part of any measurement.
      await sql`delete from webhook_deliveries where id = any(${ids}::text[]) and status = 'received'`.execute(
        db,
      )
      await sql`delete from pgboss.job where name = ${LEGACY_QUEUE}`.execute(db).catch(() => {})
    }

    // 2. The drain: one worker process, then several.
    const one = await drainPhase(database, pages, 1, 'drain1')
    metric('webhook.deliveries_per_s', one, 'drain, one worker process')
    if (WORKERS > 1) {
      const many = await drainPhase(database, pages, WORKERS, `drain${WORKERS}`)
      metric(`webhook.deliveries_per_s_${WORKERS}_workers`, many, `${WORKERS} worker processes`)
    }

    // 3. The write path alone: the same mentions through commitBatch, batches of BATCH.
    const fb = facebookCollector() as Collector<unknown>
    const items: IngestItem[] = []
    for (let i = 0; i < DELIVERIES; i++) {
      const page = pages[i % pages.length]!
      const channel = await getChannel(db, page.channelId)
      const parsed = fb.webhook!.parse(
        feedBody(page.pageId, `direct-${i}`, postOf('direct', i, pages.length), timeOf(i)),
        toCollectorChannel(channel!),
        channel!.config,
      )
      items.push(...(Array.isArray(parsed) ? parsed : parsed.items))
    }
    await analyze(db)
    const loadBefore = load()
    const started = performance.now()
    const deadline = started + MAX_SECONDS * 1000
    let written = 0
    for (let i = 0; i < items.length && performance.now() < deadline; i += BATCH) {
      const batch = items.slice(i, i + BATCH)
      await commitBatch(db, {
        organisationId: pages[0]!.organisationId,
        source: 'webhook:facebook',
        items: batch,
        countPerItemChannel: true,
      })
      written += batch.length
    }
    const seconds = (performance.now() - started) / 1000
    console.log(
      `write path alone (commitBatch, ${BATCH} a call): ${written} in ${seconds.toFixed(1)} s; load ${loadBefore} → ${load()}`,
    )
    metric(
      'webhook.commit_batch_mentions_per_s',
      written / seconds,
      'ceiling: no claim, parse or finish',
    )
    console.log(`load average at the end: ${load()}`)
  } finally {
    await database.close()
  }
}

await main()
