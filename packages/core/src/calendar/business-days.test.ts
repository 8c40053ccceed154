import { DateTime } from 'luxon'
import { describe, expect, it } from 'vitest'
import { isEarshotError } from '../errors.js'
import { createBusinessCalendar } from './create-business-calendar.js'
import type { ScheduleSpec } from './schedule-spec.js'
import { day, weekdays } from './schedule-test-helpers.js'

const SYDNEY = 'Australia/Sydney'

/** The instant of a local reading ("2027-03-02 10:00"); luxon, independent of the engine. */
const local = (reading: string, zone = SYDNEY): number =>
  DateTime.fromFormat(reading, 'yyyy-MM-dd HH:mm', { zone }).toMillis()
/** "Wed 2027-03-03 10:00 +11" */
const shown = (ms: number, zone = SYDNEY): string =>
  DateTime.fromMillis(ms, { zone }).toFormat('ccc yyyy-MM-dd HH:mm Z')

// Mon–Fri 08:00–18:00 in Sydney with NSW public holidays (the worked examples' clinic).
const clinic: ScheduleSpec = {
  timeZone: SYDNEY,
  holidayRegion: 'AU-NSW',
  weekly: weekdays(day('08:00', '18:00')),
}

describe('addBusinessDays: the same local time on the next open day', () => {
  const cal = createBusinessCalendar(clinic)
  const due = (reading: string, days: number) =>
    shown(cal.addBusinessDays(local(reading), days).getTime())

  it('makes a question on Tuesday 10:00 due Wednesday 10:00', () => {
    expect(due('2027-03-02 10:00', 1)).toBe('Wed 2027-03-03 10:00 +11')
  })

  it('makes one on Friday 17:45 due Monday 17:45', () => {
    expect(due('2027-03-05 17:45', 1)).toBe('Mon 2027-03-08 17:45 +11')
  })

  it('counts open days only: Wednesday 10:00 plus 3 business days is Monday 10:00', () => {
    expect(due('2027-03-03 10:00', 3)).toBe('Mon 2027-03-08 10:00 +11')
  })

  it('starts a clock that begins while closed at the next opening', () => {
    // Saturday 10:00: the clock starts Monday 08:00, so the due time is Tuesday 08:00.
    expect(due('2027-03-06 10:00', 1)).toBe('Tue 2027-03-09 08:00 +11')
    // Friday 19:00, after closing: the same.
    expect(due('2027-03-05 19:00', 1)).toBe('Tue 2027-03-09 08:00 +11')
  })

  it('skips public holidays and substitute days', () => {
    // Thu 24 Dec 2026: Christmas (Fri), the weekend and the Boxing Day substitute (Mon 28) are closed.
    expect(due('2026-12-24 10:00', 1)).toBe('Tue 2026-12-29 10:00 +11')
    // Thu 2 Apr 2026: Good Friday, the weekend and Easter Monday (after the clocks went back).
    expect(due('2026-04-02 10:00', 1)).toBe('Tue 2026-04-07 10:00 +10')
  })

  it('keeps the local time across a change of the clocks', () => {
    // Fri 2 Oct 2026 10:00 AEST; Mon 5 Oct is Labour Day, and the clocks went forward on Sunday.
    const start = local('2026-10-02 10:00')
    const end = cal.addBusinessDays(start, 1).getTime()
    expect(shown(end)).toBe('Tue 2026-10-06 10:00 +11')
    expect(end - start).toBe(4 * 24 * 3_600_000 - 3_600_000)
  })

  it('is the next opening for zero days, and rejects what is not a whole number of days', () => {
    expect(cal.addBusinessDays(local('2027-03-06 10:00'), 0).getTime()).toBe(
      cal.nextOpening(local('2027-03-06 10:00'))!.getTime(),
    )
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      let error: unknown
      try {
        cal.addBusinessDays(local('2027-03-02 10:00'), bad)
      } catch (e) {
        error = e
      }
      expect(isEarshotError(error, 'INVALID_INPUT'), String(bad)).toBe(true)
    }
  })

  it('agrees with the number-only variant', () => {
    const t = local('2027-03-05 17:45')
    expect(cal.addBusinessDaysMs(t, 2)).toBe(cal.addBusinessDays(new Date(t), 2).getTime())
  })
})

describe('addBusinessDays: a target time the next open day does not have', () => {
  it('ends at Monday’s close when Monday closes before the local time of the question', () => {
    const cal = createBusinessCalendar({
      ...clinic,
      weekly: { ...weekdays(day('08:00', '18:00')), mon: day('08:00', '17:00') },
    })
    expect(shown(cal.addBusinessDaysMs(local('2027-03-05 17:45'), 1))).toBe(
      'Mon 2027-03-08 17:00 +11',
    )
  })

  it('ends at the close of the morning when the target falls in that day’s lunch break', () => {
    const cal = createBusinessCalendar({
      ...clinic,
      weekly: {
        ...weekdays(day('08:00', '18:00')),
        tue: [
          { start: '08:00', end: '12:00' },
          { start: '14:00', end: '18:00' },
        ],
      },
    })
    // Monday 13:00 → Tuesday 13:00 is lunch: the last open moment before it is 12:00.
    expect(shown(cal.addBusinessDaysMs(local('2027-03-01 13:00'), 1))).toBe(
      'Tue 2027-03-02 12:00 +11',
    )
    // Monday 15:00 → Tuesday 15:00 is open again.
    expect(shown(cal.addBusinessDaysMs(local('2027-03-01 15:00'), 1))).toBe(
      'Tue 2027-03-02 15:00 +11',
    )
  })

  it('is that day’s opening when the day opens after the local time of the question', () => {
    const cal = createBusinessCalendar({
      ...clinic,
      weekly: { ...weekdays(day('08:00', '18:00')), tue: day('10:00', '18:00') },
    })
    // Monday 08:30 → Tuesday 08:30, before Tuesday's 10:00 opening: due as Tuesday opens.
    expect(shown(cal.addBusinessDaysMs(local('2027-03-01 08:30'), 1))).toBe(
      'Tue 2027-03-02 10:00 +11',
    )
  })

  it('ends at the close of a day with shorter hours (a late clinic on Thursday)', () => {
    const cal = createBusinessCalendar({
      ...clinic,
      weekly: { ...weekdays(day('08:00', '18:00')), thu: day('08:00', '20:00') },
    })
    expect(shown(cal.addBusinessDaysMs(local('2027-03-04 19:00'), 1))).toBe(
      'Fri 2027-03-05 18:00 +11',
    )
  })

  it('ends where a part-day holiday begins (Iceland’s Christmas Eve from 13:00)', () => {
    const cal = createBusinessCalendar({
      timeZone: 'Atlantic/Reykjavik',
      holidayRegion: 'IS',
      weekly: weekdays(day('08:00', '16:00')),
    })
    const z = 'Atlantic/Reykjavik'
    expect(shown(cal.addBusinessDaysMs(local('2027-12-23 15:00', z), 1), z)).toBe(
      'Fri 2027-12-24 13:00 +0',
    )
  })
})

describe('addBusinessDays: sessions past midnight and clock changes at night', () => {
  it('counts a past-midnight session as part of the day it starts on', () => {
    const cal = createBusinessCalendar({ timeZone: 'UTC', weekly: { fri: day('22:00', '02:00') } })
    const z = 'UTC'
    // Saturday 01:00 is in Friday's session: the next open day is the next Friday.
    expect(shown(cal.addBusinessDaysMs(local('2027-03-06 01:00', z), 1), z)).toBe(
      'Sat 2027-03-13 01:00 +0',
    )
    expect(shown(cal.addBusinessDaysMs(local('2027-03-05 23:30', z), 1), z)).toBe(
      'Fri 2027-03-12 23:30 +0',
    )
  })

  const allWeek: ScheduleSpec = {
    timeZone: SYDNEY,
    weekly: Object.fromEntries(
      ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, day('00:00', '24:00')]),
    ),
  }

  it('moves a target inside the skipped hour to the end of the gap', () => {
    // Sun 4 Oct 2026: 02:00 AEST jumps to 03:00 AEDT, so Saturday 02:30 + 1 day is 03:00.
    const cal = createBusinessCalendar(allWeek)
    expect(shown(cal.addBusinessDaysMs(local('2026-10-03 02:30'), 1))).toBe(
      'Sun 2026-10-04 03:00 +11',
    )
  })

  it('takes the first of two identical local times when the clocks go back', () => {
    // Sun 5 Apr 2026: 03:00 AEDT goes back to 02:00 AEST; 02:30 happens twice.
    const cal = createBusinessCalendar(allWeek)
    expect(shown(cal.addBusinessDaysMs(local('2026-04-04 02:30'), 1))).toBe(
      'Sun 2026-04-05 02:30 +11',
    )
  })
})

describe('addBusinessDays: limits', () => {
  it('reports a schedule with no open day ahead', () => {
    const cal = createBusinessCalendar({
      timeZone: 'UTC',
      weekly: {},
      overrides: [{ date: '2027-03-01', sessions: day('09:00', '17:00') }],
    })
    let error: unknown
    try {
      cal.addBusinessDaysMs(Date.parse('2027-03-01T10:00:00Z'), 1)
    } catch (e) {
      error = e
    }
    expect(isEarshotError(error, 'INVALID_CONFIGURATION')).toBe(true)
    expect((error as Error).message).toMatch(/schedule never opens/)
  })

  it('reaches a year ahead (260 business days) across the new year', () => {
    const cal = createBusinessCalendar({ timeZone: 'UTC', weekly: weekdays(day('09:00', '17:00')) })
    // Mon 1 Mar 2027 10:00 + 260 weekdays = Mon 28 Feb 2028 10:00 (52 weeks of 5 days).
    expect(shown(cal.addBusinessDaysMs(local('2027-03-01 10:00', 'UTC'), 260), 'UTC')).toBe(
      'Mon 2028-02-28 10:00 +0',
    )
  })
})
