/**
 * @module Emergency numbers by country, for the safe reply an on-call clinician is sent with an
 * urgent post. Keyed by the country part of a practice's holiday region (`AU-NSW` → `AU`);
 * unknown countries fall back to 112, which most mobile networks route anywhere.
 */
export const EMERGENCY_NUMBERS: Readonly<Record<string, string>> = {
  AU: '000',
  NZ: '111',
  GB: '999',
  IE: '112',
  US: '911',
  CA: '911',
  DE: '112',
  FR: '112',
  NL: '112',
  ES: '112',
  IT: '112',
}

export const FALLBACK_EMERGENCY_NUMBER = '112'

export function emergencyNumberFor(holidayRegion: string | null): string {
  const country = (holidayRegion ?? '').split('-')[0]!.toUpperCase()
  return EMERGENCY_NUMBERS[country] ?? FALLBACK_EMERGENCY_NUMBER
}

/** The reply staff can post at once: take it private, and say where help is now. */
export function safeReplyFor(holidayRegion: string | null, practiceName: string): string {
  const number = emergencyNumberFor(holidayRegion)
  return (
    `If this is an emergency, please call ${number} now. ` +
    `We can't give medical advice here, but we want to help: please send us a private message ` +
    `or call ${practiceName} and we will get back to you as soon as we can.`
  )
}
