/**
 * @module The public promise badge (opt-in per practice) and request counters for public,
 * unauthenticated routes: counted in the database so every `serve` process shares the limit.
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('public_badges')
    .addColumn('organisation_id', 'text', (c) => c.notNull())
    .addColumn('practice_id', 'text', (c) => c.notNull())
    // A random identifier, not the practice id: the public URL says nothing about the tenant.
    .addColumn('public_id', 'text', (c) => c.notNull().unique())
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('public_badges_pk', ['organisation_id', 'practice_id'])
    .addForeignKeyConstraint(
      'public_badges_practice_fk',
      ['organisation_id', 'practice_id'],
      'practices',
      ['organisation_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute()
  await db.schema
    .createTable('request_counters')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('window_ends_at', 'timestamptz', (c) => c.notNull())
    .execute()
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('request_counters').execute()
  await db.schema.dropTable('public_badges').execute()
}
