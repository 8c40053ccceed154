/**
 * @module A fingerprint per quarantined item (source, reason, tenant, channel and payload), unique,
 * so re-running an import or a platform redelivering a webhook does not quarantine the same bad
 * item again. Rows from before have none (NULLs never collide).
 */
import type { Kysely } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('quarantine').addColumn('fingerprint', 'text').execute()
  await db.schema
    .createIndex('quarantine_fingerprint_idx')
    .unique()
    .on('quarantine')
    .column('fingerprint')
    .execute()
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('quarantine_fingerprint_idx').execute()
  await db.schema.alterTable('quarantine').dropColumn('fingerprint').execute()
}
