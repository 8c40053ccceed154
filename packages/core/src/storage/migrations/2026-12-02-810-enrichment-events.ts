/**
 * @module Re-enrichment events: when a newer enricher version re-classifies a stored mention,
 * one row records which version classified it before and after and what changed, so the
 * mention's audit trail can show it.
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('enrichment_events')
    .addColumn('organisation_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('mention_id', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('from_enricher', 'text')
    .addColumn('to_enricher', 'text', (c) => c.notNull())
    .addColumn('before', 'jsonb', (c) => c.notNull())
    .addColumn('after', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('enrichment_events_pk', ['organisation_id', 'id'])
    .addForeignKeyConstraint(
      'enrichment_events_mention_fk',
      ['organisation_id', 'mention_id'],
      'mentions',
      ['organisation_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute()
  await db.schema
    .createIndex('enrichment_events_mention_idx')
    .on('enrichment_events')
    .columns(['organisation_id', 'mention_id', 'at'])
    .execute()
  // Finding stale mentions: the enricher tag differs from the current one.
  await sql`create index mentions_enricher_idx on mentions (organisation_id, enricher)`.execute(db)
}

export async function down(db: AnyDb): Promise<void> {
  await sql`drop index if exists mentions_enricher_idx`.execute(db)
  await db.schema.dropTable('enrichment_events').execute()
}
