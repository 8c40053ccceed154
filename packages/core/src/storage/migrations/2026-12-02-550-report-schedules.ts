/**
 * @module Scheduled reports: who gets which report (a practice's, or the agency's with every
 * practice of the organisation), how often, when in which time zone; and one row per schedule
 * and period sent, so a period is sent exactly once and its outcome is kept.
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('report_schedules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    // Null: the agency report (all practices of the organisation).
    .addColumn('practice_id', 'text')
    .addColumn('frequency', 'text', (c) =>
      c.notNull().check(sql`frequency in ('weekly', 'monthly')`),
    )
    // ISO weekday 1–7 for weekly, day of month 1–28 for monthly.
    .addColumn('day', 'integer', (c) => c.notNull())
    // Local wall-clock time, HH:MM.
    .addColumn('local_time', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    // JSON array of e-mail addresses.
    .addColumn('recipients', 'text', (c) => c.notNull())
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addForeignKeyConstraint(
      'report_schedules_practice_fk',
      ['organisation_id', 'practice_id'],
      'practices',
      ['organisation_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute()
  await db.schema
    .createIndex('report_schedules_org_idx')
    .on('report_schedules')
    .columns(['organisation_id', 'practice_id'])
    .execute()
  await db.schema
    .createTable('report_sends')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('schedule_id', 'text', (c) =>
      c.notNull().references('report_schedules.id').onDelete('cascade'),
    )
    // The reported period's key: `2026-W47` or `2026-11`.
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending', 'sending', 'sent', 'failed')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('claimed_at', 'timestamptz')
    .addColumn('sent_at', 'timestamptz')
    .addColumn('message_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('report_sends_schedule_period_uq', ['schedule_id', 'period'])
    .execute()
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('report_sends').execute()
  await db.schema.dropTable('report_schedules').execute()
}
