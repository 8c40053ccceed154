/**
 * @module Channel credentials, encrypted at rest: the access/refresh tokens of a connected
 * account live here as AES-256-GCM ciphertext (never in `channels.config`). Expiry and scopes
 * stay readable so refresh can be scheduled and missing permissions shown without decrypting.
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('channel_credentials')
    .addColumn('organisation_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    // Which key of the keyring sealed `ciphertext` (rotation re-seals rows with old key ids).
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('ciphertext', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz')
    .addColumn('scopes', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('channel_credentials_pk', ['organisation_id', 'channel_id'])
    .addForeignKeyConstraint(
      'channel_credentials_channel_fk',
      ['organisation_id', 'channel_id'],
      'channels',
      ['organisation_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute()
  await db.schema
    .createIndex('channel_credentials_key_idx')
    .on('channel_credentials')
    .column('key_id')
    .execute()
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('channel_credentials').ifExists().execute()
}
