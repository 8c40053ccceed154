/**
 * @module When a scheduled report is due and which period it reports, computed in the
 * schedule's own time zone with luxon so daylight-saving changes move neither the send time nor
 * the period's edges. A weekly report sent on a day reports the last whole week (Monday to
 * Sunday) before that day; a monthly one the last whole month.
 */
import { DateTime } from 'luxon'

export interface ScheduleTiming {
  frequency: 'weekly' | 'monthly'
  /** ISO weekday 1 (Monday) – 7 (Sunday), or day of month 1–28. */
  day: number
  /** HH:MM local. */
  localTime: string
  timeZone: string
}

/** A reported period: `from` inclusive, `to` exclusive, and a key naming it (`2026-W47`, `2026-11`). */
export interface ReportPeriod {
  key: string
  from: Date
  to: Date
  /** For people: "16–22 Nov 2026" or "November 2026". */
  label: string
}

export interface DueReport {
  /** When this occurrence was due (the local send time, as an instant). */
  dueAt: Date
  period: ReportPeriod
}

function parseTime(localTime: string): { hour: number; minute: number } {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(localTime)
  if (!m) throw new Error(`invalid local time ${JSON.stringify(localTime)}`)
  return { hour: Number(m[1]), minute: Number(m[2]) }
}

/**
 * The send time on a given local date. A time that does not exist that day (skipped by a
 * spring-forward change) is moved forward by the gap, as luxon does; a time that exists twice
 * (autumn) is the first of the two. Either way one instant per date, so one send per period.
 */
function sendTimeOn(date: DateTime, localTime: string): DateTime {
  const { hour, minute } = parseTime(localTime)
  return date.set({ hour, minute, second: 0, millisecond: 0 })
}

/** The period a report sent on `sendDate` (a local date) covers. */
export function periodBefore(frequency: 'weekly' | 'monthly', sendDate: DateTime): ReportPeriod {
  const day = sendDate.startOf('day')
  if (frequency === 'weekly') {
    const thisWeek = day.startOf('week')
    const from = thisWeek.minus({ weeks: 1 })
    const last = thisWeek.minus({ days: 1 })
    return {
      key: `${from.weekYear}-W${String(from.weekNumber).padStart(2, '0')}`,
      from: from.toJSDate(),
      to: thisWeek.toJSDate(),
      label: `${from.toFormat('d LLL')}–${last.toFormat('d LLL yyyy')}`,
    }
  }
  const thisMonth = day.startOf('month')
  const from = thisMonth.minus({ months: 1 })
  return {
    key: from.toFormat('yyyy-MM'),
    from: from.toJSDate(),
    to: thisMonth.toJSDate(),
    label: from.toFormat('LLLL yyyy'),
  }
}

/** The latest occurrence of the schedule at or before `now`, with the period it reports. */
export function latestDue(timing: ScheduleTiming, now: Date): DueReport {
  const local = DateTime.fromJSDate(now, { zone: timing.timeZone })
  if (!local.isValid) throw new Error(`invalid time zone ${JSON.stringify(timing.timeZone)}`)
  let candidate: DateTime
  if (timing.frequency === 'weekly') {
    const back = (local.weekday - timing.day + 7) % 7
    candidate = sendTimeOn(local.minus({ days: back }).startOf('day'), timing.localTime)
    if (candidate > local) candidate = sendTimeOn(candidate.minus({ weeks: 1 }), timing.localTime)
  } else {
    candidate = sendTimeOn(local.set({ day: timing.day }).startOf('day'), timing.localTime)
    if (candidate > local)
      candidate = sendTimeOn(
        local.startOf('month').minus({ months: 1 }).set({ day: timing.day }),
        timing.localTime,
      )
  }
  return { dueAt: candidate.toJSDate(), period: periodBefore(timing.frequency, candidate) }
}

/** The next occurrence after `now` (for the settings page). */
export function nextDue(timing: ScheduleTiming, now: Date): Date {
  const local = DateTime.fromJSDate(now, { zone: timing.timeZone })
  const latest = DateTime.fromJSDate(latestDue(timing, now).dueAt, { zone: timing.timeZone })
  const step = timing.frequency === 'weekly' ? { weeks: 1 } : { months: 1 }
  let next = sendTimeOn(latest.startOf('day').plus(step), timing.localTime)
  if (next <= local) next = sendTimeOn(next.startOf('day').plus(step), timing.localTime)
  return next.toJSDate()
}

/** Whether a time zone name is one luxon (and so the runtime's ICU) knows. */
export function isKnownTimeZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid
}
