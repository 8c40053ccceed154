/**
 * @module Table types of the alert tables (migration 2026-12-02-500-alerts), kept beside the code
 * that uses them and joined onto core's `Database` with Kysely's `withTables`.
 */
import type { Database } from '@earshot/core'
import type { ColumnType, Kysely } from 'kysely'

type Timestamp = ColumnType<Date, Date | string, Date | string>
type Json<T> = ColumnType<T, string, string>

export interface AlertRuleTable {
  organisation_id: string
  id: string
  practice_id: string | null
  rule: string
  enabled: boolean
  params: Json<Record<string, unknown>>
  updated_at: Timestamp
}

export interface AlertPreferencesTable {
  organisation_id: string
  practice_id: string
  include_patient_text: ColumnType<boolean, boolean | undefined, boolean>
  quiet_start: string | null
  quiet_end: string | null
  on_call_email: string | null
  updated_at: Timestamp
}

export interface AlertTable {
  organisation_id: string
  id: string
  practice_id: string
  rule: string
  subject_key: string
  mention_id: string | null
  channel_id: string | null
  urgent: ColumnType<boolean, boolean | undefined, boolean>
  due_at: Timestamp | null
  detail: Json<Record<string, unknown>>
  created_at: Timestamp
}

export interface AlertEndpointTable {
  organisation_id: string
  id: string
  practice_id: string | null
  kind: string
  name: string
  target: string
  secret: string | null
  rules: Json<string[]>
  on_call: ColumnType<boolean, boolean | undefined, boolean>
  digest_minutes: ColumnType<number, number | undefined, number>
  enabled: ColumnType<boolean, boolean | undefined, boolean>
  created_at: Timestamp
}

export interface AlertDeliveryTable {
  organisation_id: string
  alert_id: string
  endpoint_id: string
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'dead'
  attempts: ColumnType<number, number | undefined, number>
  next_attempt_at: Timestamp
  lease_until: Timestamp | null
  last_error: string | null
  response_status: number | null
  delivered_at: Timestamp | null
  log: Json<DeliveryAttempt[]>
  created_at: Timestamp
}

/** One attempt in a delivery's log (shown on the alert's page). */
export interface DeliveryAttempt {
  at: string
  ok: boolean
  status?: number
  error?: string
}

export interface AlertReadTable {
  organisation_id: string
  user_id: string
  alert_id: string
  read_at: Timestamp
}

export type AlertTables = {
  alert_rules: AlertRuleTable
  alert_preferences: AlertPreferencesTable
  alerts: AlertTable
  alert_endpoints: AlertEndpointTable
  alert_deliveries: AlertDeliveryTable
  alert_reads: AlertReadTable
}

export type AlertsDb = Kysely<Database & AlertTables>

/** Core's database handle, seen with the alert tables. */
export function alertsDb(db: Kysely<Database>): AlertsDb {
  return db.withTables<AlertTables>()
}
