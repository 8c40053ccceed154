/**
 * @module What a practice's opening hours look like as data: weekly sessions, dated overrides,
 * closures, and a public-holiday region. Validated with zod because it comes from settings
 * forms, the API and config files.
 */
import { z } from 'zod'

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
export type Weekday = (typeof WEEKDAYS)[number]

const clockTime = z
  .string()
  .regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'expected HH:MM (24-hour clock)')
  .refine((s) => s <= '24:00', 'expected a time no later than 24:00')

/**
 * One opening session in local time. `end` at or before `start` means the session runs past
 * midnight into the next day (e.g. 22:00–02:00); `end: '24:00'` closes at midnight.
 */
export const sessionSchema = z.object({ start: clockTime, end: clockTime })
export type Session = z.infer<typeof sessionSchema>

const isoDate = z.iso.date()

/** A dated replacement of the normal sessions (late-night clinic on the 14th; `sessions: []` closes that day). */
export const overrideSchema = z.object({
  date: isoDate,
  sessions: z.array(sessionSchema),
  reason: z.string().max(200).optional(),
})

/** A closure: every date from `from` to `to` inclusive is closed (staff day, Christmas shutdown). */
export const closureSchema = z
  .object({ from: isoDate, to: isoDate, reason: z.string().max(200).optional() })
  .refine((c) => c.from <= c.to, 'closure ends before it starts')

export const scheduleSpecSchema = z.object({
  /** IANA time zone, e.g. `Australia/Sydney`. */
  timeZone: z.string().refine(isValidTimeZone, 'not an IANA time zone'),
  /**
   * Public holidays region as `COUNTRY` or `COUNTRY-STATE` (e.g. `AU-NSW`, `GB-ENG`, `US-CA`),
   * resolved by the `date-holidays` package. Null: no public holidays.
   */
  holidayRegion: z
    .string()
    .regex(/^[A-Z]{2}(-[A-Z0-9]{1,4})?$/)
    .nullable()
    .default(null),
  weekly: z.partialRecord(z.enum(WEEKDAYS), z.array(sessionSchema)).default({}),
  overrides: z.array(overrideSchema).default([]),
  closures: z.array(closureSchema).default([]),
})
export type ScheduleSpec = z.input<typeof scheduleSpecSchema>
export type ParsedScheduleSpec = z.output<typeof scheduleSpecSchema>

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz })
    return true
  } catch {
    return false
  }
}
