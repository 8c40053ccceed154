/**
 * @module The built-in learned model (weights in `data/triage-model.json`, made by
 * `npm run train`): loaded and validated once, then scored on a reusable feature buffer.
 */
import {
  CATEGORIES,
  type Category,
  SENTIMENT_LABELS,
  type SentimentLabel,
} from '../model/vocabulary.js'
import modelData from './data/triage-model.json' with { type: 'json' }
import { type LinearModel, loadLinearModel } from './linear-model.js'
import { extractFeatures, FeatureBuffer, type FeatureInput } from './model-features.js'

/** The shipped weights, as loaded (exported for the version hash and the docs). */
export const TRIAGE_MODEL_DATA: unknown = modelData
export const TRIAGE_MODEL: LinearModel = loadLinearModel(modelData)

const categoryHead = TRIAGE_MODEL.head('category')
const sentimentHead = TRIAGE_MODEL.head('sentiment')
for (const [head, known] of [
  [categoryHead, CATEGORIES],
  [sentimentHead, SENTIMENT_LABELS],
] as const) {
  for (const c of head.classes) {
    if (!(known as readonly string[]).includes(c))
      throw new Error(`triage model: unknown class ${c}`)
  }
}
const NEGATIVE = sentimentHead.offset + sentimentHead.classes.indexOf('negative')
const POSITIVE = sentimentHead.offset + sentimentHead.classes.indexOf('positive')
// One buffer for the module: scoring is synchronous, so calls never interleave.
const buffer = new FeatureBuffer(TRIAGE_MODEL.mask)

/** The model's verdict on one mention. */
export interface ModelVerdict {
  category: Category
  categoryProbability: number
  sentiment: SentimentLabel
  sentimentProbability: number
  /** P(positive) − P(negative), in [-1, 1]. */
  sentimentScore: number
}

function argmax(p: Float64Array, from: number, n: number): number {
  let best = from
  for (let k = from + 1; k < from + n; k++) if (p[k]! > p[best]!) best = k
  return best
}

/** Scores one mention with the shipped model. */
export function classifyWithModel(f: FeatureInput): ModelVerdict {
  extractFeatures(f, buffer)
  const p = TRIAGE_MODEL.probabilities(buffer)
  const c = argmax(p, categoryHead.offset, categoryHead.width)
  const s = argmax(p, sentimentHead.offset, sentimentHead.width)
  return {
    category: categoryHead.classes[c - categoryHead.offset] as Category,
    categoryProbability: p[c]!,
    sentiment: sentimentHead.classes[s - sentimentHead.offset] as SentimentLabel,
    sentimentProbability: p[s]!,
    sentimentScore: p[POSITIVE]! - p[NEGATIVE]!,
  }
}
