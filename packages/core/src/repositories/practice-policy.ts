/**
 * @module Schedule and promise versions of a practice, and the policy (calendar + promise) in
 * force at a given instant. Versions are immutable: saving writes a new version, so reports can
 * say which one they used.
 */
import { type Kysely, sql } from 'kysely'
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
  const policies = await loadPracticePolicies(db, [{ organisationId, practiceId }])
  return policies.get(policyKey(organisationId, practiceId))!
}

/** The key of {@link loadPracticePolicies}' map. */
export const policyKey = (organisationId: string, practiceId: string): string =>
  `${organisationId}\u0001${practiceId}`

/**
 * The policies of many practices in ONE statement (schedules and promises together), keyed by
 * {@link policyKey}: the thread pass looks up every practice of a batch at once instead of two
 * queries per practice. Throws NOT_FOUND when a practice has no schedule or no promise.
 */
export async function loadPracticePolicies(
  db: Kysely<Database>,
  practices: ReadonlyArray<{ organisationId: string; practiceId: string }>,
): Promise<Map<string, PracticePolicy>> {
  const keys = new Map(practices.map((p) => [policyKey(p.organisationId, p.practiceId), p]))
  const result = new Map<string, PracticePolicy>()
  if (keys.size === 0) return result
  // Every key names its organisation, so the look-up stays scoped by tenant.
  const wanted = JSON.stringify(
    [...keys.values()].map((k) => ({ o: k.organisationId, p: k.practiceId })),
  )
  const rows = await sql<{
    what: 'schedule' | 'promise'
    organisation_id: string
    practice_id: string
    version: number
    effective_from: Date | string
    spec: unknown
  }>`
with k as (select x.o, x.p from json_to_recordset(${wanted}::json) as x(o text, p text))
select 'schedule' as what, s.organisation_id, s.practice_id, s.version, s.effective_from, s.spec
  from schedules s join k on s.organisation_id = k.o and s.practice_id = k.p
union all
select 'promise', pr.organisation_id, pr.practice_id, pr.version, pr.effective_from, pr.spec
  from promises pr join k on pr.organisation_id = k.o and pr.practice_id = k.p
order by 1, 2, 3, 4`.execute(db)
  for (const [key, { organisationId, practiceId }] of keys)
    result.set(key, { organisationId, practiceId, schedules: [], promises: [] })
  for (const r of rows.rows) {
    const policy = result.get(policyKey(r.organisation_id, r.practice_id))!
    const spec = typeof r.spec === 'string' ? JSON.parse(r.spec) : r.spec
    if (r.what === 'schedule') {
      const cacheKey = `${r.organisation_id}/${r.practice_id}/${r.version}`
      const parsed = scheduleSpecSchema.parse(spec)
      let calendar = calendarCache.get(cacheKey)
      if (!calendar) {
        calendar = createBusinessCalendar(parsed)
        if (calendarCache.size > 1000) calendarCache.clear()
        calendarCache.set(cacheKey, calendar)
      }
      policy.schedules.push({
        version: Number(r.version),
        effectiveFrom: new Date(r.effective_from),
        spec: parsed,
        calendar,
      })
    } else {
      policy.promises.push({
        version: Number(r.version),
        effectiveFrom: new Date(r.effective_from),
        input: spec as PromiseSpec,
        spec: promiseSpecSchema.parse(spec),
      })
    }
  }
  for (const policy of result.values())
    if (policy.schedules.length === 0 || policy.promises.length === 0)
      throw new EarshotError(
        'NOT_FOUND',
        `practice ${policy.practiceId} has no schedule or promise`,
      )
  return result
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
