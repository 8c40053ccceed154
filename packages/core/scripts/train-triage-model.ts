/**
 * @module Trains the built-in triage model: multinomial logistic regression (AdaGrad SGD, L2,
 * pruned and quantised to bytes) over the hashed features of `model-features.ts`, one head for
 * category and one for sentiment. Trained on the TUNE splits only (the generated corpus and the
 * hand-labelled mentions); the report splits are never read. Deterministic: a fixed seed orders
 * the epochs, so the same data gives the same weights file byte for byte.
 *
 * Run from packages/core:
 *   npm run train                 # writes src/enrich/data/triage-model.json
 *   npm run train -- --cv         # also prints 5-fold cross-validation by family on the tune data
 */
import { writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CLINIC_FILE, type ClinicRow, CORPUS_FILE, readRows, toInput } from '../eval/rows.js'
import { encodeHead } from '../src/enrich/linear-model.js'
import { extractFeatures, FeatureBuffer } from '../src/enrich/model-features.js'
import { analyseForModel } from '../src/enrich/model-input.js'
import { CATEGORIES, SENTIMENT_LABELS } from '../src/model/vocabulary.js'

const here = dirname(fileURLToPath(import.meta.url))
const OUT = resolve(here, '../src/enrich/data/triage-model.json')

/** Hyper-parameters, fixed here so the weights can be reproduced. */
const SETTINGS = {
  bits: 16,
  epochs: 8,
  learningRate: 0.05,
  l2: 1e-3,
  /** Weights smaller than this are dropped (sparse file; they barely move a score). */
  prune: 0.05,
  /** Stored weights are integers: real = stored × scale. */
  scale: 0.005,
  seed: 20261202,
} as const

interface Example {
  buckets: Int32Array
  values: Float32Array
  category: number
  sentiment: number
  family: string
  ruleCategory: number
}

function toExamples(rows: readonly ClinicRow[]): Example[] {
  const buf = new FeatureBuffer((1 << SETTINGS.bits) - 1)
  return rows.map((row, i) => {
    extractFeatures(analyseForModel(toInput(row)), buf)
    return {
      buckets: buf.buckets.slice(0, buf.length),
      values: buf.values.slice(0, buf.length),
      category: CATEGORIES.indexOf(row.category),
      sentiment: SENTIMENT_LABELS.indexOf(row.sentiment),
      family: row.family ?? `hand-${i % 50}`,
      ruleCategory: CATEGORIES.indexOf(analyseForModel(toInput(row)).ruleCategory),
    }
  })
}

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Dense weights of one head while training: `buckets × classes`. */
interface Trained {
  width: number
  w: Float64Array
}

function train(examples: readonly Example[], label: (e: Example) => number, width: number) {
  const size = (1 << SETTINGS.bits) * width
  const w = new Float64Array(size)
  const g2 = new Float64Array(size).fill(1e-8)
  const order = examples.map((_, i) => i)
  const random = rng(SETTINGS.seed)
  const p = new Float64Array(width)
  for (let epoch = 0; epoch < SETTINGS.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      ;[order[i], order[j]] = [order[j]!, order[i]!]
    }
    for (const idx of order) {
      const e = examples[idx]!
      scoreDense(w, width, e, p)
      const y = label(e)
      for (let f = 0; f < e.buckets.length; f++) {
        const base = e.buckets[f]! * width
        const v = e.values[f]!
        for (let k = 0; k < width; k++) {
          const g = (p[k]! - (k === y ? 1 : 0)) * v + SETTINGS.l2 * w[base + k]!
          g2[base + k]! += g * g
          w[base + k]! -= (SETTINGS.learningRate * g) / Math.sqrt(g2[base + k]!)
        }
      }
    }
  }
  return { width, w } satisfies Trained
}

function scoreDense(w: Float64Array, width: number, e: Example, out: Float64Array): void {
  out.fill(0)
  for (let f = 0; f < e.buckets.length; f++) {
    const base = e.buckets[f]! * width
    const v = e.values[f]!
    for (let k = 0; k < width; k++) out[k]! += w[base + k]! * v
  }
  let max = Number.NEGATIVE_INFINITY
  for (let k = 0; k < width; k++) max = Math.max(max, out[k]!)
  let sum = 0
  for (let k = 0; k < width; k++) {
    out[k] = Math.exp(out[k]! - max)
    sum += out[k]!
  }
  for (let k = 0; k < width; k++) out[k]! /= sum
}

/** Sparse, quantised to signed bytes, delta-encoded: the shipped form of a head. */
function compact(t: Trained, classes: readonly string[]) {
  let maxAbs = 0
  for (const x of t.w) if (Math.abs(x) >= SETTINGS.prune) maxAbs = Math.max(maxAbs, Math.abs(x))
  // The step is SETTINGS.scale unless the largest weight would not fit in a byte.
  const scale = Math.max(SETTINGS.scale, maxAbs / 127)
  const buckets: number[] = []
  const weights: number[] = []
  for (let b = 0; b < 1 << SETTINGS.bits; b++) {
    const row: number[] = []
    let keep = false
    for (let k = 0; k < t.width; k++) {
      const x = t.w[b * t.width + k]!
      const q = Math.abs(x) < SETTINGS.prune ? 0 : Math.round(x / scale)
      if (q !== 0) keep = true
      row.push(q)
    }
    if (!keep) continue
    buckets.push(b)
    weights.push(...row)
  }
  return { classes: [...classes], scale, rows: buckets.length, ...encodeHead(buckets, weights) }
}

function accuracyOf(t: Trained, examples: readonly Example[], label: (e: Example) => number) {
  const p = new Float64Array(t.width)
  let ok = 0
  for (const e of examples) {
    scoreDense(t.w, t.width, e, p)
    let best = 0
    for (let k = 1; k < t.width; k++) if (p[k]! > p[best]!) best = k
    if (best === label(e)) ok++
  }
  return ok / examples.length
}

const byCategory = (e: Example): number => e.category
const bySentiment = (e: Example): number => e.sentiment

/** K-fold by family: every family wholly in one fold, as the tune/report split does. */
function crossValidate(examples: readonly Example[], folds = 5): void {
  const families = [...new Set(examples.map((e) => e.family))].sort()
  const foldOf = new Map(families.map((f, i) => [f, i % folds]))
  let cat = 0
  let sent = 0
  let rules = 0
  for (let k = 0; k < folds; k++) {
    const trainSet = examples.filter((e) => foldOf.get(e.family) !== k)
    const test = examples.filter((e) => foldOf.get(e.family) === k)
    rules += test.filter((e) => e.ruleCategory === e.category).length / test.length
    cat += accuracyOf(train(trainSet, byCategory, CATEGORIES.length), test, byCategory)
    sent += accuracyOf(train(trainSet, bySentiment, SENTIMENT_LABELS.length), test, bySentiment)
  }
  console.log(`cv by family (${folds} folds): category accuracy ${(cat / folds).toFixed(3)}`)
  console.log(`cv by family (${folds} folds): rules-only category ${(rules / folds).toFixed(3)}`)
  console.log(`cv by family (${folds} folds): sentiment accuracy ${(sent / folds).toFixed(3)}`)
}

const rows = [...readRows(CORPUS_FILE), ...readRows(CLINIC_FILE)].filter((r) => r.split === 'tune')
const examples = toExamples(rows)
console.log(`training on ${examples.length} tune rows (report splits are never read)`)
if (process.argv.includes('--cv')) crossValidate(examples)
const category = train(examples, byCategory, CATEGORIES.length)
const sentiment = train(examples, bySentiment, SENTIMENT_LABELS.length)
console.log(`train accuracy: category ${accuracyOf(category, examples, byCategory).toFixed(3)}`)
console.log(`train accuracy: sentiment ${accuracyOf(sentiment, examples, bySentiment).toFixed(3)}`)
const file = {
  $comment:
    'Generated by `npm run train -w @earshot/core` (scripts/train-triage-model.ts). Do not edit by hand.',
  format: 2,
  bits: SETTINGS.bits,
  training: {
    data: 'eval/corpus/clinic-corpus.jsonl + eval/clinic-mentions.jsonl, tune split only',
    rows: examples.length,
    method: 'multinomial logistic regression, AdaGrad SGD, L2, pruned and quantised',
    ...SETTINGS,
  },
  heads: {
    category: compact(category, CATEGORIES),
    sentiment: compact(sentiment, SENTIMENT_LABELS),
  },
}
const json = `${JSON.stringify(file)}\n`
writeFileSync(OUT, json)
console.log(
  `wrote ${OUT} (${(json.length / 1024).toFixed(0)} KB; ${file.heads.category.rows} + ${file.heads.sentiment.rows} weighted buckets)`,
)
