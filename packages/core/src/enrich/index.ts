/**
 * @module Enrichment: sentiment, triage and reply lint behind the pluggable {@link Enricher}
 * interface.
 */

export {
  analyzeSentiment,
  NEGATIVE_THRESHOLD,
  POSITIVE_THRESHOLD,
  type SentimentDetail,
  type SentimentOptions,
} from './analyze-sentiment.js'
export { type ClassifyCliIo, runClassifyCli } from './classify-cli.js'
export {
  createDefaultEnricher,
  DEFAULT_ENRICHER_NAME,
  DEFAULT_ENRICHER_VERSION,
  enrichOne,
} from './default-enricher.js'
export type {
  Enricher,
  EnrichInput,
  Enrichment,
  SentimentResult,
  ThreadContextItem,
} from './enricher.js'
export { lintReply } from './reply-lint.js'
export {
  afinnAnalyzer,
  compiledAfinnAnalyzer,
  type LexiconAnalysis,
  type SentimentAnalyzer,
} from './sentiment-analyzer.js'
export { REPLY_CATEGORIES, type TriageResult, triage } from './triage.js'
