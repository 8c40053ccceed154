/**
 * @module Durable webhook receiving: verify, store the delivery, answer 202 at once; the
 * `webhook-ingest` job parses and commits it, retried with backoff, and after the last attempt
 * the delivery is marked `quarantined` with its reason (kept, never dropped). The minute
 * dispatcher re-enqueues any delivery still `received` (an enqueue that failed, a lost job).
 */
import { randomUUID } from 'node:crypto'
import { ingestWebhook, verifyWebhook } from '@earshot/collectors'
import { type Database, getChannel } from '@earshot/core'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { WebhookHandler } from '../routes/hook-routes.js'
import { defineJob, type JobContext, type SendJobOptions } from './job-definition.js'
import { JOB_QUEUES } from './job-queues.js'

/** The table the receiver writes (migration 2026-12-02-400). */
export interface WebhookDeliveryTable {
  id: string
  platform: string
  channels: { organisationId: string; channelId: string }[]
  body: string
  status: 'received' | 'ingested' | 'quarantined'
  attempts: number
  last_error: string | null
  result: unknown
  received_at: Date
  processed_at: Date | null
}
type DeliveryDb = Kysely<Database & { webhook_deliveries: WebhookDeliveryTable }>
const deliveries = (db: Kysely<Database>) => db as unknown as DeliveryDb

/** Attempts after the first before a delivery is quarantined. */
export const WEBHOOK_RETRY_LIMIT = 5

/** Enqueues a job; returns its id or null. */
export type Enqueue = (
  queue: string,
  data: object,
  options?: SendJobOptions,
) => Promise<string | null>

/**
 * A `/hooks/*` handler that stores each verified delivery and enqueues its ingestion. Refusals,
 * handshakes and GETs are answered exactly as the collectors' `handleWebhook` answers them.
 */
export function durableWebhookHandler(
  enqueue: Enqueue,
  now: () => Date = () => new Date(),
): WebhookHandler {
  return async (db, platform, channelId, request) => {
    const verification = await verifyWebhook(db, platform, channelId, request)
    if (verification.kind === 'respond') return verification.response
    const id = randomUUID()
    try {
      await deliveries(db)
        .insertInto('webhook_deliveries')
        .values({
          id,
          platform,
          channels: JSON.stringify(
            verification.channels.map(({ row }) => ({
              organisationId: row.organisation_id,
              channelId: row.id,
            })),
          ) as never,
          body: request.body,
          status: 'received',
          attempts: 0,
          last_error: null,
          result: null,
          received_at: now(),
          processed_at: null,
        })
        .execute()
    } catch {
      // Not stored: a 5xx makes the platform deliver it again (no driver text in the answer).
      return json(503, {
        error: 'could not store the delivery; the database is not available, try again later',
      })
    }
    // Stored is what counts: if this enqueue fails, the dispatcher picks the delivery up.
    await enqueue(JOB_QUEUES.webhookIngest, { deliveryId: id }, { singletonKey: id }).catch(
      () => null,
    )
    return json(202, { received: true, delivery: id })
  }
}

function json(status: number, body: unknown) {
  return {
    status,
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json; charset=utf-8' },
  }
}

const ingestData = z.object({ deliveryId: z.string().min(1) })

/** Ingests one stored delivery for the channels it was verified for. */
export const webhookIngestJob = defineJob<unknown>({
  queue: JOB_QUEUES.webhookIngest,
  options: {
    policy: 'exclusive',
    retryLimit: WEBHOOK_RETRY_LIMIT,
    retryDelay: 5,
    retryBackoff: true,
    retryDelayMax: 600,
  },
  concurrency: 2,
  async handle(job, context) {
    const { deliveryId } = ingestData.parse(job.data)
    const db = deliveries(context.db)
    const delivery = await db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('id', '=', deliveryId)
      .executeTakeFirst()
    if (!delivery || delivery.status !== 'received') return
    await db
      .updateTable('webhook_deliveries')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
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
          result: JSON.stringify({ ...counts, unparseable: result.unparseable }) as never,
          last_error: null,
          processed_at: context.now(),
        })
        .where('id', '=', deliveryId)
        .execute()
    } catch (error) {
      const reason = (error as Error).message ?? String(error)
      const last = job.retryCount >= WEBHOOK_RETRY_LIMIT
      await db
        .updateTable('webhook_deliveries')
        .set({
          last_error: reason,
          ...(last ? { status: 'quarantined' as const, processed_at: context.now() } : {}),
        })
        .where('id', '=', deliveryId)
        .execute()
        .catch(() => {})
      throw error
    }
  },
})

/**
 * Re-enqueues deliveries still `received` a minute after they arrived (the singleton key drops
 * any that already have a job). Returns how many were enqueued.
 */
export async function enqueueStrandedDeliveries(context: JobContext): Promise<number> {
  const before = new Date(context.now().getTime() - 60_000)
  const stranded = await deliveries(context.db)
    .selectFrom('webhook_deliveries')
    .select('id')
    .where('status', '=', 'received')
    .where('received_at', '<=', before)
    .orderBy('received_at')
    .limit(500)
    .execute()
  let enqueued = 0
  for (const { id } of stranded) {
    if (await context.send(JOB_QUEUES.webhookIngest, { deliveryId: id }, { singletonKey: id }))
      enqueued += 1
  }
  return enqueued
}
