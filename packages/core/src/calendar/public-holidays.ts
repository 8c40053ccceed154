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
}

// NOTE: building a Holidays instance parses the region's rules; both caches are process-wide
// because rules never change while the process runs.
const instances = new Map<string, Holidays>()
const byYear = new Map<string, Map<string, string>>()

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
 * A holiday lasting several days (or a part-day one) closes every local date it touches.
 */
export function publicHolidayDates(region: string, year: number): ReadonlyMap<string, string> {
  const key = `${region}:${year}`
  const cached = byYear.get(key)
  if (cached) return cached
  const dates = new Map<string, string>()
  for (const h of holidaysFor(region).getHolidays(year) ?? []) {
    if (h.type !== 'public') continue
    // `date` is the holiday's local start ("2027-01-26 00:00:00"); spans count whole days.
    const first = Date.parse(`${h.date.slice(0, 10)}T00:00:00Z`)
    const days = Math.max(1, Math.ceil((h.end.getTime() - h.start.getTime()) / DAY - 1e-9))
    for (let i = 0; i < days; i++) {
      const iso = new Date(first + i * DAY).toISOString().slice(0, 10)
      if (!dates.has(iso)) dates.set(iso, h.name)
    }
  }
  byYear.set(key, dates)
  return dates
}

/** The public holiday on a local date (`YYYY-MM-DD`), if any. */
export function publicHolidayOn(region: string, date: string): PublicHoliday | null {
  const name = publicHolidayDates(region, Number(date.slice(0, 4))).get(date)
  if (name === undefined) return null
  return { date, name }
}
