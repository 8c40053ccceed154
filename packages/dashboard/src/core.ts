/**
 * @module The slice of @earshot/core the dashboard uses, imported in one place so the
 * dependency surface is visible at a glance.
 */
export {
  CATEGORIES,
  type Database,
  EarshotError,
  formatZodIssues,
  isEarshotError,
  listChannels,
  listPractices,
  MENTION_KINDS,
  OVERRIDE_ACTIONS,
  PLATFORMS,
  type PracticeRow,
  type PromiseSpec,
  ROLES,
  type Role,
  recordOverride,
  type ScheduleSpec,
  SENTIMENT_LABELS,
  SLA_STATUSES,
  type SlaStatus,
  savePromise,
  saveSchedule,
  WEEKDAYS,
} from '@earshot/core'
