/**
 * @module Signatures of accepted web-chat deliveries, until their timestamp leaves the tolerance
 * window: in the database, so a replay is refused whichever `serve` process it reaches, and keyed
 * by the signature, so another spelling of the URL is the same request.
 */
import type { Kysely } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('webhook_replays')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('webhook_replays_expires_idx')
    .on('webhook_replays')
    .column('expires_at')
    .execute()
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('webhook_replays').execute()
}
