/**
 * @module Table type of saved replies (migration 2026-12-03-1100-saved-replies), kept beside the
 * code that uses it and joined onto core's `Database` with Kysely's `withTables`.
 */
import type { Database } from '@earshot/core'
import type { ColumnType, Kysely } from 'kysely'

type Timestamp = ColumnType<Date, Date | string, Date | string>
type Json<T> = ColumnType<T, string | undefined, string>

export interface SavedReplyTable {
  organisation_id: string
  id: string
  /** Null: the organisation-wide default. */
  practice_id: string | null
  title: string
  /** The template, with `{practice_name}`-style variables. */
  body: string
  /** Triage categories it suits; empty: any. */
  categories: Json<string[]>
  /** Star ratings it suits; empty: any mention, rated or not. */
  ratings: Json<number[]>
  created_at: Timestamp
  created_by: string | null
  updated_at: Timestamp
  updated_by: string | null
}

/** The database with the saved-replies table. */
export type SavedReplyDatabase = Database & { saved_replies: SavedReplyTable }

/** `db` typed with the saved-replies table. */
export function savedRepliesDb(db: Kysely<Database>): Kysely<SavedReplyDatabase> {
  return db.withTables<{ saved_replies: SavedReplyTable }>()
}
