/**
 * @module Threads inherited from the parent chain (design § What counts as a response): a
 * mention delivered without a thread key joins its parent's thread, and is moved again when a
 * parent that arrived late turns out to sit in another thread. `thread_inherited` marks those
 * mentions (a collector's own thread key is never moved); the partial index finds a parent's
 * waiting children.
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable('mentions')
    .addColumn('thread_inherited', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute()
  await db.schema
    .createIndex('mentions_inherited_parent_idx')
    .on('mentions')
    .columns(['organisation_id', 'channel_id', 'parent_external_id'])
    .where(sql.ref('thread_inherited'), '=', true)
    .execute()
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('mentions_inherited_parent_idx').execute()
  await db.schema.alterTable('mentions').dropColumn('thread_inherited').execute()
}
