/**
 * @module The loop core owns around a collector: poll from the stored checkpoint, and for every
 * batch commit the mentions, the quarantined rejects and the new checkpoint in ONE transaction.
 * A crash at any point therefore loses nothing (the checkpoint never runs ahead of the mentions)
 * and duplicates nothing (a replayed batch is an idempotent upsert).
 */
import { type Kysely, sql } from 'kysely'
import { isEarshotError } from '../errors.js'
import type { ChannelStatus, Platform } from '../model/vocabulary.js'
import {
  addBatchTotals,
  type BatchTotals,
  commitBatch,
  emptyBatchTotals,
} from '../pipeline/commit-batch.js'
import type { IngestOptions, IngestResult } from '../pipeline/ingest-types.js'
import { getChannel, recordChannelError } from '../repositories/channels.js'
import { quarantineItems } from '../repositories/quarantine.js'
import { configWithCredentials } from '../secrets/channel-credentials.js'
import type { Keyring } from '../secrets/keyring.js'
import type { ChannelRow, Database } from '../storage/database.js'
import { formatZodIssues } from '../util/parse-or-throw.js'
import type { Collector, CollectorChannel } from './collector.js'

/** Options of {@link collectChannel}. */
export interface CollectChannelOptions {
  /** Passed to the collector (tests and proxies swap it). */
  fetch?: typeof globalThis.fetch
  /** Stops the run between requests; batches already committed stay committed. */
  signal?: AbortSignal
  /** The clock for `last_success_at`, `next_poll_at` and ingestion (tests pin it). */
  now?: () => Date
  /** Enricher etc. for `ingest()`; the tenant and source are set by the loop. */
  ingest?: Omit<IngestOptions, 'organisationId' | 'source'>
  /** Stop after this many batches (the rest is collected by the next run, from the checkpoint). */
  maxBatches?: number
  /** Opens the channel's sealed credentials (default: the process keyring). */
  keyring?: Keyring
  /** Told after every committed batch. */
  onBatch?: (event: { batch: number; items: number; result: IngestResult; cursor: unknown }) => void
}

/** How a run ended. */
export type CollectChannelStatus = 'success' | 'error' | 'needs_reauth' | 'aborted' | 'skipped'

/**
 * What one run did. Like Kysely's `MigrationResultSet`, errors are reported here, never thrown.
 */
export interface CollectChannelResult extends BatchTotals {
  channelId: string
  platform: Platform
  status: CollectChannelStatus
  /** The error that ended the run, if any (its message never contains a token). */
  error?: unknown
  errorMessage?: string
  /** When the platform asked us to wait, in ms; `next_poll_at` honours it. */
  retryAfter?: number
}

/** Maps a channel row to what a collector is told about its channel. */
export function toCollectorChannel(row: ChannelRow): CollectorChannel {
  const identities = Array.isArray(row.own_identities) ? row.own_identities.map(String) : []
  return {
    id: row.id,
    organisationId: row.organisation_id,
    practiceId: row.practice_id,
    platform: row.platform as Platform,
    externalAccountId: row.external_account_id,
    ownIdentities: [...new Set([row.external_account_id, ...identities])],
  }
}

/**
 * Polls one channel from its stored checkpoint until the collector has nothing more, committing
 * each batch atomically with its checkpoint. Records `last_success_at`/`next_poll_at` on success
 * and `last_error`/`last_error_at` on failure; an auth error marks the channel `needs_reauth`
 * (no retry loop). Never throws for collector or platform errors.
 *
 * @example
 * const result = await collectChannel(db, channelRow, facebookCollector())
 * if (result.status !== 'success') console.error(result.errorMessage)
 */
export async function collectChannel(
  db: Kysely<Database>,
  channel: ChannelRow,
  collector: Collector<unknown>,
  options: CollectChannelOptions = {},
): Promise<CollectChannelResult> {
  const now = options.now ?? (() => new Date())
  const result: CollectChannelResult = {
    channelId: channel.id,
    platform: channel.platform as Platform,
    status: 'success',
    ...emptyBatchTotals(),
  }

  // Re-read: the row the caller holds may carry a checkpoint another run has since moved.
  const row = (await getChannel(db, channel.id, channel.organisation_id)) ?? channel
  const interval = row.poll_interval_seconds * 1000

  if (!collector.poll) {
    await db
      .updateTable('channels')
      .set({ next_poll_at: new Date(now().getTime() + interval) })
      .where('organisation_id', '=', row.organisation_id)
      .where('id', '=', row.id)
      .execute()
    return { ...result, status: 'skipped' }
  }

  let config: Record<string, unknown>
  try {
    // Sealed tokens (secrets/) go back into the config the collector parses; never logged.
    config = await configWithCredentials(
      db,
      row.organisation_id,
      row.id,
      row.config as Record<string, unknown>,
      options.keyring ? { keyring: options.keyring } : {},
    )
  } catch (error) {
    const message = `[${row.platform}] cannot open the channel's stored credentials: ${(error as Error).message}`
    await recordChannelError(db, row, message, { now: now() })
    return { ...result, status: 'error', errorMessage: message }
  }
  const parsed = collector.configSchema.safeParse(config)
  if (!parsed.success) {
    const message = `[${row.platform}] invalid channel config: ${formatZodIssues(parsed.error.issues)}`
    await recordChannelError(db, row, message, { now: now() })
    return { ...result, status: 'error', errorMessage: message }
  }

  let expected: unknown = row.checkpoint ?? null
  const source = `collector:${row.platform}`
  try {
    const batches = collector.poll({
      channel: toCollectorChannel(row),
      config: parsed.data,
      cursor: row.checkpoint ?? null,
      signal: options.signal,
      fetch: options.fetch,
    })
    for await (const batch of batches) {
      const committed = await commitBatch(db, {
        ...options.ingest,
        now: options.ingest?.now ?? now(),
        organisationId: row.organisation_id,
        channelId: row.id,
        source,
        items: batch.items,
        rejected: batch.rejected ?? [],
        checkpoint: { expected, next: batch.cursor ?? null },
      })
      expected = batch.cursor ?? null
      addBatchTotals(result, committed)
      options.onBatch?.({
        batch: result.batches,
        items: batch.items.length,
        result: committed,
        cursor: batch.cursor,
      })
      if (options.maxBatches !== undefined && result.batches >= options.maxBatches) break
      if (options.signal?.aborted) break
    }
  } catch (error) {
    return finishWithError(db, row, result, error, now(), options.signal)
  }

  if (options.signal?.aborted) return { ...result, status: 'aborted' }
  const finishedAt = now()
  await db
    .updateTable('channels')
    .set({
      // A successful run clears error and needs_reauth, but never un-pauses a paused channel.
      status: sql<ChannelStatus>`case when status = 'paused' then 'paused' else 'active' end`,
      last_success_at: finishedAt,
      next_poll_at: new Date(finishedAt.getTime() + interval),
    })
    .where('organisation_id', '=', row.organisation_id)
    .where('id', '=', row.id)
    .execute()
  return result
}

async function finishWithError(
  db: Kysely<Database>,
  row: ChannelRow,
  result: CollectChannelResult,
  error: unknown,
  at: Date,
  signal?: AbortSignal,
): Promise<CollectChannelResult> {
  if (signal?.aborted) return { ...result, status: 'aborted', error }
  const message = errorMessage(error, row.platform)
  // The brand, not the class: a collector bundled with its own copy of core still counts.
  const needsReauth = isEarshotError(error, 'AUTH_EXPIRED')
  const retryAfter = numberProp(error, 'retryAfter')
  try {
    await recordChannelError(db, row, message, { needsReauth, now: at })
    if (retryAfter !== undefined && retryAfter > row.poll_interval_seconds * 1000) {
      await db
        .updateTable('channels')
        .set({ next_poll_at: new Date(at.getTime() + retryAfter) })
        .where('organisation_id', '=', row.organisation_id)
        .where('id', '=', row.id)
        .execute()
    }
    // A page the platform sent but nobody can read is kept, with why, rather than lost.
    const body =
      (error as { kind?: unknown; body?: unknown } | null)?.kind === 'malformed'
        ? (error as { body?: unknown }).body
        : undefined
    if (typeof body === 'string') {
      await quarantineItems(db, [
        {
          organisationId: row.organisation_id,
          channelId: row.id,
          source: `collector:${row.platform}`,
          reason: message,
          payload: { body, url: (error as { url?: unknown }).url },
        },
      ])
      result.quarantined++
    }
  } catch (recordError) {
    return {
      ...result,
      status: needsReauth ? 'needs_reauth' : 'error',
      error,
      errorMessage: `${message} (and recording it failed: ${(recordError as Error).message})`,
      retryAfter,
    }
  }
  return {
    ...result,
    status: needsReauth ? 'needs_reauth' : 'error',
    error,
    errorMessage: message,
    retryAfter,
  }
}

function errorMessage(error: unknown, platform: string): string {
  if (error instanceof Error)
    return error.message.startsWith('[') ? error.message : `[${platform}] ${error.message}`
  return `[${platform}] ${String(error)}`
}

function numberProp(value: unknown, key: string): number | undefined {
  if (value === null || typeof value !== 'object') return undefined
  const v = (value as Record<string, unknown>)[key]
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined
}
