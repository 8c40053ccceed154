/**
 * @module The built-in enricher: extended-AFINN sentiment and rule-based triage, combined with a
 * small learned model where the rules run out, plus reply lint. The safety rules (urgent content,
 * identifiers and health details disclosed in public) are hard overrides the model cannot undo.
 * Ingestion uses it unless a user plugs in their own {@link Enricher}.
 */
import { NEGATIVE_THRESHOLD } from './analyze-sentiment.js'
import type { Enricher, EnrichInput, Enrichment, SentimentResult } from './enricher.js'
import { contentVersion, DEFAULT_KNOWLEDGE } from './enricher-version.js'
import { analyseForModel, type RuleAnalysis } from './model-input.js'
import { lintReply } from './reply-lint.js'
import { REPLY_CATEGORIES } from './triage.js'
import { classifyWithModel } from './triage-model.js'

/** Name of the built-in enricher, stored with each enrichment. */
export const DEFAULT_ENRICHER_NAME = 'earshot-rules'
/**
 * Derived from the content of the rules, lexicon and model weights data files (see
 * `contentVersion`): editing any of them changes it, and stored enrichments of another version
 * are recomputed.
 */
export const DEFAULT_ENRICHER_VERSION: string = contentVersion(DEFAULT_KNOWLEDGE)

/**
 * Which part decides: `rules` (rules and lexicon alone), `model` (the learned model's own
 * verdict, no overrides), `combined` (what ships: the model, with the safety rules as hard
 * overrides). The eval reports all three.
 */
export type EnricherMode = 'rules' | 'model' | 'combined'

function outbound(input: EnrichInput, sentiment: SentimentResult): Enrichment {
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

/**
 * Spam is labelled neutral whatever its tone: its cheer ("congrats!", "🔥") is a sales pitch, not
 * the writer's feeling about the practice, and counting it would skew sentiment rollups.
 */
const SPAM_SENTIMENT: SentimentResult = { score: 0, label: 'neutral', confidence: 0.6 }

/**
 * Triage found dissatisfaction the lexicon missed or misread ("47th in the queue. brilliant
 * system"): that is negative, with the lower confidence of a second-hand verdict.
 */
function asComplaint(sentiment: SentimentResult): SentimentResult {
  if (sentiment.label === 'negative') return sentiment
  return {
    score: Math.min(-NEGATIVE_THRESHOLD, -Math.abs(sentiment.score)),
    label: 'negative',
    confidence: 0.6,
  }
}

const DISTRESSED: SentimentResult = { score: -0.5, label: 'negative', confidence: 0.7 }
const DESCRIBED: SentimentResult = { score: 0, label: 'neutral', confidence: 0.6 }

/**
 * Urgent content: negative when the writer expresses distress (fear, panic, a cry for help,
 * suicidal thoughts), otherwise neutral, as the labelling rules say ("symptom descriptions without
 * emotive words" are neutral). The lexicon is not asked: in an emergency its words are the topic
 * ("stroke", "heart attack", "confused", "pressure"), not the writer's feeling. The urgent flag,
 * not the sentiment, is what raises the alarm.
 */
function urgentSentiment(t: RuleAnalysis['triage']): SentimentResult {
  return { ...(t.distress === true ? DISTRESSED : DESCRIBED) }
}

function rulesOnly(a: RuleAnalysis): Enrichment {
  const t = a.triage
  const sentiment: SentimentResult = {
    score: a.senti.score,
    label: a.senti.label,
    confidence: a.senti.confidence,
  }
  if (t.urgent) Object.assign(sentiment, urgentSentiment(t))
  else if (t.category === 'complaint') Object.assign(sentiment, asComplaint(sentiment))
  if (t.category === 'spam') Object.assign(sentiment, SPAM_SENTIMENT)
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
 * Precedence steps whose verdict the model may overrule: the generic fallbacks, where the rules
 * run out ("asks a question" could be a booking, "opens a private conversation" could be
 * anything). The specific rules (urgent, spam, privacy, complaint, clinical, booking, …) stand.
 */
const FALLBACK_STEPS: ReadonlySet<string> = new Set([
  'mixed-feedback',
  'negative-service',
  'negative-review',
  'question',
  'heads-up',
  'private-reaction',
  'private-opener',
  'reaction',
  'short-reaction',
  'praise',
  'chatter',
])
/** How sure the model must be to overrule a fallback step, or the lexicon's sentiment. */
const CATEGORY_CONFIDENCE = 0.7
const SENTIMENT_CONFIDENCE = 0.8

/**
 * Categories where the words describe what is asked about or disclosed ("bleeding after the
 * extraction", "results came back bad"), not how the writer feels: there the lexicon misreads
 * topic as feeling, and the model, trained on such mentions, decides when it is sure.
 */
const TOPIC_WORDS_CATEGORIES: ReadonlySet<string> = new Set(['booking', 'clinical', 'privacy'])

const round = (x: number): number => Math.round(x * 1000) / 1000
const percent = (p: number): string => `${Math.round(p * 100)}%`

/**
 * In the combined enricher the model can change the category only after a fallback step and the
 * sentiment only where the lexicon reads neutral or the category is one of topic words. Elsewhere the answer is the rules' answer, so
 * the model is not run at all (it is most of the cost of a mention).
 */
function modelCanMatter(a: RuleAnalysis, lexicon: SentimentResult): boolean {
  const t = a.triage
  const categoryOpen = !t.urgent && !t.privacy && !a.isEmpty && FALLBACK_STEPS.has(t.step ?? '')
  return (
    categoryOpen ||
    lexicon.label === 'neutral' ||
    TOPIC_WORDS_CATEGORIES.has(t.category ?? 'chatter')
  )
}

function withModel(a: RuleAnalysis, mode: 'model' | 'combined'): Enrichment {
  const t = a.triage
  if (mode === 'combined') {
    const rules = rulesOnly(a)
    if (!modelCanMatter(a, rules.sentiment!)) return rules
  }
  const m = classifyWithModel(a)
  let category = m.category
  const reasons: string[] = []
  if (mode === 'combined') {
    const isGoogleReview = a.input.kind === 'review' && a.input.platform === 'google'
    if (
      t.urgent ||
      t.privacy ||
      a.isEmpty ||
      !FALLBACK_STEPS.has(t.step ?? '') ||
      m.categoryProbability < CATEGORY_CONFIDENCE
    ) {
      // Safety first: urgent content and public disclosures are decided by the rules alone; so
      // is anything a specific rule decided, or where the model is unsure.
      category = t.category ?? category
    } else if (category === 'privacy' && a.isPrivate) {
      // A disclosure in a private channel is not a privacy problem.
      category = t.category ?? 'question'
    } else if (
      isGoogleReview &&
      category !== 'spam' &&
      (category === 'feedback' || !REPLY_CATEGORIES.has(category))
    ) {
      category = 'review'
    }
  }
  if (category === t.category) reasons.push(...t.reasons)
  else {
    reasons.push(`model: ${category} (${percent(m.categoryProbability)}; rules: ${t.category})`)
  }
  const urgent = t.urgent
  const privacy = mode === 'combined' ? t.privacy || category === 'privacy' : category === 'privacy'
  if (privacy && !t.privacy) reasons.push('model: health details in public, take the reply private')
  let sentiment: SentimentResult = {
    score: round(m.sentimentScore),
    label: m.sentiment,
    confidence: round(m.sentimentProbability),
  }
  if (mode === 'combined') {
    // The lexicon transfers to new wordings and platforms better than the model's n-grams; the
    // model speaks only where the lexicon saw nothing or misreads topic words, and is sure.
    const lexicon = rulesOnly(a).sentiment!
    const modelMayDecide = lexicon.label === 'neutral' || TOPIC_WORDS_CATEGORIES.has(category)
    if (!modelMayDecide || m.sentimentProbability < SENTIMENT_CONFIDENCE) {
      sentiment = lexicon
    }
    if (urgent) sentiment = urgentSentiment(t)
    // The model's complaint verdict (after a fallback step) reconciles the sentiment as the
    // rules' does: sarcasm the lexicon read as praise is still a complaint.
    else if (category === 'complaint') sentiment = asComplaint(sentiment)
  }
  if (category === 'spam') sentiment = { ...SPAM_SENTIMENT }
  return {
    sentiment,
    needsReply: REPLY_CATEGORIES.has(category),
    category,
    reasons,
    privacy: privacy && category !== 'spam',
    urgent,
  }
}

/** Enriches one mention; `mode` picks rules, model or both (the default, what ships). */
export function enrichOne(input: EnrichInput, mode: EnricherMode = 'combined'): Enrichment {
  const a = analyseForModel(input)
  if (input.direction === 'outbound') {
    return outbound(input, {
      score: a.senti.score,
      label: a.senti.label,
      confidence: a.senti.confidence,
    })
  }
  return mode === 'rules' ? rulesOnly(a) : withModel(a, mode)
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
      const out: Enrichment[] = []
      for (const input of inputs) out.push(enrichOne(input))
      return out
    },
  }
}
