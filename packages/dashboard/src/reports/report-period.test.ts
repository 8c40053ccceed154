import { describe, expect, it } from 'vitest'
import { latestDue, nextDue } from './report-period.js'

describe('when a scheduled report is due, in its own time zone', () => {
  it('sends a weekly report on its weekday and local time, for the last whole week', () => {
    // Monday 09:00 in Sydney (AEDT, UTC+11) is Sunday 22:00 UTC.
    const timing = {
      frequency: 'weekly',
      day: 1,
      localTime: '09:00',
      timeZone: 'Australia/Sydney',
    } as const
    const due = latestDue(timing, new Date('2026-11-22T22:30:00Z'))
    expect(due.dueAt.toISOString()).toBe('2026-11-22T22:00:00.000Z')
    expect(due.period.key).toBe('2026-W47')
    expect(due.period.from.toISOString()).toBe('2026-11-15T13:00:00.000Z')
    expect(due.period.to.toISOString()).toBe('2026-11-22T13:00:00.000Z')
    expect(due.period.label).toBe('16 Nov–22 Nov 2026')
    // A minute before: still the week before's occurrence.
    expect(latestDue(timing, new Date('2026-11-22T21:59:00Z')).period.key).toBe('2026-W46')
  })

  it('keeps the local send time across a daylight-saving change', () => {
    const timing = {
      frequency: 'weekly',
      day: 1,
      localTime: '08:00',
      timeZone: 'Europe/London',
    } as const
    // Clocks go back on Sunday 25 October 2026: Monday 19th 08:00 is BST (07:00 UTC), the 26th GMT.
    expect(latestDue(timing, new Date('2026-10-20T00:00:00Z')).dueAt.toISOString()).toBe(
      '2026-10-19T07:00:00.000Z',
    )
    expect(latestDue(timing, new Date('2026-10-27T00:00:00Z')).dueAt.toISOString()).toBe(
      '2026-10-26T08:00:00.000Z',
    )
    // The week of the change is 7 days and 1 hour long, local midnight to local midnight.
    const period = latestDue(timing, new Date('2026-10-27T00:00:00Z')).period
    expect(period.to.getTime() - period.from.getTime()).toBe((7 * 24 + 1) * 3_600_000)
  })

  it('moves a send time skipped by spring-forward to just after the gap, once', () => {
    // 29 March 2026, London: 01:00–02:00 does not exist. Day 7 = Sunday.
    const timing = {
      frequency: 'weekly',
      day: 7,
      localTime: '01:30',
      timeZone: 'Europe/London',
    } as const
    const due = latestDue(timing, new Date('2026-03-29T03:00:00Z'))
    expect(due.dueAt.toISOString()).toBe('2026-03-29T01:30:00.000Z')
    expect(latestDue(timing, new Date('2026-03-29T00:59:00Z')).period.key).not.toBe(due.period.key)
  })

  it('sends a monthly report on its day of month, for the last whole month', () => {
    const timing = {
      frequency: 'monthly',
      day: 1,
      localTime: '07:30',
      timeZone: 'America/Los_Angeles',
    } as const
    const due = latestDue(timing, new Date('2026-12-02T12:00:00Z'))
    expect(due.dueAt.toISOString()).toBe('2026-12-01T15:30:00.000Z')
    expect(due.period.key).toBe('2026-11')
    expect(due.period.label).toBe('November 2026')
    expect(due.period.from.toISOString()).toBe('2026-11-01T07:00:00.000Z')
    expect(due.period.to.toISOString()).toBe('2026-12-01T08:00:00.000Z')
    // Before this month's day: last month's occurrence, reporting October.
    const early = latestDue({ ...timing, day: 5 }, new Date('2026-12-02T12:00:00Z'))
    expect(early.dueAt.toISOString()).toBe('2026-11-05T15:30:00.000Z')
    expect(early.period.key).toBe('2026-10')
  })

  it('gives the next occurrence after now', () => {
    const timing = { frequency: 'weekly', day: 3, localTime: '09:00', timeZone: 'UTC' } as const
    expect(nextDue(timing, new Date('2026-12-02T09:00:00Z')).toISOString()).toBe(
      '2026-12-09T09:00:00.000Z',
    )
    expect(nextDue(timing, new Date('2026-12-02T08:59:00Z')).toISOString()).toBe(
      '2026-12-02T09:00:00.000Z',
    )
  })
})
