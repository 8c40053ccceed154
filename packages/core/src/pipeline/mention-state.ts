/**
 * @module The one mention shape of the write path, derived from the `mentions` table type: the
 * in-memory row and every column list the pipeline needs (what it writes, what a delivery can
 * change, what enrichment decides). A new column is declared in `storage/database.ts` (and a
 * migration); the compiler then asks for its place in `MENTION_COLUMN_GROUPS`, once.
 */
import type { Selectable } from 'kysely'
import type { Enrichment } from '../enrich/enricher.js'
import type { MentionTable } from '../storage/database.js'

/** A mention row as the pipeline holds it in memory (the `mentions` columns, dates as Date). */
export type MentionState = Omit<Selectable<MentionTable>, 'ingested_at' | 'updated_at'>

/**
 * Where each column of `mentions` belongs. `satisfies Record<keyof MentionTable, …>` makes a
 * new column a compile error until it is placed here, and every list below follows from it:
 *
 * - `identity`: fixed by who and where the mention is; an upsert never changes it;
 * - `content`: what a delivery can change (equal content means "unchanged", see `contentHash`);
 * - `enrichment`: what the enricher decides, and the tag of the enricher that did;
 * - `other`: where it belongs, its payload, and bookkeeping.
 */
const MENTION_COLUMN_GROUPS = {
  organisation_id: 'identity',
  channel_id: 'identity',
  platform: 'identity',
  external_id: 'identity',
  id: 'identity',
  ingested_at: 'identity',
  kind: 'content',
  direction: 'content',
  thread_key: 'content',
  parent_external_id: 'content',
  author_id: 'content',
  author_name: 'content',
  author_handle: 'content',
  text: 'content',
  permalink: 'content',
  created_at: 'content',
  edited_at: 'content',
  deleted_at: 'content',
  rating: 'content',
  is_auto_reply: 'content',
  is_tombstone: 'content',
  language: 'content',
  thread_inherited: 'content',
  sentiment_score: 'enrichment',
  sentiment_label: 'enrichment',
  sentiment_confidence: 'enrichment',
  needs_reply: 'enrichment',
  category: 'enrichment',
  triage_reasons: 'enrichment',
  privacy: 'enrichment',
  urgent: 'enrichment',
  lint: 'enrichment',
  enricher: 'enrichment',
  practice_id: 'other',
  raw: 'other',
  content_hash: 'other',
  updated_at: 'other',
} as const satisfies Record<keyof MentionTable, 'identity' | 'content' | 'enrichment' | 'other'>

type Groups = typeof MENTION_COLUMN_GROUPS
type ColumnsOf<G> = { [K in keyof Groups]: Groups[K] extends G ? K : never }[keyof Groups]

function columnsOf<G extends Groups[keyof Groups]>(group: G): readonly ColumnsOf<G>[] {
  return (Object.keys(MENTION_COLUMN_GROUPS) as (keyof Groups)[]).filter(
    (c): c is ColumnsOf<G> => MENTION_COLUMN_GROUPS[c] === group,
  )
}

/** Every column of `mentions`, as the bulk upsert names them. */
export const MENTION_COLUMNS = Object.keys(MENTION_COLUMN_GROUPS) as readonly (keyof MentionTable)[]
/** Columns fixed by a mention's identity. */
export const IDENTITY_COLUMNS = columnsOf('identity')
/** What a delivery can change. */
export const CONTENT_COLUMNS = columnsOf('content')
/** What the enricher decides. */
export const ENRICHMENT_COLUMNS = columnsOf('enrichment')
export type EnrichmentColumn = ColumnsOf<'enrichment'>

/** Columns the upsert overwrites on conflict. */
export const MENTION_UPDATE_COLUMNS = MENTION_COLUMNS.filter(
  (c) => MENTION_COLUMN_GROUPS[c] !== 'identity',
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
