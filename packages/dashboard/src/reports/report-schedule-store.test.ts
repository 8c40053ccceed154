/**
 * The schedule and send store on both databases (PGlite, and PostgreSQL when
 * EARSHOT_TEST_DATABASE_URL is set): the once-only gate and the claim under concurrency.
 */
import type { EarshotDatabase } from '@earshot/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobContext } from '../jobs/job-definition.js'
import { alertTestDatabases, createAlertWorld } from '../test-support/alert-fixtures.js'
import { dispatchDueReports } from './report-jobs.js'
import {
  claimSend,
  createSchedule,
  deleteSchedule,
  finishSend,
  listSchedules,
  listSends,
  recordDue,
} from './report-schedule-store.js'

const CREATED = new Date('2026-11-01T00:00:00Z')
const MONDAY = new Date('2026-11-23T10:00:00Z')

describe.each(alertTestDatabases())('report schedules on $name', (target) => {
  let database: EarshotDatabase
  beforeAll(async () => {
    database = await target.open()
  })
  afterAll(async () => {
    await database?.close()
  })

  it('records a due period once and lets exactly one of several claimants send it', async () => {
    const world = await createAlertWorld(database.db, { createdAt: CREATED })
    const schedule = await createSchedule(
      database.db,
      world.orgId,
      world.practiceId,
      {
        frequency: 'weekly',
        day: 1,
        local_time: '09:00',
        time_zone: 'Australia/Sydney',
        recipients: ['m@x.test'],
      },
      CREATED,
    )
    const results = await Promise.all(
      [1, 2, 3].map(() => recordDue(database.db, schedule, '2026-W47', MONDAY)),
    )
    expect(results.filter(Boolean)).toHaveLength(1)
    const stale = new Date(MONDAY.getTime() - 15 * 60_000)
    const claims = await Promise.all(
      [1, 2, 3, 4].map(() =>
        claimSend(database.db, world.orgId, schedule.id, '2026-W47', MONDAY, stale),
      ),
    )
    expect(claims.filter(Boolean)).toHaveLength(1)
    await finishSend(database.db, world.orgId, schedule.id, '2026-W47', {
      status: 'failed',
      error: 'x'.repeat(900),
    })
    const [failed] = await listSends(database.db, world.orgId, [schedule.id])
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 })
    expect(failed!.error).toHaveLength(500)
    // A retry may claim a failed send; a sent one is never claimed again.
    expect(await claimSend(database.db, world.orgId, schedule.id, '2026-W47', MONDAY, stale)).toBe(
      true,
    )
    await finishSend(database.db, world.orgId, schedule.id, '2026-W47', {
      status: 'sent',
      messageId: '<m@x>',
      at: MONDAY,
    })
    expect(await claimSend(database.db, world.orgId, schedule.id, '2026-W47', MONDAY, MONDAY)).toBe(
      false,
    )
    const [sent] = await listSends(database.db, world.orgId, [schedule.id])
    expect(sent).toMatchObject({ status: 'sent', attempts: 2, error: null })
  })

  it('dispatches each due schedule once, with one singleton key per schedule and period', async () => {
    const world = await createAlertWorld(database.db, { createdAt: CREATED })
    const weekly = await createSchedule(
      database.db,
      world.orgId,
      world.practiceId,
      {
        frequency: 'weekly',
        day: 1,
        local_time: '08:00',
        time_zone: 'UTC',
        recipients: ['m@x.test'],
      },
      CREATED,
    )
    const agency = await createSchedule(
      database.db,
      world.orgId,
      null,
      {
        frequency: 'monthly',
        day: 1,
        local_time: '08:00',
        time_zone: 'UTC',
        recipients: ['o@x.test'],
      },
      CREATED,
    )
    const keys: string[] = []
    const context: JobContext = {
      db: database.db,
      now: () => MONDAY,
      send: async (_queue, _data, options) => {
        keys.push(options?.singletonKey ?? '')
        return null
      },
    }
    await Promise.all([dispatchDueReports(context), dispatchDueReports(context)])
    const mine = keys.filter((k) => k.startsWith(weekly.id) || k.startsWith(agency.id))
    expect(new Set(mine)).toEqual(new Set([`${weekly.id}:2026-W47`, `${agency.id}:2026-10`]))
    expect(await listSends(database.db, world.orgId, [weekly.id, agency.id])).toHaveLength(2)
    expect(await deleteSchedule(database.db, world.orgId, world.practiceId, agency.id)).toBe(false)
    expect(await deleteSchedule(database.db, world.orgId, null, agency.id)).toBe(true)
    expect((await listSchedules(database.db, world.orgId, null)).length).toBe(0)
  })
})
