/**
 * @module The promise and schedule currently in force for practices, read as stored (the text
 * the practice wrote), for display and for the settings forms.
 */
import type { Kysely } from 'kysely'
import type { Database, PromiseSpec, ScheduleSpec } from '../core.js'

/** The latest promise version of a practice as written, with its goal resolved to a number. */
export interface CurrentPromise {
  version: number
  spec: PromiseSpec
  goal: number
  statement: string
  effectiveFrom: Date
}

/** The latest promise of each practice (missing practices are absent from the map). */
export async function currentPromises(
  db: Kysely<Database>,
  organisationId: string,
  practiceIds: readonly string[],
): Promise<Map<string, CurrentPromise>> {
  const out = new Map<string, CurrentPromise>()
  if (practiceIds.length === 0) return out
  const rows = await db
    .selectFrom('promises')
    .select(['practice_id', 'version', 'spec', 'effective_from'])
    .where('organisation_id', '=', organisationId)
    .where('practice_id', 'in', [...practiceIds])
    .orderBy('version')
    .execute()
  for (const r of rows) {
    const spec = (r.spec ?? {}) as PromiseSpec
    out.set(r.practice_id, {
      version: r.version,
      spec,
      goal: typeof spec.goal === 'number' ? spec.goal : 0.9,
      statement: typeof spec.statement === 'string' ? spec.statement : '',
      effectiveFrom: new Date(r.effective_from),
    })
  }
  return out
}

/** The latest schedule version of a practice as stored. */
export async function currentSchedule(
  db: Kysely<Database>,
  organisationId: string,
  practiceId: string,
): Promise<{ version: number; spec: ScheduleSpec; effectiveFrom: Date } | undefined> {
  const row = await db
    .selectFrom('schedules')
    .select(['version', 'spec', 'effective_from'])
    .where('organisation_id', '=', organisationId)
    .where('practice_id', '=', practiceId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row
    ? {
        version: row.version,
        spec: row.spec as ScheduleSpec,
        effectiveFrom: new Date(row.effective_from),
      }
    : undefined
}
