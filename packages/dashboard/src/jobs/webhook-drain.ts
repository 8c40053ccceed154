/**
 * @module Draining stored webhook deliveries in batches (docs/jobs.md § Webhooks). pg-boss only
 * wakes a drainer (`webhook-drain`: a nudge from the receiver, a delayed nudge for the next
 * retry, and every minute); the drainer claims the rows themselves from `webhook_deliveries`:
 *
 * 1. **Claim** up to `batchSize` rows that are `received` and whose `available_at` has come, with
 *    `for update skip locked` (two drainers never take one row), moving `available_at` to the end
 *    of a lease, stamping a fresh `claim_token` and counting the attempt.
 * 2. **Ingest** them with `ingestWebhookBatch`: one `commitBatch` per organisation for the batch.
 * 3. **Finish** them in one statement that only touches rows still holding this claim's token:
 *    `ingested`; or `quarantined` with the reason (an unreadable body, or the last attempt
 *    failed); or back to waiting with `available_at` at the retry time (backoff).
 *
 * A drainer that dies between 1 and 3 leaves its rows leased; when the lease runs out the next
 * drainer claims them again. A late finish by the dead drainer's token changes nothing, and a
 * delivery whose claims keep ending that way is quarantined after the last attempt. Ingestion is
 * an idempotent upsert, so a delivery ingested twice that way (a drainer stalled past its lease)
 * stores nothing twice.
 */
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import {
  type CollectorLookup,
  ingestWebhookBatch,
  type VerifiedWebhookChannel,
  type WebhookDeliveryOutcome,
} from '@earshot/collectors'
import type { ChannelRow, Database } from '@earshot/core'
import { type Kysely, sql } from 'kysely'
import { defineJob, type JobContext } from './job-definition.js'
import { JOB_QUEUES } from './job-queues.js'

/** Attempts after the first before a delivery is quarantined (as with the old per-delivery job). */
export const WEBHOOK_RETRY_LIMIT = 5

/** How the drainer behaves; every field can be overridden per call. */
export const WEBHOOK_DRAIN_DEFAULTS = {
  /** Rows claimed per statement, ingested together. */
  batchSize: 50,
  /** How long a claim holds its rows: well above a batch's time, so a live drainer keeps them. */
  leaseSeconds: 120,
  /** Claims before a delivery is quarantined (the first attempt plus the retries). */
  maxAttempts: WEBHOOK_RETRY_LIMIT + 1,
  /** First retry after this many seconds, doubled per attempt, at most `retryDelayMaxSeconds`. */
  retryDelaySeconds: 5,
  retryDelayMaxSeconds: 600,
  /** A drain job stops claiming after this long (by the job's clock) and nudges a successor. */
  budgetSeconds: 30,
} as const

export interface DrainOptions {
  batchSize?: number
  leaseSeconds?: number
  maxAttempts?: number
  retryDelaySeconds?: number
  retryDelayMaxSeconds?: number
  budgetSeconds?: number
  /** Stop after this many claims (default: until nothing is due or the budget is spent). */
  maxBatches?: number
  /** Recorded in `claimed_by` (default: host, process and a random suffix). */
  worker?: string
  /** Only deliveries of this platform (a worker dedicated to one; tests). */
  platform?: string
  collectors?: CollectorLookup
  /**
   * Called after every claim that came back full (more is probably due): the job nudges another
   * drainer, so a backlog fans out over every free worker instead of one drain at a time.
   */
  whenMore?: () => Promise<unknown>
}

/** A claimed row, as the claim returns it. */
export interface ClaimedDelivery {
  id: string
  platform: string
  channels: { organisationId: string; channelId: string }[]
  body: string
  /** Including this claim. */
  attempts: number
  last_error: string | null
}

/** One claim: its token (needed to finish its rows) and the rows. */
export interface DeliveryClaim {
  token: string
  worker: string
  deliveries: ClaimedDelivery[]
}

const defaultWorker = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`

/**
 * Claims up to `limit` due deliveries for `leaseSeconds` from `at`. Rows locked by another
 * claim in progress are skipped, not waited for.
 */
export async function claimWebhookDeliveries(
  db: Kysely<Database>,
  at: Date,
  options: Pick<DrainOptions, 'batchSize' | 'leaseSeconds' | 'worker' | 'platform'> = {},
): Promise<DeliveryClaim> {
  const limit = options.batchSize ?? WEBHOOK_DRAIN_DEFAULTS.batchSize
  const lease = options.leaseSeconds ?? WEBHOOK_DRAIN_DEFAULTS.leaseSeconds
  const token = randomUUID()
  const worker = options.worker ?? defaultWorker
  const leaseEnd = new Date(at.getTime() + lease * 1000)
  const platform = options.platform ? sql`and platform = ${options.platform}` : sql``
  const { rows } = await sql<ClaimedDelivery>`
    with picked as materialized (
      select id from webhook_deliveries
      where status = 'received' and available_at <= ${at} ${platform}
      order by available_at, id
      limit ${limit}
      for update skip locked
    )
    update webhook_deliveries d
    set claim_token = ${token}, claimed_by = ${worker}, available_at = ${leaseEnd},
      attempts = d.attempts + 1
    from picked
    where d.id = picked.id
    returning d.id, d.platform, d.channels, d.body, d.attempts, d.last_error`.execute(db)
  const deliveries = rows
    .map((r) => ({
      ...r,
      channels: typeof r.channels === 'string' ? JSON.parse(r.channels) : r.channels,
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return { token, worker, deliveries }
}

/** What to record for one claimed delivery. */
export type DeliveryFinish =
  | { id: string; status: 'ingested'; result: unknown }
  | { id: string; status: 'quarantined'; reason: string; result?: unknown }
  | { id: string; status: 'retry'; reason: string; at: Date; uncount?: boolean }

/**
 * Records the outcome of a claim's rows in one statement; rows no longer holding `token` (their
 * lease ran out and another drainer claimed them) are left alone. Returns how many it recorded.
 */
export async function finishWebhookDeliveries(
  db: Kysely<Database>,
  token: string,
  finishes: readonly DeliveryFinish[],
  at: Date,
): Promise<number> {
  if (finishes.length === 0) return 0
  const rows = finishes.map((f) => ({
    id: f.id,
    status: f.status === 'retry' ? 'received' : f.status,
    last_error: f.status === 'ingested' ? null : f.reason,
    result: f.status === 'retry' ? null : JSON.stringify(f.result ?? null),
    available_at: f.status === 'retry' ? f.at.toISOString() : null,
    processed_at: f.status === 'retry' ? null : at.toISOString(),
    uncount: f.status === 'retry' && f.uncount ? 1 : 0,
  }))
  const result = await sql`
    update webhook_deliveries d
    set status = v.status,
      last_error = v.last_error,
      result = coalesce(v.result::jsonb, d.result),
      available_at = coalesce(v.available_at, d.available_at),
      processed_at = v.processed_at,
      attempts = d.attempts - v.uncount,
      claim_token = null
    from json_to_recordset(${JSON.stringify(rows)}::json) as v(id text, status text,
      last_error text, result text, available_at timestamptz, processed_at timestamptz,
      uncount integer)
    where d.id = v.id and d.claim_token = ${token}`.execute(db)
  return Number(result.numAffectedRows ?? 0)
}

/** When the `attempts`-th failed attempt is retried. */
export function retryAt(at: Date, attempts: number, options: DrainOptions = {}): Date {
  const first = options.retryDelaySeconds ?? WEBHOOK_DRAIN_DEFAULTS.retryDelaySeconds
  const max = options.retryDelayMaxSeconds ?? WEBHOOK_DRAIN_DEFAULTS.retryDelayMaxSeconds
  const delay = Math.min(max, first * 2 ** Math.max(0, attempts - 1))
  return new Date(at.getTime() + delay * 1000)
}

/** What one claim did. */
export interface DrainBatchResult {
  claimed: number
  ingested: number
  retried: number
  quarantined: number
  /** Rows recorded by the finish (less than `claimed` if a lease ran out meanwhile). */
  finished: number
}

/**
 * One claim, ingested and finished. The clock is `context.now` (claim, lease, retry times and
 * `processed_at` all come from it).
 */
export async function drainWebhookBatch(
  context: Pick<JobContext, 'db' | 'now'>,
  options: DrainOptions = {},
): Promise<DrainBatchResult> {
  const { db } = context
  const maxAttempts = options.maxAttempts ?? WEBHOOK_DRAIN_DEFAULTS.maxAttempts
  const claim = await claimWebhookDeliveries(db, context.now(), options)
  const result: DrainBatchResult = {
    claimed: claim.deliveries.length,
    ingested: 0,
    retried: 0,
    quarantined: 0,
    finished: 0,
  }
  if (claim.deliveries.length === 0) return result

  const finishes: DeliveryFinish[] = []
  // Claimed more often than it may be tried: every earlier claim ended without a finish (its
  // worker died or stalled past the lease), so trying again would only repeat that.
  const spent = claim.deliveries.filter((d) => d.attempts > maxAttempts)
  for (const d of spent)
    finishes.push({
      id: d.id,
      status: 'quarantined',
      reason: `claimed ${d.attempts - 1} times without finishing (the worker stopped or ran past its lease)${d.last_error ? `; last error: ${d.last_error}` : ''}`,
    })
  const live = claim.deliveries.filter((d) => d.attempts <= maxAttempts)

  const channels = await loadChannels(db, live)
  const { outcomes } = await ingestWebhookBatch(
    db,
    live.map((d) => ({
      id: d.id,
      platform: d.platform,
      channels: d.channels.flatMap((ref): VerifiedWebhookChannel[] => {
        const row = channels.get(ref.channelId)
        // A channel deleted (or moved) since the delivery was verified gets nothing.
        return row && row.organisation_id === ref.organisationId
          ? [{ row, config: row.config }]
          : []
      }),
      body: d.body,
    })),
    {
      ...(options.collectors ? { collectors: options.collectors } : {}),
      ingest: { now: context.now() },
    },
  )
  const at = context.now()
  const finishOf = (outcome: WebhookDeliveryOutcome, attempts: number): DeliveryFinish => {
    if (outcome.status === 'ingested')
      return {
        id: outcome.id,
        status: 'ingested',
        result: { items: outcome.items, quarantined: outcome.quarantined },
      }
    if (outcome.status === 'unparseable')
      // Parsing is deterministic: another attempt would read the same bytes the same way.
      return {
        id: outcome.id,
        status: 'quarantined',
        reason: outcome.reason,
        result: { items: outcome.items, quarantined: outcome.quarantined, unparseable: true },
      }
    // An unreachable database is not the delivery's fault: the attempt is not counted.
    if (outcome.databaseUnavailable)
      return {
        id: outcome.id,
        status: 'retry',
        reason: outcome.reason,
        at: retryAt(at, attempts, options),
        uncount: true,
      }
    if (attempts >= maxAttempts)
      return { id: outcome.id, status: 'quarantined', reason: outcome.reason }
    return {
      id: outcome.id,
      status: 'retry',
      reason: outcome.reason,
      at: retryAt(at, attempts, options),
    }
  }
  const attemptsOf = new Map(live.map((d) => [d.id, d.attempts]))
  for (const outcome of outcomes) finishes.push(finishOf(outcome, attemptsOf.get(outcome.id) ?? 1))

  result.finished = await finishWebhookDeliveries(db, claim.token, finishes, at)
  for (const f of finishes) {
    if (f.status === 'ingested') result.ingested++
    else if (f.status === 'retry') result.retried++
    else result.quarantined++
  }
  return result
}

async function loadChannels(
  db: Kysely<Database>,
  deliveries: readonly ClaimedDelivery[],
): Promise<Map<string, ChannelRow>> {
  const ids = [...new Set(deliveries.flatMap((d) => d.channels.map((c) => c.channelId)))]
  if (ids.length === 0) return new Map()
  const rows = await db.selectFrom('channels').selectAll().where('id', 'in', ids).execute()
  return new Map(rows.map((r) => [r.id, r]))
}

/** What a drain (many claims) did. */
export interface DrainResult extends DrainBatchResult {
  batches: number
  /** The last claim came back full, or the budget ran out: more may be due now. */
  more: boolean
}

/**
 * Claims, ingests and finishes batches until a claim comes back short, `maxBatches` is reached
 * or `budgetSeconds` (by `context.now`) is spent.
 */
export async function drainWebhookDeliveries(
  context: Pick<JobContext, 'db' | 'now'>,
  options: DrainOptions = {},
): Promise<DrainResult> {
  const batchSize = options.batchSize ?? WEBHOOK_DRAIN_DEFAULTS.batchSize
  const budget = (options.budgetSeconds ?? WEBHOOK_DRAIN_DEFAULTS.budgetSeconds) * 1000
  const started = context.now().getTime()
  const total: DrainResult = {
    claimed: 0,
    ingested: 0,
    retried: 0,
    quarantined: 0,
    finished: 0,
    batches: 0,
    more: false,
  }
  for (;;) {
    const batch = await drainWebhookBatch(context, options)
    total.batches++
    total.claimed += batch.claimed
    total.ingested += batch.ingested
    total.retried += batch.retried
    total.quarantined += batch.quarantined
    total.finished += batch.finished
    total.more = batch.claimed >= batchSize
    if (!total.more) break
    // Never failing the drain: a lost nudge costs parallelism, not data.
    if (options.whenMore) await options.whenMore().catch(() => null)
    if (options.maxBatches !== undefined && total.batches >= options.maxBatches) break
    if (context.now().getTime() - started >= budget) break
  }
  return total
}

/** The earliest time a waiting delivery falls due after `at` (a retry, a lease), or null. */
export async function nextDeliveryDue(db: Kysely<Database>, at: Date): Promise<Date | null> {
  const { rows } = await sql<{ next: Date | string | null }>`
    select min(available_at) as next from webhook_deliveries
    where status = 'received' and available_at > ${at}`.execute(db)
  const next = rows[0]?.next
  return next ? new Date(next) : null
}

/**
 * Wakes a drainer now (the receiver, after storing a delivery). The queue keeps at most one
 * waiting nudge, so a burst of deliveries costs one job per drainer that picks one up.
 */
export function nudgeDrain(send: JobContext['send']): Promise<string | null> {
  return send(JOB_QUEUES.webhookDrain, {})
}

/**
 * The drain job with these options (the bench's batch size; tests). `webhookDrainJob` is it with
 * the defaults.
 */
export function createWebhookDrainJob(options: DrainOptions = {}) {
  return defineJob<unknown>({
    queue: JOB_QUEUES.webhookDrain,
    // `short`: at most one waiting job per key (the receiver's nudges share the empty key), any
    // number running: every worker that picks up a nudge drains alongside the others.
    options: { policy: 'short', retryLimit: 1, retryDelay: 5 },
    schedule: { cron: '* * * * *' },
    concurrency: 2,
    async handle(_job, context) {
      const result = await drainWebhookDeliveries(context, {
        whenMore: () => nudgeDrain(context.send),
        ...options,
      })
      if (result.more) await nudgeDrain(context.send)
      const next = await nextDeliveryDue(context.db, context.now())
      if (next) {
        // One delayed nudge per 10-second slot: retries due close together share one wake-up.
        const slot = new Date(Math.ceil(next.getTime() / 10_000) * 10_000)
        await context.send(
          JOB_QUEUES.webhookDrain,
          {},
          { singletonKey: `at:${slot.toISOString()}`, startAfter: slot },
        )
      }
    },
  })
}

/**
 * Drains due deliveries. Enqueued by the receiver (a nudge per stored delivery, at most one
 * waiting), every minute, and by itself: after every full claim (so a backlog wakes every free
 * worker, not one drain at a time), again when it stopped at its budget with more due, and at
 * the next retry time when deliveries wait for one.
 */
export const webhookDrainJob = createWebhookDrainJob()

/**
 * Jobs of the old one-job-per-delivery queue (`webhook-ingest`), sent by processes of an earlier
 * version during a rolling deploy: each wakes a drainer, which claims the delivery with the rest.
 */
export const webhookIngestLegacyJob = defineJob<unknown>({
  queue: JOB_QUEUES.webhookIngest,
  options: { policy: 'exclusive', retryLimit: 1 },
  async handle(_job, context) {
    await nudgeDrain(context.send)
  },
})
