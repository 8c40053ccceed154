/**
 * @module Sign-in attempt counters, in the database so every `serve` process sees the same
 * counts: one row per key (an account's e-mail or a client address) and fixed window.
 */
import type { Kysely } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('login_attempts')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('window_ends_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('login_attempts_window_idx')
    .on('login_attempts')
    .column('window_ends_at')
    .execute()
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('login_attempts').execute()
}
