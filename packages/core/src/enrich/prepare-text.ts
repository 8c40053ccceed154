/**
 * @module Text preparation for the lexicon analyzer: turns a raw mention into the lower-case,
 * phrase-joined, clause-separated form the `sentiment` tokenizer handles well, and collects the
 * cues that live in the raw text (capitals, "!!!", emoticons, sarcasm markers).
 */
import { ACRONYMS, EMOTICON_NEGATIVE, EMOTICON_POSITIVE } from './health-lexicon.js'
import { CLAUSE_BOUNDARY, LEXICON_PHRASES } from './sentiment-analyzer.js'

/** A mention prepared for scoring, plus the cues read from its raw form. */
export interface PreparedText {
  /** Lower case, phrases joined with `-`, clauses separated by `|`. */
  prepared: string
  /** Number of "!" (capped at 4). */
  exclamations: number
  /** Some word is shouted in capitals in otherwise mixed-case text. */
  shouting: boolean
  /** Some word is stretched ("soooo", "goood"). */
  elongated: boolean
  /** The sarcasm marker found, if any ("🙄", "yeah right", …). */
  sarcasm: string | null
  /** Waiting words next to a duration ("sat there for 90 mins", "on hold an hour"). */
  longWait: boolean
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** One alternation of every lexicon phrase, longest first so "not bad at all" beats "not bad". */
const PHRASE_PATTERN = new RegExp(
  `(?<![\\w-])(?:${[...new Set(LEXICON_PHRASES)]
    .sort((a, b) => b.length - a.length)
    .map((p) => escapeRegExp(p).replace(/ /g, ' +'))
    .join('|')})(?![\\w-])`,
  'g',
)

const UNICODE_ESCAPE = /\\u([0-9a-fA-F]{4})/g
const decodeEscape = (_: string, hex: string): string =>
  String.fromCharCode(Number.parseInt(hex, 16))
const NT_CONTRACTION = /n't\b/g
const I_WOULD = /\bi'd\b/g
const URL = /\bhttps?:\/\/\S+|\bwww\.\S+/g
const HANDLE = /(^|[^\w])@[\w.]+/g
const EMOJI = /\p{Extended_Pictographic}/gu
// Variation selectors, zero-width joiners and skin tones would glue emoji to their neighbours.
const EMOJI_MODIFIERS = /[\uFE0E\uFE0F\u200D]|\u{1F3FB}|\u{1F3FC}|\u{1F3FD}|\u{1F3FE}|\u{1F3FF}/gu
const CLAUSE_PUNCTUATION = /[.!?;:,…\n\r()"]+|\s[-–—]+\s/g
const ELONGATION = /([a-z])\1{2,}/g
const CAPS_WORD = /\b[A-Z][A-Z']{2,}\b/g
const HAS_LOWER = /[a-z]/

const SARCASM_PHRASES =
  /\b(?:yeah right|oh great|oh good|oh joy|just great|just perfect|just what i needed|great,? another|love how|love it when|love that i|love waiting|love being|love sitting|so glad i|nothing like (?:waiting|sitting|being)|what a joy|thanks a bunch|(?:really|very|real|so) (?:professional|helpful|nice|great|good|classy) (?:to|of you))\b|\s\/s\s*$/
const SARCASM_EMOJI = /🙄|🙃/u
// "can't recommend them highly enough" is praise, though every word in it reads as negation.
const RECOMMEND_ENOUGH =
  /\b(?:cant|cannot|couldnt|could not|can not) recommend(?: [a-z]+){0,4} enough\b/g
const WAIT_QUANTITY =
  /\b(?:\d+|an?|one|two|three|four|five|six)\s*(?:more\s+)?(?:hours?|hrs?|mins?|minutes|weeks?)\b/
const WAIT_WORD = /\b(?:wait|waiting|waited|sit|sat|sitting|hold|queue|queued)\b/

/** Prepares a mention for the lexicon analyzer. Pure; safe on any string. */
export function prepareText(text: string): PreparedText {
  const exclamations = Math.min(4, countChar(text, '!'))
  let shouting = false
  if (HAS_LOWER.test(text)) {
    for (const m of text.matchAll(CAPS_WORD)) {
      if (!ACRONYMS.has(m[0].replace(/'/g, ''))) {
        shouting = true
        break
      }
    }
  }
  // Exports and scrapes often leave JSON escapes ("don\u2019t") in the text.
  if (text.includes('\\u')) text = text.replace(UNICODE_ESCAPE, decodeEscape)
  let s = text.replace(URL, ' ').replace(HANDLE, '$1 ')
  s = s.replace(EMOTICON_POSITIVE, ' emopos ').replace(EMOTICON_NEGATIVE, ' emoneg ')
  s = s.replace(EMOJI_MODIFIERS, '').replace(EMOJI, ' $& ')
  s = s.toLowerCase().replace(/[’‘`´]/g, "'")
  const lower = s
  // Keep "i'll", "we'll" and "we're" apart from "ill", "well" and "were"; only negations and
  // "i'd" lose their apostrophe, so the lexicon needs one spelling of each.
  s = s.replace(NT_CONTRACTION, 'nt').replace(I_WOULD, 'id')
  const stretched = s.replace(ELONGATION, '$1$1')
  const elongated = stretched !== s
  s = stretched.replace(CLAUSE_PUNCTUATION, ` ${CLAUSE_BOUNDARY} `).replace(/\s+/g, ' ')
  s = s.replace(RECOMMEND_ENOUGH, ' recommend-enough ')
  s = s.replace(PHRASE_PATTERN, (m) => m.replace(/ +/g, '-'))
  return {
    prepared: s,
    exclamations,
    shouting,
    elongated,
    sarcasm: findSarcasm(text, lower),
    longWait: WAIT_QUANTITY.test(lower) && WAIT_WORD.test(lower),
  }
}

function findSarcasm(raw: string, lower: string): string | null {
  const emoji = SARCASM_EMOJI.exec(raw)
  if (emoji) return emoji[0]
  const phrase = SARCASM_PHRASES.exec(lower)
  if (phrase) return phrase[0].trim()
  return null
}

function countChar(s: string, c: string): number {
  let n = 0
  for (let i = s.indexOf(c); i !== -1; i = s.indexOf(c, i + 1)) n++
  return n
}
