/**
 * @module Erasure of one person's data on request (docs/privacy.md § Erasure): everything an
 * organisation holds from one author on one platform, across all its channels, goes in one
 * transaction, and a record that it was done — who asked, when, a hash of the author key and
 * the counts, never the data — is kept.
 */
import { createHash, randomUUID } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import { z } from 'zod'
import type { Enricher } from '../enrich/enricher.js'
import { PLATFORMS } from '../model/vocabulary.js'
import type { Database } from '../storage/database.js'
import { deleteMentions, redactMentions } from './remove-mentions.js'

/** What an erasure request names. */
export const erasureRequestSchema = z.object({
  organisationId: z.string().min(1),
  platform: z.enum(PLATFORMS),
  /** The author's platform id, or their handle (with or without the `@`). */
  author: z.string().trim().min(1).max(256),
  /** The signed-in user who asked; null from the CLI. */
  requestedBy: z.string().min(1).nullable().default(null),
  requestedVia: z.enum(['cli', 'dashboard']),
  /** Count what would go, change nothing, keep no record. */
  dryRun: z.boolean().default(false),
})
export type ErasureRequest = z.input<typeof erasureRequestSchema>

/** What an erasure removed (or, in a dry run, would remove). */
export interface ErasureCounts {
  /** The author's own mentions, deleted. */
  mentionsDeleted: number
  /** The practice's replies to them (which may quote them), kept as figures without text. */
  repliesRedacted: number
  responseLinksDeleted: number
  alertsDeleted: number
  replyOutboxDeleted: number
  inboxAssignmentsDeleted: number
  inboxNotesDeleted: number
  quarantineDeleted: number
  webhookDeliveriesDeleted: number
}

export interface ErasureResult {
  /** The erasure record's id; null in a dry run. */
  recordId: string | null
  dryRun: boolean
  authorKeyHash: string
  counts: ErasureCounts
}

/**
 * The hash an erasure record keeps: SHA-256 of `platform:author`, the author lower-cased and
 * without a leading `@`, so the same request always gives the same hash.
 */
export function authorKeyHash(platform: string, author: string): string {
  return createHash('sha256')
    .update(`${platform}:${normaliseAuthor(author)}`)
    .digest('hex')
}

class DryRunRollback extends Error {}

/**
 * Erases one author's data in an organisation: their mentions on every channel of the platform
 * (with links, assignments, reply drafts, alerts and overrides), the text and payload of the
 * practice's replies to them, quarantined items and processed webhook bodies that name them.
 * A dry run does the same inside a transaction it then rolls back, so its counts are exact.
 *
 * @example
 * const { counts } = await eraseAuthor(db, {
 *   organisationId, platform: 'facebook', author: 'sam.patient', requestedVia: 'cli',
 * }, { now: new Date() })
 */
export async function eraseAuthor(
  db: Kysely<Database>,
  input: ErasureRequest,
  options: { now: Date; enricher?: Enricher },
): Promise<ErasureResult> {
  const request = erasureRequestSchema.parse(input)
  const hash = authorKeyHash(request.platform, request.author)
  let outcome: ErasureResult | undefined
  try {
    await db.transaction().execute(async (trx) => {
      const counts = await eraseInTransaction(trx, request, options)
      let recordId: string | null = null
      if (!request.dryRun) {
        recordId = randomUUID()
        await trx
          .insertInto('erasure_records')
          .values({
            organisation_id: request.organisationId,
            id: recordId,
            requested_by: request.requestedBy,
            requested_via: request.requestedVia,
            platform: request.platform,
            author_key_hash: hash,
            counts: JSON.stringify(counts),
            created_at: options.now,
          })
          .execute()
      }
      outcome = { recordId, dryRun: request.dryRun, authorKeyHash: hash, counts }
      if (request.dryRun) throw new DryRunRollback()
    })
  } catch (error) {
    if (!(error instanceof DryRunRollback)) throw error
  }
  return outcome!
}

/** The erasure records of an organisation, newest first. */
export function listErasureRecords(db: Kysely<Database>, organisationId: string, limit = 100) {
  return db
    .selectFrom('erasure_records')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
}

async function eraseInTransaction(
  db: Kysely<Database>,
  request: z.output<typeof erasureRequestSchema>,
  options: { now: Date; enricher?: Enricher },
): Promise<ErasureCounts> {
  const { organisationId, platform } = request
  const given = request.author.trim()
  const handle = normaliseAuthor(request.author)
  // A handle names the person; their platform ids (on messages that carry no handle) follow.
  const known = await db
    .selectFrom('mentions')
    .select('author_id')
    .distinct()
    .where('organisation_id', '=', organisationId)
    .where('platform', '=', platform)
    .where('direction', '=', 'inbound')
    .where(sql`lower(author_handle)`, '=', handle)
    .where('author_id', 'is not', null)
    .execute()
  const ids = [...new Set([given, ...known.map((k) => k.author_id!)])]
  const theirs = await db
    .selectFrom('mentions')
    .select(['id', 'channel_id', 'external_id', 'thread_key', 'kind'])
    .where('organisation_id', '=', organisationId)
    .where('platform', '=', platform)
    .where('direction', '=', 'inbound')
    .where((eb) => eb.or([eb('author_id', 'in', ids), eb(sql`lower(author_handle)`, '=', handle)]))
    .execute()
  const theirIds = theirs.map((m) => m.id)

  // The practice's replies to them: children of their messages, and the practice's side of a
  // private conversation with them. They may quote them, so their text goes too.
  const parents = JSON.stringify(theirs.map((m) => ({ c: m.channel_id, e: m.external_id })))
  const conversations = JSON.stringify(
    theirs.filter((m) => m.kind === 'message').map((m) => ({ c: m.channel_id, t: m.thread_key })),
  )
  const replies =
    theirs.length === 0
      ? []
      : await db
          .selectFrom('mentions')
          .select('id')
          .where('organisation_id', '=', organisationId)
          .where('direction', '=', 'outbound')
          .where((eb) =>
            eb.or([
              eb(
                eb.refTuple('channel_id', 'parent_external_id'),
                'in',
                sql<
                  [string, string]
                >`(select k.c, k.e from json_to_recordset(${parents}::json) as k(c text, e text))`,
              ),
              eb(
                eb.refTuple('channel_id', 'thread_key'),
                'in',
                sql<
                  [string, string]
                >`(select k.c, k.t from json_to_recordset(${conversations}::json) as k(c text, t text))`,
              ),
            ]),
          )
          .execute()

  const remove = { now: options.now, ...(options.enricher ? { enricher: options.enricher } : {}) }
  const repliesRedacted = await redactMentions(
    db,
    organisationId,
    replies.map((r) => r.id),
    remove,
  )
  const deleted = await deleteMentions(db, organisationId, theirIds, remove)

  // Payloads that name them as a JSON string value (their id or handle, exactly).
  const needles = [...new Set([...ids, handle].map((n) => JSON.stringify(n).toLowerCase()))]
  const quarantine = await sql`delete from quarantine where organisation_id = ${organisationId}
    and (${sql.join(
      needles.map((n) => sql`position(${n} in lower(payload::text)) > 0`),
      sql` or `,
    )})`.execute(db)
  const mine = JSON.stringify([{ organisationId }])
  // Received but not yet ingested deliveries stay: their job stores them, and erasing again
  // afterwards removes what they brought.
  const deliveries = await sql`delete from webhook_deliveries where status <> 'received'
    and channels @> ${mine}::jsonb
    and (${sql.join(
      needles.map((n) => sql`position(${n} in lower(body)) > 0`),
      sql` or `,
    )})`.execute(db)

  return {
    mentionsDeleted: deleted.mentions,
    repliesRedacted,
    responseLinksDeleted: deleted.responseLinks,
    alertsDeleted: deleted.alerts,
    replyOutboxDeleted: deleted.replyOutbox,
    inboxAssignmentsDeleted: deleted.inboxAssignments,
    inboxNotesDeleted: deleted.inboxNotes,
    quarantineDeleted: Number(quarantine.numAffectedRows ?? 0),
    webhookDeliveriesDeleted: Number(deliveries.numAffectedRows ?? 0),
  }
}

function normaliseAuthor(author: string): string {
  return author.trim().replace(/^@/, '').toLowerCase()
}
