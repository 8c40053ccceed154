/**
 * @module Durable webhook receiving: verify, store the delivery, answer 202 at once, and nudge a
 * drainer (`webhook-drain`, webhook-drain.ts), which claims stored deliveries from the table in
 * batches, ingests them, and retries or quarantines (with the reason) what fails. A delivery is
 * stored before the answer, so a lost nudge only delays it: the drain also runs every minute.
 */
import { randomUUID } from 'node:crypto'
import { verifyWebhook } from '@earshot/collectors'
import type { Database } from '@earshot/core'
import type { Kysely } from 'kysely'
import type { WebhookHandler } from '../routes/hook-routes.js'
import type { SendJobOptions } from './job-definition.js'
import { nudgeDrain } from './webhook-drain.js'

/** The table the receiver writes (migrations 2026-12-02-400 and 2026-12-05-0300). */
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
  /** When a drainer may claim it: on arrival, at the end of a claim's lease, at a retry. */
  available_at: Date
  /** The claim holding it (null when none), and who claimed it last. */
  claim_token: string | null
  claimed_by: string | null
}
type DeliveryDb = Kysely<Database & { webhook_deliveries: WebhookDeliveryTable }>
const deliveries = (db: Kysely<Database>) => db as unknown as DeliveryDb

/** Enqueues a job; returns its id or null. */
export type Enqueue = (
  queue: string,
  data: object,
  options?: SendJobOptions,
) => Promise<string | null>

/**
 * A `/hooks/*` handler that stores each verified delivery and wakes a drainer. Refusals,
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
          available_at: now(),
          claim_token: null,
          claimed_by: null,
        })
        .execute()
    } catch {
      // Not stored: a 5xx makes the platform deliver it again (no driver text in the answer).
      return json(503, {
        error: 'could not store the delivery; the database is not available, try again later',
      })
    }
    // Stored is what counts: if this nudge fails, the minute's drain picks the delivery up.
    await nudgeDrain(enqueue).catch(() => null)
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
