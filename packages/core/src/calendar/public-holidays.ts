/**
 * @module Public holidays of a region (`AU-NSW`, `GB-ENG`, `US-CA`) as local calendar dates,
 * from the `date-holidays` package. Only holidays of type `public` close a practice.
 */
import Holidays from 'date-holidays'
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
  hd = state === undefined ? new Holidays(country) : new Holidays(country, state)
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
 */
export function publicHolidayDates(
  region: string,
  year: number,
): ReadonlyMap<string, PublicHoliday> {
  const key = `${region}:${year}`
  const cached = byYear.get(key)
  if (cached) return cached
  const dates = new Map<string, PublicHoliday>()
  const hd = holidaysFor(region)
  const prefix = `${year}-`
  // NOTE: a multi-day holiday starting late in the previous year can reach into this one.
  for (const h of [...(hd.getHolidays(year - 1) ?? []), ...(hd.getHolidays(year) ?? [])]) {
    if (h.type !== 'public') continue
    // `date` is the holiday's local start ("2027-01-26 00:00:00"), in the region's own zone.
    const localStart = Date.parse(`${h.date.slice(0, 10)}T${h.date.slice(11, 19) || '00:00:00'}Z`)
    if (Number.isNaN(localStart)) continue
    const localEnd = localStart + (h.end.getTime() - h.start.getTime())
    for (let day = localStart - (localStart % DAY); day < localEnd; day += DAY) {
      const date = new Date(day).toISOString().slice(0, 10)
      if (!date.startsWith(prefix) || dates.has(date)) continue
      dates.set(date, {
        date,
        name: h.name,
        fromMinute: Math.max(0, Math.round((localStart - day) / 60_000)),
        toMinute: Math.min(1440, Math.round((localEnd - day) / 60_000)),
      })
    }
  }
  byYear.set(key, dates)
  return dates
}

/** The public holiday on a local date (`YYYY-MM-DD`), if any. */
export function publicHolidayOn(region: string, date: string): PublicHoliday | null {
  return publicHolidayDates(region, Number(date.slice(0, 4))).get(date) ?? null
}
