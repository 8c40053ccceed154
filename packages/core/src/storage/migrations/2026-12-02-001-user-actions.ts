/**
 * @module The user-action log: who replied, overrode, changed settings, exported or invited whom,
 * and when. Append-only; agency admins read and export it.
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('user_actions')
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('id', 'text', (c) => c.notNull())
    // Null for actions taken by the system or the CLI without a signed-in user.
    .addColumn('user_id', 'text')
    .addColumn('practice_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text')
    .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_actions_pk', ['organisation_id', 'id'])
    .execute()
  await db.schema
    .createIndex('user_actions_org_time_idx')
    .on('user_actions')
    .columns(['organisation_id', 'created_at', 'id'])
    .execute()
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('user_actions').ifExists().execute()
}
