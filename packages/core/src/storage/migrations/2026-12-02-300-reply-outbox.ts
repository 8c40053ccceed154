/**
 * @module The reply outbox: every reply sent from Earshot is a row here before the platform is
 * called (platform-write-apis.md § 0, "Outbox, not fire-and-forget"), so a failed send is kept
 * with its reason and can be retried, and a lint override keeps its reason.
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('reply_outbox')
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('practice_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    // The inbound mention this answers.
    .addColumn('mention_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('visibility', 'text', (c) => c.notNull())
    // pending → sent | failed | unknown (the platform may have posted: reconcile before retrying).
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('failure_kind', 'text')
    .addColumn('failure_reason', 'text')
    .addColumn('lint_warnings', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('override_reason', 'text')
    .addColumn('outbound_external_id', 'text')
    .addColumn('outbound_mention_id', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz')
    .addPrimaryKeyConstraint('reply_outbox_pk', ['organisation_id', 'id'])
    .execute()
  await db.schema
    .createIndex('reply_outbox_mention_idx')
    .on('reply_outbox')
    .columns(['organisation_id', 'mention_id', 'created_at'])
    .execute()
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('reply_outbox').ifExists().execute()
}
