/**
 * @module The collector interface. A collector is a small object (in the spirit of Kysely's
 * `Dialect`) that knows one platform: it validates its config, polls pages of items from a
 * cursor, and optionally verifies and parses webhooks. Core owns the loop around it (see
 * `collectChannel`): checkpoints are committed in the same transaction as the mentions.
 */
import type { z } from 'zod'
import type { IngestItem } from '../model/mention-input.js'
import type { Platform } from '../model/vocabulary.js'

/** What a collector knows about the channel it collects for. */
export interface CollectorChannel {
  id: string
  organisationId: string
  practiceId: string
  platform: Platform
  /** The platform account id (page id, user id, location name, channel id …). */
  externalAccountId: string
  /** Ids and handles that count as "the practice": their messages are outbound. */
  ownIdentities: readonly string[]
}

/** Everything a poll needs. */
export interface PollContext<Config> {
  channel: CollectorChannel
  config: Config
  /** The cursor stored by the previous successful batch, or null on the first run. */
  cursor: unknown
  signal?: AbortSignal
  /** Injected so tests and proxies can swap it. */
  fetch?: typeof globalThis.fetch
}

/** One page of results: the items and the cursor to resume after them. */
export interface PollBatch {
  items: IngestItem[]
  /** Stored with the batch, in the same transaction. */
  cursor: unknown
  /** Items the collector could not map: quarantined with their reason, never silently dropped. */
  rejected?: { reason: string; payload: unknown }[]
}

/** A webhook request, reduced to what verification needs. */
export interface WebhookRequest {
  method: string
  url: string
  headers: Headers
  /** The raw body: signatures are computed over bytes, never over re-serialised JSON. */
  body: string
}

/** The outcome of verifying a webhook request. */
export type WebhookVerification =
  | { kind: 'challenge'; response: string } // subscription handshake: answer with this body
  | {
      kind: 'verified'
      /**
       * Accept this delivery once: the receiver records `key` (derived from the signature) in the
       * database until `expiresAt` and refuses it again before then, in every process.
       */
      replay?: { key: string; expiresAt: Date; now: Date }
    }
  | { kind: 'rejected'; status: 401 | 403 | 400; reason: string }

export interface WebhookHandler<Config> {
  /**
   * True when deliveries must name their channel (`/hooks/PLATFORM/CHANNEL_ID`): without one the
   * receiver answers 404 at once instead of trying every tenant's secret.
   */
  requiresChannelId?: boolean
  verify(
    request: WebhookRequest,
    config: Config,
  ): WebhookVerification | Promise<WebhookVerification>
  /** Maps a verified body to mentions; throws (or returns rejects) for what it cannot map. */
  parse(
    body: string,
    channel: CollectorChannel,
    config: Config,
  ): PollBatch['items'] | { items: IngestItem[]; rejected: { reason: string; payload: unknown }[] }
}

/**
 * A platform plugin. `poll` yields pages; the loop in core ingests each page and commits its
 * cursor atomically, so a crash at any point loses nothing and duplicates nothing.
 */
export interface Collector<Config = unknown> {
  readonly platform: Platform
  readonly name: string
  readonly configSchema: z.ZodType<Config>
  poll?(context: PollContext<Config>): AsyncIterable<PollBatch>
  readonly webhook?: WebhookHandler<Config>
}
