/**
 * @module Durations of promise targets as people write them ("2 business hours", "90m", "PT2H",
 * `{ hours: 2 }`), parsed to milliseconds plus the clock they name, and formatted back for display.
 */
import { z } from 'zod'
import { EarshotError } from '../errors.js'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
/** The longest accepted duration: a promise beyond a year is a typo. */
export const MAX_DURATION_MS: number = 365 * DAY

/** The two clocks a target can run on. */
export const DURATION_CLOCKS = ['business', 'calendar'] as const
export type DurationClock = (typeof DURATION_CLOCKS)[number]

const part = z.number().finite().nonnegative()

/** Shape of a duration as accepted in configs and the API (the meaning is checked by {@link parseDuration}). */
export const durationInputSchema = z.union([
  z.string().min(1, 'duration is empty').max(100, 'duration text is too long'),
  z.strictObject({
    days: part.optional(),
    hours: part.optional(),
    minutes: part.optional(),
    seconds: part.optional(),
    clock: z.enum(DURATION_CLOCKS).optional(),
  }),
])
export type DurationInput = z.input<typeof durationInputSchema>

/** A duration split as it was written. */
export interface DurationParts {
  weeks: number
  days: number
  /** Everything below a day (hours, minutes, seconds, milliseconds), in milliseconds. */
  timeMs: number
}

/** A parsed duration. `clock` is set only when the input named one. */
export interface ParsedDuration {
  /**
   * The length with a day of 24 hours and a week of 7 days: what it means on the calendar
   * clock. On the business clock, days count open days instead (see {@link targetLength}).
   */
  ms: number
  clock?: DurationClock
  parts: DurationParts
}

/**
 * What a target's duration means on its clock: a fixed length (calendar time, or open time on
 * the business clock), or a number of business days (the same local time on the N-th next
 * open day, see BusinessCalendar.addBusinessDays).
 */
export type TargetLength = { unit: 'ms'; ms: number } | { unit: 'business_days'; days: number }

const UNIT_MS: Record<string, number> = {
  millisecond: 1,
  milliseconds: 1,
  msec: 1,
  msecs: 1,
  w: 7 * DAY,
  wk: 7 * DAY,
  wks: 7 * DAY,
  week: 7 * DAY,
  weeks: 7 * DAY,
  d: DAY,
  day: DAY,
  days: DAY,
  h: HOUR,
  hr: HOUR,
  hrs: HOUR,
  hour: HOUR,
  hours: HOUR,
  m: MINUTE,
  min: MINUTE,
  mins: MINUTE,
  minute: MINUTE,
  minutes: MINUTE,
  s: SECOND,
  sec: SECOND,
  secs: SECOND,
  second: SECOND,
  seconds: SECOND,
  ms: 1,
}

const ISO =
  /^P(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/i
const COMPONENT = /(\d+(?:\.\d+)?|\.\d+)\s*([a-z]+)/gy

function invalid(input: unknown, why: string): EarshotError {
  const shown = typeof input === 'string' ? `'${input}'` : JSON.stringify(input)
  return new EarshotError('INVALID_INPUT', `invalid duration ${shown}: ${why}`)
}

/**
 * Parses a duration into milliseconds and, when the text names one, its clock.
 *
 * Accepted: unit lists ("2 hours", "90m", "90 min", "1h30m", "1.5h", "1 hour and 30 minutes",
 * "2 days", "30s", "250 milliseconds", "1w"), ISO-8601 durations without years or months ("PT2H", "P1DT4H"),
 * and objects (`{ hours: 2 }`, `{ days: 1, clock: 'calendar' }`). The words `business` or
 * `calendar` anywhere in the text set `clock` ("2 business hours", "2 calendar hours").
 *
 * `ms` counts a day as 24 hours; `parts` keeps weeks, days and the rest as written, because on
 * the business clock a day is an open day, not 24 open hours ({@link targetLength}).
 *
 * Throws EarshotError `INVALID_INPUT` for garbage, zero or negative durations, and durations
 * over 365 days. Results are rounded to whole milliseconds.
 *
 * @example
 * parseDuration('2 business hours') // { ms: 7_200_000, clock: 'business', parts: { weeks: 0, days: 0, timeMs: 7_200_000 } }
 * parseDuration({ minutes: 90 })     // { ms: 5_400_000, parts: { weeks: 0, days: 0, timeMs: 5_400_000 } }
 */
export function parseDuration(input: DurationInput): ParsedDuration {
  let parts: DurationParts
  let clock: DurationClock | undefined
  if (typeof input === 'string') {
    ;({ parts, clock } = parseText(input))
  } else {
    const shape = durationInputSchema.safeParse(input)
    if (!shape.success || typeof shape.data === 'string') {
      throw invalid(
        input,
        'expected text or { days?, hours?, minutes?, seconds?, clock? } of numbers ≥ 0',
      )
    }
    const o = shape.data
    parts = {
      weeks: 0,
      days: o.days ?? 0,
      timeMs: (o.hours ?? 0) * HOUR + (o.minutes ?? 0) * MINUTE + (o.seconds ?? 0) * SECOND,
    }
    clock = o.clock
  }
  parts.timeMs = Math.round(parts.timeMs)
  const ms = Math.round(parts.weeks * 7 * DAY + parts.days * DAY + parts.timeMs)
  if (!(ms > 0)) throw invalid(input, 'a duration must be longer than zero')
  if (ms > MAX_DURATION_MS) throw invalid(input, 'a duration cannot exceed 365 days')
  return clock === undefined ? { ms, parts } : { ms, clock, parts }
}

/**
 * What a parsed duration means on `clock`. Calendar clock: its fixed length. Business clock:
 * days and weeks count open days, so a duration written in days is that many business days
 * and one without is that much open time. Throws EarshotError `INVALID_INPUT` for what has no
 * single meaning on the business clock: weeks (5 or 6 open days?), fractions of a business
 * day, and days mixed with hours.
 *
 * @example
 * targetLength(parseDuration('1 business day'), 'business') // { unit: 'business_days', days: 1 }
 * targetLength(parseDuration('1 day'), 'calendar')           // { unit: 'ms', ms: 86_400_000 }
 */
export function targetLength(parsed: ParsedDuration, clock: DurationClock): TargetLength {
  const { weeks, days, timeMs } = parsed.parts
  if (clock === 'calendar' || (weeks === 0 && days === 0)) return { unit: 'ms', ms: parsed.ms }
  const shown = formatParts(parsed.parts)
  if (weeks > 0) {
    throw new EarshotError(
      'INVALID_INPUT',
      `invalid duration '${shown}' on the business clock: a business week has no fixed number of open days; write business days (e.g. "5 business days") or use the calendar clock`,
    )
  }
  if (timeMs > 0) {
    throw new EarshotError(
      'INVALID_INPUT',
      `invalid duration '${shown}' on the business clock: use either business days ("1 business day") or business hours ("10 business hours"), not both`,
    )
  }
  if (!Number.isInteger(days)) {
    throw new EarshotError(
      'INVALID_INPUT',
      `invalid duration '${shown}' on the business clock: a business day target is a whole number of business days; for part of a day, write business hours`,
    )
  }
  return { unit: 'business_days', days }
}

function formatParts(p: DurationParts): string {
  const out = [p.weeks ? `${p.weeks}w` : '', p.days ? `${p.days}d` : '']
  if (p.timeMs) out.push(formatDuration(p.timeMs))
  return out.filter(Boolean).join(' ')
}

function parseText(input: string): { parts: DurationParts; clock?: DurationClock } {
  let text = input.trim().toLowerCase()
  if (text.startsWith('-')) throw invalid(input, 'a duration cannot be negative')
  let clock: DurationClock | undefined
  text = text.replace(/\b(business|working|calendar|wall-clock)\b/g, (word) => {
    const named: DurationClock =
      word === 'calendar' || word === 'wall-clock' ? 'calendar' : 'business'
    if (clock !== undefined && clock !== named) {
      throw invalid(input, 'it names both the business and the calendar clock')
    }
    clock = named
    return ' '
  })
  text = text.trim()
  if (text === '') throw invalid(input, 'no amount given (e.g. "2 hours", "90m", "PT2H")')

  if (/^p/.test(text)) {
    if (/^p(?:[^t]*[ym])/.test(text)) {
      throw invalid(input, 'ISO years and months have no fixed length; use weeks, days or hours')
    }
    const m = ISO.exec(text)
    if (!m || text === 'p' || text.endsWith('t')) throw invalid(input, 'not an ISO-8601 duration')
    const num = (s: string | undefined) => (s === undefined ? 0 : Number(s.replace(',', '.')))
    const parts = {
      weeks: num(m[1]),
      days: num(m[2]),
      timeMs: num(m[3]) * HOUR + num(m[4]) * MINUTE + num(m[5]) * SECOND,
    }
    return clock === undefined ? { parts } : { parts, clock }
  }

  // Unit list: "1h30m", "1 hour and 30 minutes", "2 days, 4 hours".
  const compact = text.replace(/\s*(,|\band\b)\s*/g, ' ').replace(/\s+/g, ' ')
  const parts: DurationParts = { weeks: 0, days: 0, timeMs: 0 }
  let pos = 0
  const seen = new Set<number>()
  COMPONENT.lastIndex = 0
  while (pos < compact.length) {
    if (compact[pos] === ' ') {
      pos++
      continue
    }
    COMPONENT.lastIndex = pos
    const m = COMPONENT.exec(compact)
    if (!m) {
      if (/^\d+(\.\d+)?$/.test(compact.slice(pos))) {
        throw invalid(input, 'a number needs a unit (e.g. "2h", "90 minutes")')
      }
      throw invalid(
        input,
        `cannot read '${compact.slice(pos)}' (expected e.g. "2 hours", "90m", "1h30m", "PT2H")`,
      )
    }
    const unit = UNIT_MS[m[2]!]
    if (unit === undefined) {
      throw invalid(input, `unknown unit '${m[2]}' (use w, d, h, m, s, ms or their names)`)
    }
    if (seen.has(unit)) throw invalid(input, `unit '${m[2]}' appears twice`)
    seen.add(unit)
    const amount = Number(m[1])
    if (unit === 7 * DAY) parts.weeks += amount
    else if (unit === DAY) parts.days += amount
    else parts.timeMs += amount * unit
    pos = COMPONENT.lastIndex
  }
  return clock === undefined ? { parts } : { parts, clock }
}

/** Options of {@link formatDuration}. */
export interface FormatDurationOptions {
  /** Show at most this many units, largest first, rounding the last (e.g. 2: "3d 4h"). Default: all. */
  maxUnits?: number
}

const FORMAT_UNITS: ReadonlyArray<[string, number]> = [
  ['d', DAY],
  ['h', HOUR],
  ['m', MINUTE],
  ['s', SECOND],
]

/**
 * Formats milliseconds for display: "2h", "1h 30m", "3d 4h", "45s". Rounds to whole seconds
 * (below one second: "250ms"); zero is "0s". Days are 24-hour days. Negative values get a "-".
 * The output parses back with {@link parseDuration}.
 */
export function formatDuration(ms: number, options: FormatDurationOptions = {}): string {
  if (!Number.isFinite(ms)) return String(ms)
  if (ms < 0) return `-${formatDuration(-ms, options)}`
  if (ms === 0) return '0s'
  if (ms < SECOND) return `${Math.round(ms)}ms`
  const maxUnits = Math.max(1, options.maxUnits ?? FORMAT_UNITS.length)
  // Pick the units to show, then round to the smallest of them so "1h 59m 59.6s" → "2h" at 2 units.
  const firstIdx = FORMAT_UNITS.findIndex(([, size]) => ms >= size)
  const lastIdx = Math.min(FORMAT_UNITS.length - 1, firstIdx + maxUnits - 1)
  const smallest = FORMAT_UNITS[lastIdx]![1]
  let rest = Math.round(ms / smallest) * smallest
  const parts: string[] = []
  for (let i = 0; i <= lastIdx; i++) {
    const [label, size] = FORMAT_UNITS[i]!
    const count = Math.floor(rest / size)
    rest -= count * size
    if (count > 0) parts.push(`${count}${label}`)
  }
  return parts.join(' ')
}
