/**
 * @module The public-holiday regions a practice can pick: every country of the `date-holidays`
 * package and its states, as the codes {@link createBusinessCalendar} accepts (`AU`, `AU-NSW`).
 */
import Holidays from 'date-holidays'

/** One pickable region. */
export interface HolidayRegion {
  /** `COUNTRY` or `COUNTRY-STATE`, e.g. `GB` or `GB-ENG`. */
  code: string
  /** The country's name, and the state's after a dash. */
  name: string
  /** The country code, to group states under their country. */
  country: string
}

let cached: readonly HolidayRegion[] | undefined

/**
 * Every country and state date-holidays knows, sorted by country name then state name.
 *
 * @example
 * listHolidayRegions().find((r) => r.code === 'AU-NSW')?.name // 'Australia – New South Wales'
 */
export function listHolidayRegions(): readonly HolidayRegion[] {
  if (cached) return cached
  const hd = new Holidays()
  const countries = Object.entries(hd.getCountries('en') ?? {}).sort((a, b) =>
    a[1].localeCompare(b[1]),
  )
  const regions: HolidayRegion[] = []
  for (const [country, countryName] of countries) {
    regions.push({ code: country, name: countryName, country })
    const states = Object.entries(hd.getStates(country, 'en') ?? {}).sort((a, b) =>
      a[1].localeCompare(b[1]),
    )
    for (const [state, stateName] of states)
      regions.push({ code: `${country}-${state}`, name: `${countryName} – ${stateName}`, country })
  }
  cached = regions
  return regions
}

/** Whether `code` names a region of {@link listHolidayRegions}. */
export function isHolidayRegion(code: string): boolean {
  return listHolidayRegions().some((r) => r.code === code)
}
