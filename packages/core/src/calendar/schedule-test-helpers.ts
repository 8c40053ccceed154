/**
 * @module Small builders for schedules in the calendar's tests (not part of the public API).
 */
import type { ScheduleSpec, Session } from './schedule-spec.js'

/** One session from `start` to `end`. */
export const day = (start: string, end: string): Session[] => [{ start, end }]

/** The same sessions Monday to Friday, closed at weekends. */
export const weekdays = (sessions: Session[]): ScheduleSpec['weekly'] => ({
  mon: sessions,
  tue: sessions,
  wed: sessions,
  thu: sessions,
  fri: sessions,
})
