/**
 * @module The practice form of the set-up pages: name, time zone, holiday region, opening hours
 * and promise typed as text. Parsing never throws: it returns the input as typed (so a form with
 * a mistake is shown again with nothing lost), an error per field, and what each field was
 * understood as.
 */
import { isHolidayRegion, type PromiseSpec, type ScheduleSpec } from '@earshot/core'
import { z } from 'zod'
import { formatOpeningHours, parseOpeningHours } from './opening-hours-text.js'
import { formatPromiseText, parsePromiseText } from './promise-text.js'
import { isTimeZone } from './time-zones.js'

/** The fields as typed; every one a string, empty when left blank. */
export interface PracticeFormValues {
  name: string
  timeZone: string
  holidayRegion: string
  hours: string
  promise: string
  statement: string
  /** Public phone number, for saved replies ({practice_phone}). */
  phone: string
  /** Public booking page, for saved replies ({booking_link}). */
  bookingUrl: string
}

export type PracticeFormField = keyof PracticeFormValues

/** The outcome of {@link parsePracticeForm}. */
export interface PracticeFormResult {
  values: PracticeFormValues
  errors: Partial<Record<PracticeFormField, string>>
  /** What hours and promise were understood as, in the notation they are shown back in. */
  understood: { hours?: string; promise?: string }
  /** Set when there are no errors. */
  parsed?: {
    name: string
    timeZone: string
    holidayRegion: string | null
    weekly: NonNullable<ScheduleSpec['weekly']>
    /** Undefined when the promise field was left empty on an edit (keep the current one). */
    targets?: PromiseSpec['targets']
    statement?: string
    phone: string | null
    bookingUrl: string | null
  }
}

const field = (max: number) =>
  z
    .unknown()
    .transform((v) => (typeof v === 'string' ? v.trim() : ''))
    .pipe(z.string().max(max, `at most ${max} characters`))

const formSchema = z.object({
  name: field(200),
  time_zone: field(100),
  holiday_region: field(20),
  hours: field(2000),
  promise: field(2000),
  statement: field(500),
  phone: field(40),
  booking_url: field(500),
})

/**
 * Reads and checks the form. With `promiseOptional` (editing), an empty promise keeps the
 * current one.
 */
export function parsePracticeForm(
  body: Record<string, unknown>,
  options: { promiseOptional?: boolean } = {},
): PracticeFormResult {
  const errors: PracticeFormResult['errors'] = {}
  // Scripts and older forms may leave out the optional contact fields.
  const raw = formSchema.safeParse({ phone: '', booking_url: '', ...body })
  const v = raw.success
    ? raw.data
    : {
        name: '',
        time_zone: '',
        holiday_region: '',
        hours: '',
        promise: '',
        statement: '',
        phone: '',
        booking_url: '',
      }
  if (!raw.success)
    for (const issue of raw.error.issues) {
      const key = String(issue.path[0] ?? '')
      const name =
        key === 'time_zone'
          ? 'timeZone'
          : key === 'holiday_region'
            ? 'holidayRegion'
            : key === 'booking_url'
              ? 'bookingUrl'
              : key
      errors[name as PracticeFormField] = issue.message
    }
  const values: PracticeFormValues = {
    name: v.name,
    timeZone: v.time_zone,
    holidayRegion: v.holiday_region,
    hours: v.hours,
    promise: v.promise,
    statement: v.statement,
    phone: v.phone,
    bookingUrl: v.booking_url,
  }
  const understood: PracticeFormResult['understood'] = {}
  if (!values.name) errors.name ??= 'give the practice a name'
  if (!values.timeZone) errors.timeZone ??= 'pick the time zone the practice works in'
  else if (!isTimeZone(values.timeZone))
    errors.timeZone ??= `"${values.timeZone}" is not an IANA time zone (e.g. Europe/London)`
  if (values.holidayRegion && !isHolidayRegion(values.holidayRegion))
    errors.holidayRegion ??= `"${values.holidayRegion}" is not a holiday region (pick one from the list)`
  // Shown to the public in replies: a phone number's characters, and a web page (no other scheme).
  if (values.phone && !/^\+?[0-9 ()./-]{6,40}$/.test(values.phone))
    errors.phone ??= 'a phone number is digits, spaces and + ( ) - . /'
  if (values.bookingUrl && !isWebAddress(values.bookingUrl))
    errors.bookingUrl ??= 'a booking link starts with https:// (or http://)'
  let weekly: ReturnType<typeof parseOpeningHours> | undefined
  try {
    weekly = parseOpeningHours(values.hours)
    understood.hours = formatOpeningHours(weekly)
  } catch (error) {
    errors.hours ??= (error as Error).message
  }
  let targets: ReturnType<typeof parsePromiseText> | undefined
  if (values.promise || !options.promiseOptional) {
    try {
      targets = parsePromiseText(values.promise)
      understood.promise = formatPromiseText(targets)
    } catch (error) {
      errors.promise ??= (error as Error).message
    }
  }
  const result: PracticeFormResult = { values, errors, understood }
  if (Object.keys(errors).length === 0 && weekly)
    result.parsed = {
      name: values.name,
      timeZone: values.timeZone,
      holidayRegion: values.holidayRegion || null,
      weekly,
      ...(targets ? { targets } : {}),
      ...(values.statement ? { statement: values.statement } : {}),
      phone: values.phone || null,
      bookingUrl: values.bookingUrl || null,
    }
  return result
}

function isWebAddress(value: string): boolean {
  try {
    const url = new URL(value)
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== ''
  } catch {
    return false
  }
}

/**
 * The current promise targets as text, or undefined when they use more than the text form
 * says (categories, a clock, sentiment …): then the form leaves the field empty and keeps them.
 */
export function promiseAsText(spec: PromiseSpec | undefined): string | undefined {
  const targets = spec?.targets ?? []
  if (targets.length === 0) return undefined
  for (const t of targets) {
    const extra = Object.keys(t).filter((k) => k !== 'duration' && k !== 'filter' && k !== 'name')
    const filterKeys = Object.keys((t.filter ?? {}) as object).filter(
      (k) => k !== 'kinds' && k !== 'platforms',
    )
    if (extra.length || filterKeys.length || typeof t.duration !== 'string') return undefined
  }
  return formatPromiseText(targets as Parameters<typeof formatPromiseText>[0])
}
