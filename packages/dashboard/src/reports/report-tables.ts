/**
 * @module Table types of scheduled reports (migration 2026-12-02-550-report-schedules), joined
 * onto core's `Database` with Kysely's `withTables`.
 */
import type { ColumnType, Kysely } from 'kysely'
import type { Database } from '../core.js'

type Timestamp = ColumnType<Date, Date | string, Date | string>

export interface ReportScheduleTable {
  id: string
  organisation_id: string
  /** Null: the agency report, every practice of the organisation. */
  practice_id: string | null
  frequency: 'weekly' | 'monthly'
  /** ISO weekday 1–7 (weekly) or day of month 1–28 (monthly). */
  day: number
  /** HH:MM, local to `time_zone`. */
  local_time: string
  time_zone: string
  /** JSON array of addresses. */
  recipients: string
  enabled: boolean
  created_at: Timestamp
  updated_at: Timestamp
}

export type ReportSendStatus = 'pending' | 'sending' | 'sent' | 'failed'

export interface ReportSendTable {
  id: string
  organisation_id: string
  schedule_id: string
  period: string
  status: ReportSendStatus
  attempts: ColumnType<number, number | undefined, number>
  error: string | null
  claimed_at: Timestamp | null
  sent_at: Timestamp | null
  message_id: string | null
  created_at: Timestamp
}

export type ReportTables = { report_schedules: ReportScheduleTable; report_sends: ReportSendTable }
export type ReportDb = Kysely<Database & ReportTables>

export function reportDb(db: Kysely<Database>): ReportDb {
  return db.withTables<ReportTables>()
}
