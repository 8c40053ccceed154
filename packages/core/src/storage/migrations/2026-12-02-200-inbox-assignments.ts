/**
 * @module Inbox assignment: which staff member is answering an open mention. One row per
 * mention (the current assignee); the history of who assigned whom lives in the user-action log.
 */
import type { Kysely } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('inbox_assignments')
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('mention_id', 'text', (c) => c.notNull())
    .addColumn('practice_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('assigned_by', 'text')
    .addColumn('assigned_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('inbox_assignments_pk', ['organisation_id', 'mention_id'])
    .execute()
  // "Mine" filters by assignee.
  await db.schema
    .createIndex('inbox_assignments_user_idx')
    .on('inbox_assignments')
    .columns(['organisation_id', 'user_id'])
    .execute()
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('inbox_assignments').ifExists().execute()
}
