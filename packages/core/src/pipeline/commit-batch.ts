/**
 * @module The one write path: every writer of mentions (polling, webhooks, file import, and
 * later replies sent from Earshot, alert jobs, re-enrichment) commits a batch through
 * {@link commitBatch}. One transaction holds the mentions, the quarantined rejects, the
 * channel's counters and — when given — its new checkpoint, so a crash never loses or
 * duplicates anything and a checkpoint never runs ahead of its mentions.
 */
import { type Kysely, sql } from 'kysely'
import { EarshotError } from '../errors.js'
import { redactPayload } from '../redaction/redact-identifiers.js'
import { quarantineItems } from '../repositories/quarantine.js'
import type { Database } from '../storage/database.js'
import { organisationsRedactingIdentifiers } from './identifier-redaction.js'
import { ingest } from './ingest.js'
import { emptyIngestResult, type IngestOptions, type IngestResult } from './ingest-types.js'
import { reevaluateThreads } from './reevaluate.js'
import type { ThreadKey } from './thread-store.js'

/** An item the writer could not even turn into a mention (a collector's parser said why). */
export interface BatchReject {
  reason: string
  payload: unknown
  /** Filed under this channel instead of the batch's `channelId` (a batch over several channels). */
  channelId?: string
}

/** Moves a channel's checkpoint with the batch, if nobody moved it since `expected`. */
export interface BatchCheckpoint {
  /** The checkpoint the writer started from (compared key-order-insensitively). */
  expected: unknown
  /** The checkpoint after this batch. */
  next: unknown
}

/** One batch for {@link commitBatch}. */
export interface BatchCommit extends Pick<IngestOptions, 'enricher' | 'now'> {
  /** The tenant: items for channels of any other organisation are quarantined. */
  organisationId: string
  /**
   * The channel the batch came from: its rejects are filed under it, its `items_collected`
   * counts the batch, and its checkpoint moves (with `checkpoint`). Items may still name other
   * channels of the organisation (an import file can).
   */
  channelId?: string
  /** Recorded with every quarantined item: `collector:facebook`, `webhook:x`, `import:csv`, `reply` … */
  source: string
  /** Mentions and deletion notices, validated by `ingest()`. */
  items: readonly unknown[]
  /** Items the writer already rejected; quarantined with the batch. */
  rejected?: readonly BatchReject[]
  /** Requires `channelId`. Throws EarshotError `CONFLICT` (and commits nothing) when the stored checkpoint is not `expected`. */
  checkpoint?: BatchCheckpoint
  /**
   * Count each stored item on its own channel's `items_collected` rather than the batch's
   * `channelId`: a batch gathered from several channels of the organisation (webhook deliveries
   * drained together, `ingestWebhookBatch`). Not with `checkpoint`.
   */
  countPerItemChannel?: boolean
  /**
   * Stored threads (of `organisationId`) to re-enrich with `enricher` and re-evaluate, in the
   * same transaction: what re-enrichment after an enricher upgrade commits (`reenrichStale`).
   */
  reenrich?: readonly ThreadKey[]
}

/** What a committed batch did: `ingest()`'s counts, with the writer's rejects in `quarantined`. */
export type BatchCommitResult = IngestResult

/** Running totals over many batches (a poll run, an import, a webhook fan-out). */
export interface BatchTotals {
  batches: number
  inserted: number
  updated: number
  unchanged: number
  deleted: number
  quarantined: number
}

/** Totals with nothing committed yet. */
export function emptyBatchTotals(): BatchTotals {
  return { batches: 0, inserted: 0, updated: 0, unchanged: 0, deleted: 0, quarantined: 0 }
}

/** Adds one committed batch to `totals` (in place) and returns them. */
export function addBatchTotals<T extends BatchTotals>(totals: T, result: BatchCommitResult): T {
  totals.batches++
  totals.inserted += result.inserted
  totals.updated += result.updated
  totals.unchanged += result.unchanged
  totals.deleted += result.deleted
  totals.quarantined += result.quarantined
  return totals
}

/**
 * Commits one batch: ingest the items, quarantine the rejects, count them on the channel and
 * move its checkpoint, in one transaction (or in the caller's, when `db` is one). Never throws
 * for bad items; throws for a checkpoint conflict and for database failures (nothing is then
 * committed).
 *
 * @example
 * const result = await commitBatch(db, {
 *   organisationId, channelId, source: 'webhook:facebook', items, rejected,
 * })
 * // → { inserted: 2, updated: 0, unchanged: 0, quarantined: 1, deleted: 0, … }
 */
export async function commitBatch(
  db: Kysely<Database>,
  batch: BatchCommit,
): Promise<BatchCommitResult> {
  if (batch.checkpoint && !batch.channelId)
    throw new EarshotError('INVALID_INPUT', 'commitBatch: a checkpoint needs its channelId')
  if (batch.checkpoint && batch.countPerItemChannel)
    throw new EarshotError(
      'INVALID_INPUT',
      'commitBatch: countPerItemChannel moves no checkpoint (its items have several channels)',
    )
  if (!db.isTransaction) return db.transaction().execute((trx) => commitInTransaction(trx, batch))
  return commitInTransaction(db, batch)
}

async function commitInTransaction(
  db: Kysely<Database>,
  batch: BatchCommit,
): Promise<BatchCommitResult> {
  const { organisationId, channelId, source } = batch
  if (batch.checkpoint) await assertCheckpoint(db, organisationId, channelId!, batch.checkpoint)
  const result =
    batch.items.length > 0
      ? await ingest(db, batch.items, {
          organisationId,
          source,
          ...(batch.enricher ? { enricher: batch.enricher } : {}),
          ...(batch.now ? { now: batch.now } : {}),
        })
      : emptyIngestResult()
  const reenrich = (batch.reenrich ?? []).filter((k) => k.organisationId === organisationId)
  if (reenrich.length > 0) {
    const pass = await reevaluateThreads(db, reenrich, {
      ...(batch.enricher ? { enricher: batch.enricher } : {}),
      now: batch.now ?? new Date(),
      reenrichAll: true,
    })
    result.updated += pass.mentionsWritten
    result.threadsRelinked += reenrich.length
  }
  const rejected = batch.rejected ?? []
  const redact =
    rejected.length > 0 && (await organisationsRedactingIdentifiers(db, [organisationId])).size > 0
  await quarantineItems(
    db,
    rejected.map((r) => ({
      organisationId,
      channelId: r.channelId ?? channelId ?? null,
      source,
      reason: r.reason,
      payload: redact ? redactPayload(r.payload) : r.payload,
    })),
  )
  if (batch.countPerItemChannel) {
    await countItemsPerChannel(db, organisationId, batch.items, result)
  } else if (channelId) {
    const collected = result.inserted + result.updated + result.unchanged + result.deleted
    const set = batch.checkpoint
      ? {
          checkpoint: canonicalJson(batch.checkpoint.next ?? null),
          items_collected: sql<number>`items_collected + ${collected}`,
        }
      : { items_collected: sql<number>`items_collected + ${collected}` }
    if (batch.checkpoint || collected > 0)
      await db
        .updateTable('channels')
        .set(set)
        .where('organisation_id', '=', organisationId)
        .where('id', '=', channelId)
        .execute()
  }
  return { ...result, quarantined: result.quarantined + rejected.length }
}

/** Adds each stored item (not quarantined by `ingest`) to its own channel's `items_collected`. */
async function countItemsPerChannel(
  db: Kysely<Database>,
  organisationId: string,
  items: readonly unknown[],
  result: IngestResult,
): Promise<void> {
  const rejected = new Set(result.rejected.map((r) => r.index))
  const counts = new Map<string, number>()
  for (const [index, item] of items.entries()) {
    if (rejected.has(index)) continue
    const id = (item as { channelId?: unknown } | null)?.channelId
    if (typeof id === 'string') counts.set(id, (counts.get(id) ?? 0) + 1)
  }
  if (counts.size === 0) return
  // Every counted channel is under the advisory lock `ingest` took for its accepted items, so
  // concurrent batches over the same channels reach these rows one at a time.
  const rows = [...counts]
  await sql`update channels set items_collected = channels.items_collected + c.n
    from json_to_recordset(${JSON.stringify(rows.map(([id, n]) => ({ id, n })))}::json)
      as c(id text, n integer)
    where channels.organisation_id = ${organisationId} and channels.id = c.id`.execute(db)
}

async function assertCheckpoint(
  db: Kysely<Database>,
  organisationId: string,
  channelId: string,
  checkpoint: BatchCheckpoint,
): Promise<void> {
  const current = await db
    .selectFrom('channels')
    .select('checkpoint')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', channelId)
    .forUpdate()
    .executeTakeFirst()
  if (!current)
    throw new EarshotError('CONFLICT', 'the channel was deleted during collection', {
      details: { channelId },
    })
  if (canonicalJson(current.checkpoint ?? null) !== canonicalJson(checkpoint.expected ?? null))
    throw new EarshotError(
      'CONFLICT',
      'another collection run of this channel moved its checkpoint; this run stops',
      { details: { channelId } },
    )
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
