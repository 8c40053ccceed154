/**
 * @module The slice of @earshot/core the dashboard uses, imported in one place. Core's public
 * index does not exist yet, so these point at its source files; once `packages/core/src/index.ts`
 * exports them, this file becomes a plain re-export of '@earshot/core'.
 */
export type { ScheduleSpec } from '../../core/src/calendar/schedule-spec.js'
export { scheduleSpecSchema, WEEKDAYS } from '../../core/src/calendar/schedule-spec.js'
export { EarshotError, isEarshotError } from '../../core/src/errors.js'
export {
  CATEGORIES,
  CLOCKS,
  MENTION_KINDS,
  OVERRIDE_ACTIONS,
  PLATFORMS,
  ROLES,
  type Role,
  SENTIMENT_LABELS,
  SLA_STATUSES,
  type SlaStatus,
} from '../../core/src/model/vocabulary.js'
export type { PromiseSpec } from '../../core/src/promise/promise-spec.js'
export { promiseSpecSchema } from '../../core/src/promise/promise-spec.js'
export { listChannels } from '../../core/src/repositories/channels.js'
export { getPractice, listPractices } from '../../core/src/repositories/organisations.js'
export { savePromise, saveSchedule } from '../../core/src/repositories/practice-policy.js'
export type { Database, PracticeRow } from '../../core/src/storage/database.js'
export { formatZodIssues } from '../../core/src/util/parse-or-throw.js'
