/**
 * @module The one mention shape of the write path, derived from the `mentions` table type: the
 * in-memory row and every column list the pipeline needs (what it writes, what a delivery can
 * change, what enrichment decides). A new column is declared in `storage/database.ts` (and a
 * migration); the compiler then points at each list here that must say where it belongs.
 */
import type { Selectable } from 'kysely'
import type { Enrichment } from '../enrich/enricher.js'
import type { MentionTable } from '../storage/database.js'

/** A mention row as the pipeline holds it in memory (the `mentions` columns, dates as Date). */
export type MentionState = Omit<Selectable<MentionTable>, 'ingested_at' | 'updated_at'>

/** Columns fixed by a mention's identity: an upsert never changes them. */
export const IDENTITY_COLUMNS = [
  'organisation_id',
  'channel_id',
  'platform',
  'external_id',
  'id',
  'ingested_at',
] as const satisfies readonly (keyof MentionTable)[]

/** What a delivery can change: equal values mean "unchanged" (see `contentHash`). */
export const CONTENT_COLUMNS = [
  'kind',
  'direction',
  'thread_key',
  'parent_external_id',
  'author_id',
  'author_name',
  'author_handle',
  'text',
  'permalink',
  'created_at',
  'edited_at',
  'deleted_at',
  'rating',
  'is_auto_reply',
  'is_tombstone',
  'language',
  'thread_inherited',
] as const satisfies readonly (keyof MentionState)[]

/** What the enricher decides (sentiment, triage, lint) and the tag of the enricher that did. */
export const ENRICHMENT_COLUMNS = [
  'sentiment_score',
  'sentiment_label',
  'sentiment_confidence',
  'needs_reply',
  'category',
  'triage_reasons',
  'privacy',
  'urgent',
  'lint',
  'enricher',
] as const satisfies readonly (keyof MentionState)[]
export type EnrichmentColumn = (typeof ENRICHMENT_COLUMNS)[number]

/** The rest: where the mention belongs, its payload, and bookkeeping. */
const OTHER_COLUMNS = [
  'practice_id',
  'raw',
  'content_hash',
  'updated_at',
] as const satisfies readonly (keyof MentionTable)[]

/** Every column of `mentions`, as the bulk upsert names them. */
export const MENTION_COLUMNS = [
  ...IDENTITY_COLUMNS,
  ...CONTENT_COLUMNS,
  ...ENRICHMENT_COLUMNS,
  ...OTHER_COLUMNS,
] as const

// Fails to compile, naming the column, when a column of `mentions` is in none of the groups
// above: a new column must say whether it is identity, content, enrichment or other.
type Unplaced = Exclude<keyof MentionTable, (typeof MENTION_COLUMNS)[number]>
const everyColumnPlaced: [Unplaced] extends [never] ? true : Unplaced = true
void everyColumnPlaced

/** Columns the upsert overwrites on conflict. */
export const MENTION_UPDATE_COLUMNS = MENTION_COLUMNS.filter(
  (c) => !(IDENTITY_COLUMNS as readonly string[]).includes(c),
)

/** The enrichment of a mention nobody has enriched yet. */
export const NO_ENRICHMENT: Readonly<Pick<MentionState, EnrichmentColumn>> = {
  sentiment_score: null,
  sentiment_label: null,
  sentiment_confidence: null,
  needs_reply: null,
  category: null,
  triage_reasons: null,
  privacy: false,
  urgent: false,
  lint: null,
  enricher: null,
}

/** The columns an enricher's answer sets. Outbound mentions never need a reply. */
export function enrichmentColumns(
  m: Pick<MentionState, 'direction'>,
  e: Enrichment,
  tag: string,
): Pick<MentionState, EnrichmentColumn> {
  return {
    sentiment_score: e.sentiment?.score ?? null,
    sentiment_label: e.sentiment?.label ?? null,
    sentiment_confidence: e.sentiment?.confidence ?? null,
    needs_reply: m.direction === 'outbound' ? false : (e.needsReply ?? null),
    category: e.category ?? null,
    triage_reasons: e.reasons ?? null,
    privacy: e.privacy ?? false,
    urgent: e.urgent ?? false,
    lint: e.lint ?? null,
    enricher: tag,
  }
}

/** The enrichment columns of a mention (to carry them over a merge). */
export function pickEnrichment(m: MentionState): Pick<MentionState, EnrichmentColumn> {
  return pick(m, ENRICHMENT_COLUMNS)
}

/** A comparable fingerprint of the given columns (dates as epoch ms). */
export function columnsKey(m: MentionState, columns: readonly (keyof MentionState)[]): string {
  return JSON.stringify(
    columns.map((c) => {
      const v = m[c]
      return v instanceof Date ? v.getTime() : v === undefined ? null : v
    }),
  )
}

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>
  for (const k of keys) out[k] = value[k]
  return out
}
