/**
 * @module Options and results of `ingest()`.
 */
import type { Enricher } from '../enrich/enricher.js'

export interface IngestOptions {
  /** Sentiment and triage; default: the built-in rules (`createDefaultEnricher()`). */
  enricher?: Enricher
  /** Restrict to one tenant: items for channels of any other organisation are quarantined. */
  organisationId?: string
  /** Recorded with quarantined items: `ingest`, `webhook:facebook`, `import:csv` … */
  source?: string
  /** The clock used for `updated_at` and SLA evaluation (tests pin it). */
  now?: Date
}

/** What happened to one batch. `ingest` never throws for bad items; it quarantines them. */
export interface IngestResult {
  inserted: number
  updated: number
  unchanged: number
  quarantined: number
  /** Deletion notices applied (to known mentions or as tombstones). */
  deleted: number
  /** Index in the batch and reason of every quarantined item. */
  rejected: Array<{ index: number; reason: string }>
  /** Threads whose response links were recomputed. */
  threadsRelinked: number
}

/** The result of a batch in which nothing happened yet. */
export function emptyIngestResult(): IngestResult {
  return {
    inserted: 0,
    updated: 0,
    unchanged: 0,
    quarantined: 0,
    deleted: 0,
    rejected: [],
    threadsRelinked: 0,
  }
}
