/**
 * @module Saved replies (docs/dashboard.md § Saved replies): reply templates per organisation,
 * optionally per practice, offered in the composer by the mention's category and star rating.
 * The practice gains the two values templates need that it did not have: a phone number and a
 * booking link.
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

export async function up(db: AnyDb): Promise<void> {
  // Shown to the public in replies ({practice_phone}, {booking_link}); null until set.
  await db.schema.alterTable('practices').addColumn('phone', 'text').execute()
  await db.schema.alterTable('practices').addColumn('booking_url', 'text').execute()

  await db.schema
    .createTable('saved_replies')
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('id', 'text', (c) => c.notNull())
    // Null: the organisation-wide default; a practice's own reply of the same title replaces it.
    .addColumn('practice_id', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    // The template, with {practice_name}-style variables; rendered, never stored rendered.
    .addColumn('body', 'text', (c) => c.notNull())
    // Triage categories it suits; empty: any category.
    .addColumn('categories', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    // Star ratings (1–5) it suits; empty: any mention, rated or not.
    .addColumn('ratings', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .addPrimaryKeyConstraint('saved_replies_pk', ['organisation_id', 'id'])
    // MATCH SIMPLE: an organisation-wide row (null practice) is not checked; a practice's rows
    // go with the practice.
    .addForeignKeyConstraint(
      'saved_replies_practice_fk',
      ['organisation_id', 'practice_id'],
      'practices',
      ['organisation_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute()
  await db.schema
    .createIndex('saved_replies_practice_idx')
    .on('saved_replies')
    .columns(['organisation_id', 'practice_id'])
    .execute()
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('saved_replies').ifExists().execute()
  await db.schema.alterTable('practices').dropColumn('booking_url').execute()
  await db.schema.alterTable('practices').dropColumn('phone').execute()
}
