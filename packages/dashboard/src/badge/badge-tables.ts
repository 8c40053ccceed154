/**
 * @module Table types of the public badge and request counters (migration
 * 2026-12-02-510-public-badges), joined onto core's `Database` with Kysely's `withTables`.
 */
import type { ColumnType, Kysely } from 'kysely'
import type { Database } from '../core.js'

type Timestamp = ColumnType<Date, Date | string, Date | string>

export interface PublicBadgeTable {
  organisation_id: string
  practice_id: string
  public_id: string
  enabled: boolean
  updated_at: Timestamp
}

export interface RequestCounterTable {
  key: string
  count: number
  window_ends_at: Timestamp
}

export type BadgeTables = { public_badges: PublicBadgeTable; request_counters: RequestCounterTable }
export type BadgeDb = Kysely<Database & BadgeTables>

export function badgeDb(db: Kysely<Database>): BadgeDb {
  return db.withTables<BadgeTables>()
}
