/**
 * @module Business calendar: opening hours as data (ScheduleSpec) and the engine that answers
 * business-time questions (BusinessCalendar).
 */
export type { BusinessCalendar } from './business-calendar.js'
export {
  type CreateBusinessCalendarOptions,
  createBusinessCalendar,
  type DayPlan,
  type DayPlanSource,
  type ScheduleCalendar,
} from './create-business-calendar.js'
export { type HolidayRegion, isHolidayRegion, listHolidayRegions } from './holiday-regions.js'
export type { PublicHoliday } from './public-holidays.js'
export {
  type ParsedScheduleSpec,
  type ScheduleSpec,
  type Session,
  scheduleSpecSchema,
  WEEKDAYS,
  type Weekday,
} from './schedule-spec.js'
