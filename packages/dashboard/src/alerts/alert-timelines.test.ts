/**
 * Crafted timelines across a DST change and public holidays in Sydney (AU-NSW): the alert
 * engine fires at-risk and breached exactly when the practice's own calendar says, never on a
 * holiday or an hour off after the clocks move, and quiet hours end at local time.
 * Expected instants are worked out by hand from the NSW calendar, not by the engine.
 */
import type { EarshotDatabase } from '@earshot/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { alertTestDatabases, createAlertWorld } from '../test-support/alert-fixtures.js'
import { alertsDb } from './alert-tables.js'
import { evaluateAlerts } from './evaluate-alerts.js'
import { inQuietHours, quietHoursEnd } from './quiet-hours.js'

const LONG_AGO = new Date('2026-01-01T00:00:00Z')
const z = (iso: string) => new Date(iso)

describe.each(alertTestDatabases())('alert timelines ($name)', (target) => {
  let database: EarshotDatabase
  beforeAll(async () => {
    database = await target.open()
  })
  afterAll(async () => {
    await database.close()
  })

  async function rulesFired(orgId: string, mentionId: string): Promise<string[]> {
    const rows = await alertsDb(database.db)
      .selectFrom('alerts')
      .select('rule')
      .where('organisation_id', '=', orgId)
      .where('mention_id', '=', mentionId)
      .execute()
    return rows.map((r) => r.rule).sort()
  }

  async function dueOf(mentionId: string): Promise<Date> {
    const row = await database.db
      .selectFrom('response_links')
      .select('due_at')
      .where('inbound_id', '=', mentionId)
      .executeTakeFirstOrThrow()
    return new Date(row.due_at!)
  }

  it('over Christmas and the Boxing Day substitute holiday, breaches on the next business day only', async () => {
    const w = await createAlertWorld(database.db, { createdAt: LONG_AGO })
    // Thu 24 Dec 2026, 17:30 AEDT: 30 business minutes left that day. Fri 25 (Christmas),
    // the weekend and Mon 28 (Boxing Day, moved from Saturday in NSW) are closed, so the
    // remaining 90 minutes run from Tue 29 Dec 08:00: due 09:30 AEDT = 22:30Z on the 28th.
    const arrived = z('2026-12-24T06:30:00Z')
    const [id] = await w.post(
      [{ text: 'Are you open after Christmas?', createdAt: arrived }],
      arrived,
    )
    expect(await dueOf(id!)).toEqual(z('2026-12-28T22:30:00Z'))

    const at = (iso: string) =>
      evaluateAlerts(database.db, { now: z(iso), organisationId: w.orgId })
    await at('2026-12-25T01:00:00Z') // Christmas Day, noon
    await at('2026-12-28T01:00:00Z') // Boxing Day holiday, noon: no business time has passed
    expect(await rulesFired(w.orgId, id!)).toEqual([])
    await at('2026-12-28T22:20:00Z') // Tue 09:20: 10 minutes to go
    expect(await rulesFired(w.orgId, id!)).toEqual(['sla_at_risk'])
    await at('2026-12-28T22:31:00Z') // Tue 09:31
    await at('2026-12-28T23:00:00Z')
    expect(await rulesFired(w.orgId, id!)).toEqual(['sla_at_risk', 'sla_breached'])
  })

  it('across the October DST change and Labour Day, breaches at 09:00 in the new offset', async () => {
    const w = await createAlertWorld(database.db, { createdAt: LONG_AGO })
    // Fri 2 Oct 2026, 17:00 AEST (UTC+10): one business hour that day. Clocks go forward on
    // Sun 4 Oct; Mon 5 Oct is Labour Day. The second hour runs Tue 6 Oct 08:00–09:00 AEDT
    // (UTC+11): due 22:00Z on the 5th, not 23:00Z (the old offset) nor Monday.
    const arrived = z('2026-10-02T07:00:00Z')
    const [id] = await w.post([{ text: 'Can I book for next week?', createdAt: arrived }], arrived)
    expect(await dueOf(id!)).toEqual(z('2026-10-05T22:00:00Z'))

    const at = (iso: string) =>
      evaluateAlerts(database.db, { now: z(iso), organisationId: w.orgId })
    await at('2026-10-04T23:30:00Z') // Labour Day, 10:30 AEDT
    expect(await rulesFired(w.orgId, id!)).toEqual([])
    await at('2026-10-05T21:59:00Z') // Tue 08:59 AEDT
    expect(await rulesFired(w.orgId, id!)).not.toContain('sla_breached')
    await at('2026-10-05T22:01:00Z')
    expect(await rulesFired(w.orgId, id!)).toContain('sla_breached')
  })
})

describe('quiet hours across DST changes (Australia/Sydney, 22:00–07:00)', () => {
  const q = { start: '22:00', end: '07:00', timeZone: 'Australia/Sydney' }

  it('ends at 07:00 in the new offset on the night the clocks go forward', () => {
    // 01:30 AEST on Sun 4 Oct 2026; at 02:00 the clocks jump to 03:00 AEDT (UTC+11).
    const at = z('2026-10-03T15:30:00Z')
    expect(inQuietHours(at, q)).toBe(true)
    expect(quietHoursEnd(at, q)).toEqual(z('2026-10-03T20:00:00Z'))
  })

  it('ends at 07:00 in the new offset on the night the clocks go back', () => {
    // 01:30 AEDT on Sun 4 Apr 2027; at 03:00 the clocks fall back to 02:00 AEST (UTC+10).
    const at = z('2027-04-03T14:30:00Z')
    expect(inQuietHours(at, q)).toBe(true)
    expect(quietHoursEnd(at, q)).toEqual(z('2027-04-03T21:00:00Z'))
  })

  it('is not quiet at 07:00 or during the day', () => {
    expect(inQuietHours(z('2026-10-03T20:00:00Z'), q)).toBe(false)
    expect(quietHoursEnd(z('2026-10-04T02:00:00Z'), q)).toEqual(z('2026-10-04T02:00:00Z'))
  })
})
