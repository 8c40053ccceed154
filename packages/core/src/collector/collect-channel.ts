/**
 * @module The loop core owns around a collector: poll from the stored checkpoint, and for every
 * batch commit the mentions, the quarantined rejects and the new checkpoint in ONE transaction.
 * A crash at any point therefore loses nothing (the checkpoint never runs ahead of the mentions)
 * and duplicates nothing (a replayed batch is an idempotent upsert).
 */
import { type Kysely, sql } from 'kysely'
import { isEarshotError } from '../errors.js'
import { ingest } from '../ingest/ingest.js'
import type { IngestOptions, IngestResult } from '../ingest/ingest-types.js'
import type { Platform } from '../model/vocabulary.js'
import { getChannel, recordChannelError } from '../repositories/channels.js'
import { quarantineItems } from '../repositories/quarantine.js'
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
  /** Told after every committed batch. */
  onBatch?: (event: { batch: number; items: number; result: IngestResult; cursor: unknown }) => void
}

/** How a run ended. */
export type CollectChannelStatus = 'success' | 'error' | 'needs_reauth' | 'aborted' | 'skipped'

/**
 * What one run did. Like Kysely's `MigrationResultSet`, errors are reported here, never thrown.
 */
export interface CollectChannelResult {
  channelId: string
  platform: Platform
  status: CollectChannelStatus
  /** Batches committed (each with its checkpoint). */
  batches: number
  inserted: number
  updated: number
  unchanged: number
  deleted: number
  /** Items quarantined by ingest plus items the collector itself rejected. */
  quarantined: number
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

/** Thrown inside a batch transaction when another run moved the checkpoint under us. */
class CheckpointConflictError extends Error {
  override readonly name = 'CheckpointConflictError'
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
    batches: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    deleted: 0,
    quarantined: 0,
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

  const parsed = collector.configSchema.safeParse(row.config)
  if (!parsed.success) {
    const message = `[${row.platform}] invalid channel config: ${formatZodIssues(parsed.error.issues)}`
    await recordChannelError(db, row, message, { now: now() })
    return { ...result, status: 'error', errorMessage: message }
  }

  let expected = canonicalJson(row.checkpoint ?? null)
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
      const rejected = batch.rejected ?? []
      const cursorJson = canonicalJson(batch.cursor ?? null)
      const ingested = await db.transaction().execute(async (trx) => {
        const current = await trx
          .selectFrom('channels')
          .select('checkpoint')
          .where('organisation_id', '=', row.organisation_id)
          .where('id', '=', row.id)
          .forUpdate()
          .executeTakeFirst()
        if (!current) throw new CheckpointConflictError('the channel was deleted during collection')
        if (canonicalJson(current.checkpoint ?? null) !== expected)
          throw new CheckpointConflictError(
            'another collection run of this channel moved its checkpoint; this run stops',
          )
        const r =
          batch.items.length > 0
            ? await ingest(trx, batch.items, {
                ...options.ingest,
                now: options.ingest?.now ?? now(),
                organisationId: row.organisation_id,
                source,
              })
            : emptyIngestResult()
        if (rejected.length > 0) {
          await quarantineItems(
            trx,
            rejected.map((x) => ({
              organisationId: row.organisation_id,
              channelId: row.id,
              source,
              reason: x.reason,
              payload: x.payload,
            })),
          )
        }
        const collected = r.inserted + r.updated + r.unchanged + r.deleted
        await trx
          .updateTable('channels')
          .set({
            checkpoint: cursorJson,
            items_collected: sql<number>`items_collected + ${collected}`,
          })
          .where('organisation_id', '=', row.organisation_id)
          .where('id', '=', row.id)
          .execute()
        return r
      })
      expected = cursorJson
      result.batches++
      result.inserted += ingested.inserted
      result.updated += ingested.updated
      result.unchanged += ingested.unchanged
      result.deleted += ingested.deleted
      result.quarantined += ingested.quarantined + rejected.length
      options.onBatch?.({
        batch: result.batches,
        items: batch.items.length,
        result: ingested,
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
      status: sql<string>`case when status = 'paused' then 'paused' else 'active' end`,
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
  // Duck-typed too: a bundled copy of EarshotError (a built collectors package) is another class.
  const needsReauth =
    isEarshotError(error, 'AUTH_EXPIRED') ||
    (error as { code?: unknown } | null)?.code === 'AUTH_EXPIRED'
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
  if (error instanceof CheckpointConflictError) return `[${platform}] ${error.message}`
  if (error instanceof Error)
    return error.message.startsWith('[') ? error.message : `[${platform}] ${error.message}`
  return `[${platform}] ${String(error)}`
}

function numberProp(value: unknown, key: string): number | undefined {
  if (value === null || typeof value !== 'object') return undefined
  const v = (value as Record<string, unknown>)[key]
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined
}

function emptyIngestResult(): IngestResult {
  return {
    inserted: 0,
    updated: 0,
    unchanged: 0,
    quarantined: 0,
    deleted: 0,
    rejected: [],
    threadsRelinked: 0,
  }
}

/** JSON with object keys sorted: jsonb reorders keys, so plain `JSON.stringify` cannot compare checkpoints. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
          a < b ? -1 : a > b ? 1 : 0,
        ),
      )
    }
    return v
  })
}
