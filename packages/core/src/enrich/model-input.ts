/**
 * @module What the learned model sees of one inbound mention, computed once and shared: the
 * prepared tokens (the same ones the lexicon scored), the lexicon sentiment and the rules'
 * triage. Training and classification both go through {@link analyseForModel}, so they cannot
 * drift apart.
 */
import { analyzePrepared, type SentimentDetail } from './analyze-sentiment.js'
import type { EnrichInput } from './enricher.js'
import type { FeatureInput } from './model-features.js'
import { prepareText } from './prepare-text.js'
import { type TriageResult, triage } from './triage.js'

/** The rules' full analysis of an inbound mention plus the model's view of it. */
export interface RuleAnalysis extends FeatureInput {
  readonly triage: TriageResult
  readonly isPrivate: boolean
  readonly isEmpty: boolean
}

/** Prepares the text once, scores it with the lexicon and triages it with the rules. */
export function analyseForModel(input: EnrichInput): RuleAnalysis {
  const text = input.text ?? ''
  const prep = prepareText(text)
  const senti: SentimentDetail = analyzePrepared(prep, { rating: input.rating })
  const t = triage(input, senti)
  let practiceReplied = false
  if (input.thread !== undefined) {
    for (const m of input.thread) if (m.direction === 'outbound') practiceReplied = true
  }
  return {
    input,
    tokens: prep.tokens,
    senti,
    triage: t,
    ruleCategory: t.category ?? 'chatter',
    rulePrivacy: t.privacy,
    practiceReplied,
    isPrivate: input.kind === 'message' || input.platform === 'webchat',
    isEmpty: text.trim() === '',
  }
}
