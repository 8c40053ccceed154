/**
 * @module The vocabulary, repositories and types of @earshot/core the dashboard shares across
 * its files. The query functions (getMetrics, listInbox, searchMentions …) are imported by the
 * data/ adapters that wrap them.
 */
export {
  CATEGORIES,
  type Database,
  databaseFaultMemoryOf,
  databaseFaultOf,
  EarshotError,
  type EarshotErrorCode,
  formatZodIssues,
  INBOX_ORDERS,
  isDatabaseUnavailable,
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
  type UserActionRow,
  WEEKDAYS,
} from '@earshot/core'
