/**
 * @module What staff do to inbox items besides replying: assign (to themselves or a colleague),
 * unassign, mark "no reply needed" or "handled elsewhere" — on one item or a selection — undo
 * the last such action for a short while, and leave internal notes (never sent to a platform).
 * Every function takes the actor's scope and touches nothing outside it; status changes go
 * through core's `recordOverride` (the decision path that re-links the thread), and every
 * change is written to the user-action log in the same transaction.
 */
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { recordUserAction } from '../audit/user-actions.js'
import { getUser } from '../auth/create-user.js'
import type { Database } from '../core.js'
import { overrideByUser, type RecordOverride } from '../data/record-override.js'
import { HttpError } from '../http/http-errors.js'
import { type BulkActionKind, type BulkItem, inboxDb } from './inbox-tables.js'

/** How long the last bulk action can be undone. */
export const UNDO_WINDOW_MS = 10 * 60_000

/** At most this many items per bulk action (a page of the inbox holds at most 500). */
export const MAX_BULK_ITEMS = 500

/** Who acts, within which practices. */
export interface InboxActor {
  organisationId: string
  user: { id: string; email: string }
  practices: readonly { id: string }[]
}

/** The inbound mentions `ids` name, all inside the actor's practices; NOT_FOUND otherwise. */
async function mentionsInScope(
  db: Kysely<Database>,
  actor: InboxActor,
  ids: readonly string[],
): Promise<{ id: string; practice_id: string }[]> {
  const unique = [...new Set(ids)]
  if (unique.length === 0) throw new HttpError('INVALID_INPUT', 'select at least one item')
  if (unique.length > MAX_BULK_ITEMS)
    throw new HttpError('INVALID_INPUT', `at most ${MAX_BULK_ITEMS} items at once`)
  const practiceIds = actor.practices.map((p) => p.id)
  if (practiceIds.length === 0) throw new HttpError('NOT_FOUND', 'no such mention')
  const rows = await db
    .selectFrom('mentions')
    .select(['id', 'practice_id'])
    .where('organisation_id', '=', actor.organisationId)
    .where('practice_id', 'in', practiceIds)
    .where('direction', '=', 'inbound')
    .where('id', 'in', unique)
    .execute()
  if (rows.length !== unique.length) throw new HttpError('NOT_FOUND', 'no such mention')
  return rows
}

/** The colleague to assign to: a non-viewer of the organisation who sees every practice touched. */
async function assignableUser(
  db: Kysely<Database>,
  organisationId: string,
  userId: string,
  practiceIds: ReadonlySet<string>,
): Promise<string> {
  const user = await getUser(db, organisationId, userId)
  if (!user) throw new HttpError('INVALID_INPUT', 'assignee: no such colleague')
  if (user.role === 'viewer')
    throw new HttpError('INVALID_INPUT', 'assignee: a viewer cannot answer mentions')
  if (user.role !== 'agency_admin') {
    const sees = new Set(user.practiceIds)
    if ([...practiceIds].some((p) => !sees.has(p)))
      throw new HttpError('INVALID_INPUT', 'assignee: cannot see every selected practice')
  }
  return user.id
}

export interface BulkActionInput {
  mentionIds: readonly string[]
  action: BulkActionKind
  /** For `assign`: the colleague's user id. */
  assigneeId?: string
  now: Date
}

/** Applies an action to the selection; returns the id undo takes. */
export async function applyBulkAction(
  db: Kysely<Database>,
  recordOverride: RecordOverride,
  actor: InboxActor,
  input: BulkActionInput,
): Promise<{ id: string; count: number }> {
  const mentions = await mentionsInScope(db, actor, input.mentionIds)
  const ids = mentions.map((m) => m.id)
  let assignee: string | null = null
  if (input.action === 'assign') {
    if (!input.assigneeId) throw new HttpError('INVALID_INPUT', 'assignee: choose a colleague')
    assignee = await assignableUser(
      db,
      actor.organisationId,
      input.assigneeId,
      new Set(mentions.map((m) => m.practice_id)),
    )
  }
  // Status decisions go through core's decision path, one mention at a time (each re-links
  // its own thread); the ids were all checked above, so none is refused half-way.
  if (input.action === 'no_reply_needed' || input.action === 'handled_elsewhere') {
    for (const id of ids)
      await recordOverride(db, overrideByUser(actor, id, { action: input.action }, input.now))
  }
  const bulkId = randomUUID()
  await db.transaction().execute(async (trx) => {
    // "The last action" must be well defined: each of a user's actions is at least 1 ms after
    // the one before, even when clocks repeat.
    const latest = await inboxDb(trx)
      .selectFrom('inbox_bulk_actions')
      .select((eb) => eb.fn.max('created_at').as('last'))
      .where('organisation_id', '=', actor.organisationId)
      .where('user_id', '=', actor.user.id)
      .executeTakeFirst()
    const createdAt = new Date(
      Math.max(
        input.now.getTime(),
        latest?.last ? new Date(latest.last).getTime() + 1 : Number.NEGATIVE_INFINITY,
      ),
    )
    const previous = await trx
      .selectFrom('inbox_assignments')
      .select(['mention_id', 'user_id'])
      .where('organisation_id', '=', actor.organisationId)
      .where('mention_id', 'in', ids)
      .execute()
    const before = new Map(previous.map((r) => [r.mention_id, r.user_id]))
    if (input.action === 'assign' || input.action === 'unassign')
      await setAssignees(
        trx,
        actor,
        mentions.map((m) => ({ ...m, assignee })),
        input.now,
      )
    const items: BulkItem[] = mentions.map((m) => ({
      mentionId: m.id,
      practiceId: m.practice_id,
      previousAssignee: before.get(m.id) ?? null,
    }))
    await inboxDb(trx)
      .insertInto('inbox_bulk_actions')
      .values({
        organisation_id: actor.organisationId,
        id: bulkId,
        user_id: actor.user.id,
        action: input.action,
        assignee_id: assignee,
        items: JSON.stringify(items),
        created_at: createdAt,
        undone_at: null,
      })
      .execute()
    for (const m of mentions)
      await recordUserAction(
        trx,
        {
          organisationId: actor.organisationId,
          userId: actor.user.id,
          practiceId: m.practice_id,
          action:
            input.action === 'assign' || input.action === 'unassign'
              ? 'mention.assigned'
              : 'override.recorded',
          targetType: 'mention',
          targetId: m.id,
          detail: { action: input.action, assignee, bulkId, selected: mentions.length },
        },
        input.now,
      )
  })
  return { id: bulkId, count: mentions.length }
}

/** Sets (or, with a null assignee, clears) the assignee of each mention. */
async function setAssignees(
  trx: Kysely<Database>,
  actor: InboxActor,
  rows: readonly { id: string; practice_id: string; assignee: string | null }[],
  now: Date,
): Promise<void> {
  await trx
    .deleteFrom('inbox_assignments')
    .where('organisation_id', '=', actor.organisationId)
    .where(
      'mention_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute()
  const assigned = rows.filter((r) => r.assignee !== null)
  if (assigned.length === 0) return
  await trx
    .insertInto('inbox_assignments')
    .values(
      assigned.map((r) => ({
        organisation_id: actor.organisationId,
        mention_id: r.id,
        practice_id: r.practice_id,
        user_id: r.assignee!,
        assigned_by: actor.user.id,
        assigned_at: now,
      })),
    )
    .execute()
}

/** The actor's last bulk action that can still be undone, if any. */
export async function undoableBulkAction(
  db: Kysely<Database>,
  actor: InboxActor,
  now: Date,
): Promise<{ id: string; action: BulkActionKind; count: number } | undefined> {
  const row = await inboxDb(db)
    .selectFrom('inbox_bulk_actions')
    .select(['id', 'action', 'items', 'undone_at'])
    .where('organisation_id', '=', actor.organisationId)
    .where('user_id', '=', actor.user.id)
    .where('created_at', '>', new Date(now.getTime() - UNDO_WINDOW_MS))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()
  if (!row || row.undone_at) return undefined
  return { id: row.id, action: row.action, count: parseItems(row.items).length }
}

function parseItems(raw: unknown): BulkItem[] {
  const value = typeof raw === 'string' ? JSON.parse(raw) : raw
  return Array.isArray(value) ? (value as BulkItem[]) : []
}

/**
 * Undoes the actor's bulk action `bulkId` if it is their last one and still inside the undo
 * window: assignments go back to what they were, "no reply needed" / "handled elsewhere" are
 * reversed with a "needs reply" decision. NOT_FOUND unless it is the actor's own; CONFLICT when
 * it is too late, not their last, or already undone.
 */
export async function undoBulkAction(
  db: Kysely<Database>,
  recordOverride: RecordOverride,
  actor: InboxActor,
  bulkId: string,
  now: Date,
): Promise<{ action: BulkActionKind; count: number }> {
  // Only one's own actions: anyone else's (or another organisation's) id is not found.
  const row = await inboxDb(db)
    .selectFrom('inbox_bulk_actions')
    .selectAll()
    .where('organisation_id', '=', actor.organisationId)
    .where('user_id', '=', actor.user.id)
    .where('id', '=', bulkId)
    .executeTakeFirst()
  if (!row) throw new HttpError('NOT_FOUND', 'no such action')
  const last = await undoableBulkAction(db, actor, now)
  if (last?.id !== bulkId)
    throw new HttpError('CONFLICT', 'only your last action of the past 10 minutes can be undone')
  const allowed = new Set(actor.practices.map((p) => p.id))
  const items = parseItems(row.items).filter((i) => allowed.has(i.practiceId))
  if (row.action === 'no_reply_needed' || row.action === 'handled_elsewhere') {
    for (const item of items)
      await recordOverride(
        db,
        overrideByUser(actor, item.mentionId, { action: 'needs_reply' }, now),
      )
  }
  await db.transaction().execute(async (trx) => {
    // Marked first and only if still open: two undo clicks race to one winner.
    const marked = await inboxDb(trx)
      .updateTable('inbox_bulk_actions')
      .set({ undone_at: now })
      .where('organisation_id', '=', actor.organisationId)
      .where('id', '=', bulkId)
      .where('undone_at', 'is', null)
      .executeTakeFirst()
    if (Number(marked.numUpdatedRows) !== 1) throw new HttpError('CONFLICT', 'already undone')
    if (row.action === 'assign' || row.action === 'unassign')
      await setAssignees(
        trx,
        actor,
        items.map((i) => ({
          id: i.mentionId,
          practice_id: i.practiceId,
          assignee: i.previousAssignee,
        })),
        now,
      )
    for (const item of items)
      await recordUserAction(
        trx,
        {
          organisationId: actor.organisationId,
          userId: actor.user.id,
          practiceId: item.practiceId,
          action:
            row.action === 'assign' || row.action === 'unassign'
              ? 'mention.assigned'
              : 'override.recorded',
          targetType: 'mention',
          targetId: item.mentionId,
          detail: { undo: row.action, bulkId, assignee: item.previousAssignee },
        },
        now,
      )
  })
  return { action: row.action, count: items.length }
}

/** Adds an internal note to a mention (kept in Earshot; never sent to the platform). */
export async function addNote(
  db: Kysely<Database>,
  actor: InboxActor,
  mentionId: string,
  text: string,
  now: Date,
): Promise<string> {
  const trimmed = text.trim()
  if (!trimmed) throw new HttpError('INVALID_INPUT', 'note: write something')
  if (trimmed.length > 2000) throw new HttpError('INVALID_INPUT', 'note: at most 2,000 characters')
  const [mention] = await mentionsInScope(db, actor, [mentionId])
  const id = randomUUID()
  await db.transaction().execute(async (trx) => {
    await inboxDb(trx)
      .insertInto('inbox_notes')
      .values({
        organisation_id: actor.organisationId,
        id,
        practice_id: mention!.practice_id,
        mention_id: mention!.id,
        user_id: actor.user.id,
        text: trimmed,
        created_at: now,
      })
      .execute()
    // The note's text stays out of the log (it may quote the patient).
    await recordUserAction(
      trx,
      {
        organisationId: actor.organisationId,
        userId: actor.user.id,
        practiceId: mention!.practice_id,
        action: 'mention.noted',
        targetType: 'mention',
        targetId: mention!.id,
        detail: { noteId: id, length: trimmed.length },
      },
      now,
    )
  })
  return id
}

export interface InboxNote {
  id: string
  mentionId: string
  userId: string
  text: string
  createdAt: Date
}

/** The notes of the given mentions (of the organisation), oldest first, by mention id. */
export async function notesOf(
  db: Kysely<Database>,
  organisationId: string,
  mentionIds: readonly string[],
): Promise<Map<string, InboxNote[]>> {
  const out = new Map<string, InboxNote[]>()
  if (mentionIds.length === 0) return out
  const rows = await inboxDb(db)
    .selectFrom('inbox_notes')
    .select(['id', 'mention_id', 'user_id', 'text', 'created_at'])
    .where('organisation_id', '=', organisationId)
    .where('mention_id', 'in', [...new Set(mentionIds)])
    .orderBy('created_at')
    .orderBy('id')
    .execute()
  for (const r of rows) {
    const list = out.get(r.mention_id) ?? []
    list.push({
      id: r.id,
      mentionId: r.mention_id,
      userId: r.user_id,
      text: r.text,
      createdAt: new Date(r.created_at),
    })
    out.set(r.mention_id, list)
  }
  return out
}

/** Colleagues an item can be assigned to (not viewers), by name. */
export async function assignableColleagues(
  db: Kysely<Database>,
  organisationId: string,
): Promise<{ id: string; name: string }[]> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'name', 'email'])
    .where('organisation_id', '=', organisationId)
    .where('role', '!=', 'viewer')
    .orderBy('name')
    .orderBy('id')
    .execute()
  return rows.map((r) => ({ id: r.id, name: r.name || r.email }))
}
