/**
 * @module Retention (docs/privacy.md § Retention): what an organisation's settings say is too old
 * goes, in bounded batches, one transaction each, through the same removal commands erasure
 * uses — so response links, SLA evaluations and rollups stay exact while it runs. Running it
 * again finds nothing more to do (it is idempotent), and the clock is the caller's.
 */
import { type Kysely, sql } from 'kysely'
import type { Enricher } from '../enrich/enricher.js'
import type { Database } from '../storage/database.js'
import { jsonList } from '../util/json-list.js'
import { getPrivacySettings, monthsBefore, type PrivacySettings } from './privacy-settings.js'
import { deleteMentions, redactMentions } from './remove-mentions.js'

/** Options of {@link purgeExpiredData}. */
export interface PurgeExpiredDataOptions {
  organisationId: string
  now: Date
  /** Rows per transaction (default 500): keeps locks short while ingest goes on. */
  batchSize?: number
  /** The organisation's settings (default: as stored). */
  settings?: PrivacySettings
  enricher?: Enricher
}

/** Counts of what one run did (never any text). */
export interface PurgeResult {
  /** Mentions created before this instant were due (null: mention retention is off). */
  mentionCutoff: string | null
  /** Payloads received before this instant were due (null: raw retention is off). */
  rawCutoff: string | null
  mentionsDeleted: number
  mentionsRedacted: number
  responseLinksDeleted: number
  alertsDeleted: number
  replyOutboxDeleted: number
  inboxAssignmentsDeleted: number
  inboxNotesDeleted: number
  rawPayloadsCleared: number
  quarantineDeleted: number
  webhookDeliveriesDeleted: number
}

/** True when the run changed something (worth a line in the audit log). */
export function purgeDidSomething(result: PurgeResult): boolean {
  return Object.values(result).some((v) => typeof v === 'number' && v > 0)
}

/**
 * Deletes or redacts the organisation's mentions older than its mention retention, clears
 * platform payloads older than its raw retention (a payload never outlives its mention's
 * retention either), and drops quarantined items and processed webhook bodies past the shorter
 * of the two.
 *
 * @example
 * await savePrivacySettings(db, orgId, { mentionRetentionMonths: 24, rawRetentionMonths: 6 }, now)
 * const result = await purgeExpiredData(db, { organisationId: orgId, now })
 * // → { mentionsDeleted: 1200, rawPayloadsCleared: 5400, … }
 */
export async function purgeExpiredData(
  db: Kysely<Database>,
  options: PurgeExpiredDataOptions,
): Promise<PurgeResult> {
  const { organisationId, now } = options
  const batchSize = options.batchSize ?? 500
  const settings = options.settings ?? (await getPrivacySettings(db, organisationId))
  const mentionCutoff =
    settings.mentionRetentionMonths === null
      ? null
      : monthsBefore(now, settings.mentionRetentionMonths)
  const rawMonths = minOf(settings.rawRetentionMonths, settings.mentionRetentionMonths)
  const rawCutoff = rawMonths === null ? null : monthsBefore(now, rawMonths)
  const result: PurgeResult = {
    mentionCutoff: mentionCutoff?.toISOString() ?? null,
    rawCutoff: rawCutoff?.toISOString() ?? null,
    mentionsDeleted: 0,
    mentionsRedacted: 0,
    responseLinksDeleted: 0,
    alertsDeleted: 0,
    replyOutboxDeleted: 0,
    inboxAssignmentsDeleted: 0,
    inboxNotesDeleted: 0,
    rawPayloadsCleared: 0,
    quarantineDeleted: 0,
    webhookDeliveriesDeleted: 0,
  }
  const remove = { now, ...(options.enricher ? { enricher: options.enricher } : {}) }
  const practices = await db
    .selectFrom('practices')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .orderBy('id')
    .execute()

  for (const { id: practiceId } of practices) {
    if (mentionCutoff) {
      const redact = settings.mentionRetentionAction === 'redact'
      for (;;) {
        const done = await db.transaction().execute(async (trx) => {
          let q = trx
            .selectFrom('mentions')
            .select('id')
            .where('organisation_id', '=', organisationId)
            .where('practice_id', '=', practiceId)
            .where('created_at', '<', mentionCutoff)
          if (redact) q = q.where(notYetRedacted)
          const ids = (await q.orderBy('created_at').orderBy('id').limit(batchSize).execute()).map(
            (r) => r.id,
          )
          if (ids.length === 0) return true
          if (redact) {
            result.mentionsRedacted += await redactMentions(trx, organisationId, ids, remove)
          } else {
            const c = await deleteMentions(trx, organisationId, ids, remove)
            result.mentionsDeleted += c.mentions
            result.responseLinksDeleted += c.responseLinks
            result.alertsDeleted += c.alerts
            result.replyOutboxDeleted += c.replyOutbox
            result.inboxAssignmentsDeleted += c.inboxAssignments
            result.inboxNotesDeleted += c.inboxNotes
          }
          return ids.length < batchSize
        })
        if (done) break
      }
    }
    if (rawCutoff) {
      for (;;) {
        const ids = (
          await db
            .selectFrom('mentions')
            .select('id')
            .where('organisation_id', '=', organisationId)
            .where('practice_id', '=', practiceId)
            .where('created_at', '<', rawCutoff)
            .where('raw', 'is not', null)
            .limit(batchSize)
            .execute()
        ).map((r) => r.id)
        if (ids.length === 0) break
        // The payload is not read by linking or rollups: clearing it needs no thread pass.
        const cleared = await db
          .updateTable('mentions')
          .set({ raw: null })
          .where('organisation_id', '=', organisationId)
          .where('id', 'in', jsonList(ids))
          .executeTakeFirst()
        result.rawPayloadsCleared += Number(cleared.numUpdatedRows)
        if (ids.length < batchSize) break
      }
    }
  }

  if (rawCutoff) {
    result.quarantineDeleted = await deleteInBatches(
      db,
      (limit) => sql`delete from quarantine where id in (select id from quarantine
        where organisation_id = ${organisationId} and created_at < ${rawCutoff} limit ${limit})`,
      batchSize,
    )
    // A delivery may carry several tenants' channels; once processed, each mention holds its
    // own payload, so the body goes when any of them no longer keeps payloads that old.
    const mine = JSON.stringify([{ organisationId }])
    result.webhookDeliveriesDeleted = await deleteInBatches(
      db,
      (limit) => sql`delete from webhook_deliveries where id in (select id from webhook_deliveries
        where status <> 'received' and received_at < ${rawCutoff} and channels @> ${mine}::jsonb
        limit ${limit})`,
      batchSize,
    )
  }
  return result
}

/** Mentions that still hold text, an author, a link or a payload. */
const notYetRedacted = sql<boolean>`(text <> '' or author_id is not null or author_name is not null
  or author_handle is not null or permalink is not null or raw is not null)`

async function deleteInBatches(
  db: Kysely<Database>,
  statement: (limit: number) => ReturnType<typeof sql>,
  batchSize: number,
): Promise<number> {
  let total = 0
  for (;;) {
    const r = await statement(batchSize).execute(db)
    const n = Number(r.numAffectedRows ?? 0)
    total += n
    if (n < batchSize) return total
  }
}

function minOf(a: number | null, b: number | null): number | null {
  if (a === null) return b
  if (b === null) return a
  return Math.min(a, b)
}
