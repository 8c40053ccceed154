/**
 * @module When a promise target comes due for one mention: the clock start, the due time and
 * the at-risk point on the target's clock (calendar time, business hours or business days).
 */
import type { BusinessCalendar } from '../calendar/business-calendar.js'
import type { ParsedPromiseTarget } from './promise-spec.js'

/** A mention's window under one target, as epoch milliseconds. */
export interface TargetWindow {
  /** Creation on the calendar clock; the next opening on the business clock. */
  clockStartedAt: number
  dueAt: number
  /** Where the last `atRiskFraction` of the window begins. */
  atRiskAt: number
  /**
   * The window's length on its clock: calendar time, or the open time from the clock start to
   * the due time (for business days, the open hours that window happens to hold).
   */
  windowMs: number
}

/**
 * The window of a mention created at `createdMs` under `target`.
 *
 * - Calendar clock: due = creation + duration.
 * - Business hours/minutes: due = the moment that much open time has passed since the next
 *   opening (BusinessCalendar.addBusinessMs).
 * - Business days: due = the same local time on the N-th next open day, kept within that day's
 *   hours (BusinessCalendar.addBusinessDays).
 *
 * At risk: once all but `atRiskFraction` of the window has passed, measured on the same clock
 * (for business days, a share of the open time the window holds). Returns null when a business
 * clock can never run (the schedule has no opening within its search horizon).
 */
export function targetWindow(
  target: Pick<ParsedPromiseTarget, 'clock' | 'durationMs' | 'businessDays'>,
  calendar: BusinessCalendar,
  createdMs: number,
  atRiskFraction: number,
): TargetWindow | null {
  if (target.clock === 'calendar') {
    const ms = fixedLength(target)
    return {
      clockStartedAt: createdMs,
      dueAt: createdMs + ms,
      atRiskAt: createdMs + ms * (1 - atRiskFraction),
      windowMs: ms,
    }
  }
  const opening = calendar.nextOpening(createdMs)
  if (!opening) return null
  const clockStartedAt = opening.getTime()
  if (target.businessDays !== null) {
    const dueAt = calendar.addBusinessDaysMs(createdMs, target.businessDays)
    const windowMs = calendar.businessTimeBetween(clockStartedAt, dueAt)
    return {
      clockStartedAt,
      dueAt,
      atRiskAt: calendar.addBusinessMs(clockStartedAt, windowMs * (1 - atRiskFraction)),
      windowMs,
    }
  }
  const ms = fixedLength(target)
  return {
    clockStartedAt,
    dueAt: calendar.addBusinessMs(createdMs, ms),
    atRiskAt: calendar.addBusinessMs(createdMs, ms * (1 - atRiskFraction)),
    windowMs: ms,
  }
}

/** "2h on the business clock", "1 business day (the same local time on the next open day)". */
export function describeTargetLength(
  target: Pick<ParsedPromiseTarget, 'clock' | 'durationMs' | 'businessDays'>,
): string {
  if (target.businessDays !== null) {
    const n = target.businessDays
    return n === 1
      ? '1 business day (the same local time on the next open day)'
      : `${n} business days (the same local time ${n} open days later)`
  }
  return `${formatMs(fixedLength(target))} on the ${target.clock} clock`
}

function fixedLength(target: Pick<ParsedPromiseTarget, 'durationMs'>): number {
  // NOTE: promiseTargetSchema sets exactly one of durationMs and businessDays.
  if (target.durationMs === null) throw new TypeError('target has no fixed length')
  return target.durationMs
}

function formatMs(ms: number): string {
  const minutes = Math.round(ms / 60_000)
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  return h && m ? `${h}h ${m}m` : h ? `${h}h` : `${m}m`
}
