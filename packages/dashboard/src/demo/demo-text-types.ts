/**
 * @module The slice of a demo practice the text templates need (kept apart so texts do not
 * depend on schedules and promises).
 */

/** What texts know about a practice. */
export interface PracticeProfileForText {
  type: 'gp' | 'dental' | 'physio' | 'dermatology'
  country: 'AU' | 'GB' | 'US'
  phone: string
  staff: readonly string[]
}
