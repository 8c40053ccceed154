/**
 * @module Features for the learned triage model: hashed word uni/bi-grams (negation-marked),
 * character 3- and 4-grams, lexicon scores and the rules' verdicts, computed from the tokens the
 * sentiment preparation already made (one tokenisation per mention). Hashes are computed over
 * character codes directly, so extracting features allocates no strings; the output goes into a
 * reusable buffer.
 */
import type { Category } from '../model/vocabulary.js'
import { CATEGORIES, MENTION_KINDS, PLATFORMS } from '../model/vocabulary.js'
import type { SentimentDetail } from './analyze-sentiment.js'
import type { EnrichInput } from './enricher.js'
import { NEGATORS } from './health-lexicon.js'
import { CLAUSE_BOUNDARY } from './sentiment-analyzer.js'

/** What the feature extractor reads about one inbound mention. */
export interface FeatureInput {
  readonly input: EnrichInput
  readonly tokens: readonly string[]
  readonly senti: SentimentDetail
  /** The rules' category and flags (the model learns when to trust them). */
  readonly ruleCategory: Category
  readonly rulePrivacy: boolean
  readonly practiceReplied: boolean
}

/** The most features one mention produces; longer texts are cut (their tail adds little). */
export const MAX_FEATURES = 2048
const MAX_TOKENS = 120
const MAX_CHARS_PER_TOKEN = 24

/** A reusable buffer of (bucket, value) pairs. */
export class FeatureBuffer {
  readonly buckets = new Int32Array(MAX_FEATURES)
  readonly values = new Float32Array(MAX_FEATURES)
  length = 0
  constructor(readonly mask: number) {}
  push(hash: number, value = 1): void {
    if (this.length === MAX_FEATURES) return
    this.buckets[this.length] = hash & this.mask
    this.values[this.length] = value
    this.length++
  }
}

// FNV-1a over UTF-16 code units, then a murmur3 finaliser so bucket bits are well mixed.
const FNV_OFFSET = 0x811c9dc5
const FNV_PRIME = 0x01000193
function step(h: number, c: number): number {
  return Math.imul(h ^ c, FNV_PRIME)
}
function finish(h: number): number {
  let x = h ^ (h >>> 16)
  x = Math.imul(x, 0x85ebca6b)
  x ^= x >>> 13
  x = Math.imul(x, 0xc2b2ae35)
  return (x ^ (x >>> 16)) >>> 0
}
function hashToken(seed: number, s: string): number {
  let h = step(FNV_OFFSET, seed)
  for (let i = 0; i < s.length; i++) h = step(h, s.charCodeAt(i))
  return h
}

// Feature namespaces: each kind of feature hashes from its own seed.
const NS_BIAS = 1
const NS_WORD = 2
const NS_NEG_WORD = 3
const NS_BIGRAM = 4
const NS_CHAR = 5
const NS_CHANNEL = 6
const NS_RULE = 7
const NS_LEX = 8
const NS_SHAPE = 9
const NS_CONTEXT = 10

const START = 0x02
const END = 0x03
const WORD_START = 0x3c // '<'
const WORD_END = 0x3e // '>'

const negators = NEGATORS
// The rules' category counts several times over a single n-gram: with L2, the model then keeps
// the rules' verdict unless the words give it a strong reason not to (it transfers better).
const RULE_WEIGHT = 6
const platformIndex = new Map<string, number>(PLATFORMS.map((p, i) => [p, i]))
const kindIndex = new Map<string, number>(MENTION_KINDS.map((k, i) => [k, i]))
const categoryIndex = new Map<string, number>(CATEGORIES.map((c, i) => [c, i]))

const tag = (ns: number, a: number, b = 0): number => finish(step(step(step(FNV_OFFSET, ns), a), b))

/**
 * Fills `out` with the mention's features. Deterministic; the same function runs at training
 * and at classification time, so the shipped weights and the runtime cannot drift apart.
 */
export function extractFeatures(f: FeatureInput, out: FeatureBuffer): void {
  out.length = 0
  const { input, tokens, senti } = f
  out.push(tag(NS_BIAS, 0))
  const isPrivate = input.kind === 'message' || input.platform === 'webchat'
  // Channel and thread context.
  out.push(tag(NS_CHANNEL, 1, platformIndex.get(input.platform) ?? 99))
  out.push(tag(NS_CHANNEL, 2, kindIndex.get(input.kind) ?? 99))
  out.push(tag(NS_CHANNEL, 3, isPrivate ? 1 : 0))
  out.push(tag(NS_CHANNEL, 4, f.practiceReplied ? 1 : 0))
  const rating = input.rating
  if (rating != null) out.push(tag(NS_CHANNEL, 5, Math.round(rating)))
  if (input.kind === 'review' && input.platform === 'google') out.push(tag(NS_CHANNEL, 6))
  // The rules' verdicts.
  const rc = categoryIndex.get(f.ruleCategory) ?? 99
  out.push(tag(NS_RULE, 1, rc), RULE_WEIGHT)
  out.push(tag(NS_RULE, 2, rc * 4 + (isPrivate ? 2 : 0) + (f.practiceReplied ? 1 : 0)), RULE_WEIGHT)
  if (f.rulePrivacy) out.push(tag(NS_RULE, 3))
  out.push(tag(NS_RULE, 4, senti.label === 'positive' ? 2 : senti.label === 'negative' ? 0 : 1))
  if (senti.sarcasm !== null) out.push(tag(NS_RULE, 5))
  if (senti.longWait) out.push(tag(NS_RULE, 6))
  // Lexicon scores, real-valued (AFINN scale, squashed) plus coarse bins.
  out.push(tag(NS_LEX, 1), senti.score)
  out.push(tag(NS_LEX, 2), Math.tanh(senti.positive / 4))
  out.push(tag(NS_LEX, 3), Math.tanh(-senti.negative / 4))
  out.push(tag(NS_LEX, 4, Math.round(senti.score * 4) + 8))
  if (senti.positive > 0 && senti.negative < 0) out.push(tag(NS_LEX, 5))

  // Words: unigrams (negation-marked up to the clause end), bigrams, character n-grams.
  const n = Math.min(tokens.length, MAX_TOKENS)
  let words = 0
  let negated = 0
  let prev = hashToken(NS_BIGRAM, '') ^ START
  for (let i = 0; i < n; i++) {
    const t = tokens[i]!
    if (t === CLAUSE_BOUNDARY) {
      negated = 0
      out.push(finish(step(prev, END)))
      prev = hashToken(NS_BIGRAM, '') ^ START
      continue
    }
    words++
    const wh = hashToken(NS_WORD, t)
    out.push(finish(negated > 0 ? step(wh, NS_NEG_WORD) : wh))
    out.push(finish(step(step(prev, 0x20), wh)))
    prev = wh
    if (negators.has(t)) negated = 3
    else if (negated > 0) negated--
    charGrams(t, out)
  }
  out.push(finish(step(prev, END)))
  // Shape: length, question mark, private × short (a "hi" or "thanks" in a DM).
  const lengthBin = words === 0 ? 0 : words <= 2 ? 1 : words <= 5 ? 2 : words <= 12 ? 3 : 4
  out.push(tag(NS_SHAPE, 1, lengthBin))
  if (input.text.includes('?')) out.push(tag(NS_SHAPE, 2))
  out.push(
    tag(NS_CONTEXT, lengthBin, (isPrivate ? 2 : 0) + (f.practiceReplied ? 1 : 0) + rc * 4 + 1),
  )
}

// The token's character codes with the word-boundary marks, reused across calls.
const padded = new Int32Array(MAX_CHARS_PER_TOKEN + 2)

/** Character 3- and 4-grams of `<token>`, hashed incrementally (5-grams cost more than they add). */
function charGrams(t: string, out: FeatureBuffer): void {
  const len = Math.min(t.length, MAX_CHARS_PER_TOKEN)
  if (len < 2) return
  const total = len + 2
  padded[0] = WORD_START
  for (let k = 0; k < len; k++) padded[k + 1] = t.charCodeAt(k)
  padded[total - 1] = WORD_END
  for (let s = 0; s + 3 <= total; s++) {
    let h = step(FNV_OFFSET, NS_CHAR)
    h = step(h, padded[s]!)
    h = step(h, padded[s + 1]!)
    h = step(h, padded[s + 2]!)
    out.push(finish(h))
    if (s + 4 > total) continue
    h = step(h, padded[s + 3]!)
    out.push(finish(h))
  }
}
