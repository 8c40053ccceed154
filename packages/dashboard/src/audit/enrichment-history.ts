/**
 * @module Which enricher version classified a mention, and its re-enrichment events (a newer
 * version changed its classification): the enrichment part of the mention's audit trail.
 */
import type { Kysely } from 'kysely'
import type { Database } from '../core.js'

/** One re-enrichment that changed the classification. */
export interface EnrichmentEventView {
  at: Date
  fromEnricher: string | null
  toEnricher: string
  /** "needs reply: yes → no", "category: question → praise", … */
  changes: string[]
}

export interface EnrichmentHistory {
  /** `name@version` of the enricher that classified it (null: not enriched yet). */
  enricher: string | null
  /** Newest first. */
  events: EnrichmentEventView[]
}

const LABELS: Record<string, string> = {
  needs_reply: 'needs reply',
  category: 'category',
  sentiment_label: 'sentiment',
  privacy: 'privacy',
  urgent: 'urgent',
}

const ORDER = Object.keys(LABELS)

const show = (v: unknown): string =>
  v === true ? 'yes' : v === false ? 'no' : v === null || v === undefined ? '—' : String(v)

/** The mention's enrichment history, scoped to its organisation. */
export async function enrichmentHistoryOf(
  db: Kysely<Database>,
  organisationId: string,
  mentionId: string,
): Promise<EnrichmentHistory> {
  const mention = await db
    .selectFrom('mentions')
    .select('enricher')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', mentionId)
    .executeTakeFirst()
  const rows = await db
    .selectFrom('enrichment_events')
    .select(['at', 'from_enricher', 'to_enricher', 'before', 'after'])
    .where('organisation_id', '=', organisationId)
    .where('mention_id', '=', mentionId)
    .orderBy('at', 'desc')
    .orderBy('id')
    .limit(20)
    .execute()
  return {
    enricher: mention?.enricher ?? null,
    events: rows.map((r) => {
      const before = (r.before ?? {}) as Record<string, unknown>
      const after = (r.after ?? {}) as Record<string, unknown>
      return {
        at: new Date(r.at),
        fromEnricher: r.from_enricher,
        toEnricher: r.to_enricher,
        // jsonb keeps its own key order: list the changes in a fixed one.
        changes: Object.keys(after)
          .sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b))
          .map((k) => `${LABELS[k] ?? k}: ${show(before[k])} → ${show(after[k])}`),
      }
    }),
  }
}
