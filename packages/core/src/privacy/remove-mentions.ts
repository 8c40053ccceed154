/**
 * @module Taking mentions out of the store without leaving anything inconsistent behind: the
 * statements retention and erasure share. Both run inside the caller's transaction, lock the
 * channels like `ingest()` does (so no writer links a thread while it loses a message), clear
 * what hangs off the mentions (response links, inbox assignments, reply outbox rows, alerts and
 * their deliveries; overrides go by their foreign key), and re-run the thread pass over what
 * remains of each thread, so response links, SLA evaluations and — through the triggers of
 * migration 700 — the rollups are exact when the transaction commits.
 */
import { type Kysely, sql } from 'kysely'
import type { Enricher } from '../enrich/enricher.js'
import { lockChannels } from '../pipeline/ingest.js'
import { reevaluateThreads } from '../pipeline/reevaluate.js'
import type { ThreadKey } from '../pipeline/thread-store.js'
import type { Database } from '../storage/database.js'
import { jsonList } from '../util/json-list.js'

/** What {@link deleteMentions} removed. */
export interface DeletedCounts {
  mentions: number
  responseLinks: number
  inboxAssignments: number
  /** Staff notes on the mentions (`inbox_notes`). */
  inboxNotes: number
  replyOutbox: number
  alerts: number
}

/** Options shared by the removal commands. */
export interface RemoveOptions {
  now: Date
  /** For the thread pass over what remains (default: the built-in rules). */
  enricher?: Enricher
}

/** The text, author and payload columns a redaction clears, and what it leaves instead. */
export const REDACTED_MENTION = {
  text: '',
  author_id: null,
  author_name: null,
  author_handle: null,
  permalink: null,
  raw: null,
} as const

/**
 * Deletes the given mentions of one organisation and everything derived from them.
 * `db` must be a transaction.
 */
export async function deleteMentions(
  db: Kysely<Database>,
  organisationId: string,
  ids: readonly string[],
  options: RemoveOptions,
): Promise<DeletedCounts> {
  const counts: DeletedCounts = {
    mentions: 0,
    responseLinks: 0,
    inboxAssignments: 0,
    inboxNotes: 0,
    replyOutbox: 0,
    alerts: 0,
  }
  const threads = await lockThreadsOf(db, organisationId, ids)
  if (threads.length === 0) return counts
  const list = () => jsonList(ids)

  // Links first: their rollup trigger finds the days through the mentions, still there.
  counts.responseLinks = numberOf(
    await db
      .deleteFrom('response_links')
      .where('organisation_id', '=', organisationId)
      .where((eb) => eb.or([eb('inbound_id', 'in', list()), eb('outbound_id', 'in', list())]))
      .executeTakeFirst(),
  )
  counts.inboxAssignments = numberOf(
    await db
      .deleteFrom('inbox_assignments')
      .where('organisation_id', '=', organisationId)
      .where('mention_id', 'in', list())
      .executeTakeFirst(),
  )
  counts.inboxNotes = await deleteNotesOf(db, organisationId, ids)
  counts.replyOutbox = numberOf(
    await db
      .deleteFrom('reply_outbox')
      .where('organisation_id', '=', organisationId)
      .where((eb) =>
        eb.or([eb('mention_id', 'in', list()), eb('outbound_mention_id', 'in', list())]),
      )
      .executeTakeFirst(),
  )
  counts.alerts = await deleteAlertsOf(db, organisationId, ids)
  counts.mentions = numberOf(
    await db
      .deleteFrom('mentions')
      .where('organisation_id', '=', organisationId)
      .where('id', 'in', list())
      .executeTakeFirst(),
  )
  await reevaluateThreads(db, threads, {
    now: options.now,
    ...(options.enricher ? { enricher: options.enricher } : {}),
  })
  return counts
}

/**
 * Clears text, author, permalink and payload of the given mentions (kept as figures: their
 * direction, times, category, sentiment and SLA outcome stay), with the notes and the reply
 * texts that belong to them. `db` must be a transaction. Returns how many mentions changed.
 */
export async function redactMentions(
  db: Kysely<Database>,
  organisationId: string,
  ids: readonly string[],
  options: RemoveOptions,
): Promise<number> {
  const threads = await lockThreadsOf(db, organisationId, ids)
  if (threads.length === 0) return 0
  const changed = numberOf(
    await db
      .updateTable('mentions')
      .set({ ...REDACTED_MENTION, updated_at: options.now })
      .where('organisation_id', '=', organisationId)
      .where('id', 'in', jsonList(ids))
      .executeTakeFirst(),
  )
  await db
    .updateTable('overrides')
    .set({ note: null })
    .where('organisation_id', '=', organisationId)
    .where('mention_id', 'in', jsonList(ids))
    .where('note', 'is not', null)
    .execute()
  // Staff notes about the person go with the text they were about.
  await deleteNotesOf(db, organisationId, ids)
  await db
    .updateTable('reply_outbox')
    .set({ text: '', updated_at: options.now })
    .where('organisation_id', '=', organisationId)
    .where((eb) =>
      eb.or([
        eb('mention_id', 'in', jsonList(ids)),
        eb('outbound_mention_id', 'in', jsonList(ids)),
      ]),
    )
    .where('text', '<>', '')
    .execute()
  // Linking reads the text (auto-reply phrases): re-evaluate so links match what is stored.
  await reevaluateThreads(db, threads, {
    now: options.now,
    ...(options.enricher ? { enricher: options.enricher } : {}),
  })
  return changed
}

/** The threads of the given mentions, with their channels locked for this transaction. */
async function lockThreadsOf(
  db: Kysely<Database>,
  organisationId: string,
  ids: readonly string[],
): Promise<ThreadKey[]> {
  if (!db.isTransaction) throw new Error('[earshot] removing mentions needs a transaction')
  if (ids.length === 0) return []
  const rows = await db
    .selectFrom('mentions')
    .select(['channel_id', 'thread_key'])
    .distinct()
    .where('organisation_id', '=', organisationId)
    .where('id', 'in', jsonList(ids))
    .execute()
  await lockChannels(db, [...new Set(rows.map((r) => r.channel_id))])
  return rows.map((r) => ({ organisationId, channelId: r.channel_id, threadKey: r.thread_key }))
}

// The alert tables are typed in the dashboard (which owns alerts); their schema is core's.
async function deleteAlertsOf(
  db: Kysely<Database>,
  organisationId: string,
  ids: readonly string[],
): Promise<number> {
  const alerts = sql`(select a.id from alerts a where a.organisation_id = ${organisationId}
    and a.mention_id in ${jsonList(ids)})`
  await sql`delete from alert_deliveries where organisation_id = ${organisationId}
    and alert_id in ${alerts}`.execute(db)
  await sql`delete from alert_reads where organisation_id = ${organisationId}
    and alert_id in ${alerts}`.execute(db)
  const result = await sql`delete from alerts where organisation_id = ${organisationId}
    and mention_id in ${jsonList(ids)}`.execute(db)
  return Number(result.numAffectedRows ?? 0)
}

// Inbox notes are typed in the dashboard (which owns the inbox); their schema is core's.
async function deleteNotesOf(
  db: Kysely<Database>,
  organisationId: string,
  ids: readonly string[],
): Promise<number> {
  const result = await sql`delete from inbox_notes where organisation_id = ${organisationId}
    and mention_id in ${jsonList(ids)}`.execute(db)
  return Number(result.numAffectedRows ?? 0)
}

function numberOf(result: { numDeletedRows?: bigint; numUpdatedRows?: bigint } | undefined) {
  return Number(result?.numDeletedRows ?? result?.numUpdatedRows ?? 0)
}
