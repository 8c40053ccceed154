/**
 * @module Report schedules and their sends. Every query takes the organisation; a practice
 * schedule also its practice, so a caller can only reach what its auth state already allows.
 */
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Database } from '../core.js'
import { isKnownTimeZone } from './report-period.js'
import { type ReportSendStatus, reportDb } from './report-tables.js'

/** A schedule as the app uses it. */
export interface ReportSchedule {
  id: string
  organisationId: string
  /** Null: the agency report. */
  practiceId: string | null
  frequency: 'weekly' | 'monthly'
  day: number
  localTime: string
  timeZone: string
  recipients: string[]
  enabled: boolean
  createdAt: Date
}

export interface ReportSend {
  id: string
  scheduleId: string
  period: string
  status: ReportSendStatus
  attempts: number
  error: string | null
  sentAt: Date | null
  createdAt: Date
}

const email = z.string().trim().toLowerCase().email('recipients: not an e-mail address')

/** The settings form, validated: a clear message per field, nothing saved on error. */
export const scheduleInputSchema = z
  .object({
    frequency: z.enum(['weekly', 'monthly']),
    day: z.coerce.number().int(),
    local_time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'time: expected HH:MM (24-hour)'),
    time_zone: z.string().trim().min(1).refine(isKnownTimeZone, 'time zone: not a known IANA zone'),
    recipients: z
      .string()
      .transform((s) => s.split(/[\s,;]+/).filter(Boolean))
      .pipe(
        z
          .array(email, { error: 'recipients: not an e-mail address' })
          .min(1, 'recipients: at least one')
          .max(50),
      ),
  })
  .superRefine((v, ctx) => {
    const [min, max] = v.frequency === 'weekly' ? [1, 7] : [1, 28]
    if (v.day < min || v.day > max)
      ctx.addIssue({
        code: 'custom',
        path: ['day'],
        message:
          v.frequency === 'weekly'
            ? 'day: a weekday (Monday to Sunday)'
            : 'day: a day of the month from 1 to 28 (every month has it)',
      })
  })
export type ScheduleInput = z.output<typeof scheduleInputSchema>

type Row = {
  id: string
  organisation_id: string
  practice_id: string | null
  frequency: 'weekly' | 'monthly'
  day: number
  local_time: string
  time_zone: string
  recipients: string
  enabled: boolean
  created_at: Date | string
}

function toSchedule(r: Row): ReportSchedule {
  const recipients = z.array(z.string()).safeParse(JSON.parse(r.recipients))
  return {
    id: r.id,
    organisationId: r.organisation_id,
    practiceId: r.practice_id,
    frequency: r.frequency,
    day: r.day,
    localTime: r.local_time,
    timeZone: r.time_zone,
    recipients: recipients.success ? recipients.data : [],
    enabled: r.enabled,
    createdAt: new Date(r.created_at),
  }
}

const SCHEDULE_COLUMNS = [
  'id',
  'organisation_id',
  'practice_id',
  'frequency',
  'day',
  'local_time',
  'time_zone',
  'recipients',
  'enabled',
  'created_at',
] as const

export async function createSchedule(
  db: Kysely<Database>,
  organisationId: string,
  practiceId: string | null,
  input: ScheduleInput,
  now: Date,
): Promise<ReportSchedule> {
  const row = await reportDb(db)
    .insertInto('report_schedules')
    .values({
      id: randomUUID(),
      organisation_id: organisationId,
      practice_id: practiceId,
      frequency: input.frequency,
      day: input.day,
      local_time: input.local_time,
      time_zone: input.time_zone,
      recipients: JSON.stringify(input.recipients),
      enabled: true,
      created_at: now,
      updated_at: now,
    })
    .returning(SCHEDULE_COLUMNS)
    .executeTakeFirstOrThrow()
  return toSchedule(row)
}

/** Schedules of one practice, or (practiceId null) the agency's. */
export async function listSchedules(
  db: Kysely<Database>,
  organisationId: string,
  practiceId: string | null,
): Promise<ReportSchedule[]> {
  let q = reportDb(db)
    .selectFrom('report_schedules')
    .select(SCHEDULE_COLUMNS)
    .where('organisation_id', '=', organisationId)
  q =
    practiceId === null
      ? q.where('practice_id', 'is', null)
      : q.where('practice_id', '=', practiceId)
  return (await q.orderBy('created_at').orderBy('id').execute()).map(toSchedule)
}

/** Deletes one schedule of that practice (or the agency's); false when there is none. */
export async function deleteSchedule(
  db: Kysely<Database>,
  organisationId: string,
  practiceId: string | null,
  scheduleId: string,
): Promise<boolean> {
  let q = reportDb(db)
    .deleteFrom('report_schedules')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', scheduleId)
  q =
    practiceId === null
      ? q.where('practice_id', 'is', null)
      : q.where('practice_id', '=', practiceId)
  const result = await q.executeTakeFirst()
  return Number(result.numDeletedRows) === 1
}

/** Every enabled schedule of every organisation: the dispatcher's work list. */
export async function listEnabledSchedules(db: Kysely<Database>): Promise<ReportSchedule[]> {
  const rows = await reportDb(db)
    .selectFrom('report_schedules')
    .select(SCHEDULE_COLUMNS)
    .where('enabled', '=', true)
    .execute()
  return rows.map(toSchedule)
}

export async function getSchedule(
  db: Kysely<Database>,
  organisationId: string,
  scheduleId: string,
): Promise<ReportSchedule | undefined> {
  const row = await reportDb(db)
    .selectFrom('report_schedules')
    .select(SCHEDULE_COLUMNS)
    .where('organisation_id', '=', organisationId)
    .where('id', '=', scheduleId)
    .executeTakeFirst()
  return row ? toSchedule(row) : undefined
}

/** The latest sends of the given schedules, newest first. */
export async function listSends(
  db: Kysely<Database>,
  organisationId: string,
  scheduleIds: readonly string[],
  limit = 20,
): Promise<ReportSend[]> {
  if (scheduleIds.length === 0) return []
  const rows = await reportDb(db)
    .selectFrom('report_sends')
    .select(['id', 'schedule_id', 'period', 'status', 'attempts', 'error', 'sent_at', 'created_at'])
    .where('organisation_id', '=', organisationId)
    .where('schedule_id', 'in', scheduleIds)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
  return rows.map((r) => ({
    id: r.id,
    scheduleId: r.schedule_id,
    period: r.period,
    status: r.status,
    attempts: r.attempts,
    error: r.error,
    sentAt: r.sent_at ? new Date(r.sent_at) : null,
    createdAt: new Date(r.created_at),
  }))
}

/**
 * Records that a period of a schedule is due (status `pending`) unless it already is: true when
 * this call made the row. The unique (schedule, period) makes this the once-only gate.
 */
export async function recordDue(
  db: Kysely<Database>,
  schedule: ReportSchedule,
  period: string,
  now: Date,
): Promise<boolean> {
  const result = await reportDb(db)
    .insertInto('report_sends')
    .values({
      id: randomUUID(),
      organisation_id: schedule.organisationId,
      schedule_id: schedule.id,
      period,
      status: 'pending',
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['schedule_id', 'period']).doNothing())
    .executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1
}

/** Periods still waiting to be sent (pending), to enqueue again after a lost enqueue. */
export async function listPendingSends(
  db: Kysely<Database>,
): Promise<Array<{ organisationId: string; scheduleId: string; period: string }>> {
  const rows = await reportDb(db)
    .selectFrom('report_sends')
    .select(['organisation_id', 'schedule_id', 'period'])
    .where('status', '=', 'pending')
    .execute()
  return rows.map((r) => ({
    organisationId: r.organisation_id,
    scheduleId: r.schedule_id,
    period: r.period,
  }))
}

/**
 * Claims a send for one attempt: true for exactly one caller while it is pending or failed (a
 * retry), or when an earlier claim is older than `staleBefore` (its worker died mid-send).
 */
export async function claimSend(
  db: Kysely<Database>,
  organisationId: string,
  scheduleId: string,
  period: string,
  now: Date,
  staleBefore: Date,
): Promise<boolean> {
  const result = await reportDb(db)
    .updateTable('report_sends')
    .set((eb) => ({ status: 'sending', claimed_at: now, attempts: eb('attempts', '+', 1) }))
    .where('organisation_id', '=', organisationId)
    .where('schedule_id', '=', scheduleId)
    .where('period', '=', period)
    .where((eb) =>
      eb.or([
        eb('status', 'in', ['pending', 'failed']),
        eb.and([eb('status', '=', 'sending'), eb('claimed_at', '<', staleBefore)]),
      ]),
    )
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export async function finishSend(
  db: Kysely<Database>,
  organisationId: string,
  scheduleId: string,
  period: string,
  outcome: { status: 'sent'; messageId: string; at: Date } | { status: 'failed'; error: string },
): Promise<void> {
  await reportDb(db)
    .updateTable('report_sends')
    .set(
      outcome.status === 'sent'
        ? { status: 'sent', sent_at: outcome.at, message_id: outcome.messageId, error: null }
        : { status: 'failed', error: outcome.error.slice(0, 500) },
    )
    .where('organisation_id', '=', organisationId)
    .where('schedule_id', '=', scheduleId)
    .where('period', '=', period)
    .execute()
}
