/**
 * @module The slice of the `sentiment` package (AFINN-165) that Earshot uses, behind a small
 * interface. The package is extended through its own extension points: a registered language
 * whose labels add the health lexicon and whose scoring strategy handles negation scope,
 * intensifiers and dampeners, and contrast ("but").
 */
import { createRequire } from 'node:module'
import Sentiment from 'sentiment'
import {
  CONTRAST_WORDS,
  EMOJI_SCORES,
  HEALTH_PHRASES,
  HEALTH_WORDS,
  MODIFIERS,
  NEGATORS,
  withSpellingVariants,
} from './health-lexicon.js'

/** The token the text preparation puts between clauses; negation never crosses it. */
export const CLAUSE_BOUNDARY = '|'

/** What a lexicon analyzer reports for one prepared text. */
export interface LexiconAnalysis {
  /** Sum of the (modified) word scores, on AFINN's scale. */
  score: number
  /** Sum of the positive contributions. */
  positive: number
  /** Sum of the negative contributions (a negative number). */
  negative: number
  /** How many tokens carried a score. */
  hits: number
}

/**
 * Scores prepared text (lower case, phrases joined with `-`, clauses separated by
 * {@link CLAUSE_BOUNDARY}). Implementations must be pure and safe to share.
 */
export interface SentimentAnalyzer {
  analyze(prepared: string): LexiconAnalysis
  /**
   * Optional fast path: the same analysis from the prepared text's tokens (`prepared` split on
   * spaces), so the text is not tokenized twice.
   */
  analyzeTokens?(tokens: readonly string[]): LexiconAnalysis
}

/** Turns a phrase into the single token the lexicon stores it under. */
export function phraseToken(phrase: string): string {
  return phrase.replace(/ /g, '-')
}

const afinnPhrases: string[] = []
// The package exposes its AFINN table only as a language file. A JSON import would be neater,
// but dev loaders choke on AFINN keys such as "protected"; `require` works in ESM (via
// import.meta.url) and in the CJS build (where import.meta is empty: __filename).
const requireHere = createRequire(import.meta.url ?? __filename)

function buildLabels(): Record<string, number> {
  // Copy the table: the package's `extras` option mutates shared label objects, which is why
  // extras are not used here. (The package's emoji table is merged in by registerLanguage.)
  const base = requireHere('sentiment/languages/en/labels.json') as Record<string, number>
  // NOTE: a plain object, not a null-prototype one: the package calls labels.hasOwnProperty.
  const labels: Record<string, number> = { ...base }
  // AFINN's multi-word entries ("fed up", "can't stand") can never match the package's
  // space-splitting tokenizer; the phrase matcher joins them, so store them joined too.
  for (const [key, score] of Object.entries(base)) {
    if (!key.includes(' ')) continue
    const phrase = key.replace(/'/g, '')
    labels[phraseToken(phrase)] = score
    afinnPhrases.push(phrase)
  }
  Object.assign(labels, HEALTH_WORDS)
  for (const [phrase, score] of Object.entries(HEALTH_PHRASES)) labels[phraseToken(phrase)] = score
  return withSpellingVariants(labels)
}

const modifierMap: ReadonlyMap<string, number> = new Map(Object.entries(MODIFIERS))
// NOTE: module-local aliases. Dev loaders (tsx, vitest) compile each access to an imported
// binding into a getter call, and these are read once per token.
const negators = NEGATORS
const contrastWords = CONTRAST_WORDS
const NEVER_EXCEPTIONS: ReadonlySet<string> = new Set(['so', 'such', 'this', 'as', 'more'])

/**
 * The scoring strategy registered with the package: called once per scored token, with the whole
 * token list, so it can look around the token.
 */
function applyRules(tokens: readonly string[], cursor: number, tokenScore: number): number {
  let score = tokenScore
  const prev = tokens[cursor - 1]
  if (prev !== undefined) {
    const m = modifierMap.get(prev)
    if (m !== undefined) {
      score *= m
      const prev2 = tokens[cursor - 2]
      const m2 = prev2 === undefined ? undefined : modifierMap.get(prev2)
      if (m2 !== undefined && m2 > 1 && m > 1) score *= 1.15
    }
  }
  // Negation scope: up to three tokens back, never across a clause boundary or a "but".
  for (let j = cursor - 1; j >= 0 && j >= cursor - 3; j--) {
    const t = tokens[j]!
    if (t === CLAUSE_BOUNDARY || contrastWords.has(t)) break
    if (negators.has(t)) {
      // "never been so welcome" praises; it does not negate.
      if (t === 'never' && hasAny(tokens, j + 1, cursor, NEVER_EXCEPTIONS)) {
        score *= 1.25
      } else {
        // "not good" is less bad than "bad"; "not bad" is only mildly good.
        score = score > 0 ? -score * 0.75 : -score * 0.5
      }
      break
    }
  }
  if (tokens[cursor + 1] === 'at' && tokens[cursor + 2] === 'all') score *= 1.4
  // Contrast: the clause after "but" carries the writer's verdict.
  if (tokens !== contrastFor) {
    // The package passes the same token array for every scored word of one text: find the
    // contrast words once per text, not once per scored word.
    contrastFor = tokens
    firstContrast = -1
    lastContrast = -1
    for (let k = 0; k < tokens.length; k++) {
      if (!contrastWords.has(tokens[k]!)) continue
      if (firstContrast === -1) firstContrast = k
      lastContrast = k
    }
  }
  if (lastContrast > cursor) score *= 0.5
  else if (firstContrast !== -1 && firstContrast < cursor) score *= 1.5
  return score
}

let contrastFor: readonly string[] | null = null
let firstContrast = -1
let lastContrast = -1

function hasAny(
  tokens: readonly string[],
  from: number,
  to: number,
  set: ReadonlySet<string>,
): boolean {
  for (let k = from; k < to; k++) if (set.has(tokens[k]!)) return true
  return false
}

const LANGUAGE = 'earshot-en'

/** The one `sentiment` instance (module level: building the label table is the costly part). */
const engine = new Sentiment()
const labels = buildLabels()
engine.registerLanguage(LANGUAGE, { labels, scoringStrategy: { apply: applyRules } })
// registerLanguage merges the package's emoji table over ours; put our emoji scores back.
Object.assign(labels, EMOJI_SCORES)

/**
 * Every multi-word entry of the lexicon (apostrophes removed): the text preparation joins these
 * into single tokens before the package tokenizes.
 */
export const LEXICON_PHRASES: readonly string[] = [...afinnPhrases, ...Object.keys(HEALTH_PHRASES)]

/** True when the lexicon has an entry for the token (used by the phrase matcher and tests). */
export function hasLexiconEntry(token: string): boolean {
  return Object.hasOwn(labels, token)
}

/** The AFINN analyzer extended with the health lexicon and Earshot's scoring strategy. */
export const afinnAnalyzer: SentimentAnalyzer = {
  analyze(prepared: string): LexiconAnalysis {
    const result = engine.analyze(prepared, { language: LANGUAGE })
    let positive = 0
    let negative = 0
    for (const entry of result.calculation) {
      for (const key in entry) {
        const v = entry[key]!
        if (v > 0) positive += v
        else negative += v
      }
    }
    return { score: result.score, positive, negative, hits: result.calculation.length }
  },
}

// The package's tokenizer: lower case, these characters and newlines become spaces, split on
// spaces. The compiled analyzer reproduces it exactly.
const PACKAGE_STRIPPED = /[.,/#!?$%^&*;:{}=_`"~()\n]/g
const WHITESPACE_RUNS = /\s\s+/g
const labelMap: ReadonlyMap<string, number> = new Map(Object.entries(labels))

/**
 * The same table and the same scoring strategy as {@link afinnAnalyzer}, without the package's
 * per-call allocations (a breakdown object per scored word): ingestion runs this on every
 * mention. Equal to `afinnAnalyzer` on every input; a test checks it on thousands of mentions.
 */
export const compiledAfinnAnalyzer: SentimentAnalyzer = {
  analyze(prepared: string): LexiconAnalysis {
    const tokens = prepared
      .toLowerCase()
      .replace(PACKAGE_STRIPPED, ' ')
      .replace(WHITESPACE_RUNS, ' ')
      .trim()
      .split(' ')
    return scoreTokens(tokens)
  },
  analyzeTokens(tokens: readonly string[]): LexiconAnalysis {
    return scoreTokens(tokens)
  },
}

function scoreTokens(tokens: readonly string[]): LexiconAnalysis {
  let score = 0
  let positive = 0
  let negative = 0
  let hits = 0
  // Right to left, like the package, so the sums agree to the last bit.
  for (let i = tokens.length - 1; i >= 0; i--) {
    const base = labelMap.get(tokens[i]!)
    if (base === undefined) continue
    hits++
    const v = applyRules(tokens, i, base)
    score += v
    if (v > 0) positive += v
    else negative += v
  }
  return { score, positive, negative, hits }
}
