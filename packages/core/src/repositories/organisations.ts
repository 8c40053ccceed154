/**
 * @module Organisations and practices: the tenants. Every function takes the organisation id so
 * no query can wander into another tenant's rows.
 */
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { type ScheduleSpec, scheduleSpecSchema } from '../calendar/schedule-spec.js'
import { EarshotError } from '../errors.js'
import { type PromiseSpec, promiseSpecSchema } from '../promise/promise-spec.js'
import type { Database, PracticeRow } from '../storage/database.js'
import { parseOrThrow } from '../util/parse-or-throw.js'
import { assertOpens } from './practice-policy.js'

export interface CreateOrganisationInput {
  id?: string
  name: string
}

export async function createOrganisation(
  db: Kysely<Database>,
  input: CreateOrganisationInput,
): Promise<{ id: string; name: string }> {
  const id = input.id ?? randomUUID()
  const name = input.name.trim()
  if (!name) throw new EarshotError('INVALID_INPUT', 'organisation name is required')
  await db.insertInto('organisations').values({ id, name }).execute()
  return { id, name }
}

export async function getOrganisation(
  db: Kysely<Database>,
  organisationId: string,
): Promise<{ id: string; name: string } | undefined> {
  return db
    .selectFrom('organisations')
    .select(['id', 'name'])
    .where('id', '=', organisationId)
    .executeTakeFirst()
}

export interface CreatePracticeInput {
  organisationId: string
  id?: string
  name: string
  slug?: string
  schedule: ScheduleSpec
  promise: PromiseSpec
  /** When the first schedule and promise versions take effect (default: the epoch, i.e. always). */
  effectiveFrom?: Date
  createdBy?: string
}

/**
 * Creates a practice with its first schedule and promise versions, in one transaction.
 *
 * @example
 * await createPractice(db, {
 *   organisationId: org.id, name: 'Harbour GP',
 *   schedule: { timeZone: 'Australia/Sydney', holidayRegion: 'AU-NSW', weekly: { mon: [{ start: '08:00', end: '18:00' }] } },
 *   promise: { targets: [{ duration: '2 business hours' }], goal: 0.95, statement: 'We reply within 2 business hours' },
 * })
 */
export async function createPractice(
  db: Kysely<Database>,
  input: CreatePracticeInput,
): Promise<PracticeRow> {
  const schedule = parseOrThrow(scheduleSpecSchema, input.schedule, 'schedule')
  assertOpens(schedule, input.effectiveFrom ?? new Date())
  parseOrThrow(promiseSpecSchema, input.promise, 'promise')
  const id = input.id ?? randomUUID()
  const name = input.name.trim()
  if (!name) throw new EarshotError('INVALID_INPUT', 'practice name is required')
  const slug = input.slug ?? slugify(name)
  const effectiveFrom = input.effectiveFrom ?? new Date(0)
  return db.transaction().execute(async (trx) => {
    const practice = await trx
      .insertInto('practices')
      .values({
        organisation_id: input.organisationId,
        id,
        name,
        slug,
        time_zone: schedule.timeZone,
        holiday_region: schedule.holidayRegion,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('schedules')
      .values({
        organisation_id: input.organisationId,
        practice_id: id,
        version: 1,
        effective_from: effectiveFrom,
        spec: JSON.stringify(schedule),
        created_by: input.createdBy ?? null,
      })
      .execute()
    await trx
      .insertInto('promises')
      .values({
        organisation_id: input.organisationId,
        practice_id: id,
        version: 1,
        effective_from: effectiveFrom,
        spec: JSON.stringify(input.promise),
        created_by: input.createdBy ?? null,
      })
      .execute()
    return practice
  })
}

export async function getPractice(
  db: Kysely<Database>,
  organisationId: string,
  practiceId: string,
): Promise<PracticeRow | undefined> {
  return db
    .selectFrom('practices')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', practiceId)
    .executeTakeFirst()
}

export async function listPractices(
  db: Kysely<Database>,
  organisationId: string,
): Promise<PracticeRow[]> {
  return db
    .selectFrom('practices')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('name')
    .execute()
}

/** A URL-safe slug: lower case, ASCII letters and digits joined by dashes. */
export function slugify(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'practice'
  )
}
