/**
 * @module The initial schema. Tenant tables key on organisation_id first (see design § Storage).
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('organisations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()

  await db.schema
    .createTable('practices')
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('holiday_region', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('practices_pk', ['organisation_id', 'id'])
    .addUniqueConstraint('practices_slug_uq', ['organisation_id', 'slug'])
    .execute()

  for (const table of ['schedules', 'promises'] as const) {
    await db.schema
      .createTable(table)
      .addColumn('organisation_id', 'text', (c) => c.notNull())
      .addColumn('practice_id', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('effective_from', 'timestamptz', (c) => c.notNull())
      .addColumn('spec', 'jsonb', (c) => c.notNull())
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('created_by', 'text')
      .addPrimaryKeyConstraint(`${table}_pk`, ['organisation_id', 'practice_id', 'version'])
      .addForeignKeyConstraint(
        `${table}_practice_fk`,
        ['organisation_id', 'practice_id'],
        'practices',
        ['organisation_id', 'id'],
        (fk) => fk.onDelete('cascade'),
      )
      .execute()
  }

  await db.schema
    .createTable('channels')
    .addColumn('organisation_id', 'text', (c) => c.notNull())
    .addColumn('practice_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('external_account_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('own_identities', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('config', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('checkpoint', 'jsonb')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('poll_interval_seconds', 'integer', (c) => c.notNull().defaultTo(300))
    .addColumn('next_poll_at', 'timestamptz')
    .addColumn('last_success_at', 'timestamptz')
    .addColumn('last_error_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('items_collected', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('channels_pk', ['organisation_id', 'id'])
    .addForeignKeyConstraint(
      'channels_practice_fk',
      ['organisation_id', 'practice_id'],
      'practices',
      ['organisation_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute()
  // Channel ids are globally unique (uuids) so a webhook can find its channel from the URL alone.
  await db.schema.createIndex('channels_id_uq').unique().on('channels').column('id').execute()

  await db.schema
    .createTable('mentions')
    .addColumn('organisation_id', 'text', (c) => c.notNull())
    .addColumn('practice_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) =>
      c.notNull().check(sql`direction in ('inbound','outbound')`),
    )
    .addColumn('thread_key', 'text', (c) => c.notNull())
    .addColumn('parent_external_id', 'text')
    .addColumn('author_id', 'text')
    .addColumn('author_name', 'text')
    .addColumn('author_handle', 'text')
    .addColumn('text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('permalink', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('edited_at', 'timestamptz')
    .addColumn('deleted_at', 'timestamptz')
    .addColumn('rating', 'real')
    .addColumn('is_auto_reply', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('is_tombstone', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('language', 'text')
    .addColumn('raw', 'jsonb')
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('sentiment_score', 'double precision')
    .addColumn('sentiment_label', 'text')
    .addColumn('sentiment_confidence', 'double precision')
    .addColumn('needs_reply', 'boolean')
    .addColumn('category', 'text')
    .addColumn('triage_reasons', 'jsonb')
    .addColumn('privacy', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('urgent', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('lint', 'jsonb')
    .addColumn('enricher', 'text')
    .addColumn('ingested_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('mentions_pk', ['organisation_id', 'id'])
    .addUniqueConstraint('mentions_identity_uq', [
      'organisation_id',
      'channel_id',
      'platform',
      'external_id',
    ])
    .addForeignKeyConstraint(
      'mentions_channel_fk',
      ['organisation_id', 'channel_id'],
      'channels',
      ['organisation_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute()
  await db.schema
    .createIndex('mentions_thread_idx')
    .on('mentions')
    .columns(['organisation_id', 'channel_id', 'thread_key', 'created_at'])
    .execute()
  await db.schema
    .createIndex('mentions_practice_created_idx')
    .on('mentions')
    .columns(['organisation_id', 'practice_id', 'created_at'])
    .execute()
  await db.schema
    .createIndex('mentions_outbound_idx')
    .on('mentions')
    .columns(['organisation_id', 'practice_id', 'direction', 'created_at'])
    .execute()

  await db.schema
    .createTable('response_links')
    .addColumn('organisation_id', 'text', (c) => c.notNull())
    .addColumn('practice_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('inbound_id', 'text', (c) => c.notNull())
    .addColumn('outbound_id', 'text')
    .addColumn('response_source', 'text')
    .addColumn('responded_at', 'timestamptz')
    .addColumn('needs_reply', 'boolean', (c) => c.notNull())
    .addColumn('exempt_reason', 'text')
    .addColumn('category', 'text')
    .addColumn('target_index', 'integer')
    .addColumn('target_name', 'text')
    .addColumn('clock', 'text')
    .addColumn('target_ms', 'double precision')
    .addColumn('clock_started_at', 'timestamptz')
    .addColumn('due_at', 'timestamptz')
    .addColumn('at_risk_at', 'timestamptz')
    .addColumn('wall_ms', 'double precision')
    .addColumn('business_ms', 'double precision')
    .addColumn('outcome', 'text')
    .addColumn('schedule_version', 'integer')
    .addColumn('promise_version', 'integer')
    .addColumn('explanation', 'jsonb', (c) => c.notNull())
    .addColumn('evaluated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('response_links_pk', ['organisation_id', 'inbound_id'])
    .execute()
  // No foreign key to mentions on purpose: links are derived data, rewritten in bulk on every
  // ingest, and a per-row referential check doubled their write cost. Every reader joins them
  // to mentions, and `reevaluatePractice` rebuilds them from scratch.
  // "Replies sent" counts links by their outbound mention.
  await db.schema
    .createIndex('response_links_outbound_idx')
    .on('response_links')
    .columns(['organisation_id', 'outbound_id'])
    .execute()
  await db.schema
    .createIndex('response_links_practice_due_idx')
    .on('response_links')
    .columns(['organisation_id', 'practice_id', 'due_at'])
    .execute()
  await db.schema
    .createIndex('response_links_open_idx')
    .on('response_links')
    .columns(['organisation_id', 'practice_id'])
    .where(sql.ref('outcome'), 'is', null)
    .execute()

  await db.schema
    .createTable('overrides')
    .addColumn('organisation_id', 'text', (c) => c.notNull())
    .addColumn('practice_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('mention_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) =>
      c.notNull().check(sql`action in ('handled_elsewhere','no_reply_needed','needs_reply')`),
    )
    .addColumn('handled_at', 'timestamptz')
    .addColumn('note', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('overrides_pk', ['organisation_id', 'id'])
    .addForeignKeyConstraint(
      'overrides_mention_fk',
      ['organisation_id', 'mention_id'],
      'mentions',
      ['organisation_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute()
  await db.schema
    .createIndex('overrides_mention_idx')
    .on('overrides')
    .columns(['organisation_id', 'mention_id', 'created_at'])
    .execute()

  await db.schema
    .createTable('quarantine')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text')
    .addColumn('channel_id', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createIndex('quarantine_org_idx')
    .on('quarantine')
    .columns(['organisation_id', 'created_at'])
    .execute()

  await db.schema
    .createTable('users')
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role in ('agency_admin','practice_manager','viewer')`),
    )
    .addColumn('practice_ids', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('users_pk', ['organisation_id', 'id'])
    .execute()
  // Sign-in looks a user up by e-mail alone, so e-mails are unique across organisations.
  await db.schema
    .createIndex('users_email_uq')
    .unique()
    .on('users')
    .expression(sql`lower(email)`)
    .execute()

  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addForeignKeyConstraint(
      'sessions_user_fk',
      ['organisation_id', 'user_id'],
      'users',
      ['organisation_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute()

  await db.schema
    .createTable('api_tokens')
    .addColumn('organisation_id', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .addPrimaryKeyConstraint('api_tokens_pk', ['organisation_id', 'id'])
    .addForeignKeyConstraint(
      'api_tokens_user_fk',
      ['organisation_id', 'user_id'],
      'users',
      ['organisation_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute()
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of [
    'api_tokens',
    'sessions',
    'users',
    'quarantine',
    'overrides',
    'response_links',
    'mentions',
    'channels',
    'promises',
    'schedules',
    'practices',
    'organisations',
  ]) {
    await db.schema.dropTable(table).ifExists().execute()
  }
}
