/**
 * @module Webhook deliveries: find the channel, verify (handshake or signature), parse, and
 * ingest in one transaction. The dashboard mounts this at `/hooks/:platform[/:channelId]`.
 *
 * - A body that fails its signature is answered 401 and stored nowhere.
 * - A handshake is answered with its challenge.
 * - A verified body that cannot be parsed is quarantined with the reason and answered 202, so
 *   the platform does not retry it forever; items the parser rejects are quarantined too.
 * - Duplicates and out-of-order deliveries change nothing: ingestion is an idempotent upsert.
 */
import {
  addBatchTotals,
  type BatchReject,
  type ChannelRow,
  commitBatch,
  configWithCredentials,
  type Database,
  databaseFaultOf,
  emptyBatchTotals,
  getChannel,
  type IngestItem,
  type IngestOptions,
  isDatabaseUnavailable,
  type WebhookRequest,
  type WebhookVerification,
} from '@earshot/core'
import type { Kysely } from 'kysely'
import { type CollectorLookup, collectorFor } from '../registry.js'
import { toCollectorChannel } from './core-loop.js'
import { takeReplayKey } from './webhook-replays.js'

/** What to answer the platform. */
export interface WebhookResponse {
  status: number
  body: string
  headers: Record<string, string>
}

/** Options of {@link handleWebhook}. */
export interface HandleWebhookOptions {
  collectors?: CollectorLookup
  ingest?: Omit<IngestOptions, 'organisationId' | 'source'>
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' }

function reply(status: number, body: unknown): WebhookResponse {
  return { status, body: JSON.stringify(body), headers: JSON_HEADERS }
}

/** A channel whose secret verified a delivery, with its parsed configuration. */
export interface VerifiedWebhookChannel {
  row: ChannelRow
  config: unknown
}

/**
 * The first half of {@link handleWebhook}: which channels a delivery is for and whether it is
 * genuine. `respond` is the whole answer (unknown platform, bad signature, a handshake's
 * challenge, a verified GET); `verified` means the body should be ingested for `channels`.
 */
export type WebhookVerificationResult =
  | { kind: 'respond'; response: WebhookResponse }
  | { kind: 'verified'; channels: VerifiedWebhookChannel[] }

/**
 * Finds the channel(s) and verifies the delivery, without ingesting it: a receiver that stores
 * deliveries durably answers with this and leaves {@link ingestWebhook} to a job.
 */
export async function verifyWebhook(
  db: Kysely<Database>,
  platform: string,
  channelId: string | undefined,
  request: WebhookRequest,
  options: Pick<HandleWebhookOptions, 'collectors'> = {},
): Promise<WebhookVerificationResult> {
  const respond = (response: WebhookResponse) => ({ kind: 'respond' as const, response })
  let collector: ReturnType<typeof collectorFor> | undefined
  try {
    collector = options.collectors?.(platform) ?? collectorFor(platform)
  } catch {
    return respond(reply(404, { error: `unknown platform ${platform}` }))
  }
  const webhook = collector.webhook
  if (!webhook) return respond(reply(404, { error: `${platform} does not receive webhooks` }))

  // No per-tenant work for an unauthenticated request: a platform whose deliveries name their
  // channel is never matched against every channel's secret.
  if (!channelId && webhook.requiresChannelId)
    return respond(
      reply(404, {
        error: `${platform} deliveries must name their channel: /hooks/${platform}/CHANNEL_ID`,
      }),
    )

  let candidates: ChannelRow[]
  try {
    if (channelId) {
      const row = await getChannel(db, channelId)
      candidates = row && row.platform === collector.platform ? [row] : []
    } else {
      candidates = await db
        .selectFrom('channels')
        .selectAll()
        .where('platform', '=', collector.platform)
        .execute()
    }
  } catch (error) {
    return respond(databaseFailure('could not look the channel up', error))
  }
  if (candidates.length === 0) return respond(reply(404, { error: 'no such channel' }))

  const verified: VerifiedWebhookChannel[] = []
  let rejection: Extract<WebhookVerification, { kind: 'rejected' }> | undefined
  for (const row of candidates) {
    let parsed = collector.configSchema.safeParse(row.config)
    // A channel connected through OAuth keeps its tokens sealed in channel_credentials, not in
    // its config; its config is only complete with them put back (as for polling and replies).
    if (!parsed.success) {
      let complete: Record<string, unknown> | undefined
      try {
        complete = await configWithCredentials(
          db,
          row.organisation_id,
          row.id,
          (row.config ?? {}) as Record<string, unknown>,
        )
      } catch (error) {
        if (isDatabaseUnavailable(error))
          return respond(databaseFailure('could not read the channel credentials', error))
        // Credentials sealed with a key this process lacks: the configuration is unusable here.
      }
      if (complete) parsed = collector.configSchema.safeParse(complete)
    }
    if (!parsed.success) {
      rejection ??= {
        kind: 'rejected',
        status: 401,
        reason: 'the channel has no valid webhook configuration',
      }
      continue
    }
    let verification: WebhookVerification
    try {
      verification = await webhook.verify(request, parsed.data)
    } catch (error) {
      verification = {
        kind: 'rejected',
        status: 401,
        reason: `verification failed: ${(error as Error).message}`,
      }
    }
    if (verification.kind === 'challenge')
      return respond({
        status: 200,
        body: verification.response,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      })
    if (verification.kind === 'verified' && verification.replay) {
      let fresh: boolean
      try {
        fresh = await takeReplayKey(db, verification.replay)
      } catch (error) {
        return respond(databaseFailure('could not check the delivery for replay', error))
      }
      if (!fresh)
        verification = {
          kind: 'rejected',
          status: 401,
          reason: 'replayed request: this signature was already used',
        }
    }
    if (verification.kind === 'verified') verified.push({ row, config: parsed.data })
    else rejection ??= verification
  }
  if (verified.length === 0)
    return respond(reply(rejection?.status ?? 401, { error: rejection?.reason ?? 'rejected' }))
  if (request.method.toUpperCase() !== 'POST') return respond(reply(200, { ok: true }))
  return { kind: 'verified', channels: verified }
}

/** What {@link ingestWebhook} did. */
export interface IngestWebhookResult {
  totals: ReturnType<typeof emptyBatchTotals>
  /** True when the body could not be parsed (it was quarantined whole, with the reason). */
  unparseable: boolean
}

/**
 * The second half of {@link handleWebhook}: parses a verified body for each channel and commits
 * it (idempotent upserts; rejects and unreadable bodies are quarantined with their reason).
 * Throws only when the database fails, so a job retries it.
 */
export async function ingestWebhook(
  db: Kysely<Database>,
  platform: string,
  channels: readonly VerifiedWebhookChannel[],
  body: string,
  options: HandleWebhookOptions = {},
): Promise<IngestWebhookResult> {
  const collector = options.collectors?.(platform) ?? collectorFor(platform)
  const webhook = collector.webhook
  if (!webhook) throw new Error(`${platform} does not receive webhooks`)
  const source = `webhook:${platform}`
  const totals = emptyBatchTotals()
  let unparseable = false
  for (const { row, config } of channels) {
    let items: IngestItem[] = []
    let rejected: BatchReject[] = []
    try {
      const parsed = await webhook.parse(body, toCollectorChannel(row), config)
      if (Array.isArray(parsed)) items = parsed
      else {
        items = parsed.items
        rejected = parsed.rejected
      }
    } catch (error) {
      // A verified body nobody can read is kept whole, with why, so nothing is lost.
      unparseable = true
      rejected = [
        {
          reason: `unparseable ${platform} webhook body: ${(error as Error).message}`,
          payload: bodyPayload(body),
        },
      ]
    }
    addBatchTotals(
      totals,
      await commitBatch(db, {
        ...options.ingest,
        organisationId: row.organisation_id,
        channelId: row.id,
        source,
        items,
        rejected,
      }),
    )
  }
  return { totals, unparseable }
}

/**
 * Handles one webhook delivery: {@link verifyWebhook}, then {@link ingestWebhook} at once.
 * Without `channelId` (Meta sends every Page of an app to one callback URL), every channel of the
 * platform is tried: the body is accepted for the channels whose secret verifies it, and each
 * channel's parser keeps only its own entries. (The dashboard's server stores deliveries and
 * ingests them in a job instead; see docs/jobs.md.)
 *
 * @example
 * app.all('/hooks/:platform/:channelId?', async (c) => {
 *   const r = await handleWebhook(db, c.req.param('platform'), c.req.param('channelId'),
 *     { method: c.req.method, url: c.req.url, headers: c.req.raw.headers, body: await c.req.text() })
 *   return c.body(r.body, r.status, r.headers)
 * })
 */
export async function handleWebhook(
  db: Kysely<Database>,
  platform: string,
  channelId: string | undefined,
  request: WebhookRequest,
  options: HandleWebhookOptions = {},
): Promise<WebhookResponse> {
  const verification = await verifyWebhook(db, platform, channelId, request, options)
  if (verification.kind === 'respond') return verification.response
  let result: IngestWebhookResult
  try {
    result = await ingestWebhook(db, platform, verification.channels, request.body, options)
  } catch (error) {
    // The database failed, not the sender: a 5xx makes the platform deliver again later.
    return databaseFailure('could not store the delivery', error)
  }
  const { batches: _batches, ...counts } = result.totals
  // Unparseable: answered 202 so the platform does not retry it forever.
  return reply(result.unparseable ? 202 : 200, { received: true, ...counts })
}

/**
 * A 503 (platforms deliver again later) that names what failed but not the error's text: a
 * driver message can hold the database's address, a file path or a value from the body.
 */
function databaseFailure(what: string, error: unknown): WebhookResponse {
  const fault = databaseFaultOf(error) ?? `error (${(error as Error)?.name ?? typeof error})`
  console.error(`[webhook] ${what}: database ${fault}`)
  return reply(503, { error: `${what}; the database is not available, try again later` })
}

function bodyPayload(body: string): unknown {
  try {
    return JSON.parse(body)
  } catch {
    return { raw: body.slice(0, 100_000) }
  }
}
