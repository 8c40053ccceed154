/**
 * @module @earshot/core — mentions, response linking, the business-time SLA engine, storage and
 * metrics for health practices' social inboxes. No HTTP server and no platform code in here.
 *
 * @example
 * import { openDatabase, createOrganisation, createPractice, createChannel, ingest, getMetrics } from '@earshot/core'
 */

// Calendar, durations, promise, SLA
export * from './calendar/index.js'
export {
  type CollectChannelOptions,
  type CollectChannelResult,
  type CollectChannelStatus,
  collectChannel,
  toCollectorChannel,
} from './collector/collect-channel.js'
// Collectors (the interface; implementations live in @earshot/collectors)
export type {
  Collector,
  CollectorChannel,
  PollBatch,
  PollContext,
  WebhookHandler,
  WebhookRequest,
  WebhookVerification,
} from './collector/collector.js'
// Enrichment
export * from './enrich/index.js'
export {
  EARSHOT_ERROR_BRAND,
  EARSHOT_ERROR_CODES,
  EarshotError,
  type EarshotErrorCode,
  isEarshotError,
} from './errors.js'
// Metrics and queries
export * from './metrics/index.js'
export {
  type AuthorInput,
  type IngestItem,
  type MentionDeletion,
  type MentionInput,
  mentionDeletionSchema,
  mentionInputSchema,
  type ParsedMentionInput,
} from './model/mention-input.js'
// Vocabulary and errors
export * from './model/vocabulary.js'
// The write path (pipeline): commit a batch, ingest, and the commands that re-run the thread pass
export {
  addBatchTotals,
  type BatchCheckpoint,
  type BatchCommit,
  type BatchCommitResult,
  type BatchReject,
  type BatchTotals,
  canonicalJson,
  commitBatch,
  emptyBatchTotals,
} from './pipeline/commit-batch.js'
export { ingest } from './pipeline/ingest.js'
export type { IngestOptions, IngestResult } from './pipeline/ingest-types.js'
export type { MentionState } from './pipeline/mention-state.js'
export { mentionId } from './pipeline/normalise.js'
export {
  HANDLED_AT_TOLERANCE_MS,
  type OverrideInput,
  type OverrideIssue,
  overrideInputSchema,
  recordOverride,
} from './pipeline/record-override.js'
export {
  countStaleMentions,
  enricherTag,
  type ReenrichOptions,
  type ReenrichProgress,
  reenrichStale,
} from './pipeline/reenrich-stale.js'
export {
  type ReevaluateOptions,
  type ReevaluateThreadsOptions,
  reevaluatePractice,
  reevaluateThreads,
} from './pipeline/reevaluate.js'
export type { ThreadKey } from './pipeline/thread-store.js'
export { ONE_LEVEL_THREAD_PLATFORMS } from './pipeline/threading.js'
// Patient data: retention, erasure, identifier redaction (docs/privacy.md)
export * from './privacy/index.js'
export {
  DURATION_CLOCKS,
  type DurationClock,
  type DurationInput,
  type FormatDurationOptions,
  formatDuration,
  MAX_DURATION_MS,
  type ParsedDuration,
  parseDuration,
} from './promise/duration.js'
export {
  type ParsedPromiseSpec,
  type ParsedPromiseTarget,
  type PromiseSpec,
  promiseSpecSchema,
  selectTarget,
} from './promise/promise-spec.js'
export * from './redaction/index.js'
export {
  type ChannelChanges,
  type ChannelInput,
  channelInputSchema,
  createChannel,
  getChannel,
  listChannels,
  listDueChannels,
  recordChannelError,
  setChannelStatus,
  updateChannel,
} from './repositories/channels.js'
// Repositories
export {
  type CreateOrganisationInput,
  type CreatePracticeInput,
  createOrganisation,
  createPractice,
  getOrganisation,
  getPractice,
  listPractices,
  slugify,
} from './repositories/organisations.js'
export { listOverrides } from './repositories/overrides.js'
export {
  type DeletedPractice,
  deletePractice,
  KEPT_AFTER_PRACTICE_DELETION,
} from './repositories/practice-deletion.js'
export {
  loadPracticePolicy,
  type PracticePolicy,
  type PromiseVersion,
  type ScheduleVersion,
  savePromise,
  saveSchedule,
} from './repositories/practice-policy.js'
export { listQuarantine, type QuarantineEntry, quarantineItems } from './repositories/quarantine.js'
// Secrets at rest (channel tokens)
export * from './secrets/index.js'
export {
  evaluateSla,
  type SlaEvaluation,
  type SlaExplanation,
  type SlaPolicy,
  type SlaResponse,
  type SlaSubject,
} from './sla/evaluate-sla.js'
export {
  type LinkableMention,
  type LinkOverride,
  linkThread,
  type ThreadLink,
} from './sla/link-thread.js'
export { type SlaStatusFields, slaStatusAt } from './sla/sla-status.js'
// Storage
export type * from './storage/database.js'
export {
  attachDatabaseFaultMemory,
  createDatabaseFaultMemory,
  type DatabaseFault,
  type DatabaseFaultMemory,
  databaseFaultMemoryOf,
  databaseFaultOf,
  isDatabaseUnavailable,
} from './storage/database-fault.js'
export { MIGRATIONS, migrateToLatest } from './storage/migrate.js'
export {
  type DatabaseEvents,
  type EarshotDatabase,
  type EmbeddedInstance,
  type OpenDatabaseOptions,
  openDatabase,
  redactUrl,
} from './storage/open-database.js'
export {
  PGliteDialect,
  type PGliteDialectConfig,
  type PGliteLike,
} from './storage/pglite-dialect.js'
export {
  compareWalPositions,
  currentWalPosition,
  DEFAULT_MAX_REPLICA_LAG_MS,
  DEFAULT_REPLICA_CHECK_INTERVAL_MS,
  openReadReplica,
  type ReadReplica,
  type ReadReplicaOptions,
  type ReadReplicaState,
  type ReadReplicaStatus,
} from './storage/read-replica.js'
export { formatZodIssues } from './util/parse-or-throw.js'
