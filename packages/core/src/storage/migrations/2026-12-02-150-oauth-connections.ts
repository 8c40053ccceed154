/**
 * @module Connections in progress: one row per "Connect Facebook/Google/X" click, from the
 * redirect to the provider until the picked accounts became channels. `state` is stored only as
 * a SHA-256 digest and bound to the digest of the session that started it; the PKCE verifier
 * and, after the callback, the accounts with their tokens are sealed with the keyring. Rows
 * expire within minutes and are deleted when used.
 */
import type { Kysely } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('oauth_connections')
    .addColumn('organisation_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('state_hash', 'text', (c) => c.notNull())
    .addColumn('session_hash', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('practice_id', 'text', (c) => c.notNull())
    // Set for a reconnect of an existing channel.
    .addColumn('channel_id', 'text')
    .addColumn('provider', 'text', (c) => c.notNull())
    // 'authorizing' until the callback, then 'picking'.
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('ciphertext', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('oauth_connections_pk', ['organisation_id', 'id'])
    .addForeignKeyConstraint(
      'oauth_connections_practice_fk',
      ['organisation_id', 'practice_id'],
      'practices',
      ['organisation_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute()
  await db.schema
    .createIndex('oauth_connections_state_uq')
    .unique()
    .on('oauth_connections')
    .column('state_hash')
    .execute()
  await db.schema
    .createIndex('oauth_connections_expiry_idx')
    .on('oauth_connections')
    .column('expires_at')
    .execute()
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('oauth_connections').ifExists().execute()
}
