/**
 * @module Table types of the inbox collaboration tables (migrations 200 and 220): assignments,
 * internal notes and bulk actions, joined onto core's `Database` with Kysely's `withTables`.
 */
import type { Database } from '@earshot/core'
import type { ColumnType, Kysely } from 'kysely'

type Timestamp = ColumnType<Date, Date | string, Date | string>
type Json<T> = ColumnType<T, string, string>

export interface InboxNoteTable {
  organisation_id: string
  id: string
  practice_id: string
  mention_id: string
  user_id: string
  text: string
  created_at: Timestamp
}

/** One mention of a bulk action and what it replaced. */
export interface BulkItem {
  mentionId: string
  practiceId: string
  previousAssignee: string | null
}

export interface InboxBulkActionTable {
  organisation_id: string
  id: string
  user_id: string
  action: BulkActionKind
  assignee_id: string | null
  items: Json<BulkItem[]>
  created_at: Timestamp
  undone_at: Timestamp | null
}

export const BULK_ACTIONS = ['assign', 'unassign', 'no_reply_needed', 'handled_elsewhere'] as const
export type BulkActionKind = (typeof BULK_ACTIONS)[number]

export type InboxTables = {
  inbox_notes: InboxNoteTable
  inbox_bulk_actions: InboxBulkActionTable
}

/** `db` with the inbox collaboration tables. */
export function inboxDb(db: Kysely<Database>): Kysely<Database & InboxTables> {
  return db.withTables<InboxTables>()
}
