import Holidays from 'date-holidays'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createBusinessCalendar } from './create-business-calendar.js'
import { type ScheduleSpec, type Session, WEEKDAYS } from './schedule-spec.js'

const H = 3_600_000
const DAY = 24 * H
const FROM = Date.parse('2026-01-01T00:00:00Z')
const TO = Date.parse('2028-12-31T00:00:00Z')

const ZONES = [
  'Australia/Sydney',
  'Europe/London',
  'America/New_York',
  'Pacific/Auckland',
  'Asia/Kolkata',
  'America/Sao_Paulo',
  'Australia/Lord_Howe',
  'UTC',
]
const REGIONS = [null, 'AU-NSW', 'GB-ENG', 'US-CA', 'NZ']

const hhmm = (quarter: number): string =>
  `${String(Math.floor(quarter / 4)).padStart(2, '0')}:${String((quarter % 4) * 15).padStart(2, '0')}`

/** 0–2 non-overlapping sessions on quarter-hours; the last may run past midnight. */
const daySessions: fc.Arbitrary<Session[]> = fc
  .tuple(
    fc.uniqueArray(fc.integer({ min: 0, max: 96 }), { minLength: 0, maxLength: 4 }),
    fc.boolean(),
    fc.integer({ min: 0, max: 95 }),
  )
  .map(([points, wrap, wrapEnd]) => {
    const sorted = [...points].sort((a, b) => a - b)
    const sessions: Session[] = []
    for (let i = 0; i + 1 < sorted.length; i += 2) {
      sessions.push({ start: hhmm(sorted[i]!), end: hhmm(sorted[i + 1]!) })
    }
    const last = sessions.at(-1)
    if (wrap && last && last.start !== '24:00') {
      const startQ = sorted[sorted.length - (sorted.length % 2) - 2]!
      // End at or before the start: the session runs past midnight into the next day.
      last.end = hhmm(Math.min(wrapEnd, startQ))
    }
    return sessions.filter((s) => s.start !== '24:00')
  })

const isoDate = fc
  .integer({ min: FROM, max: TO })
  .map((ms) => new Date(ms).toISOString().slice(0, 10))

const scheduleArb: fc.Arbitrary<ScheduleSpec> = fc.record({
  timeZone: fc.constantFrom(...ZONES),
  holidayRegion: fc.constantFrom(...REGIONS),
  weekly: fc
    .tuple(...WEEKDAYS.map(() => daySessions))
    .map((days) => Object.fromEntries(WEEKDAYS.map((d, i) => [d, days[i]!]))),
  overrides: fc.uniqueArray(fc.record({ date: isoDate, sessions: daySessions }), {
    maxLength: 4,
    selector: (o) => o.date,
  }),
  closures: fc.array(
    fc.tuple(isoDate, fc.integer({ min: 0, max: 20 })).map(([from, days]) => ({
      from,
      to: new Date(Date.parse(`${from}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10),
    })),
    { maxLength: 2 },
  ),
})

// A schedule with at least one weekly session opens every week, so no search hits the horizon.
const openingSchedule = scheduleArb.filter((s) =>
  Object.values(s.weekly ?? {}).some((sessions) => sessions.length > 0),
)
const instant = fc.integer({ min: FROM, max: TO })
const duration = fc.oneof(fc.integer({ min: 0, max: 10 * DAY }), fc.integer({ min: 0, max: 4 * H }))
const RUNS = { numRuns: 60 }

/**
 * A public holiday, or a substitute day of one (whatever type date-holidays gives the
 * substitute), starts on `date`; the original is the nearest holiday with the substitute's
 * name minus its "(substitute day)" suffix.
 */
const instances = new Map<string, Holidays>()
function holidaysOf(region: string): Holidays {
  const hd = instances.get(region) ?? new Holidays(...(region.split('-') as [string, string]))
  instances.set(region, hd)
  return hd
}
const listedCache = new WeakMap<Holidays, Map<number, ReturnType<Holidays['getHolidays']>>>()
function listed(hd: Holidays, year: number): ReturnType<Holidays['getHolidays']> {
  const byYear = listedCache.get(hd) ?? new Map()
  listedCache.set(hd, byYear)
  const list = byYear.get(year) ?? hd.getHolidays(year) ?? []
  byYear.set(year, list)
  return list
}

function closedForHoliday(hd: Holidays, date: string): boolean {
  const year = Number(date.slice(0, 4))
  const nearby = [year - 1, year, year + 1].flatMap((y) => listed(hd, y))
  return nearby.some((h) => {
    if (!h.date.startsWith(date)) return false
    if (h.type === 'public') return true
    if (!h.substitute || h.type !== 'bank') return false
    const base = h.name.replace(/\s*\([^)]*\)$/, '')
    const original = nearby
      .filter((o) => !o.substitute && o.name === base)
      .sort(
        (a, b) =>
          Math.abs(a.start.getTime() - h.start.getTime()) -
          Math.abs(b.start.getTime() - h.start.getTime()),
      )[0]
    return original?.type === 'public'
  })
}

describe('business calendar properties (random schedules in several time zones)', () => {
  it('measures back exactly the business time it added', () => {
    fc.assert(
      fc.property(
        openingSchedule,
        fc.array(fc.tuple(instant, duration), { minLength: 1, maxLength: 8 }),
        (spec, cases) => {
          const cal = createBusinessCalendar(spec)
          for (const [t, d] of cases) {
            const opening = cal.nextOpening(t)!
            const due = cal.addBusinessMs(t, d)
            // A clock started while closed runs from the next opening, so both starts agree.
            expect(cal.addBusinessMs(opening.getTime(), d)).toBe(due)
            expect(cal.businessTimeBetween(opening, due)).toBe(d)
            expect(cal.businessTimeBetween(t, due)).toBe(d)
            expect(due).toBeGreaterThanOrEqual(opening.getTime())
          }
        },
      ),
      RUNS,
    )
  })

  it('is monotone in the duration and in the start', () => {
    fc.assert(
      fc.property(openingSchedule, instant, instant, duration, duration, (spec, t1, t2, d1, d2) => {
        const cal = createBusinessCalendar(spec)
        const [ta, tb] = t1 <= t2 ? [t1, t2] : [t2, t1]
        const [da, db] = d1 <= d2 ? [d1, d2] : [d2, d1]
        expect(cal.addBusinessMs(ta, da)).toBeLessThanOrEqual(cal.addBusinessMs(ta, db))
        expect(cal.addBusinessMs(ta, da)).toBeLessThanOrEqual(cal.addBusinessMs(tb, da))
      }),
      RUNS,
    )
  })

  it('adds up business time over consecutive spans', () => {
    fc.assert(
      fc.property(scheduleArb, fc.tuple(instant, instant, instant), (spec, points) => {
        const cal = createBusinessCalendar(spec)
        const [a, b, c] = [...points].sort((x, y) => x - y) as [number, number, number]
        expect(cal.businessTimeBetween(a, c)).toBe(
          cal.businessTimeBetween(a, b) + cal.businessTimeBetween(b, c),
        )
        expect(cal.businessTimeBetween(c, a)).toBe(0)
      }),
      RUNS,
    )
  })

  it('agrees with openIntervals on isOpen and on business time', () => {
    fc.assert(
      fc.property(scheduleArb, instant, fc.integer({ min: 1, max: 20 * DAY }), (spec, a, span) => {
        const cal = createBusinessCalendar(spec)
        const b = a + span
        const intervals = cal.openIntervals(a, b)
        let total = 0
        let previousEnd = Number.NEGATIVE_INFINITY
        for (const [s, e] of intervals) {
          expect(s).toBeGreaterThanOrEqual(a)
          expect(e).toBeLessThanOrEqual(b)
          expect(e).toBeGreaterThan(s)
          // Merged: neither overlapping nor touching (except where clipped at `a`).
          expect(s).toBeGreaterThan(previousEnd)
          previousEnd = e
          total += e - s
          expect(cal.isOpen(s)).toBe(true)
          expect(cal.isOpen(Math.floor((s + e) / 2))).toBe(true)
          expect(cal.isOpen(e - 1)).toBe(true)
          if (e < b) expect(cal.isOpen(e)).toBe(false)
        }
        expect(cal.businessTimeBetween(a, b)).toBe(total)
        const probe = a + Math.floor(span / 3)
        const inside = intervals.some(([s, e]) => s <= probe && probe < e)
        expect(cal.isOpen(probe)).toBe(inside)
      }),
      RUNS,
    )
  })

  it('gives the same answers whichever year it is asked about first', () => {
    fc.assert(
      fc.property(
        openingSchedule,
        fc.array(fc.tuple(instant, duration), { minLength: 2, maxLength: 6 }),
        (spec, cases) => {
          const forward = createBusinessCalendar(spec)
          const backward = createBusinessCalendar(spec)
          const a = cases.map(([t, d]) => forward.addBusinessMs(t, d))
          const b = [...cases]
            .reverse()
            .map(([t, d]) => backward.addBusinessMs(t, d))
            .reverse()
          expect(b).toEqual(a)
        },
      ),
      { numRuns: 30 },
    )
  })

  it('matches a naive minute-of-day reading of the schedule in zones without DST', () => {
    // Fixed-offset zones make wall-clock arithmetic trivial, so this oracle checks the day rules
    // (closures, overrides, holidays, weekdays, past midnight) independently of the engine.
    const fixed = fc.constantFrom(
      ['Asia/Kolkata', 330],
      ['Asia/Tokyo', 540],
      ['UTC', 0],
      ['America/Phoenix', -420],
    )
    fc.assert(
      fc.property(
        scheduleArb,
        fixed,
        fc.array(instant, { minLength: 1, maxLength: 40 }),
        (spec, [zone, offset], ts) => {
          const cal = createBusinessCalendar({ ...spec, timeZone: zone as string })
          const region = spec.holidayRegion ?? null
          const hd = region ? holidaysOf(region) : null
          const minutes = (hm: string) => Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3))
          const sessionsOf = (date: string): Array<[number, number]> => {
            let sessions: Session[]
            const override = spec.overrides?.find((o) => o.date === date)
            if (spec.closures?.some((c) => c.from <= date && date <= c.to)) sessions = []
            else if (override) sessions = override.sessions
            else if (hd && closedForHoliday(hd, date)) sessions = []
            else {
              const weekday = WEEKDAYS[(new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7]!
              sessions = spec.weekly?.[weekday] ?? []
            }
            return sessions.map((x) => {
              const a = minutes(x.start)
              const b = minutes(x.end)
              return [a, b <= a ? b + 1440 : b]
            })
          }
          for (const t of ts) {
            const local = t + (offset as number) * 60_000
            const date = new Date(local).toISOString().slice(0, 10)
            const before = new Date(local - DAY).toISOString().slice(0, 10)
            const m = (local - Date.parse(`${date}T00:00:00Z`)) / 60_000
            const open =
              sessionsOf(date).some(([a, b]) => a <= m && m < b) ||
              sessionsOf(before).some(([a, b]) => a <= m + 1440 && m + 1440 < b)
            expect(cal.isOpen(t)).toBe(open)
          }
        },
      ),
      RUNS,
    )
  })
})

/** The same schedules with every past-midnight session cut at midnight. */
const sameDaySchedule = openingSchedule.map((spec) => {
  const cut = (sessions: Session[]): Session[] =>
    sessions.map((x) => (x.end <= x.start ? { start: x.start, end: '24:00' } : x))
  return {
    ...spec,
    weekly: Object.fromEntries(Object.entries(spec.weekly ?? {}).map(([d, s]) => [d, cut(s)])),
    overrides: (spec.overrides ?? []).map((o) => ({ ...o, sessions: cut(o.sessions) })),
  }
})
const businessDays = fc.integer({ min: 1, max: 10 })

describe('business days properties (random schedules in several time zones)', () => {
  it('is never before the clock starts, and is an open instant or a closing time', () => {
    fc.assert(
      fc.property(
        openingSchedule,
        fc.array(fc.tuple(instant, businessDays), { minLength: 1, maxLength: 8 }),
        (spec, cases) => {
          const cal = createBusinessCalendar(spec)
          for (const [t, n] of cases) {
            const start = cal.nextOpening(t)!.getTime()
            const due = cal.addBusinessDaysMs(t, n)
            expect(due).toBeGreaterThanOrEqual(start)
            expect(cal.isOpen(due) || cal.isOpen(due - 1)).toBe(true)
            // A clock started while closed runs from the next opening, so both starts agree.
            expect(cal.addBusinessDaysMs(start, n)).toBe(due)
          }
        },
      ),
      RUNS,
    )
  })

  it('is monotone in the start and in the number of days when sessions end by midnight', () => {
    fc.assert(
      fc.property(sameDaySchedule, instant, instant, businessDays, (spec, t1, t2, n) => {
        const cal = createBusinessCalendar(spec)
        const [ta, tb] = t1 <= t2 ? [t1, t2] : [t2, t1]
        expect(cal.addBusinessDaysMs(ta, n)).toBeLessThanOrEqual(cal.addBusinessDaysMs(tb, n))
        expect(cal.addBusinessDaysMs(ta, n)).toBeLessThanOrEqual(cal.addBusinessDaysMs(ta, n + 1))
      }),
      RUNS,
    )
  })

  it('gives the same answers whichever year it is asked about first', () => {
    fc.assert(
      fc.property(
        openingSchedule,
        fc.array(fc.tuple(instant, businessDays), { minLength: 2, maxLength: 6 }),
        (spec, cases) => {
          const forward = createBusinessCalendar(spec)
          const backward = createBusinessCalendar(spec)
          const a = cases.map(([t, n]) => forward.addBusinessDaysMs(t, n))
          const b = [...cases]
            .reverse()
            .map(([t, n]) => backward.addBusinessDaysMs(t, n))
            .reverse()
          expect(b).toEqual(a)
        },
      ),
      { numRuns: 30 },
    )
  })

  it('matches a date-by-date reading of dayPlan in zones without DST', () => {
    // The oracle walks local dates with dayPlan (the explanation path, not the interval
    // engine) in fixed-offset zones, where wall-clock arithmetic is plain addition.
    const fixed = fc.constantFrom(
      ['Asia/Kolkata', 330],
      ['Asia/Tokyo', 540],
      ['UTC', 0],
      ['America/Phoenix', -420],
    )
    const MIN = 60_000
    const isoOf = (naive: number) => new Date(naive).toISOString().slice(0, 10)
    const midnight = (date: string) => Date.parse(`${date}T00:00:00Z`)
    fc.assert(
      fc.property(
        openingSchedule,
        fixed,
        fc.array(fc.tuple(instant, businessDays), { minLength: 1, maxLength: 10 }),
        (spec, [zone, offset], cases) => {
          const cal = createBusinessCalendar({ ...spec, timeZone: zone as string })
          const shift = (offset as number) * MIN
          const sessionsOf = (date: string): Array<[number, number]> =>
            cal.dayPlan(date).sessions.map((x) => {
              const a = Number(x.start.slice(0, 2)) * 60 + Number(x.start.slice(3))
              const b = Number(x.end.slice(0, 2)) * 60 + Number(x.end.slice(3))
              return [midnight(date) + a * MIN, midnight(date) + (b <= a ? b + 1440 : b) * MIN]
            })
          for (const [t, n] of cases) {
            const s = cal.nextOpening(t)!.getTime()
            const local = s + shift
            // The session the clock starts in: the one that started last, of this date or the one before.
            let from: string | undefined
            let latest = Number.NEGATIVE_INFINITY
            for (const date of [isoOf(local - DAY), isoOf(local)]) {
              for (const [a, b] of sessionsOf(date)) {
                if (a <= local && local < b && a >= latest) {
                  latest = a
                  from = date
                }
              }
            }
            expect(from, `no session holds ${new Date(s).toISOString()}`).toBeDefined()
            let date = from!
            for (let found = 0; found < n; ) {
              date = isoOf(midnight(date) + DAY)
              if (sessionsOf(date).length > 0) found++
            }
            const target = midnight(date) + (local - midnight(from!))
            const sessions = sessionsOf(date).sort((x, y) => x[0] - y[0])
            let due = sessions[0]![0]
            for (const [a, b] of sessions) {
              if (a > target) break
              due = Math.min(target, b)
            }
            expect(cal.addBusinessDaysMs(t, n)).toBe(Math.max(due - shift, s))
          }
        },
      ),
      RUNS,
    )
  })
})
