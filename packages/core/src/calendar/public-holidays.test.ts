import Holidays, { type HolidaysTypes } from 'date-holidays'
import { IANAZone } from 'luxon'
import { describe, expect, it } from 'vitest'
import { createBusinessCalendar } from './create-business-calendar.js'
import { loadZone, localToUtc, naiveLocalMs } from './local-time.js'
import { publicHolidayDates, publicHolidayOn } from './public-holidays.js'
import type { Session } from './schedule-spec.js'
import { weekdays } from './schedule-test-helpers.js'

const H = 3_600_000
const DAY = 24 * H

const nineToSix: Session[] = [{ start: '08:00', end: '18:00' }]

/**
 * The instant the clocks of `zone` first show `YYYY-MM-DDTHH:MM` (a reading inside a
 * spring-forward gap gives the end of the gap), by the calendar's documented rule.
 */
function localInstant(zone: string, reading: string): number {
  const z = loadZone(zone)!
  const [date, time] = reading.split('T') as [string, string]
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const minutes = Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5))
  return localToUtc(z, naiveLocalMs(y, m, d, minutes))
}

const addDays = (date: string, n: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10)

/** date-holidays in its default mode (the region's own zone): the oracle's source. */
const holidaysIn = (region: string): Holidays => {
  const [country, state] = region.split('-') as [string, string | undefined]
  return state === undefined ? new Holidays(country) : new Holidays(country, state)
}

describe('public holidays on the day the clocks change', () => {
  it('closes Easter Monday 2026 in Sydney although Easter Sunday is 25 hours long', () => {
    // AEDT ends on Sun 5 Apr 2026 (Easter Sunday). Thu 2 Apr 17:00 → Tue 7 Apr 09:00 local:
    // 1h on Thursday, Good Friday, the weekend, Easter Monday, 1h on Tuesday.
    const cal = createBusinessCalendar({
      timeZone: 'Australia/Sydney',
      holidayRegion: 'AU-NSW',
      weekly: weekdays(nineToSix),
    })
    const from = localInstant('Australia/Sydney', '2026-04-02T17:00')
    const to = localInstant('Australia/Sydney', '2026-04-07T09:00')
    expect(cal.businessTimeBetween(from, to)).toBe(7_200_000)
    expect(cal.dayPlan('2026-04-06')).toMatchObject({ source: 'holiday', reason: 'Easter Monday' })
    expect(publicHolidayOn('AU-NSW', '2026-04-06')).toMatchObject({ fromMinute: 0, toMinute: 1440 })
  })

  it.each([
    ['AU-NSW', 'Australia/Sydney', '2026-04-06'],
    ['AU-VIC', 'Australia/Melbourne', '2026-04-06'],
    ['AU-SA', 'Australia/Adelaide', '2026-04-06'],
    ['AU-NSW', 'Australia/Sydney', '2029-04-02'],
    ['AU-VIC', 'Australia/Melbourne', '2029-04-02'],
    ['AU-SA', 'Australia/Adelaide', '2029-04-02'],
  ])('keeps a %s clinic closed all of Easter Monday %s', (region, zone, date) => {
    const cal = createBusinessCalendar({
      timeZone: zone,
      holidayRegion: region,
      weekly: weekdays(nineToSix),
    })
    const midnight = localInstant(zone, `${date}T00:00`)
    expect(cal.businessTimeBetween(midnight, midnight + DAY)).toBe(0)
    expect(cal.isOpen(localInstant(zone, `${date}T08:00`))).toBe(false)
  })

  /**
   * The oracle reads date-holidays in its default mode (the region's own zone, real instants)
   * and turns each public holiday into local dates by counting whole local days from its start
   * date: an elapsed span within an hour of n days (DST makes days 23, 24 or 25 hours long) is
   * n days. That is independent of how publicHolidayDates gets its dates.
   */
  const listed = new Map<string, HolidaysTypes.Holiday[]>()
  function oracleFullDays(region: string, year: number): Set<string> {
    const hd = holidaysIn(region)
    const out = new Set<string>()
    for (const y of [year - 1, year]) {
      const list = listed.get(`${region}:${y}`) ?? hd.getHolidays(y) ?? []
      listed.set(`${region}:${y}`, list)
      for (const h of list) {
        if (h.type !== 'public' || h.date.slice(11, 19) !== '00:00:00') continue
        const days = Math.round((h.end.getTime() - h.start.getTime()) / DAY)
        if (Math.abs(h.end.getTime() - h.start.getTime() - days * DAY) > H) continue
        for (let i = 0; i < days; i++) {
          const date = addDays(h.date.slice(0, 10), i)
          if (date.startsWith(`${year}-`)) out.add(date)
        }
      }
    }
    return out
  }

  /** Local dates in `year` on which `zone` changes its UTC offset (daily probes, then bisection). */
  function transitionDates(zone: string, year: number): string[] {
    const z = IANAZone.create(zone)
    const out: string[] = []
    for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += DAY) {
      if (z.offset(t) === z.offset(t + DAY)) continue
      let lo = t
      let hi = t + DAY
      while (hi - lo > 60_000) {
        const mid = lo + Math.floor((hi - lo) / 2)
        if (z.offset(mid) === z.offset(t)) lo = mid
        else hi = mid
      }
      out.push(new Date(hi + z.offset(hi) * 60_000).toISOString().slice(0, 10))
    }
    return out
  }

  const everyDay = Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [
      d,
      [{ start: '00:00', end: '24:00' }],
    ]),
  )

  /**
   * Compares one region's holiday dates with the oracle for 2016–2035 and, on every date within
   * two days of a clock change, checks the engine: a whole-day holiday has no open time, any
   * other date of a 24/7 schedule is open all of its (23, 24 or 25) hours. Returns the holiday
   * dates it met beside a clock change. Memoised: the summary test reuses the per-region runs.
   */
  const sweeps = new Map<string, string[]>()
  function sweepRegion(region: string, zone: string): string[] {
    const done = sweeps.get(region)
    if (done) return done
    let cal: ReturnType<typeof createBusinessCalendar> | undefined
    const near: string[] = []
    for (let year = 2016; year <= 2035; year++) {
      const expected = oracleFullDays(region, year)
      const actual = publicHolidayDates(region, year)
      const actualFull = [...actual.values()]
        .filter((h) => h.fromMinute === 0 && h.toMinute === 1440)
        .map((h) => h.date)
      // Every whole-day public holiday date-holidays lists is a whole closed local date …
      for (const date of expected) expect(actualFull, `${region} ${date}`).toContain(date)
      // … and nothing else turns up, apart from substitutes promoted to public.
      for (const h of actual.values()) {
        if (!expected.has(h.date) && h.fromMinute === 0 && h.toMinute === 1440) {
          expect(h.name, `${region} ${h.date}`).toMatch(/\(.*\)$/)
        }
      }
      const beside = new Set(
        transitionDates(zone, year).flatMap((d) => [-2, -1, 0, 1, 2].map((i) => addDays(d, i))),
      )
      for (const date of beside) {
        if (!date.startsWith(`${year}-`)) continue
        const holiday = actual.get(date)
        if (holiday !== undefined && !(holiday.fromMinute === 0 && holiday.toMinute === 1440)) {
          continue
        }
        cal ??= createBusinessCalendar({ timeZone: zone, holidayRegion: region, weekly: everyDay })
        const from = localInstant(zone, `${date}T00:00`)
        const to = localInstant(zone, `${addDays(date, 1)}T00:00`)
        const open = cal.businessTimeBetween(from, to)
        if (holiday === undefined) expect(open, `${region} ${date} (no holiday)`).toBe(to - from)
        else {
          expect(open, `${region} ${date} ${holiday.name}`).toBe(0)
          near.push(date)
        }
      }
    }
    sweeps.set(region, near)
    return near
  }

  const sweepRegions: Array<[string, string]> = [
    ['AU-NSW', 'Australia/Sydney'],
    ['AU-VIC', 'Australia/Melbourne'],
    ['AU-SA', 'Australia/Adelaide'],
    ['AU-TAS', 'Australia/Hobart'],
    ['NZ', 'Pacific/Auckland'],
    ['GB-ENG', 'Europe/London'],
    ['IE', 'Europe/Dublin'],
    ['US-CA', 'America/Los_Angeles'],
    ['DE', 'Europe/Berlin'],
    ['CL', 'America/Santiago'],
    ['BR', 'America/Sao_Paulo'],
  ]

  it.each(sweepRegions)(
    'agrees with date-holidays on every whole-day public holiday of %s (2016–2035)',
    (region, zone) => {
      sweepRegion(region, zone)
    },
  )

  it('met holidays beside clock changes in that sweep (Easter, Anzac Day …)', () => {
    const near = sweepRegions.flatMap(([region, zone]) =>
      sweepRegion(region, zone).map((d) => `${region} ${d}`),
    )
    expect(near).toEqual(
      expect.arrayContaining(['AU-NSW 2026-04-06', 'AU-VIC 2029-04-02', 'AU-SA 2026-04-05']),
    )
    expect(near.length).toBeGreaterThan(20)
  })
})

describe('substitute days of public holidays', () => {
  it.each([
    ['US', 'America/New_York', '2017-11-10', 'Veterans Day (substitute day)'],
    ['IE', 'Europe/Dublin', '2018-03-19', 'St. Patrick’s Day (substitute day)'],
    ['IE', 'Europe/Dublin', '2019-03-18', 'St. Patrick’s Day (substitute day)'],
  ])('closes %s on %s (%s), which date-holidays types "bank"', (region, zone, date, name) => {
    const cal = createBusinessCalendar({
      timeZone: zone,
      holidayRegion: region,
      weekly: weekdays(nineToSix),
    })
    expect(cal.dayPlan(date)).toMatchObject({ source: 'holiday', reason: name, sessions: [] })
    expect(cal.isOpen(localInstant(zone, `${date}T10:00`))).toBe(false)
  })

  it('closes both the weekend holiday and its weekday substitute', () => {
    // Boxing Day 2026 is a Saturday; NSW observes it again on Monday 28 December. A practice
    // open on Saturdays is closed on both.
    const cal = createBusinessCalendar({
      timeZone: 'Australia/Sydney',
      holidayRegion: 'AU-NSW',
      weekly: { ...weekdays(nineToSix), sat: [{ start: '09:00', end: '12:00' }] },
    })
    expect(cal.dayPlan('2026-12-26')).toMatchObject({ source: 'holiday', reason: 'Boxing Day' })
    expect(cal.dayPlan('2026-12-28')).toMatchObject({
      source: 'holiday',
      reason: 'Boxing Day (substitute day)',
    })
  })

  it('keeps substitutes of bank holidays and observances open', () => {
    // Spain lists national substitutes as observances: each community decides (ES-MD's own list
    // has the days it takes off).
    expect(publicHolidayOn('ES', '2017-01-02')).toBeNull()
    // New Year's Day 2022 (Sat) is substituted on Fri 2021-12-31 in the US: public, closed.
    expect(publicHolidayOn('US', '2021-12-31')).toMatchObject({
      name: "New Year's Day (substitute day)",
    })
  })

  it('closes every substitute of a public holiday in US, IE, GB, AU, NZ and CA regions', () => {
    const probe = new Holidays()
    const regions = ['US', 'US-CA', 'US-NY', 'US-TX', 'IE', 'NZ', 'CA', 'CA-ON', 'CA-BC']
    for (const country of ['GB', 'AU']) {
      for (const state of Object.keys(probe.getStates(country) ?? {})) {
        regions.push(`${country}-${state}`)
      }
    }
    let promoted = 0
    let substitutes = 0
    for (const region of regions) {
      const hd = holidaysIn(region)
      const byYear = new Map<number, HolidaysTypes.Holiday[]>()
      const holidaysOf = (y: number) => {
        const list = byYear.get(y) ?? hd.getHolidays(y) ?? []
        byYear.set(y, list)
        return list
      }
      for (let year = 2012; year <= 2031; year++) {
        const nearby = [...holidaysOf(year - 1), ...holidaysOf(year), ...holidaysOf(year + 1)]
        for (const h of holidaysOf(year)) {
          if (!h.substitute) continue
          // The holiday it substitutes: same name without the "(substitute day)" suffix, nearest.
          const base = h.name.replace(/\s*\([^)]*\)$/, '')
          const original = nearby
            .filter((o) => !o.substitute && o.name === base)
            .sort(
              (a, b) =>
                Math.abs(a.start.getTime() - h.start.getTime()) -
                Math.abs(b.start.getTime() - h.start.getTime()),
            )[0]
          if (original?.type !== 'public') continue
          substitutes++
          if (h.type !== 'public') promoted++
          const date = h.date.slice(0, 10)
          expect(publicHolidayOn(region, date), `${region} ${date} ${h.name}`).toMatchObject({
            fromMinute: 0,
            toMinute: 1440,
          })
        }
      }
    }
    expect(substitutes).toBeGreaterThan(250)
    // The US Veterans Day substitutes and Ireland's are typed "bank" by date-holidays.
    expect(promoted).toBeGreaterThan(20)
  })
})
