/**
 * @module Many stored webhook deliveries ingested together: each body is parsed for each channel
 * it was verified for, and the mentions of every delivery for one organisation (and platform) go
 * through the one write path, `commitBatch`, in one call, instead of one transaction per
 * delivery. A delivery's trouble stays its own:
 *
 * - a body its parser cannot read is quarantined whole with the reason (in the batch's commit,
 *   under its channel) and reported `unparseable`; the other deliveries are ingested;
 * - items a parser or `ingest` rejects are quarantined with their reason, as always;
 * - a delivery that cannot be ingested at all (unknown platform, a commit that fails because of
 *   it) is reported `failed` with the reason and nothing of it is committed: when a group's
 *   commit fails for any reason but a lost database, each of its deliveries is committed alone,
 *   so one bad delivery never holds back the rest.
 */
import {
  addBatchTotals,
  type BatchReject,
  type BatchTotals,
  commitBatch,
  type Database,
  emptyBatchTotals,
  type IngestItem,
  isDatabaseUnavailable,
} from '@earshot/core'
import type { Kysely } from 'kysely'
import { collectorFor } from '../registry.js'
import { toCollectorChannel } from './core-loop.js'
import type { HandleWebhookOptions, VerifiedWebhookChannel } from './handle-webhook.js'

/** One stored delivery, with the channels it was verified for (deleted channels left out). */
export interface WebhookDeliveryInput {
  id: string
  platform: string
  channels: readonly VerifiedWebhookChannel[]
  body: string
}

/** What happened to one delivery of the batch. */
export type WebhookDeliveryOutcome =
  | {
      id: string
      /** Committed; `items` parsed, `quarantined` of them (or of its parser's rejects) kept aside. */
      status: 'ingested'
      items: number
      quarantined: number
    }
  | {
      id: string
      /** Its body could not be parsed for (some of) its channels: kept in quarantine with `reason`. */
      status: 'unparseable'
      reason: string
      items: number
      quarantined: number
    }
  | {
      id: string
      /** Nothing of it was committed; worth another attempt (the database) or a closer look. */
      status: 'failed'
      reason: string
      /** The database was unreachable, not the delivery at fault. */
      databaseUnavailable: boolean
    }

/** What {@link ingestWebhookBatch} did. */
export interface IngestWebhookBatchResult {
  /** One per delivery, in the order given. */
  outcomes: WebhookDeliveryOutcome[]
  /** The committed batches' counts (`batches`: how many `commitBatch` calls committed). */
  totals: BatchTotals
}

/** One delivery's share of a group: its items and rejects for one organisation and platform. */
interface Part {
  delivery: number
  items: IngestItem[]
  rejected: BatchReject[]
}

/**
 * Parses and commits a batch of verified deliveries: one `commitBatch` per organisation and
 * platform (each item counted on its own channel, each reject filed under its own). Never throws
 * for a delivery's fault; a database failure fails the deliveries whose commit it hit.
 *
 * @example
 * const { outcomes } = await ingestWebhookBatch(db, [
 *   { id: 'd1', platform: 'facebook', channels: [{ row, config }], body },
 *   { id: 'd2', platform: 'facebook', channels: [{ row, config }], body: 'not json' },
 * ])
 * // → [{ id: 'd1', status: 'ingested', items: 1, … }, { id: 'd2', status: 'unparseable', … }]
 */
export async function ingestWebhookBatch(
  db: Kysely<Database>,
  deliveries: readonly WebhookDeliveryInput[],
  options: HandleWebhookOptions = {},
): Promise<IngestWebhookBatchResult> {
  const totals = emptyBatchTotals()
  const failed = new Map<number, { reason: string; databaseUnavailable: boolean }>()
  const unparseable = new Map<number, string>()
  const items = new Array<number>(deliveries.length).fill(0)
  const quarantined = new Array<number>(deliveries.length).fill(0)
  const groups = new Map<string, { organisationId: string; platform: string; parts: Part[] }>()

  for (const [index, delivery] of deliveries.entries()) {
    let webhook: NonNullable<ReturnType<typeof collectorFor>['webhook']> | undefined
    try {
      const collector = options.collectors?.(delivery.platform) ?? collectorFor(delivery.platform)
      webhook = collector.webhook
      if (!webhook) throw new Error(`${delivery.platform} does not receive webhooks`)
    } catch (error) {
      failed.set(index, { reason: messageOf(error), databaseUnavailable: false })
      continue
    }
    for (const { row, config } of delivery.channels) {
      const part: Part = { delivery: index, items: [], rejected: [] }
      try {
        const parsed = await webhook.parse(delivery.body, toCollectorChannel(row), config)
        if (Array.isArray(parsed)) part.items = parsed
        else {
          part.items = parsed.items
          part.rejected = parsed.rejected.map((r) => ({ ...r, channelId: row.id }))
        }
      } catch (error) {
        // A verified body nobody can read is kept whole, with why, so nothing is lost.
        const reason = `unparseable ${delivery.platform} webhook body: ${messageOf(error)}`
        if (!unparseable.has(index)) unparseable.set(index, reason)
        part.rejected = [{ reason, payload: bodyPayload(delivery.body), channelId: row.id }]
      }
      if (part.items.length === 0 && part.rejected.length === 0) continue
      const key = `${row.organisation_id}\u0000${delivery.platform}`
      let group = groups.get(key)
      if (!group) {
        group = { organisationId: row.organisation_id, platform: delivery.platform, parts: [] }
        groups.set(key, group)
      }
      group.parts.push(part)
    }
  }

  const commit = async (group: { organisationId: string; platform: string }, parts: Part[]) => {
    const batchItems = parts.flatMap((p) => p.items)
    const result = await commitBatch(db, {
      ...options.ingest,
      organisationId: group.organisationId,
      source: `webhook:${group.platform}`,
      items: batchItems,
      rejected: parts.flatMap((p) => p.rejected),
      countPerItemChannel: true,
    })
    addBatchTotals(totals, result)
    // Which delivery each item `ingest` quarantined came from: items are in part order.
    const owner: number[] = parts.flatMap((p) => p.items.map(() => p.delivery))
    for (const p of parts) {
      items[p.delivery] = (items[p.delivery] ?? 0) + p.items.length
      quarantined[p.delivery] = (quarantined[p.delivery] ?? 0) + p.rejected.length
    }
    for (const r of result.rejected) {
      const d = owner[r.index]
      if (d !== undefined) quarantined[d] = (quarantined[d] ?? 0) + 1
    }
  }

  for (const group of groups.values()) {
    const parts = group.parts.filter((p) => !failed.has(p.delivery))
    if (parts.length === 0) continue
    try {
      await commit(group, parts)
    } catch (error) {
      if (isDatabaseUnavailable(error) || new Set(parts.map((p) => p.delivery)).size === 1) {
        const fault = {
          reason: messageOf(error),
          databaseUnavailable: isDatabaseUnavailable(error),
        }
        for (const p of parts) failed.set(p.delivery, fault)
        continue
      }
      // Something in the group broke its commit: find which delivery, one commit each.
      const byDelivery = new Map<number, Part[]>()
      for (const p of parts) byDelivery.set(p.delivery, [...(byDelivery.get(p.delivery) ?? []), p])
      for (const [delivery, own] of byDelivery) {
        if (failed.has(delivery)) continue
        try {
          await commit(group, own)
        } catch (alone) {
          failed.set(delivery, {
            reason: messageOf(alone),
            databaseUnavailable: isDatabaseUnavailable(alone),
          })
        }
      }
    }
  }

  const outcomes = deliveries.map((delivery, index): WebhookDeliveryOutcome => {
    const failure = failed.get(index)
    if (failure) return { id: delivery.id, status: 'failed', ...failure }
    const counts = { items: items[index] ?? 0, quarantined: quarantined[index] ?? 0 }
    const reason = unparseable.get(index)
    if (reason !== undefined) return { id: delivery.id, status: 'unparseable', reason, ...counts }
    return { id: delivery.id, status: 'ingested', ...counts }
  })
  return { outcomes, totals }
}

function messageOf(error: unknown): string {
  return (error as Error)?.message ?? String(error)
}

function bodyPayload(body: string): unknown {
  try {
    return JSON.parse(body)
  } catch {
    return { raw: body.slice(0, 100_000) }
  }
}
