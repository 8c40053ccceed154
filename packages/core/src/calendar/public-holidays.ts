/**
 * @module Public holidays of a region (`AU-NSW`, `GB-ENG`, `US-CA`) as local calendar dates,
 * from the `date-holidays` package. Holidays of type `public` close a practice, and so does a
 * substitute day of a public holiday (date-holidays types a few of those `bank`).
 */
import Holidays, { type HolidaysTypes } from 'date-holidays'
import { EarshotError } from '../errors.js'

const DAY = 86_400_000

/** One public holiday on one local date. */
export interface PublicHoliday {
  /** Local calendar date, `YYYY-MM-DD`. */
  date: string
  name: string
  /** Minutes after local midnight when the holiday starts on this date (0 for a full day). */
  fromMinute: number
  /** Minutes after local midnight when it ends on this date (1440 for a full day). */
  toMinute: number
}

// NOTE: building a Holidays instance parses the region's rules; both caches are process-wide
// because rules never change while the process runs.
const instances = new Map<string, Holidays>()
const byYear = new Map<string, Map<string, PublicHoliday>>()
const listedByYear = new Map<string, readonly HolidaysTypes.Holiday[]>()

/** date-holidays' own list for one year (every type), cached: each year's dates need three. */
function listed(region: string, year: number): readonly HolidaysTypes.Holiday[] {
  const key = `${region}:${year}`
  let list = listedByYear.get(key)
  if (list === undefined) {
    list = holidaysFor(region).getHolidays(year) ?? []
    listedByYear.set(key, list)
  }
  return list
}

function holidaysFor(region: string): Holidays {
  let hd = instances.get(region)
  if (hd) return hd
  const [country = '', state] = region.split('-')
  const probe = new Holidays()
  const countries = probe.getCountries()
  if (!countries || !(country in countries)) {
    throw new EarshotError(
      'INVALID_CONFIGURATION',
      `unknown holiday region '${region}': no country '${country}' in date-holidays`,
    )
  }
  if (state !== undefined) {
    const states = probe.getStates(country)
    if (!states || !(state in states)) {
      const known = states ? Object.keys(states).join(', ') : 'none'
      throw new EarshotError(
        'INVALID_CONFIGURATION',
        `unknown holiday region '${region}': '${country}' has no state '${state}' (known: ${known})`,
      )
    }
  }
  // NOTE: in UTC, date-holidays' start and end instants read as the local wall clock (a day
  // is always 24 hours), so a holiday is a span of local dates and minutes whatever the
  // practice's zone does to its clocks that day.
  hd =
    state === undefined
      ? new Holidays(country, { timezone: 'UTC' })
      : new Holidays(country, state, { timezone: 'UTC' })
  instances.set(region, hd)
  return hd
}

/** Throws INVALID_CONFIGURATION when `region` is not a country or country-state date-holidays knows. */
export function assertHolidayRegion(region: string): void {
  holidaysFor(region)
}

/**
 * Public holidays of `region` whose local date falls in `year`, keyed by `YYYY-MM-DD`.
 * Most last the whole date; a few are part-day (Iceland's Christmas Eve from 13:00) and say
 * so with `fromMinute`/`toMinute`. A holiday lasting several days has one entry per date.
 * Two holidays on one date: a whole-day one wins over a part-day one.
 */
export function publicHolidayDates(
  region: string,
  year: number,
): ReadonlyMap<string, PublicHoliday> {
  const key = `${region}:${year}`
  const cached = byYear.get(key)
  if (cached) return cached
  const dates = new Map<string, PublicHoliday>()
  const prefix = `${year}-`
  // NOTE: a multi-day holiday starting late in the previous year can reach into this one, and
  // a substitute can stand in for a holiday of the next year (New Year's Day observed on 31 Dec).
  const nearby = [year - 1, year, year + 1].flatMap((y) => listed(region, y))
  for (const h of nearby) {
    if (!closesPractices(h, nearby)) continue
    // Naive local milliseconds (see holidaysFor): local midnight of a date is a multiple of DAY.
    const localStart = h.start.getTime()
    const localEnd = h.end.getTime()
    for (let day = localStart - (localStart % DAY); day < localEnd; day += DAY) {
      const date = new Date(day).toISOString().slice(0, 10)
      if (!date.startsWith(prefix)) continue
      const entry: PublicHoliday = {
        date,
        name: h.name,
        fromMinute: Math.max(0, Math.round((localStart - day) / 60_000)),
        toMinute: Math.min(1440, Math.round((localEnd - day) / 60_000)),
      }
      const existing = dates.get(date)
      if (existing === undefined || isWholeDay(entry) > isWholeDay(existing)) {
        dates.set(date, entry)
      }
    }
  }
  byYear.set(key, dates)
  return dates
}

function isWholeDay(h: PublicHoliday): number {
  return h.fromMinute === 0 && h.toMinute === 1440 ? 1 : 0
}

/**
 * Public holidays close, and so do substitute days of public holidays, whatever type
 * date-holidays gives them: it types some `bank` (US Veterans Day observed, Ireland's St
 * Patrick's Day substitutes) although they are the day the public holiday is taken off.
 * Substitutes typed `observance` stay open: that is how date-holidays marks a move that is not
 * a day off (Spain's national list, where each community decides in its own list).
 */
function closesPractices(
  h: HolidaysTypes.Holiday,
  nearby: readonly HolidaysTypes.Holiday[],
): boolean {
  if (h.type === 'public') return true
  if (!h.substitute || h.type !== 'bank') return false
  return substitutedHoliday(h, nearby)?.type === 'public'
}

/**
 * The holiday a substitute stands in for: the nearest non-substitute holiday with its name,
 * without the "(substitute day)" suffix date-holidays appends in the region's language.
 */
function substitutedHoliday(
  substitute: HolidaysTypes.Holiday,
  nearby: readonly HolidaysTypes.Holiday[],
): HolidaysTypes.Holiday | undefined {
  const base = substitute.name.replace(/\s*\([^)]*\)$/, '')
  let best: HolidaysTypes.Holiday | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const o of nearby) {
    if (o.substitute || o.name !== base) continue
    const distance = Math.abs(o.start.getTime() - substitute.start.getTime())
    if (distance < bestDistance) {
      best = o
      bestDistance = distance
    }
  }
  return best
}

/** The public holiday on a local date (`YYYY-MM-DD`), if any. */
export function publicHolidayOn(region: string, date: string): PublicHoliday | null {
  return publicHolidayDates(region, Number(date.slice(0, 4))).get(date) ?? null
}
