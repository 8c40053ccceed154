/**
 * @module Schedule and promise versions of a practice, and the policy (calendar + promise) in
 * force at a given instant. Versions are immutable: saving writes a new version, so reports can
 * say which one they used.
 */
import type { Kysely } from 'kysely'
import type { BusinessCalendar } from '../calendar/business-calendar.js'
import { createBusinessCalendar } from '../calendar/create-business-calendar.js'
import {
  type ParsedScheduleSpec,
  type ScheduleSpec,
  scheduleSpecSchema,
} from '../calendar/schedule-spec.js'
import { EarshotError } from '../errors.js'
import {
  type ParsedPromiseSpec,
  type PromiseSpec,
  promiseSpecSchema,
} from '../promise/promise-spec.js'
import type { Database } from '../storage/database.js'
import { parseOrThrow } from '../util/parse-or-throw.js'

export interface ScheduleVersion {
  version: number
  effectiveFrom: Date
  spec: ParsedScheduleSpec
  calendar: BusinessCalendar
}

export interface PromiseVersion {
  version: number
  effectiveFrom: Date
  /** As the user wrote it (duration text kept), for display and editing. */
  input: PromiseSpec
  spec: ParsedPromiseSpec
}

/** Every schedule and promise version of a practice, oldest first. */
export interface PracticePolicy {
  organisationId: string
  practiceId: string
  schedules: ScheduleVersion[]
  promises: PromiseVersion[]
}

// Calendars precompute open intervals lazily; keeping them across calls is what makes them fast.
const calendarCache = new Map<string, BusinessCalendar>()

export async function loadPracticePolicy(
  db: Kysely<Database>,
  organisationId: string,
  practiceId: string,
): Promise<PracticePolicy> {
  const [schedules, promises] = await Promise.all([
    db
      .selectFrom('schedules')
      .select(['version', 'effective_from', 'spec'])
      .where('organisation_id', '=', organisationId)
      .where('practice_id', '=', practiceId)
      .orderBy('version')
      .execute(),
    db
      .selectFrom('promises')
      .select(['version', 'effective_from', 'spec'])
      .where('organisation_id', '=', organisationId)
      .where('practice_id', '=', practiceId)
      .orderBy('version')
      .execute(),
  ])
  if (schedules.length === 0 || promises.length === 0) {
    throw new EarshotError('NOT_FOUND', `practice ${practiceId} has no schedule or promise`)
  }
  return {
    organisationId,
    practiceId,
    schedules: schedules.map((s) => {
      const key = `${organisationId}/${practiceId}/${s.version}`
      let calendar = calendarCache.get(key)
      const spec = scheduleSpecSchema.parse(s.spec)
      if (!calendar) {
        calendar = createBusinessCalendar(spec)
        if (calendarCache.size > 1000) calendarCache.clear()
        calendarCache.set(key, calendar)
      }
      return { version: s.version, effectiveFrom: new Date(s.effective_from), spec, calendar }
    }),
    promises: promises.map((p) => ({
      version: p.version,
      effectiveFrom: new Date(p.effective_from),
      input: p.spec as PromiseSpec,
      spec: promiseSpecSchema.parse(p.spec),
    })),
  }
}

/** The version in force at `at` (the latest whose effective_from ≤ at; the first if none). */
export function versionAt<T extends { effectiveFrom: Date }>(versions: readonly T[], at: Date): T {
  let chosen = versions[0]!
  for (const v of versions) if (v.effectiveFrom.getTime() <= at.getTime()) chosen = v
  return chosen
}

async function nextVersion(
  db: Kysely<Database>,
  table: 'schedules' | 'promises',
  organisationId: string,
  practiceId: string,
): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.max('version').as('v'))
    .where('organisation_id', '=', organisationId)
    .where('practice_id', '=', practiceId)
    .executeTakeFirst()
  return Number(row?.v ?? 0) + 1
}

/** Saves a new schedule version, effective from `effectiveFrom` (default now). Returns its number. */
export async function saveSchedule(
  db: Kysely<Database>,
  organisationId: string,
  practiceId: string,
  spec: ScheduleSpec,
  options: { effectiveFrom?: Date; createdBy?: string } = {},
): Promise<number> {
  const parsed = parseOrThrow(scheduleSpecSchema, spec, 'schedule')
  assertOpens(parsed)
  return db.transaction().execute(async (trx) => {
    const version = await nextVersion(trx, 'schedules', organisationId, practiceId)
    await trx
      .insertInto('schedules')
      .values({
        organisation_id: organisationId,
        practice_id: practiceId,
        version,
        effective_from: options.effectiveFrom ?? new Date(),
        spec: JSON.stringify(parsed),
        created_by: options.createdBy ?? null,
      })
      .execute()
    await trx
      .updateTable('practices')
      .set({ time_zone: parsed.timeZone, holiday_region: parsed.holidayRegion })
      .where('organisation_id', '=', organisationId)
      .where('id', '=', practiceId)
      .execute()
    return version
  })
}

/** Saves a new promise version, effective from `effectiveFrom` (default now). Returns its number. */
export async function savePromise(
  db: Kysely<Database>,
  organisationId: string,
  practiceId: string,
  spec: PromiseSpec,
  options: { effectiveFrom?: Date; createdBy?: string } = {},
): Promise<number> {
  parseOrThrow(promiseSpecSchema, spec, 'promise')
  return db.transaction().execute(async (trx) => {
    const version = await nextVersion(trx, 'promises', organisationId, practiceId)
    await trx
      .insertInto('promises')
      .values({
        organisation_id: organisationId,
        practice_id: practiceId,
        version,
        effective_from: options.effectiveFrom ?? new Date(),
        spec: JSON.stringify(spec),
        created_by: options.createdBy ?? null,
      })
      .execute()
    return version
  })
}

/** Rejects schedules the calendar cannot use, or that never open, before they are stored. */
export function assertOpens(spec: ParsedScheduleSpec, from: Date = new Date()): void {
  const calendar = createBusinessCalendar(spec)
  if (calendar.nextOpening(from) === null) {
    throw new EarshotError(
      'INVALID_CONFIGURATION',
      'the schedule has no opening hours: add at least one weekly session',
    )
  }
}
