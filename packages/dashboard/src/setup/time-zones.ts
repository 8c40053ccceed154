/**
 * @module The time zones a practice can pick: the runtime's IANA list (`Intl.supportedValuesOf`),
 * which is the same list the business calendar resolves zones with, plus `UTC`.
 */

let cached: readonly string[] | undefined

/** Every IANA zone this runtime knows, sorted, `UTC` included. */
export function listTimeZones(): readonly string[] {
  if (cached) return cached
  const zones = new Set(Intl.supportedValuesOf('timeZone'))
  zones.add('UTC')
  cached = [...zones].sort()
  return cached
}

/** Whether `zone` is a zone of {@link listTimeZones}. */
export function isTimeZone(zone: string): boolean {
  return listTimeZones().includes(zone)
}
