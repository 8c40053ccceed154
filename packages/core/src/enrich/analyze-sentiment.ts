/**
 * @module Sentiment for health-practice mentions: the extended AFINN lexicon score, adjusted for
 * sarcasm, "!!!" and capitals, normalised to [-1, 1] and combined with a review's star rating.
 */
import type { SentimentResult } from './enricher.js'
import {
  findSarcasm,
  mentionsLongWait,
  opensAsQuestion,
  type PreparedText,
  prepareText,
} from './prepare-text.js'
import { compiledAfinnAnalyzer, type SentimentAnalyzer } from './sentiment-analyzer.js'

/** Options for {@link analyzeSentiment}. */
export interface SentimentOptions {
  /** Star rating (1–5) of a review, combined with the text. */
  rating?: number | null
  /**
   * The lexicon analyzer; defaults to {@link compiledAfinnAnalyzer} (the extended AFINN table and
   * rules, equal to the package-backed `afinnAnalyzer`).
   */
  analyzer?: SentimentAnalyzer
}

/** A sentiment result plus the cues that shaped it, for reasons and debugging. */
export interface SentimentDetail extends SentimentResult {
  /** Lexicon score before normalisation (AFINN scale, after sarcasm and emphasis). */
  raw: number
  /** Sum of positive and of negative word scores: both non-zero means mixed feelings. */
  positive: number
  negative: number
  /** The sarcasm cue that flipped praise into criticism, if any. */
  sarcasm: string | null
  /** Waiting words next to a duration ("sat here 45 mins"): a complaint in itself. */
  longWait: boolean
}

/**
 * Label thresholds on the normalised score. Asymmetric on purpose: a lone mild positive word
 * ("lol", "yes", "fine") is filler far more often than praise, while any negative word usually
 * means something is wrong.
 */
export const POSITIVE_THRESHOLD = 0.3
export const NEGATIVE_THRESHOLD = 0.15
/** VADER's normalisation constant: raw 1 → 0.25, raw 3 → 0.61, raw 6 → 0.84. */
const ALPHA = 15

/**
 * Scores a mention's sentiment. Never throws; an empty text with no rating is neutral.
 *
 * @example
 * analyzeSentiment('great, another 2 hour wait 🙄').label // 'negative'
 * analyzeSentiment('', { rating: 5 }).label // 'positive'
 */
export function analyzeSentiment(text: string, options: SentimentOptions = {}): SentimentDetail {
  return analyzePrepared(prepareText(text), options)
}

/**
 * {@link analyzeSentiment} on an already prepared text: the built-in enricher prepares each
 * mention once and shares the tokens between the lexicon and the learned model.
 */
export function analyzePrepared(
  prep: PreparedText,
  options: SentimentOptions = {},
): SentimentDetail {
  const analyzer = options.analyzer ?? compiledAfinnAnalyzer
  const lex = analyzer.analyzeTokens?.(prep.tokens) ?? analyzer.analyze(prep.prepared)
  let positive = lex.positive
  let negative = lex.negative
  let sarcasm: string | null = null
  if (positive > 0) {
    sarcasm = findSarcasm(prep)
    if (sarcasm !== null) {
      // Irony turns the praise words into the complaint.
      negative -= positive + 1
      positive = 0
    }
  }
  // A long wait is the commonest complaint and rarely uses a sentiment word.
  const longWait = mentionsLongWait(prep)
  if (longWait) negative -= 2
  let raw = positive + negative
  if (raw !== 0 && sarcasm === null && prep.exclamations === 0 && opensAsQuestion(prep)) raw *= 0.5
  if (raw !== 0) {
    raw += Math.sign(raw) * 0.3 * prep.exclamations
    if (prep.shouting) raw *= 1.25
    if (prep.elongated) raw *= 1.1
  }
  const textScore = raw / Math.sqrt(raw * raw + ALPHA)
  const rating = options.rating
  let score = textScore
  let fromRating = false
  if (rating != null && Number.isFinite(rating)) {
    const ratingScore = (Math.min(5, Math.max(1, rating)) - 3) / 2
    // The stars are the reviewer's own verdict; the text refines it.
    score = lex.hits === 0 ? ratingScore : 0.55 * textScore + 0.45 * ratingScore
    fromRating = true
  }
  const label =
    score >= POSITIVE_THRESHOLD ? 'positive' : score <= -NEGATIVE_THRESHOLD ? 'negative' : 'neutral'
  const mixed = positive > 0 && negative < 0
  let confidence: number
  if (label === 'neutral') {
    const band = score >= 0 ? POSITIVE_THRESHOLD : NEGATIVE_THRESHOLD
    confidence = lex.hits === 0 && !fromRating ? 0.6 : 0.8 - (Math.abs(score) / band) * 0.4
  } else {
    confidence = 0.55 + Math.min(1, Math.abs(score) / 0.8) * 0.4
  }
  if (mixed) confidence *= 0.85
  return {
    score: round(score),
    label,
    confidence: round(Math.max(0.05, Math.min(0.99, confidence))),
    raw: round(raw),
    positive: round(positive),
    negative: round(negative),
    sarcasm,
    longWait,
  }
}

const round = (x: number): number => Math.round(x * 1000) / 1000
