import { describe, expect, it } from 'vitest'
import { isEarshotError } from '../errors.js'
import { createBusinessCalendar } from './create-business-calendar.js'
import type { ScheduleSpec } from './schedule-spec.js'
import { day, weekdays } from './schedule-test-helpers.js'

const M = 60_000
const H = 60 * M
const at = (iso: string): Date => new Date(iso)
const iso = (d: Date | number | null): string | null =>
  d === null ? null : new Date(d).toISOString().replace('.000Z', 'Z')

// Mon–Fri 08:00–18:00 in Sydney with NSW public holidays: the clinic of the worked examples.
const sydneyClinic: ScheduleSpec = {
  timeZone: 'Australia/Sydney',
  holidayRegion: 'AU-NSW',
  weekly: weekdays(day('08:00', '18:00')),
}

describe('createBusinessCalendar: weekly hours', () => {
  const cal = createBusinessCalendar(sydneyClinic)

  it('carries a Friday-evening message over the weekend (Fri 17:45 + 2h → Mon 09:45)', () => {
    // Fri 2027-03-05 17:45 AEDT (UTC+11) = 06:45Z. 15 min Friday (17:45–18:00) + 1h45 Monday
    // (08:00–09:45) → Mon 2027-03-08 09:45 AEDT = Sun 22:45Z.
    const due = cal.addBusinessTime(at('2027-03-05T06:45:00Z'), 2 * H)
    expect(iso(due)).toBe('2027-03-07T22:45:00Z')
    expect(cal.businessTimeBetween(at('2027-03-05T06:45:00Z'), due)).toBe(2 * H)
  })

  it('ends exactly at closing time rather than at the next opening', () => {
    // Mon 2027-03-08 16:00 AEDT = 05:00Z; + 2h = 18:00 AEDT = 07:00Z (closing time).
    expect(iso(cal.addBusinessTime(at('2027-03-08T05:00:00Z'), 2 * H))).toBe('2027-03-08T07:00:00Z')
  })

  it('starts a clock that begins while closed at the next opening', () => {
    // Sat 2027-03-06 10:00 AEDT = Fri 23:00Z. Next opening Mon 08:00 AEDT = Sun 21:00Z; + 1h = 22:00Z.
    const sat = at('2027-03-05T23:00:00Z')
    expect(cal.isOpen(sat)).toBe(false)
    expect(iso(cal.nextOpening(sat))).toBe('2027-03-07T21:00:00Z')
    expect(iso(cal.addBusinessTime(sat, H))).toBe('2027-03-07T22:00:00Z')
  })

  it('defines a zero duration as the next opening when closed and the instant itself when open', () => {
    const closed = at('2027-03-05T23:00:00Z')
    const open = at('2027-03-08T01:23:45Z')
    expect(cal.addBusinessTime(closed, 0)).toEqual(cal.nextOpening(closed))
    expect(cal.addBusinessTime(open, 0)).toEqual(open)
    expect(cal.nextOpening(open)).toEqual(open)
  })

  it('counts nothing for a message answered before the practice opens', () => {
    // Received Sat 10:00, answered Sun 20:00 AEDT (09:00Z Sunday): both before Monday's opening.
    expect(cal.businessTimeBetween(at('2027-03-05T23:00:00Z'), at('2027-03-07T09:00:00Z'))).toBe(0)
    expect(cal.businessTimeBetween(at('2027-03-08T05:00:00Z'), at('2027-03-08T04:00:00Z'))).toBe(0)
  })

  it('treats sessions as half-open [start, end)', () => {
    // Mon 08:00 AEDT = Sun 21:00Z is open, Mon 18:00 AEDT = Mon 07:00Z is closed.
    expect(cal.isOpen(at('2027-03-07T21:00:00Z'))).toBe(true)
    expect(cal.isOpen(at('2027-03-08T07:00:00Z'))).toBe(false)
    expect(cal.isOpen(Date.parse('2027-03-08T06:59:59.999Z'))).toBe(true)
  })

  it('accepts numbers and Dates alike and agrees with addBusinessMs', () => {
    const start = Date.parse('2027-03-05T06:45:00Z')
    expect(cal.addBusinessMs(start, 2 * H)).toBe(
      cal.addBusinessTime(new Date(start), 2 * H).getTime(),
    )
  })

  it('splits sessions around a lunch break', () => {
    // London in February is UTC+0. Mon 08:00–12:30 and 13:30–17:00.
    const lunch = createBusinessCalendar({
      timeZone: 'Europe/London',
      weekly: {
        mon: [
          { start: '13:30', end: '17:00' },
          { start: '08:00', end: '12:30' },
        ],
      },
    })
    // Mon 2027-02-01 11:00 + 3h: 1h30 until 12:30, lunch, 1h30 from 13:30 → 15:00.
    expect(iso(lunch.addBusinessTime(at('2027-02-01T11:00:00Z'), 3 * H))).toBe(
      '2027-02-01T15:00:00Z',
    )
    // 10:00 → 14:00 holds 2h30 of morning and 30 min of afternoon.
    expect(lunch.businessTimeBetween(at('2027-02-01T10:00:00Z'), at('2027-02-01T14:00:00Z'))).toBe(
      3 * H,
    )
    expect(lunch.isOpen(at('2027-02-01T13:00:00Z'))).toBe(false)
    expect(
      lunch
        .openIntervals(at('2027-02-01T00:00:00Z'), at('2027-02-02T00:00:00Z'))
        .map((p) => p.map(iso)),
    ).toEqual([
      ['2027-02-01T08:00:00Z', '2027-02-01T12:30:00Z'],
      ['2027-02-01T13:30:00Z', '2027-02-01T17:00:00Z'],
    ])
  })
})

describe('createBusinessCalendar: past midnight', () => {
  const late = createBusinessCalendar({ timeZone: 'UTC', weekly: { fri: day('22:00', '02:00') } })

  it('runs a Friday 22:00–02:00 session into Saturday', () => {
    expect(late.isOpen(at('2027-03-06T01:00:00Z'))).toBe(true)
    expect(late.isOpen(at('2027-03-06T02:00:00Z'))).toBe(false)
    // Fri 2027-03-05 23:30 + 3h: 2h30 until Sat 02:00, then 30 min from next Fri 22:00 → 22:30.
    expect(iso(late.addBusinessTime(at('2027-03-05T23:30:00Z'), 3 * H))).toBe(
      '2027-03-12T22:30:00Z',
    )
  })

  it('merges sessions of adjacent days that overlap or touch into one interval', () => {
    const cal = createBusinessCalendar({
      timeZone: 'UTC',
      weekly: {
        fri: day('22:00', '02:00'),
        sat: [...day('01:00', '05:00'), ...day('20:00', '24:00')],
        sun: day('00:00', '03:00'),
      },
    })
    expect(
      cal
        .openIntervals(at('2027-03-05T00:00:00Z'), at('2027-03-08T00:00:00Z'))
        .map((p) => p.map(iso)),
    ).toEqual([
      ['2027-03-05T22:00:00Z', '2027-03-06T05:00:00Z'],
      ['2027-03-06T20:00:00Z', '2027-03-07T03:00:00Z'],
    ])
    // 22:00 Fri → 05:00 Sat is 7h of open time, not 8h (the overlap 01:00–02:00 counts once).
    expect(cal.businessTimeBetween(at('2027-03-05T00:00:00Z'), at('2027-03-06T12:00:00Z'))).toBe(
      7 * H,
    )
  })

  it('treats start === end as a 24-hour session', () => {
    const cal = createBusinessCalendar({ timeZone: 'UTC', weekly: { mon: day('09:00', '09:00') } })
    // Mon 2027-03-08 09:00 → Tue 09:00.
    expect(cal.businessTimeBetween(at('2027-03-08T00:00:00Z'), at('2027-03-10T00:00:00Z'))).toBe(
      24 * H,
    )
  })
})

describe('createBusinessCalendar: overrides and closures', () => {
  const cal = createBusinessCalendar({
    ...sydneyClinic,
    overrides: [
      { date: '2027-03-10', sessions: day('08:00', '21:00'), reason: 'late clinic' },
      { date: '2027-03-11', sessions: [], reason: 'staff day' },
      { date: '2027-03-13', sessions: day('09:00', '12:00'), reason: 'Saturday catch-up' },
    ],
    closures: [{ from: '2027-12-24', to: '2028-01-04', reason: 'Christmas shutdown' }],
  })

  it('uses a dated override instead of the weekly sessions', () => {
    // Wed 2027-03-10 17:00 AEDT = 06:00Z; open until 21:00 that night → + 3h = 20:00 AEDT = 09:00Z.
    expect(iso(cal.addBusinessTime(at('2027-03-10T06:00:00Z'), 3 * H))).toBe('2027-03-10T09:00:00Z')
  })

  it('closes a day whose override has no sessions and opens a normally closed one', () => {
    // Wed 20:00 AEDT + 2h: 1h until 21:00 Wed, Thu closed (staff day), Fri 08:00–09:00 AEDT
    // → Fri 2027-03-12 09:00 AEDT = Thu 22:00Z.
    expect(iso(cal.addBusinessTime(at('2027-03-10T09:00:00Z'), 2 * H))).toBe('2027-03-11T22:00:00Z')
    // Sat 2027-03-13 10:00 AEDT = Fri 23:00Z is open thanks to the override.
    expect(cal.isOpen(at('2027-03-12T23:00:00Z'))).toBe(true)
    expect(cal.dayPlan('2027-03-11')).toEqual({
      date: '2027-03-11',
      weekday: 'thu',
      source: 'override',
      reason: 'staff day',
      sessions: [],
    })
  })

  it('closes every date of a closure, across the new year', () => {
    // Thu 2027-12-23 17:00 AEDT = 06:00Z; + 2h: 1h Thursday, closed 24 Dec – 4 Jan, then
    // Wed 2028-01-05 08:00–09:00 AEDT → 09:00 AEDT = 2028-01-04T22:00Z.
    expect(iso(cal.addBusinessTime(at('2027-12-23T06:00:00Z'), 2 * H))).toBe('2028-01-04T22:00:00Z')
    expect(cal.dayPlan('2028-01-03').source).toBe('closure')
    expect(cal.dayPlan('2028-01-03').reason).toBe('Christmas shutdown')
  })
})

describe('createBusinessCalendar: public holidays', () => {
  it('skips Australia Day (Tue 2027-01-26) in AU-NSW', () => {
    const cal = createBusinessCalendar(sydneyClinic)
    expect(cal.dayPlan('2027-01-26')).toMatchObject({ source: 'holiday', reason: 'Australia Day' })
    // Mon 2027-01-25 17:00 AEDT = 06:00Z; 1h Monday + 1h Wednesday → Wed 09:00 AEDT = Tue 22:00Z.
    expect(iso(cal.addBusinessTime(at('2027-01-25T06:00:00Z'), 2 * H))).toBe('2027-01-26T22:00:00Z')
  })

  it('skips Christmas and the Boxing Day substitute Monday in AU-NSW', () => {
    const cal = createBusinessCalendar(sydneyClinic)
    // Boxing Day 2026 is a Saturday; NSW observes it on Monday 28 December.
    expect(cal.dayPlan('2026-12-28')).toMatchObject({
      source: 'holiday',
      reason: 'Boxing Day (substitute day)',
    })
    // Thu 2026-12-24 17:00 AEDT = 06:00Z; 1h Thursday, Fri 25 holiday, weekend, Mon 28 holiday,
    // Tue 29 08:00–09:00 AEDT → 09:00 AEDT = Mon 22:00Z.
    expect(iso(cal.addBusinessTime(at('2026-12-24T06:00:00Z'), 2 * H))).toBe('2026-12-28T22:00:00Z')
  })

  it('skips an English bank holiday (Spring bank holiday, Mon 2026-05-25)', () => {
    const cal = createBusinessCalendar({
      timeZone: 'Europe/London',
      holidayRegion: 'GB-ENG',
      weekly: weekdays(day('09:00', '17:00')),
    })
    // Fri 2026-05-22 16:00 BST (UTC+1) = 15:00Z; 1h Friday, Mon 25 closed, Tue 26 09:00–10:00 BST
    // → 10:00 BST = 09:00Z.
    expect(iso(cal.addBusinessTime(at('2026-05-22T15:00:00Z'), 2 * H))).toBe('2026-05-26T09:00:00Z')
  })

  it('keeps the past-midnight tail of the day before a holiday, but not the holiday’s own session', () => {
    const cal = createBusinessCalendar({
      timeZone: 'Australia/Sydney',
      holidayRegion: 'AU-NSW',
      weekly: weekdays(day('20:00', '02:00')),
    })
    // Mon 2027-01-25 20:00 → Tue 02:00 runs (it starts on Monday); Tue 26 20:00 does not.
    expect(cal.isOpen(at('2027-01-25T14:00:00Z'))).toBe(true) // Tue 01:00 AEDT
    expect(cal.isOpen(at('2027-01-26T10:00:00Z'))).toBe(false) // Tue 21:00 AEDT
    // Mon 23:00 AEDT = 12:00Z; + 4h: 3h until Tue 02:00, then Wed 20:00–21:00 → 21:00 AEDT = 10:00Z.
    expect(iso(cal.addBusinessTime(at('2027-01-25T12:00:00Z'), 4 * H))).toBe('2027-01-27T10:00:00Z')
  })

  it('lets an override open a public holiday', () => {
    const cal = createBusinessCalendar({
      ...sydneyClinic,
      overrides: [
        { date: '2027-01-26', sessions: day('10:00', '14:00'), reason: 'holiday clinic' },
      ],
    })
    expect(cal.dayPlan('2027-01-26')).toMatchObject({
      source: 'override',
      reason: 'holiday clinic',
    })
    // Tue 2027-01-26 11:00 AEDT = 00:00Z is open.
    expect(cal.isOpen(at('2027-01-26T00:00:00Z'))).toBe(true)
  })

  it('closes only the holiday part of a part-day public holiday', () => {
    // Iceland's Christmas Eve (Fri 2027-12-24) is a public holiday from 13:00; Reykjavik is UTC+0.
    const cal = createBusinessCalendar({
      timeZone: 'Atlantic/Reykjavik',
      holidayRegion: 'IS',
      weekly: weekdays(day('08:00', '16:00')),
    })
    expect(cal.dayPlan('2027-12-24')).toMatchObject({
      source: 'holiday',
      sessions: [{ start: '08:00', end: '13:00' }],
    })
    expect(cal.isOpen(Date.parse('2027-12-24T12:59:59.999Z'))).toBe(true)
    expect(cal.isOpen(at('2027-12-24T13:00:00Z'))).toBe(false)
    // Fri 12:00 + 2h: 1h until 13:00, Christmas Day and the weekend, then 1h on Monday
    // (Iceland has no substitute day for the Saturday) → Mon 2027-12-27 09:00.
    expect(cal.dayPlan('2027-12-27').source).toBe('weekly')
    expect(iso(cal.addBusinessTime(at('2027-12-24T12:00:00Z'), 2 * H))).toBe('2027-12-27T09:00:00Z')
  })

  it('closes on US-CA public holidays only, not on observances or bank holidays', () => {
    const ca = createBusinessCalendar({
      timeZone: 'America/Los_Angeles',
      holidayRegion: 'US-CA',
      weekly: weekdays(day('09:00', '17:00')),
    })
    expect(ca.dayPlan('2027-11-25')).toMatchObject({
      source: 'holiday',
      reason: 'Thanksgiving Day',
    })
    // Tax Day (Thu 2027-04-15) is an observance: the clinic opens 09:00 PDT (UTC-7) = 16:00Z.
    expect(ca.dayPlan('2027-04-15').source).toBe('weekly')
    expect(ca.isOpen(at('2027-04-15T16:00:00Z'))).toBe(true)
    // NSW's August Bank Holiday (Mon 2027-08-02) is type 'bank': banks close, clinics do not.
    const nsw = createBusinessCalendar(sydneyClinic)
    expect(nsw.dayPlan('2027-08-02').source).toBe('weekly')
  })
})

describe('createBusinessCalendar: daylight saving', () => {
  const night = (timeZone: string) =>
    createBusinessCalendar({ timeZone, weekly: { sun: day('00:00', '06:00') } })

  it('gives a 00:00–06:00 session 7h when Sydney turns clocks back (Sun 2027-04-04)', () => {
    const cal = night('Australia/Sydney')
    // 00:00 AEDT (UTC+11) = Sat 13:00Z; 06:00 AEST (UTC+10) = Sat 20:00Z.
    expect(
      cal
        .openIntervals(at('2027-04-03T00:00:00Z'), at('2027-04-05T00:00:00Z'))
        .map((p) => p.map(iso)),
    ).toEqual([['2027-04-03T13:00:00Z', '2027-04-03T20:00:00Z']])
    // 6h30 of business time from the start lands at 05:30 AEST = 19:30Z.
    expect(iso(cal.addBusinessTime(at('2027-04-03T13:00:00Z'), 6.5 * H))).toBe(
      '2027-04-03T19:30:00Z',
    )
  })

  it('gives a 00:00–06:00 session 5h when Sydney springs forward (Sun 2027-10-03)', () => {
    const cal = night('Australia/Sydney')
    // 00:00 AEST (UTC+10) = Sat 14:00Z; 06:00 AEDT (UTC+11) = Sat 19:00Z.
    expect(cal.businessTimeBetween(at('2027-10-02T00:00:00Z'), at('2027-10-04T00:00:00Z'))).toBe(
      5 * H,
    )
    expect(iso(cal.nextOpening(at('2027-10-02T00:00:00Z')))).toBe('2027-10-02T14:00:00Z')
  })

  it('gives 5h on the last Sunday of March and 7h on the last Sunday of October in London', () => {
    const cal = night('Europe/London')
    // 2027-03-28: 00:00 GMT = 00:00Z; 06:00 BST = 05:00Z.
    expect(cal.businessTimeBetween(at('2027-03-27T12:00:00Z'), at('2027-03-28T12:00:00Z'))).toBe(
      5 * H,
    )
    // 2027-10-31: 00:00 BST = Sat 23:00Z; 06:00 GMT = 06:00Z.
    expect(cal.businessTimeBetween(at('2027-10-30T12:00:00Z'), at('2027-10-31T12:00:00Z'))).toBe(
      7 * H,
    )
  })

  it('moves a session start inside the spring-forward gap to the first valid instant', () => {
    // Sydney 2027-10-03: 02:00 AEST jumps to 03:00 AEDT. A 02:30–04:00 session opens at
    // 03:00 AEDT (UTC+11) = Sat 16:00Z and closes at 04:00 AEDT = 17:00Z: 1h of real time.
    const cal = createBusinessCalendar({
      timeZone: 'Australia/Sydney',
      weekly: { sun: day('02:30', '04:00') },
    })
    expect(
      cal
        .openIntervals(at('2027-10-02T00:00:00Z'), at('2027-10-03T00:00:00Z'))
        .map((p) => p.map(iso)),
    ).toEqual([['2027-10-02T16:00:00Z', '2027-10-02T17:00:00Z']])
  })

  it('opens at the first occurrence of an ambiguous fall-back time', () => {
    // London 2027-10-31: 01:30 happens at 00:30Z (BST) and again at 01:30Z (GMT). A 01:30–03:00
    // session opens at 00:30Z and closes at 03:00 GMT = 03:00Z: 2h30 of real time.
    const cal = createBusinessCalendar({
      timeZone: 'Europe/London',
      weekly: { sun: day('01:30', '03:00') },
    })
    expect(cal.businessTimeBetween(at('2027-10-30T00:00:00Z'), at('2027-11-01T00:00:00Z'))).toBe(
      2.5 * H,
    )
    expect(iso(cal.nextOpening(at('2027-10-30T00:00:00Z')))).toBe('2027-10-31T00:30:00Z')
  })
})

describe('createBusinessCalendar: horizon and validation', () => {
  it('reports a schedule that never opens', () => {
    const cal = createBusinessCalendar({ timeZone: 'UTC' })
    expect(cal.nextOpening(at('2027-01-01T00:00:00Z'))).toBeNull()
    expect(() => cal.addBusinessTime(at('2027-01-01T00:00:00Z'), H)).toThrow(/schedule never opens/)
    try {
      cal.addBusinessTime(at('2027-01-01T00:00:00Z'), H)
    } catch (e) {
      expect(isEarshotError(e, 'INVALID_CONFIGURATION')).toBe(true)
    }
  })

  it('finds a single dated opening within the horizon and none after it', () => {
    const cal = createBusinessCalendar({
      timeZone: 'UTC',
      overrides: [{ date: '2027-06-01', sessions: day('09:00', '10:00') }],
    })
    expect(iso(cal.nextOpening(at('2025-01-01T00:00:00Z')))).toBe('2027-06-01T09:00:00Z')
    expect(iso(cal.addBusinessTime(at('2025-01-01T00:00:00Z'), 30 * M))).toBe(
      '2027-06-01T09:30:00Z',
    )
    expect(cal.nextOpening(at('2027-06-01T10:00:00Z'))).toBeNull()
  })

  it('honours a custom search horizon', () => {
    const spec: ScheduleSpec = {
      timeZone: 'UTC',
      overrides: [{ date: '2032-06-01', sessions: day('09:00', '10:00') }],
    }
    // 5.4 years away: beyond the default 3-year horizon, within a 6-year one.
    expect(createBusinessCalendar(spec).nextOpening(at('2027-01-01T00:00:00Z'))).toBeNull()
    const patient = createBusinessCalendar(spec, { searchHorizonYears: 6 })
    expect(iso(patient.nextOpening(at('2027-01-01T00:00:00Z')))).toBe('2032-06-01T09:00:00Z')
    expect(() => createBusinessCalendar(spec, { searchHorizonYears: 0 })).toThrow(
      /searchHorizonYears/,
    )
  })

  it('extends backwards and forwards on demand', () => {
    const cal = createBusinessCalendar({ timeZone: 'UTC', weekly: weekdays(day('09:00', '17:00')) })
    expect(cal.isOpen(at('2030-01-07T10:00:00Z'))).toBe(true)
    // 2010-01-04 is a Monday; 52 weeks of 40h between the two Mondays 2010-01-04 and 2011-01-03.
    expect(cal.businessTimeBetween(at('2010-01-04T00:00:00Z'), at('2011-01-03T00:00:00Z'))).toBe(
      52 * 40 * H,
    )
  })

  it.each([
    [
      { timeZone: 'UTC', weekly: { mon: [...day('08:00', '12:00'), ...day('11:00', '14:00')] } },
      /weekly\.mon: sessions 08:00–12:00 and 11:00–14:00 overlap/,
    ],
    [
      { timeZone: 'UTC', weekly: { fri: [...day('22:00', '02:00'), ...day('23:00', '23:30')] } },
      /weekly\.fri: sessions 22:00–02:00 and 23:00–23:30 overlap/,
    ],
    [{ timeZone: 'Mars/Olympus' }, /timeZone: not an IANA time zone/],
    [{ timeZone: 'UTC', holidayRegion: 'AU-XYZ' }, /'AU' has no state 'XYZ'/],
    [{ timeZone: 'UTC', holidayRegion: 'QQ' }, /no country 'QQ'/],
    [{ timeZone: 'UTC', weekly: { mon: day('24:00', '02:00') } }, /cannot start at 24:00/],
    [
      { timeZone: 'UTC', weekly: { mon: day('9:00', '17:00') } },
      /weekly\.mon\.0\.start: expected HH:MM/,
    ],
    [
      {
        timeZone: 'UTC',
        overrides: [
          { date: '2027-01-01', sessions: [] },
          { date: '2027-01-01', sessions: day('09:00', '10:00') },
        ],
      },
      /a second override for 2027-01-01/,
    ],
    [
      { timeZone: 'UTC', closures: [{ from: '2027-02-01', to: '2027-01-01' }] },
      /closure ends before it starts/,
    ],
  ])('rejects an invalid schedule (%#)', (spec, message) => {
    let error: unknown
    try {
      createBusinessCalendar(spec as ScheduleSpec)
    } catch (e) {
      error = e
    }
    expect(isEarshotError(error, 'INVALID_CONFIGURATION')).toBe(true)
    expect((error as Error).message).toMatch(message)
  })

  it('rejects negative and non-finite durations and invalid instants', () => {
    const cal = createBusinessCalendar(sydneyClinic)
    expect(() => cal.addBusinessMs(Date.parse('2027-03-08T00:00:00Z'), -1)).toThrow(/finite number/)
    expect(() => cal.addBusinessMs(Date.parse('2027-03-08T00:00:00Z'), Number.NaN)).toThrow(
      /finite/,
    )
    expect(() => cal.isOpen(Number.NaN)).toThrow(/valid instant/)
  })
})
