/**
 * @module Patient data as health data (docs/privacy.md): each organisation's retention and
 * redaction settings, and the record kept of every erasure done on request.
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('privacy_settings')
    .addColumn('organisation_id', 'text', (c) =>
      c.primaryKey().references('organisations.id').onDelete('cascade'),
    )
    // Null: keep mentions for ever (the default).
    .addColumn('mention_retention_months', 'integer', (c) =>
      c.check(sql`mention_retention_months between 1 and 1200`),
    )
    // What happens to an expired mention: deleted, or kept as a figure without text or author.
    .addColumn('mention_retention_action', 'text', (c) =>
      c.notNull().defaultTo('delete').check(sql`mention_retention_action in ('delete', 'redact')`),
    )
    // Null: keep platform payloads as long as their mention.
    .addColumn('raw_retention_months', 'integer', (c) =>
      c.check(sql`raw_retention_months between 1 and 1200`),
    )
    // Replace Medicare/NHS numbers, dates of birth and phone numbers by a token at ingest.
    .addColumn('redact_identifiers', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('erasure_records')
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('id', 'text', (c) => c.notNull())
    // The user who asked for it; null from the CLI.
    .addColumn('requested_by', 'text')
    .addColumn('requested_via', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    // SHA-256 of the normalised author key: proves which person was erased without keeping who.
    .addColumn('author_key_hash', 'text', (c) => c.notNull())
    .addColumn('counts', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('erasure_records_pk', ['organisation_id', 'id'])
    .execute()
  // No new index on mentions: retention walks each practice by its (practice, created_at) index,
  // and erasure is rare enough to scan one organisation; every index would slow every ingest.
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('erasure_records').ifExists().execute()
  await db.schema.dropTable('privacy_settings').ifExists().execute()
}
