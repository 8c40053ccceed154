/**
 * @module The word lists that extend AFINN for health-practice mentions: a health lexicon,
 * phrases, negators, intensifiers and dampeners, emoji and emoticons, and spelling variants.
 * Scores use AFINN's scale (-5 … +5), so they sit beside the package's own labels.
 */

import { z } from 'zod'
import lexiconData from './data/lexicon.json' with { type: 'json' }

/** One lexicon entry: a word, phrase or emoji, its score and which list it belongs to. */
export const LexiconEntrySchema = z.object({
  word: z.string().min(1),
  score: z.number().min(-5).max(5),
  source: z.enum(['health-word', 'health-phrase', 'emoji', 'modifier']),
})
export type LexiconEntry = z.infer<typeof LexiconEntrySchema>

/** The lexicon file's entries, validated at load. */
export const LEXICON: readonly LexiconEntry[] = z
  .object({ entries: z.array(LexiconEntrySchema).min(1) })
  .parse(lexiconData).entries

function fromLexicon(source: LexiconEntry['source']): Readonly<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const e of LEXICON) if (e.source === source) out[e.word] = e.score
  return out
}

/**
 * Single words, scored for how patients write about practices. Overrides AFINN where its general
 * meaning misleads here ("patient" is a noun, "please" and "help" open requests, "joke" is an
 * insult about a service, symptoms alone are not dissatisfaction).
 */
export const HEALTH_WORDS: Readonly<Record<string, number>> = fromLexicon('health-word')

/**
 * Multi-word expressions, matched before tokenising and scored as one token. Keys are lower case
 * with apostrophes removed; the matcher accepts them with or without apostrophes.
 */
export const HEALTH_PHRASES: Readonly<Record<string, number>> = fromLexicon('health-phrase')

/** Words that flip the polarity of the next few words (up to a clause boundary). */
export const NEGATORS: ReadonlySet<string> = new Set([
  'not',
  'no',
  'never',
  'nothing',
  'nobody',
  'none',
  'neither',
  'nor',
  'hardly',
  'barely',
  'without',
  'cannot',
  'cant',
  "can't",
  'dont',
  "don't",
  'doesnt',
  "doesn't",
  'didnt',
  "didn't",
  'isnt',
  "isn't",
  'wasnt',
  "wasn't",
  'werent',
  "weren't",
  'arent',
  "aren't",
  'wont',
  "won't",
  'wouldnt',
  "wouldn't",
  'couldnt',
  "couldn't",
  'shouldnt',
  "shouldn't",
  'havent',
  "haven't",
  'hasnt',
  "hasn't",
  'hadnt',
  "hadn't",
  'aint',
  "ain't",
  'non',
  'neva',
])

/** Words that scale the next scored word: above 1 intensifies, below 1 dampens. */
export const MODIFIERS: Readonly<Record<string, number>> = fromLexicon('modifier')

/** Words that make the clause after them count more than the clause before. */
export const CONTRAST_WORDS: ReadonlySet<string> = new Set(['but', 'however', 'yet', 'although'])

/**
 * Emoji scores that AFINN's emoji table lacks or gets wrong for this field (🙄 is the commonest
 * sarcasm marker; 😷 and 💉 are just health pictures).
 */
export const EMOJI_SCORES: Readonly<Record<string, number>> = fromLexicon('emoji')

/** Emoticons, matched on the raw text before punctuation is stripped. */
export const EMOTICON_POSITIVE: RegExp =
  /(?:^|\s)(?:[:;=8][-'^o]?[)\]}dDpP3*]+|\(+[-^]?[:;=]|<3+|\^_*\^|[xX]D+)(?=\s|$|[.,!?])/g
export const EMOTICON_NEGATIVE: RegExp =
  /(?:^|\s)(?:[:;=][-'^o]?[([{|\\/]+|D[-^]?:|\)+[-^]?:|<\/3)(?=\s|$|[.,!?])/g

/** Two-letter-plus all-caps words that are names, not shouting. */
export const ACRONYMS: ReadonlySet<string> = new Set([
  'NHS',
  'GP',
  'GPS',
  'ADHD',
  'MRI',
  'ASAP',
  'HICAPS',
  'NDIS',
  'HCF',
  'NIB',
  'BUPA',
  'DOB',
  'DM',
  'DMS',
  'SMS',
  'ED',
  'ER',
  'ENT',
  'TMJ',
  'HIV',
  'STI',
  'STD',
  'IVF',
  'CT',
  'ECG',
  'PT',
  'OT',
  'USA',
  'UK',
  'NSW',
  'QLD',
  'VIC',
  'WA',
  'SA',
  'ACT',
  'TAS',
  'CBD',
  'AM',
  'PM',
  'OK',
  'TV',
  'FYI',
  'LOL',
  'OMG',
  'UFC',
  'NFL',
  'NBA',
  'MLB',
  'BBC',
  'CNN',
  'ISIS',
  'EU',
  'UN',
  'GOP',
  'CEO',
  'FAQ',
  'RSVP',
  'PDF',
  'URL',
  'ID',
  'IT',
  'NYC',
  'LA',
  'DC',
  'II',
  'III',
])

const SPELLING_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/ize$/, 'ise'],
  [/izes$/, 'ises'],
  [/ized$/, 'ised'],
  [/izing$/, 'ising'],
  [/ization$/, 'isation'],
  [/yze$/, 'yse'],
  [/yzed$/, 'ysed'],
  [/([^aeiou])or$/, '$1our'],
  [/([^aeiou])ors$/, '$1ours'],
  [/([^aeiou])orable$/, '$1ourable'],
  [/([^aeiou])ored$/, '$1oured'],
  [/ense$/, 'ence'],
  [/([aeiou])led$/, '$1lled'],
  [/([aeiou])ling$/, '$1lling'],
  // and back, for the few entries AFINN or the health lexicon only has in UK form
  [/([aeiou])lled$/, '$1led'],
  [/([aeiou])lling$/, '$1ling'],
  [/([^aeiou])our$/, '$1or'],
  [/([^aeiou])oured$/, '$1ored'],
  [/isation$/, 'ization'],
  [/([^w])ised$/, '$1ized'],
]

/**
 * Adds UK/AU spellings (-ise, -our, -ence, doubled l) of every entry, and US ones of UK-only
 * entries, so "apologise", "favour"
 * and "cancelled" score like their US forms. Only fills gaps: an existing entry wins.
 */
export function withSpellingVariants(labels: Record<string, number>): Record<string, number> {
  const added: Record<string, number> = {}
  for (const [word, score] of Object.entries(labels)) {
    if (word.includes(' ')) continue
    for (const [pattern, replacement] of SPELLING_RULES) {
      if (!pattern.test(word)) continue
      const variant = word.replace(pattern, replacement)
      if (!(variant in labels)) added[variant] = score
    }
  }
  return Object.assign(labels, added)
}
