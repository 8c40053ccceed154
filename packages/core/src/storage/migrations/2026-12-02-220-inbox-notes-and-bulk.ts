/**
 * @module Inbox collaboration: internal notes on a mention (never sent to any platform) and the
 * record of each bulk action (assign, unassign, no reply needed, handled elsewhere) with what it
 * replaced, so the last one can be undone for a short while.
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('inbox_notes')
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('practice_id', 'text', (c) => c.notNull())
    .addColumn('mention_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('inbox_notes_pk', ['organisation_id', 'id'])
    .execute()
  await db.schema
    .createIndex('inbox_notes_mention_idx')
    .on('inbox_notes')
    .columns(['organisation_id', 'mention_id', 'created_at'])
    .execute()

  await db.schema
    .createTable('inbox_bulk_actions')
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) =>
      c
        .notNull()
        .check(sql`action in ('assign', 'unassign', 'no_reply_needed', 'handled_elsewhere')`),
    )
    .addColumn('assignee_id', 'text')
    // [{ mentionId, practiceId, previousAssignee }]: what undo restores.
    .addColumn('items', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('undone_at', 'timestamptz')
    .addPrimaryKeyConstraint('inbox_bulk_actions_pk', ['organisation_id', 'id'])
    .execute()
  await db.schema
    .createIndex('inbox_bulk_actions_user_idx')
    .on('inbox_bulk_actions')
    .columns(['organisation_id', 'user_id', 'created_at'])
    .execute()
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('inbox_bulk_actions').ifExists().execute()
  await db.schema.dropTable('inbox_notes').ifExists().execute()
}
