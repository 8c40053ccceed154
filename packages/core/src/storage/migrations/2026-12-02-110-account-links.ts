/**
 * @module Account links: the single-use, expiring links that set a password, mailed when a user
 * is invited or asks to reset theirs. Only the SHA-256 digest of a link's secret is stored.
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('account_links')
    .addColumn('organisation_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('invite','reset')`))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    // Null when the user asked for it (a reset) or the CLI issued it.
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('account_links_pk', ['organisation_id', 'id'])
    .addForeignKeyConstraint(
      'account_links_user_fk',
      ['organisation_id', 'user_id'],
      'users',
      ['organisation_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute()
  await db.schema
    .createIndex('account_links_user_idx')
    .on('account_links')
    .columns(['organisation_id', 'user_id', 'purpose'])
    .execute()
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('account_links').ifExists().execute()
}
