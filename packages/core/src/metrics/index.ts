/**
 * @module The query layer: metrics computed in SQL, the organisation ranking, the inbox, mention
 * search and detail, row-level export with CSV encoding, and spike detection. Only what
 * docs/core-api.md documents is exported; the SQL building blocks (metricsSql,
 * mentionFilterSql, slaStatusSql, cursors, LIKE escaping) stay inside the package.
 */
export { type DetectSpikesQuery, detectSpikes, type SpikeResult } from './detect-spikes.js'
export {
  type ExportMentionsQuery,
  exportMentionRows,
  exportMentionsCsv,
  exportMentionsCsvBytes,
  MENTION_EXPORT_COLUMNS,
  type MentionExportRow,
} from './export-mention-rows.js'
export {
  getMetrics,
  METRIC_GROUPINGS,
  type MetricGrouping,
  type MetricsQuery,
  type MetricsResult,
  type MetricsRow,
  type MetricsSource,
  type ResponseTimeBuckets,
  TIME_GROUPINGS,
  type TimeGrouping,
} from './get-metrics.js'
export {
  BENCHMARKED_METRICS,
  type BenchmarkedMetric,
  getOrganisationRanking,
  type OrganisationRanking,
  type OrganisationRankingQuery,
  type RankedPractice,
} from './get-organisation-ranking.js'
export {
  countInbox,
  INBOX_ORDERS,
  type InboxFilters,
  type InboxItem,
  type InboxOrder,
  type InboxPage,
  type InboxQuery,
  type InboxStatus,
  type InboxTotals,
  listInbox,
} from './list-inbox.js'
export type { MentionFilters } from './mention-filters.js'
export { type RebuildRollupsOptions, rebuildRollups } from './rebuild-rollups.js'
export {
  getMentionDetail,
  type MentionDetail,
  type MentionSummary,
  type SearchMentionsQuery,
  type SearchMentionsResult,
  searchMentions,
  type ThreadMention,
} from './search-mentions.js'
export { type CsvValue, csvLine, toCsv } from './to-csv.js'
