/**
 * @module Alerts: rules (organisation defaults and per-practice overrides), the alerts they fire
 * (one per subject per rule, enforced by a unique key so concurrent evaluators never double-send),
 * delivery endpoints, one delivery row per alert and endpoint with its outcome, in-app read marks
 * and per-practice alert preferences (quiet hours, patient-text opt-in, on-call).
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('alert_rules')
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('id', 'text', (c) => c.notNull())
    // Null: the organisation-wide default for this rule.
    .addColumn('practice_id', 'text')
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('enabled', 'boolean', (c) => c.notNull())
    .addColumn('params', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_rules_pk', ['organisation_id', 'id'])
    .execute()
  await sql`create unique index alert_rules_scope_uq on alert_rules (organisation_id, coalesce(practice_id, ''), rule)`.execute(
    db,
  )

  await db.schema
    .createTable('alert_preferences')
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('practice_id', 'text', (c) => c.notNull())
    .addColumn('include_patient_text', 'boolean', (c) => c.notNull().defaultTo(false))
    // Local HH:MM in the practice's zone; both null = no quiet hours.
    .addColumn('quiet_start', 'text')
    .addColumn('quiet_end', 'text')
    .addColumn('on_call_email', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_preferences_pk', ['organisation_id', 'practice_id'])
    .execute()

  await db.schema
    .createTable('alerts')
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('practice_id', 'text', (c) => c.notNull())
    .addColumn('rule', 'text', (c) => c.notNull())
    // What the alert is about: a mention id, a channel episode, a practice and time bucket.
    .addColumn('subject_key', 'text', (c) => c.notNull())
    .addColumn('mention_id', 'text')
    .addColumn('channel_id', 'text')
    .addColumn('urgent', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('due_at', 'timestamptz')
    .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('alerts_pk', ['organisation_id', 'id'])
    .addUniqueConstraint('alerts_once_uq', [
      'organisation_id',
      'practice_id',
      'rule',
      'subject_key',
    ])
    .execute()
  await db.schema
    .createIndex('alerts_org_time_idx')
    .on('alerts')
    .columns(['organisation_id', 'created_at', 'id'])
    .execute()

  await db.schema
    .createTable('alert_endpoints')
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('id', 'text', (c) => c.notNull())
    // Null: every practice of the organisation.
    .addColumn('practice_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    // E-mail addresses (comma separated) or the webhook URL.
    .addColumn('target', 'text', (c) => c.notNull())
    // Standard Webhooks signing secret (whsec_…); only for kind = 'webhook'.
    .addColumn('secret', 'text')
    // Rules this endpoint receives; empty = all.
    .addColumn('rules', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    // Receives only urgent mentions out of opening hours (the on-call route).
    .addColumn('on_call', 'boolean', (c) => c.notNull().defaultTo(false))
    // > 0: collect alerts and send one digest per this many minutes.
    .addColumn('digest_minutes', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_endpoints_pk', ['organisation_id', 'id'])
    .execute()

  await db.schema
    .createTable('alert_deliveries')
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('alert_id', 'text', (c) => c.notNull())
    .addColumn('endpoint_id', 'text', (c) => c.notNull())
    // pending → sending → sent | failed (will retry) | dead (gave up)
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
    // A claimed row belongs to one deliverer until this instant (a crashed one's lease expires).
    .addColumn('lease_until', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('response_status', 'integer')
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('log', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_deliveries_pk', ['organisation_id', 'alert_id', 'endpoint_id'])
    .execute()
  await db.schema
    .createIndex('alert_deliveries_due_idx')
    .on('alert_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute()

  await db.schema
    .createTable('alert_reads')
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('alert_id', 'text', (c) => c.notNull())
    .addColumn('read_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_reads_pk', ['organisation_id', 'user_id', 'alert_id'])
    .execute()
}

export async function down(db: AnyDb): Promise<void> {
  for (const t of [
    'alert_reads',
    'alert_deliveries',
    'alert_endpoints',
    'alerts',
    'alert_preferences',
    'alert_rules',
  ])
    await db.schema.dropTable(t).ifExists().execute()
}
