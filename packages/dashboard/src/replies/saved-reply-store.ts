/**
 * @module Saved replies in the database: plain functions taking `db`, every one scoped to an
 * organisation and to the practices the caller may see (organisation-wide rows are visible to
 * all of the organisation's users). Another tenant's id reads as "no such saved reply".
 */
import { randomUUID } from 'node:crypto'
import type { Category, Database } from '@earshot/core'
import type { Kysely } from 'kysely'
import type { AuthState } from '../http/dashboard-env.js'
import {
  type SavedReplyChoice,
  type SavedReplyTarget,
  savedReplyChoices,
} from './saved-reply-match.js'
import { savedRepliesDb } from './saved-reply-tables.js'

/** A saved reply as the pages, the composer and the API use it. */
export interface SavedReply {
  id: string
  /** Null: the organisation-wide default. */
  practiceId: string | null
  title: string
  /** The template, with variables. */
  body: string
  /** Categories it suits; empty: any. */
  categories: Category[]
  /** Star ratings it suits; empty: any mention, rated or not. */
  ratings: number[]
  createdAt: Date
  createdBy: string | null
  updatedAt: Date
  updatedBy: string | null
}

/** What a user writes. */
export interface SavedReplyInput {
  practiceId: string | null
  title: string
  body: string
  categories: readonly Category[]
  ratings: readonly number[]
}

type Row = {
  id: string
  practice_id: string | null
  title: string
  body: string
  categories: string[] | string
  ratings: number[] | string
  created_at: Date | string
  created_by: string | null
  updated_at: Date | string
  updated_by: string | null
}

// pg returns jsonb parsed; keep a string fallback for drivers that do not.
const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v)

function toSavedReply(r: Row): SavedReply {
  return {
    id: r.id,
    practiceId: r.practice_id,
    title: r.title,
    body: r.body,
    categories: json(r.categories) as Category[],
    ratings: json(r.ratings),
    createdAt: new Date(r.created_at),
    createdBy: r.created_by,
    updatedAt: new Date(r.updated_at),
    updatedBy: r.updated_by,
  }
}

/**
 * The saved replies visible to someone who may see `practiceIds`: the organisation-wide ones
 * and those of these practices, by title.
 */
export async function listSavedReplies(
  db: Kysely<Database>,
  organisationId: string,
  practiceIds: readonly string[],
): Promise<SavedReply[]> {
  const rows = await savedRepliesDb(db)
    .selectFrom('saved_replies')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where((eb) =>
      practiceIds.length
        ? eb.or([eb('practice_id', 'is', null), eb('practice_id', 'in', [...practiceIds])])
        : eb('practice_id', 'is', null),
    )
    .orderBy('title')
    .orderBy('id')
    .execute()
  return rows.map(toSavedReply)
}

/** One saved reply, or undefined when it is not visible to the caller (or does not exist). */
export async function getSavedReply(
  db: Kysely<Database>,
  organisationId: string,
  practiceIds: readonly string[],
  id: string,
): Promise<SavedReply | undefined> {
  const row = await savedRepliesDb(db)
    .selectFrom('saved_replies')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
  if (!row || (row.practice_id !== null && !practiceIds.includes(row.practice_id))) return undefined
  return toSavedReply(row)
}

/** Stores a new saved reply; returns its id. The caller checked input and permission. */
export async function createSavedReply(
  db: Kysely<Database>,
  organisationId: string,
  input: SavedReplyInput,
  userId: string | null,
  now: Date,
): Promise<string> {
  const id = randomUUID()
  await savedRepliesDb(db)
    .insertInto('saved_replies')
    .values({
      organisation_id: organisationId,
      id,
      practice_id: input.practiceId,
      title: input.title,
      body: input.body,
      categories: JSON.stringify(input.categories),
      ratings: JSON.stringify(input.ratings),
      created_at: now,
      created_by: userId,
      updated_at: now,
      updated_by: userId,
    })
    .execute()
  return id
}

/** Replaces a saved reply's fields (its practice may change too). */
export async function updateSavedReply(
  db: Kysely<Database>,
  organisationId: string,
  id: string,
  input: SavedReplyInput,
  userId: string | null,
  now: Date,
): Promise<void> {
  await savedRepliesDb(db)
    .updateTable('saved_replies')
    .set({
      practice_id: input.practiceId,
      title: input.title,
      body: input.body,
      categories: JSON.stringify(input.categories),
      ratings: JSON.stringify(input.ratings),
      updated_at: now,
      updated_by: userId,
    })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .execute()
}

export async function deleteSavedReply(
  db: Kysely<Database>,
  organisationId: string,
  id: string,
): Promise<void> {
  await savedRepliesDb(db)
    .deleteFrom('saved_replies')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .execute()
}

/** The saved replies the composer offers for one mention (in the caller's scope), filled in for it. */
export async function savedReplyChoicesFor(
  db: Kysely<Database>,
  auth: Pick<AuthState, 'organisationId' | 'practices'>,
  mention: SavedReplyTarget & { authorName: string | null },
): Promise<SavedReplyChoice[]> {
  const replies = await listSavedReplies(db, auth.organisationId, [mention.practiceId])
  const practice = auth.practices.find((p) => p.id === mention.practiceId)
  return savedReplyChoices(replies, mention, practice)
}
