/**
 * @module Triage: does an inbound mention need a reply, in which category, is it urgent, and did
 * the writer disclose health details in public? Rule families run on normalised text and decide
 * by a fixed precedence; every rule that fires adds a reason a practice manager can read.
 */
import type { Category } from '../model/vocabulary.js'
import { analyzeSentiment, POSITIVE_THRESHOLD, type SentimentDetail } from './analyze-sentiment.js'
import type { EnrichInput } from './enricher.js'
import { firstMatch, type RuleHit, ruleMatches } from './rule-data.js'
import * as patterns from './triage-patterns.js'

// NOTE: module-local aliases. Dev loaders (tsx, vitest) compile each access to an imported
// binding into a getter call, and triage reads these for every mention.
const {
  ACK_ONLY,
  CHATTER_ONLY,
  DISTRESS,
  CLINICAL_TERM,
  FRIEND_TALK,
  GREETING_ONLY,
  HEALTH_DETAIL_HINT,
  NEGATED_BEFORE,
  QUESTION_ANYWHERE,
  QUESTION_START,
  SENTENCE_OPENER,
  SERVICE,
  SYMPTOM_REPORT,
  TRIAGE_RULES,
} = patterns
const SPAM = TRIAGE_RULES.family('spam')
const URGENT = TRIAGE_RULES.family('urgent')
const IDENTIFIER = TRIAGE_RULES.family('identifier')
const HEALTH_DETAIL = TRIAGE_RULES.family('health-detail')
const COMPLAINT = TRIAGE_RULES.family('complaint')
const CLINICAL_ASK = TRIAGE_RULES.family('clinical-ask')
const BOOKING = TRIAGE_RULES.family('booking')
const FEEDBACK = TRIAGE_RULES.family('feedback')

/** What triage decides about one mention. */
export interface TriageResult {
  needsReply: boolean
  /** Absent for outbound messages: the practice's own words have no triage category. */
  category?: Category
  reasons: string[]
  privacy: boolean
  urgent: boolean
  /** The precedence step that decided the category (`urgent`, `booking`, …, `chatter`). */
  step?: string
  /** The urgent rule that fired (`urgent-chest`, `urgent-self-harm`, …), if any. */
  urgentRule?: string
  /**
   * Urgent content written with distress (fear, panic, a cry for help, suicidal thoughts):
   * negative. Urgent symptoms described plainly are neutral, as the labelling rules say.
   */
  distress?: boolean
}

/** Categories that need a reply from the practice (see `CATEGORIES` in the vocabulary). */
export const REPLY_CATEGORIES: ReadonlySet<Category> = new Set<Category>([
  'question',
  'booking',
  'complaint',
  'clinical',
  'privacy',
  'review',
  'feedback',
])

/** Lower case, straight apostrophes removed ("can't" → "cant"), whitespace collapsed. */
export function normalizeForTriage(text: string): string {
  let s = text.toLowerCase()
  if (APOSTROPHE_HINT.test(s)) s = s.replace(APOSTROPHES, '')
  if (WHITESPACE_RUN.test(s)) s = s.replace(WHITESPACE, ' ')
  return s.trim()
}

const SUGGESTION = /would|worth|thought|suggest|wish|hope|maybe|consider|should|if you/
const PRAISE_TARGET =
  /\b(?:thank\w*|thanks|thx|ty|cheers|best|recommend\w*|legends?|dr|doctor|dentist|nurses?|physio|gp|team|staff|clinic|practice|you|u|guys)\b/
const WORD = /[a-z]+/g
const wordCount = (s: string): number => s.match(WORD)?.length ?? 0
const TITLE_DOT = /\b(dr|mr|mrs|ms|prof|st|vs|approx|appt|no)\./g
const WRITER_LATE =
  /\blate for (?:my|our|his|her|the)\b|\b(?:ill|i will|im|i am|i might|we will|well) (?:be )?(?:running )?(?:\w+ ){0,3}?late\b/
const HAS_LETTER = /\p{L}/u
// GREETING_ONLY also accepts a bare emoji; a greeting needs a word.
const isGreeting = (norm: string): boolean => HAS_LETTER.test(norm) && GREETING_ONLY.test(norm)
const APOSTROPHE_HINT = /['’‘`´]/
const APOSTROPHES = /['’‘`´]/g
const WHITESPACE_RUN = /\s\s|[\t\n\r\f\v]/
const WHITESPACE = /\s+/g
// Medicare, NHS and phone numbers all need a run of digits; emails an @.
const IDENTIFIER_HINT = /\d{3}|@|dob|d\.o\.b|birth|born/

const LEADING_HANDLES = /^(?:@[\w.]+[\s,:]*)+/
// Facebook renders a tagged friend as their plain name: "Tom Baker", "Jess Taylor this is where
// I go". Titles and sentence openers ("Dr James is…", "Thank You") are not tags.
const FACEBOOK_NAME_TAG =
  /^(?!(?:Dr|Doctor|Mr|Mrs|Ms|Miss|Prof|Nurse|The|My|Our|Your|Thank|Thanks|Happy|Big|Huge|Massive|Best|Great|Love|So|Such|What|How|Just|Highly|Very|Merry|Good)\b)@?[A-Z][a-z]+ [A-Z][a-z']+(?:$|[\s,!.]+(?:this|look|we|you|u|remember|check|see|lol|haha|omg|here|thats|that's|its|it's)\b|[\s!.]*$)/
const EMOJI_OR_SYMBOLS_ONLY = /^[^\p{L}\p{N}]*$/u
// A question opening at the start of any sentence, after @handles and greetings ("hi, do u…",
// "thanks. also do you…"): one pass instead of splitting into sentences.
const QUESTION_IN_SENTENCE = new RegExp(
  `(?:^|[.!?\\n;:]+|\\s[-–—]+\\s|,\\s+(?=(?:do|does|can|could|is|are|how|what|when|where|which|who|will|would|should)\\b))\\s*(?:@[\\w.]+[\\s,:]*)*(?:${SENTENCE_OPENER.source.slice(1)})?(?:${QUESTION_START.source.slice(1)})`,
)

function isPrivateChannel(input: EnrichInput): boolean {
  return input.kind === 'message' || input.platform === 'webchat'
}

function looksLikeQuestion(raw: string, norm: string): boolean {
  if (raw.includes('?')) return true
  if (QUESTION_ANYWHERE.test(norm)) return true
  // "Dr. Patel" must not end a sentence.
  const text = norm.includes('.') ? norm.replace(TITLE_DOT, '$1') : norm
  return QUESTION_IN_SENTENCE.test(text)
}

const notNegated =
  (norm: string) =>
  (hit: RuleHit): boolean =>
    !NEGATED_BEFORE.test(norm.slice(Math.max(0, hit.index - 20), hit.index))

// Up to two words between: "not a single complaint". Urgent cues allow only one, to stay safe.
const NEGATED_TWO_BEFORE = /\b(?:no|not|without|never|isnt|wasnt|denies)\s+(?:\w+\s+){0,2}$/

function findComplaint(norm: string): RuleHit | undefined {
  return firstMatch(COMPLAINT, norm, (hit) => {
    // "no complaints", "never had to complain": praise in disguise.
    if (NEGATED_TWO_BEFORE.test(norm.slice(Math.max(0, hit.index - 30), hit.index))) return false
    // "running 10 minutes late for my appointment": the writer is late, not the practice.
    return !(hit.text.endsWith('late') && WRITER_LATE.test(norm))
  })
}

/** What every step sees: the mention, its normalised text, sentiment and the flags found. */
interface TriageContext {
  readonly input: EnrichInput
  readonly raw: string
  readonly norm: string
  readonly senti: SentimentDetail
  readonly reasons: string[]
  readonly isReview: boolean
  readonly isPrivate: boolean
  readonly practiceReplied: boolean
  readonly urgent: RuleHit | undefined
  readonly privacy: boolean
  readonly question: boolean
  readonly friendTag: boolean
}

/** A step decides a category (and adds its reason) or passes with `undefined`. */
type Step = (c: TriageContext) => Category | undefined

function say(c: TriageContext, reason: string, category: Category): Category {
  c.reasons.push(reason)
  return category
}

// One step per precedence entry in the rules file: the order lives there, declared once.
const STEPS: Readonly<Record<string, Step>> = {
  empty: (c) => {
    if (c.norm !== '') return undefined
    if (c.isReview) {
      const r = c.input.rating
      return say(c, r != null ? `${r}★ rating without text` : 'empty review', 'review')
    }
    return say(c, 'no text', c.isPrivate && !c.practiceReplied ? 'question' : 'chatter')
  },
  // Safety first: urgent content wins over everything, spam included, on every channel.
  urgent: (c) =>
    c.urgent === undefined
      ? undefined
      : say(c, `urgent clinical content (${c.urgent.rule.id}): "${c.urgent.text}"`, 'clinical'),
  spam: (c) => {
    const hit = firstMatch(SPAM, c.norm)
    return hit === undefined ? undefined : say(c, `${hit.rule.reason} (${hit.rule.id})`, 'spam')
  },
  privacy: (c) => (c.privacy ? 'privacy' : undefined),
  complaint: (c) => {
    const hit = findComplaint(c.norm)
    if (hit === undefined) return undefined
    const what = c.question ? 'rhetorical or angry question' : 'complaint'
    return say(c, `${what}: "${hit.text}" (${hit.rule.id})`, 'complaint')
  },
  'long-wait': (c) =>
    c.senti.longWait ? say(c, 'complains about a long wait', 'complaint') : undefined,
  sarcasm: (c) =>
    c.senti.sarcasm !== null ? say(c, `sarcasm: "${c.senti.sarcasm}"`, 'complaint') : undefined,
  // Praise with a "but" and no complaint words is feedback, however strong the "but".
  // Clearly positive after the "but" ("I dreaded coming but everyone was so kind") is praise.
  'mixed-feedback': (c) => {
    const s = c.senti
    const mixed =
      s.positive > 0 && s.negative < 0 && /\bbut\b/.test(c.norm) && s.score < POSITIVE_THRESHOLD
    return mixed && !c.question
      ? say(c, 'mixed feedback (praise with a "but")', 'feedback')
      : undefined
  },
  // Unhappy about their own lateness ("I'll be late, traffic is bad") is not a complaint.
  'negative-service': (c) =>
    c.senti.score <= -0.5 && SERVICE.test(c.norm) && !WRITER_LATE.test(c.norm)
      ? say(c, 'negative about the service', 'complaint')
      : undefined,
  'negative-review': (c) => {
    const r = c.input.rating
    const negative = c.senti.label === 'negative' && c.senti.score <= -0.3
    return c.isReview && negative && r != null && r <= 2
      ? say(c, `negative ${r}★ review`, 'complaint')
      : undefined
  },
  'ack-after-reply': (c) =>
    c.practiceReplied && ACK_ONLY.test(c.norm)
      ? say(c, 'thanks or acknowledgement after the practice replied', 'chatter')
      : undefined,
  // The advice-seeking form is rarer than clinical words, so it is tested first.
  clinical: (c) => {
    const ask = firstMatch(CLINICAL_ASK, c.norm)?.text
    if (ask === undefined && !(c.question && SYMPTOM_REPORT.test(c.norm))) return undefined
    const term = CLINICAL_TERM.exec(c.norm)?.[0]
    if (term === undefined) return undefined
    return say(
      c,
      ask !== undefined
        ? `clinical question: "${ask}" about "${term}"`
        : `describes a symptom and asks about it ("${term}")`,
      'clinical',
    )
  },
  'friend-tag': (c) =>
    c.friendTag && FRIEND_TALK.test(c.norm) ? say(c, 'tags a friend', 'chatter') : undefined,
  // A suggestion that mentions bookings ("would be nice to get an sms when the doctor is running
  // late") is feedback, not a booking.
  suggestion: (c) => {
    const cue = firstMatch(FEEDBACK, c.norm)?.text
    return cue !== undefined && SUGGESTION.test(cue)
      ? say(c, `suggestion: "${cue}"`, 'feedback')
      : undefined
  },
  booking: (c) => {
    const hit = firstMatch(BOOKING, c.norm)
    return hit === undefined
      ? undefined
      : say(c, `booking or call-back request: "${hit.text}" (${hit.rule.id})`, 'booking')
  },
  question: (c) =>
    c.question
      ? say(
          c,
          c.raw.includes('?') ? 'asks a question' : 'asks a question (no "?" needed)',
          'question',
        )
      : undefined,
  'heads-up': (c) => {
    const cue = firstMatch(FEEDBACK, c.norm)?.text
    if (cue !== undefined) return say(c, `suggestion or heads-up: "${cue}"`, 'feedback')
    return c.friendTag ? say(c, 'tags a friend', 'chatter') : undefined
  },
  // "thanks!", "👍", "lol" in a DM: nothing to answer, whether or not the thread shows the
  // practice's answer (it often came by phone).
  'private-reaction': (c) =>
    c.isPrivate &&
    !isGreeting(c.norm) &&
    (ACK_ONLY.test(c.norm) || EMOJI_OR_SYMBOLS_ONLY.test(c.norm) || CHATTER_ONLY.test(c.norm))
      ? say(c, 'thanks or a reaction in a private chat, nothing to answer', 'chatter')
      : undefined,
  'private-opener': (c) => {
    if (!c.isPrivate || c.practiceReplied) return undefined
    // Opening a private conversation is reaching out: platforms count it in response rates.
    if (isGreeting(c.norm)) {
      return say(c, 'greeting that opens a private conversation', 'question')
    }
    return say(
      c,
      'opens a private conversation',
      c.senti.label === 'negative' ? 'complaint' : 'feedback',
    )
  },
  reaction: (c) =>
    EMOJI_OR_SYMBOLS_ONLY.test(c.norm) || CHATTER_ONLY.test(c.norm)
      ? say(c, 'a reaction, nothing to answer', 'chatter')
      : undefined,
  // One- or two-word reactions ("cute 😍", "ha classic") are chatter unless aimed at the practice.
  'short-reaction': (c) =>
    c.senti.label === 'positive' &&
    !c.practiceReplied &&
    !PRAISE_TARGET.test(c.norm) &&
    wordCount(c.norm) < 3
      ? say(c, 'a short reaction, nothing to answer', 'chatter')
      : undefined,
  praise: (c) =>
    c.senti.label === 'positive' && !c.practiceReplied
      ? say(
          c,
          ACK_ONLY.test(c.norm) ? 'thanks, nothing to answer' : 'praise, nothing to answer',
          'praise',
        )
      : undefined,
  chatter: (c) => say(c, 'nothing to answer', 'chatter'),
}

const ORDERED_STEPS: ReadonlyArray<readonly [string, Step]> = TRIAGE_RULES.precedence.map(
  (name) => {
    const step = STEPS[name]
    if (step === undefined) throw new Error(`triage rules: precedence names unknown step ${name}`)
    return [name, step] as const
  },
)
for (const name of Object.keys(STEPS)) {
  if (!TRIAGE_RULES.precedence.includes(name)) {
    throw new Error(`triage rules: step ${name} is missing from the precedence`)
  }
}

function findPrivacy(norm: string, reasons: string[]): boolean {
  let privacy = false
  if (IDENTIFIER_HINT.test(norm)) {
    for (const rule of IDENTIFIER.rules) {
      if (ruleMatches(rule, norm)) {
        reasons.push(`discloses a ${rule.reason} in public (${rule.id})`)
        privacy = true
      }
    }
  }
  if (HEALTH_DETAIL_HINT.test(norm)) {
    const hit = firstMatch(HEALTH_DETAIL, norm)
    if (hit !== undefined) {
      reasons.push(`discloses ${hit.rule.reason} in public (${hit.rule.id})`)
      privacy = true
    }
  }
  if (privacy) reasons.push('take the reply private; do not confirm they are a patient')
  return privacy
}

/**
 * Triage one mention. Pass the sentiment if you already have it (the default enricher does), so
 * the text is scored once. Urgency is checked on every channel, public and private; privacy
 * (a disclosure in public) only on public ones.
 *
 * @example
 * triage({ text: 'do u bulk bill on saturdays', platform: 'facebook', kind: 'comment', direction: 'inbound' })
 * // → { needsReply: true, category: 'question', reasons: ['asks a question (no "?" needed)'], … }
 */
export function triage(input: EnrichInput, sentiment?: SentimentDetail): TriageResult {
  if (input.direction === 'outbound') {
    return {
      needsReply: false,
      reasons: ['written by the practice'],
      privacy: false,
      urgent: false,
    }
  }
  const raw = input.text ?? ''
  const norm = normalizeForTriage(raw)
  const reasons: string[] = []
  const isPrivate = isPrivateChannel(input)
  const trimmed = raw.trim()
  let c: TriageContext = {
    input,
    raw,
    norm,
    senti: sentiment ?? analyzeSentiment(raw, { rating: input.rating }),
    reasons,
    isReview: input.kind === 'review',
    isPrivate,
    practiceReplied: input.thread?.some((m) => m.direction === 'outbound') ?? false,
    urgent: norm === '' ? undefined : firstMatch(URGENT, norm, notNegated(norm)),
    privacy: norm !== '' && !isPrivate && findPrivacy(norm, reasons),
    question: norm !== '' && looksLikeQuestion(raw, norm),
    friendTag:
      (input.platform !== 'x' && LEADING_HANDLES.test(trimmed)) ||
      (input.platform === 'facebook' && FACEBOOK_NAME_TAG.test(trimmed)),
  }
  if (c.urgent !== undefined && !isPrivate && !c.privacy) {
    // An emergency described in public is also a disclosure: the reply moves it to private.
    reasons.push('urgent health details in public: take the reply private')
    c = { ...c, privacy: true }
  }
  let category: Category = 'chatter'
  let decidedBy = 'chatter'
  for (const [name, step] of ORDERED_STEPS) {
    const decided = step(c)
    if (decided !== undefined) {
      category = decided
      decidedBy = name
      break
    }
  }
  return finish(c, category, decidedBy)
}

// A Google review always gets a reply (Google shows the practice's replies and ranks on them);
// elsewhere praise needs none. Spam is never answered, on a review or not.
function finish(c: TriageContext, decided: Category, step: string): TriageResult {
  let category = decided
  const isGoogleReview = c.isReview && c.input.platform === 'google'
  if (
    isGoogleReview &&
    category !== 'spam' &&
    (category === 'feedback' || !REPLY_CATEGORIES.has(category))
  ) {
    c.reasons.push('Google review: always reply')
    category = 'review'
  }
  return {
    needsReply: REPLY_CATEGORIES.has(category),
    category,
    reasons: c.reasons,
    privacy: c.privacy && category !== 'spam',
    urgent: c.urgent !== undefined,
    step,
    ...(c.urgent !== undefined
      ? {
          urgentRule: c.urgent.rule.id,
          distress: c.urgent.rule.id === 'urgent-self-harm' || DISTRESS.test(c.norm),
        }
      : {}),
  }
}
