/**
 * @module The query layer: metrics computed in SQL, the organisation ranking, the inbox, mention
 * search and detail, row-level export with CSV encoding, and spike detection.
 */
export * from './detect-spikes.js'
export * from './export-mention-rows.js'
export * from './get-metrics.js'
export * from './get-organisation-ranking.js'
export * from './list-inbox.js'
export * from './mention-filters.js'
export {
  decodeCursor,
  encodeCursor,
  escapeLike,
} from './query-helpers.js'
export * from './search-mentions.js'
export * from './sla-status.js'
export * from './to-csv.js'
