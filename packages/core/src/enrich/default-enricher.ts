/**
 * @module The built-in enricher: extended-AFINN sentiment plus rule-based triage and reply lint.
 * Ingestion uses it unless a user plugs in their own {@link Enricher}.
 */
import { analyzeSentiment, NEGATIVE_THRESHOLD } from './analyze-sentiment.js'
import type { Enricher, EnrichInput, Enrichment, SentimentResult } from './enricher.js'
import { contentVersion, DEFAULT_KNOWLEDGE } from './enricher-version.js'
import { lintReply } from './reply-lint.js'
import { triage } from './triage.js'

/** Name of the built-in enricher, stored with each enrichment. */
export const DEFAULT_ENRICHER_NAME = 'earshot-rules'
/**
 * Derived from the content of the rules and lexicon data files (see `contentVersion`): editing
 * either changes it, and stored enrichments of another version are recomputed.
 */
export const DEFAULT_ENRICHER_VERSION: string = contentVersion(DEFAULT_KNOWLEDGE)

/** Enriches one mention with the built-in rules. */
export function enrichOne(input: EnrichInput): Enrichment {
  const detail = analyzeSentiment(input.text ?? '', { rating: input.rating })
  const sentiment: SentimentResult = {
    score: detail.score,
    label: detail.label,
    confidence: detail.confidence,
  }
  if (input.direction === 'outbound') {
    const isPrivate = input.kind === 'message' || input.platform === 'webchat'
    return {
      sentiment,
      needsReply: false,
      reasons: ['written by the practice'],
      privacy: false,
      urgent: false,
      lint: isPrivate ? [] : lintReply(input.text ?? ''),
    }
  }
  const t = triage(input, detail)
  if ((t.category === 'complaint' || t.urgent) && sentiment.label !== 'negative') {
    // Triage found dissatisfaction or distress the lexicon missed or misread ("47th in the queue.
    // brilliant system", "her lips have gone blue"): that is negative, with the lower confidence
    // of a second-hand verdict.
    sentiment.score = Math.min(-NEGATIVE_THRESHOLD, -Math.abs(sentiment.score))
    sentiment.label = 'negative'
    sentiment.confidence = 0.6
  }
  return {
    sentiment,
    needsReply: t.needsReply,
    ...(t.category !== undefined ? { category: t.category } : {}),
    reasons: t.reasons,
    privacy: t.privacy,
    urgent: t.urgent,
  }
}

/**
 * The enricher ingestion uses by default. Synchronous and allocation-light: tens of thousands of
 * mentions per second on one core.
 *
 * @example
 * const enricher = createDefaultEnricher()
 * const [e] = await enricher.enrich([
 *   { text: 'do u bulk bill on saturdays', platform: 'facebook', kind: 'comment', direction: 'inbound' },
 * ])
 * e.needsReply // true
 * e.category // 'question'
 */
export function createDefaultEnricher(): Enricher {
  return {
    name: DEFAULT_ENRICHER_NAME,
    version: DEFAULT_ENRICHER_VERSION,
    enrich(inputs: readonly EnrichInput[]): Enrichment[] {
      return inputs.map(enrichOne)
    },
  }
}
