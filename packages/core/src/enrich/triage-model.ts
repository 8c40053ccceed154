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

function argmax(p: Float64Array): number {
  let best = 0
  for (let k = 1; k < p.length; k++) if (p[k]! > p[best]!) best = k
  return best
}

/** Scores one mention with the shipped model. */
export function classifyWithModel(f: FeatureInput): ModelVerdict {
  extractFeatures(f, buffer)
  const pc = categoryHead.probabilities(buffer)
  const c = argmax(pc)
  const category = categoryHead.classes[c] as Category
  const categoryProbability = pc[c]!
  const ps = sentimentHead.probabilities(buffer)
  const s = argmax(ps)
  const neg = sentimentHead.classes.indexOf('negative')
  const pos = sentimentHead.classes.indexOf('positive')
  return {
    category,
    categoryProbability,
    sentiment: sentimentHead.classes[s] as SentimentLabel,
    sentimentProbability: ps[s]!,
    sentimentScore: ps[pos]! - ps[neg]!,
  }
}
