/**
 * @module Webhook deliveries kept durably: the receiver verifies a delivery, stores it here and
 * answers at once; a job ingests it. A delivery that keeps failing is marked `quarantined` with
 * the reason, never dropped. Not tenant-scoped by a single organisation: one Meta delivery can be
 * for Pages of several organisations, so it names the verified channels instead.
 */
import type { Kysely } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('platform', 'text', (c) => c.notNull())
    // The verified channels, as [{ organisationId, channelId }].
    .addColumn('channels', 'jsonb', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    // received → ingested | quarantined
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('received'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('result', 'jsonb')
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addColumn('processed_at', 'timestamptz')
    .execute()
  await db.schema
    .createIndex('webhook_deliveries_status_idx')
    .on('webhook_deliveries')
    .columns(['status', 'received_at'])
    .execute()
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('webhook_deliveries').ifExists().execute()
}
