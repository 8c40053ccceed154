/**
 * @module Triage: does an inbound mention need a reply, in which category, is it urgent, and did
 * the writer disclose health details in public? Rule families run on normalised text and decide
 * by a fixed precedence; every rule that fires adds a reason a practice manager can read.
 */
import type { Category } from '../model/vocabulary.js'
import { analyzeSentiment, POSITIVE_THRESHOLD, type SentimentDetail } from './analyze-sentiment.js'
import type { EnrichInput } from './enricher.js'
import * as patterns from './triage-patterns.js'

// NOTE: module-local aliases. Dev loaders (tsx, vitest) compile each access to an imported
// binding into a getter call, and triage reads these for every mention.
const {
  ACK_ONLY,
  BOOKING,
  CHATTER_ONLY,
  CLINICAL_ASK,
  CLINICAL_TERM,
  COMPLAINT,
  FEEDBACK,
  FRIEND_TALK,
  GREETING_ONLY,
  HEALTH_DETAIL,
  HEALTH_DETAIL_HINT,
  IDENTIFIER,
  NEGATED_BEFORE,
  QUESTION_ANYWHERE,
  QUESTION_START,
  SENTENCE_OPENER,
  SERVICE,
  SPAM,
  SYMPTOM_REPORT,
  URGENT,
} = patterns

/** What triage decides about one mention. */
export interface TriageResult {
  needsReply: boolean
  /** Absent for outbound messages: the practice's own words have no triage category. */
  category?: Category
  reasons: string[]
  privacy: boolean
  urgent: boolean
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
const APOSTROPHE_HINT = /['’‘`´]/
const APOSTROPHES = /['’‘`´]/g
const WHITESPACE_RUN = /\s\s|[\t\n\r\f\v]/
const WHITESPACE = /\s+/g
// Medicare, NHS and phone numbers all need a run of digits; emails an @.
const DIGIT_RUN = /\d{3}/
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

function findComplaint(norm: string): string | undefined {
  COMPLAINT.lastIndex = 0
  for (let m = COMPLAINT.exec(norm); m !== null; m = COMPLAINT.exec(norm)) {
    // "no complaints", "never had to complain": praise in disguise.
    if (NEGATED_BEFORE.test(norm.slice(Math.max(0, m.index - 20), m.index))) continue
    // "running 10 minutes late for my appointment": the writer is late, not the practice.
    if (m[0].endsWith('late') && WRITER_LATE.test(norm)) continue
    return m[0]
  }
  return undefined
}

function findUrgent(norm: string): string | null {
  const m = URGENT.exec(norm)
  if (!m) return null
  // "no chest pain", "not struggling to breathe": reassurance, not an emergency.
  if (NEGATED_BEFORE.test(norm.slice(Math.max(0, m.index - 20), m.index))) return null
  return m[0]
}

/**
 * Triage one mention. Pass the sentiment if you already have it (the default enricher does), so
 * the text is scored once.
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
  const senti = sentiment ?? analyzeSentiment(raw, { rating: input.rating })
  const reasons: string[] = []
  const isReview = input.kind === 'review'
  const isGoogleReview = isReview && input.platform === 'google'
  const isPrivate = isPrivateChannel(input)
  const practiceReplied = input.thread?.some((m) => m.direction === 'outbound') ?? false

  const finish = (category: Category, privacy = false, urgent = false): TriageResult => {
    // Every review gets a reply: the category that would have said "no reply" becomes "review".
    if (
      isReview &&
      (category === 'feedback' || !REPLY_CATEGORIES.has(category)) &&
      (isGoogleReview || category !== 'spam')
    ) {
      reasons.push(isGoogleReview ? 'Google review: always reply' : 'review: always reply')
      category = 'review'
    }
    return { needsReply: REPLY_CATEGORIES.has(category), category, reasons, privacy, urgent }
  }

  if (norm === '') {
    if (isReview) {
      reasons.push(input.rating != null ? `${input.rating}★ rating without text` : 'empty review')
      return finish('review')
    }
    reasons.push('no text')
    return finish(isPrivate && !practiceReplied ? 'question' : 'chatter')
  }

  if (SPAM.test(norm)) {
    reasons.push('looks like spam or self-promotion')
    return finish('spam')
  }

  const urgentCue = findUrgent(norm)
  let privacy = false
  if (!isPrivate && IDENTIFIER_HINT.test(norm)) {
    const digits = DIGIT_RUN.test(norm)
    const at = norm.includes('@')
    for (const [pattern, what] of IDENTIFIER) {
      // Numbers need a run of digits and an email an @: skip the patterns that cannot match.
      if (what === 'email address' ? !at : what !== 'date of birth' && !digits) continue
      if (pattern.test(norm)) {
        reasons.push(`discloses a ${what} in public`)
        privacy = true
      }
    }
  }
  if (!isPrivate && HEALTH_DETAIL_HINT.test(norm)) {
    for (const [pattern, what] of HEALTH_DETAIL) {
      if (pattern.test(norm)) {
        reasons.push(`discloses ${what} in public`)
        privacy = true
        break
      }
    }
  }
  if (privacy) reasons.push('take the reply private; do not confirm they are a patient')
  if (urgentCue !== null) {
    reasons.push(`urgent clinical content: "${urgentCue}"`)
    return finish('clinical', privacy, true)
  }
  if (privacy) return finish('privacy', true)

  const question = looksLikeQuestion(raw, norm)
  const complaintCue = findComplaint(norm)
  if (complaintCue !== undefined) {
    reasons.push(
      question ? `rhetorical or angry question: "${complaintCue}"` : `complaint: "${complaintCue}"`,
    )
    return finish('complaint')
  }
  if (senti.longWait) {
    reasons.push('complains about a long wait')
    return finish('complaint')
  }
  if (senti.sarcasm !== null) {
    reasons.push(`sarcasm: "${senti.sarcasm}"`)
    return finish('complaint')
  }
  // Praise with a "but" and no complaint words is feedback, however strong the "but".
  // Clearly positive after the "but" ("I dreaded coming but everyone was so kind") is praise.
  const mixed =
    senti.positive > 0 &&
    senti.negative < 0 &&
    /\bbut\b/.test(norm) &&
    senti.score < POSITIVE_THRESHOLD
  if (mixed && !question) {
    reasons.push('mixed feedback (praise with a "but")')
    return finish('feedback')
  }
  const negative = senti.label === 'negative' && senti.score <= -0.3
  // Unhappy about their own lateness ("I'll be late, traffic is bad") is not a complaint.
  if (senti.score <= -0.5 && SERVICE.test(norm) && !WRITER_LATE.test(norm)) {
    reasons.push('negative about the service')
    return finish('complaint')
  }
  if (isReview && negative && input.rating != null && input.rating <= 2) {
    reasons.push(`negative ${input.rating}★ review`)
    return finish('complaint')
  }

  if (practiceReplied && ACK_ONLY.test(norm)) {
    reasons.push('thanks or acknowledgement after the practice replied')
    return finish('chatter')
  }

  // The advice-seeking form is rarer than clinical words, so it is tested first.
  const ask = CLINICAL_ASK.exec(norm)?.[0]
  if (ask !== undefined || (question && SYMPTOM_REPORT.test(norm))) {
    const clinicalTerm = CLINICAL_TERM.exec(norm)?.[0]
    if (clinicalTerm !== undefined) {
      reasons.push(
        ask !== undefined
          ? `clinical question: "${ask}" about "${clinicalTerm}"`
          : `describes a symptom and asks about it ("${clinicalTerm}")`,
      )
      return finish('clinical')
    }
  }

  const friendTag =
    (input.platform !== 'x' && LEADING_HANDLES.test(raw.trim())) ||
    (input.platform === 'facebook' && FACEBOOK_NAME_TAG.test(raw.trim()))
  if (friendTag && FRIEND_TALK.test(norm)) {
    reasons.push('tags a friend')
    return finish('chatter')
  }
  // A suggestion that mentions bookings ("would be nice to get an sms when the doctor is running
  // late") is feedback, not a booking.
  const feedbackCue = FEEDBACK.exec(norm)?.[0]
  if (feedbackCue !== undefined && SUGGESTION.test(feedbackCue)) {
    reasons.push(`suggestion: "${feedbackCue}"`)
    return finish('feedback')
  }
  const bookingCue = BOOKING.exec(norm)?.[0]
  if (bookingCue !== undefined) {
    reasons.push(`booking or call-back request: "${bookingCue}"`)
    return finish('booking')
  }
  if (question) {
    reasons.push(raw.includes('?') ? 'asks a question' : 'asks a question (no "?" needed)')
    return finish('question')
  }
  if (feedbackCue !== undefined) {
    reasons.push(`suggestion or heads-up: "${feedbackCue}"`)
    return finish('feedback')
  }

  if (friendTag) {
    reasons.push('tags a friend')
    return finish('chatter')
  }
  if (isPrivate && !practiceReplied) {
    // Opening a private conversation is reaching out: platforms count it in response rates.
    if (GREETING_ONLY.test(norm)) {
      reasons.push('greeting that opens a private conversation')
      return finish('question')
    }
    reasons.push('opens a private conversation')
    return finish(senti.label === 'negative' ? 'complaint' : 'feedback')
  }
  if (EMOJI_OR_SYMBOLS_ONLY.test(norm) || CHATTER_ONLY.test(norm)) {
    reasons.push('a reaction, nothing to answer')
    return finish('chatter')
  }
  // One- or two-word reactions ("cute 😍", "ha classic") are chatter unless aimed at the practice.
  if (
    senti.label === 'positive' &&
    !practiceReplied &&
    !PRAISE_TARGET.test(norm) &&
    wordCount(norm) < 3
  ) {
    reasons.push('a short reaction, nothing to answer')
    return finish('chatter')
  }
  if (senti.label === 'positive' && !practiceReplied) {
    reasons.push(ACK_ONLY.test(norm) ? 'thanks, nothing to answer' : 'praise, nothing to answer')
    return finish('praise')
  }
  reasons.push('nothing to answer')
  return finish('chatter')
}
