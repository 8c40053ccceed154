/**
 * @module Text preparation for the lexicon analyzer: turns a raw mention into the lower-case,
 * phrase-joined, clause-separated form the `sentiment` tokenizer handles well, and collects the
 * cues that live in the raw text (capitals, "!!!", emoticons, sarcasm markers).
 */
import { ACRONYMS, EMOTICON_NEGATIVE, EMOTICON_POSITIVE } from './health-lexicon.js'
import { CLAUSE_BOUNDARY, LEXICON_PHRASES } from './sentiment-analyzer.js'

/** A mention prepared for scoring, plus the cues read from its raw form. */
export interface PreparedText {
  /** Lower case, phrases joined with `-`, clauses separated by `|`, single spaces. */
  prepared: string
  /** `prepared` split on its spaces: exactly the tokens the `sentiment` package would see. */
  tokens: string[]
  /** The lower-cased text with punctuation kept, for phrase cues such as sarcasm. */
  lower: string
  /** Number of "!" (capped at 4). */
  exclamations: number
  /** Some word is shouted in capitals in otherwise mixed-case text. */
  shouting: boolean
  /** Some word is stretched ("soooo", "goood"). */
  elongated: boolean
}

/** A class rather than an object literal with a getter: cheaper to create on every mention. */
class Prepared implements PreparedText {
  #prepared: string | undefined
  constructor(
    readonly tokens: string[],
    readonly lower: string,
    readonly exclamations: number,
    readonly shouting: boolean,
    readonly elongated: boolean,
  ) {}
  /** Joined only when asked for: the default analyzer reads the tokens. */
  get prepared(): string {
    this.#prepared ??= this.tokens.join(' ')
    return this.#prepared
  }
}

/**
 * Lexicon phrases indexed by their first word, longest first, so joining them is one pass over
 * the tokens rather than a regex with hundreds of alternatives.
 */
const PHRASES_BY_FIRST_WORD: ReadonlyMap<string, readonly string[][]> = (() => {
  const index = new Map<string, string[][]>()
  for (const phrase of new Set(LEXICON_PHRASES)) {
    const words = phrase.split(' ')
    if (words.length < 2) continue
    const list = index.get(words[0]!) ?? []
    list.push(words)
    index.set(words[0]!, list)
  }
  for (const list of index.values()) list.sort((a, b) => b.length - a.length)
  return index
})()

const UNICODE_ESCAPE = /\\u([0-9a-fA-F]{4})/g
const decodeEscape = (_: string, hex: string): string =>
  String.fromCharCode(Number.parseInt(hex, 16))
const CAMEL_HASHTAG = /#([A-Za-z][a-z]+(?:[A-Z][a-z]*)+)/g
const CAMEL_BOUNDARY = /([a-z])([A-Z])/g
const splitCamel = (_: string, tag: string): string => tag.replace(CAMEL_BOUNDARY, '$1 $2')
const NON_ASCII = /[^\x00-\x7f]/
const NT_CONTRACTION = /n't\b/g
const I_WOULD = /\bi'd\b/g
const URL = /\bhttps?:\/\/\S+|\bwww\.\S+/g
const HANDLE = /(^|[^\w])@[\w.]+/g
const EMOTICON_HINT = /[:;=]|<3|\^_*\^|[xX]D/
const EMOJI = /\p{Extended_Pictographic}/gu
// Variation selectors, zero-width joiners and skin tones would glue emoji to their neighbours.
const EMOJI_MODIFIERS = /[\uFE0E\uFE0F\u200D]|\u{1F3FB}|\u{1F3FC}|\u{1F3FD}|\u{1F3FE}|\u{1F3FF}/gu
const CURLY_QUOTES = /[’‘`´]/g
const CLAUSE_PUNCTUATION = /[.!?;:,…\n\r()"]+|\s[-–—]+\s/g
// What the package's tokenizer turns into spaces; removed here so the phrase matcher and the
// package see the same words ("#waste of time" is "waste of time").
// One pass: those characters and any whitespace run become a single space.
const PACKAGE_STRIPPED_OR_SPACE = /[\s/#$%^&*{}=_`~]+/g
const ELONGATION = /([a-z])\1{2,}/g
const CAPS_RUN = /[A-Z]{3}/
const CAPS_WORD = /\b[A-Z][A-Z']{2,}\b/g
const HAS_LOWER = /[a-z]/

const SARCASM_PHRASES =
  /\b(?:yeah right|oh great|oh good|oh joy|just great|just perfect|just what i needed|(?:great|fantastic|brilliant|awesome|perfect|lovely|wonderful|love it),? another|thanks (?:a lot |so much )?for (?:losing|wasting|ignoring|cancel\w*|the runaround|making me wait)|love how|love it when|love that i|love waiting|love being|love sitting|so glad i|nothing like (?:waiting|sitting|being)|what a joy|thanks a bunch|(?:really|very|real|so) (?:professional|helpful|nice|great|good|classy) (?:to|of you))\b|\s\/s\s*$/
const SARCASM_EMOJI = /🙄|🙃/u
// "can't recommend them highly enough" is praise, though every word in it reads as negation.
const RECOMMEND_ENOUGH =
  /\b(?:cant|cannot|couldnt|could not|can not) (?:recommend|say enough good things|speak highly enough|praise)(?: [a-z]+){0,4} (?:enough|more highly)\b|\b(?:cant|cannot|couldnt|could not|can not) say enough good things\b/g
const WAIT_QUANTITY =
  /\b(?:(?:\d+|an?|one|two|three|four|five|six)\s*(?:more\s+)?(?:hours?|hrs?|mins?|minutes|days|weeks?|months?)|all (?:morning|day|afternoon|week)|forever|for ages)\b/
// "running 10 mins late for my appointment": the writer is late; nobody waited on them.
const WRITER_LATE =
  /\blate for (?:my|our|his|her|the)\b|\b(?:i'?ll|i will|i'?m|i am|i might|we will|we'?ll) (?:be )?(?:running )?(?:\w+ ){0,3}?late\b/
const WAIT_WORDS = [
  'wait',
  'waiting',
  'waited',
  'sit',
  'sat',
  'sitting',
  'hold',
  'queue',
  'queued',
  'late',
  'delayed',
  'waitlist',
  'waitlisted',
]
/** Waiting words, alone or inside a joined phrase ("on-hold", "running-late"). */
const WAIT_TOKENS: ReadonlySet<string> = new Set([
  ...WAIT_WORDS,
  ...LEXICON_PHRASES.filter((p) => p.split(' ').some((w) => WAIT_WORDS.includes(w))).map((p) =>
    p.replace(/ /g, '-'),
  ),
])

/**
 * Prepares a mention for the lexicon analyzer. Pure; safe on any string. Every optional pass is
 * guarded by a cheap check, because this runs on every mention ingested.
 */
export function prepareText(text: string): PreparedText {
  // Exports and scrapes often leave JSON escapes ("don\u2019t") in the text.
  if (text.includes('\\u')) text = text.replace(UNICODE_ESCAPE, decodeEscape)
  const exclamations = Math.min(4, countChar(text, '!'))
  let shouting = false
  if (CAPS_RUN.test(text) && HAS_LOWER.test(text)) {
    for (const m of text.matchAll(CAPS_WORD)) {
      if (!ACRONYMS.has(m[0].replace(/'/g, ''))) {
        shouting = true
        break
      }
    }
  }
  // "#NeedMySleep" reads as "Need My Sleep".
  if (text.includes('#')) text = text.replace(CAMEL_HASHTAG, splitCamel)
  let s = text
  if (s.includes('http') || s.includes('www.')) s = s.replace(URL, ' ')
  if (s.includes('@')) s = s.replace(HANDLE, '$1 ')
  if (EMOTICON_HINT.test(s)) {
    s = s.replace(EMOTICON_POSITIVE, ' emopos ').replace(EMOTICON_NEGATIVE, ' emoneg ')
  }
  const nonAscii = NON_ASCII.test(s)
  if (nonAscii) s = s.replace(EMOJI_MODIFIERS, '').replace(EMOJI, ' $& ')
  s = s.toLowerCase()
  if (nonAscii) s = s.replace(CURLY_QUOTES, "'")
  const lower = s
  // Keep "i'll", "we'll" and "we're" apart from "ill", "well" and "were"; only negations and
  // "i'd" lose their apostrophe, so the lexicon needs one spelling of each.
  if (s.includes("'")) s = s.replace(NT_CONTRACTION, 'nt').replace(I_WOULD, 'id')
  const elongated = hasStretchedLetters(s)
  if (elongated) s = s.replace(ELONGATION, '$1$1')
  s = s
    .replace(CLAUSE_PUNCTUATION, ` ${CLAUSE_BOUNDARY} `)
    .replace(PACKAGE_STRIPPED_OR_SPACE, ' ')
    .trim()
  if (s.includes('enough') || s.includes('more highly')) {
    s = s.replace(RECOMMEND_ENOUGH, 'recommend-enough')
  }
  const tokens = joinPhrases(s)
  return new Prepared(tokens, lower, exclamations, shouting, elongated)
}

function joinPhrases(s: string): string[] {
  const words = s === '' ? [] : s.split(' ')
  const tokens: string[] = []
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!
    const candidates = PHRASES_BY_FIRST_WORD.get(w)
    let joined = w
    if (candidates !== undefined) {
      for (const phrase of candidates) {
        let k = 1
        while (k < phrase.length && words[i + k] === phrase[k]) k++
        if (k === phrase.length) {
          joined = phrase.join('-')
          i += k - 1
          break
        }
      }
    }
    tokens.push(joined)
  }
  return tokens
}

/** Three or more of the same letter in a row ("soooo"); a loop beats a back-reference regex. */
function hasStretchedLetters(s: string): boolean {
  let run = 1
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === s.charCodeAt(i - 1) && c >= 97 && c <= 122) {
      if (++run >= 3) return true
    } else run = 1
  }
  return false
}

/** The sarcasm marker in a prepared mention ("🙄", "yeah right", …), or null. */
export function findSarcasm(prep: PreparedText): string | null {
  const emoji = SARCASM_EMOJI.exec(prep.lower)
  if (emoji) return emoji[0]
  const phrase = SARCASM_PHRASES.exec(prep.lower)
  return phrase ? phrase[0].trim() : null
}

const QUESTION_OPENING =
  /^(?:do|does|is|are|can|could|how|what|whats|when|where|which|who|should|will|would|any|anyone)\b/

/**
 * Does the mention open like a question? Words in a question describe what is asked about ("is
 * it normal to bleed", "any good with running injuries"), not how the writer feels. A trailing
 * "?" alone is not enough: on social media those are as often rhetorical.
 */
export function opensAsQuestion(prep: PreparedText): boolean {
  const first = prep.tokens[0]
  return first !== undefined && QUESTION_OPENING.test(first)
}

/** Waiting words next to a duration ("sat there for 90 mins", "on hold an hour"). */
export function mentionsLongWait(prep: PreparedText): boolean {
  // A token lookup first: most mentions have no waiting word, and the tokens are already hashed.
  let wait = false
  for (const t of prep.tokens) {
    if (WAIT_TOKENS.has(t)) {
      wait = true
      break
    }
  }
  return wait && WAIT_QUANTITY.test(prep.lower) && !WRITER_LATE.test(prep.lower)
}

function countChar(s: string, c: string): number {
  let n = 0
  for (let i = s.indexOf(c); i !== -1; i = s.indexOf(c, i + 1)) n++
  return n
}
