/**
 * @module The triage rules, loaded from `data/triage-rules.json` (the knowledge lives there, not
 * here) and compiled once. They run on normalised text: lower case, apostrophes removed
 * ("can't" → "cant"), whitespace collapsed.
 */
import rulesData from './data/triage-rules.json' with { type: 'json' }
import { loadRuleSet, type RuleSet } from './rule-data.js'

/** The built-in rule set. */
export const TRIAGE_RULES: RuleSet = loadRuleSet(rulesData)

const any = (family: string): RegExp => TRIAGE_RULES.family(family).any

/** A negation just before an urgent phrase or complaint ("no chest pain") cancels it. */
export const NEGATED_BEFORE = /\b(?:no|not|without|never|isnt|wasnt|denies)\s+(?:\w+\s+)?$/

/** Words that say the complaint is about the service, for negative-sentiment complaints. */
export const SERVICE: RegExp = any('service')
/** Question forms that need no question mark. */
export const QUESTION_ANYWHERE: RegExp = any('question-anywhere')
/** Question words and auxiliaries that open a question when they start a sentence. */
export const QUESTION_START: RegExp = any('question-start')
/** Openers stripped before testing {@link QUESTION_START} ("hi, do you…", "also do you…"). */
export const SENTENCE_OPENER: RegExp = any('sentence-opener')
/** Messages that are only gratitude or acknowledgement. */
export const ACK_ONLY: RegExp = any('ack-only')
/** Greetings with nothing else. */
export const GREETING_ONLY: RegExp = any('greeting-only')
/** Reactions that are chatter however positive they sound ("first!", "same", "me too"). */
export const CHATTER_ONLY: RegExp = any('chatter-only')
/** What a tagged friend is told ("Bec Harris remember this place?", "@sarah look"). */
export const FRIEND_TALK: RegExp = any('friend-talk')
/**
 * The writer expresses distress (fear, panic, a cry for help): what makes an urgent report
 * negative rather than a neutral description of symptoms (the labelling rules).
 */
export const DISTRESS: RegExp = any('feeling')
/** Symptoms, medicines, tests and procedures: what a clinical question is about. */
export const CLINICAL_TERM: RegExp = any('clinical-term')
/** First-person reports of a symptom ("my knee is clicking again"). */
export const SYMPTOM_REPORT: RegExp = any('symptom-report')

/** Cheap pre-check: without one of these no health-detail rule can match. */
export const HEALTH_DETAIL_HINT: RegExp = new RegExp(
  `\\b(?:${(rulesData.terms.condition as string[]).join('|')}|${(rulesData.terms.medication as string[]).join('|')}|tested positive|came back|results?|diagnosed|biopsy|smear|mammogram|\\d+ ?mg|(?:treated|tested|checked|seen|screened) (?:for|with)|on \\w+ for)`,
)
