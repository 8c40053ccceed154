/**
 * @module Reply lint: flags a practice's own public replies that confirm someone is a patient or
 * disclose their health details. Health regulators (AHPRA in Australia, the ICO and GMC in the
 * UK, HHS under HIPAA in the US) have sanctioned practices for exactly these replies.
 */

const PRIVATE_CHANNEL_NOTE = 'in public; move it to a private message or a call'

const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [
    /\b(?:we|i|dr \w+|the doctor|the dentist|our team|the team) (?:saw|treated|examined|seen|treat) you\b|\b(?:saw|seeing|treating|treated|examined) you (?:on|last|yesterday|today|this|at|in)\b|\bwhen you (?:came|were|was) in\b|\b(?:you are|youre|you were|as) (?:a|one of our|our) (?:valued |regular |existing )?patients?\b|\bour patient\b|\bpatient of ours\b|\bas your (?:doctor|dentist|gp|physio|practitioner|clinician)\b|\byour (?:treating|regular|usual) (?:doctor|dentist|gp|physio|practitioner)\b/,
    'confirms the person is a patient',
  ],
  [
    /\b(?<!(?:book|make|schedule|request|arrange|manage|cancel|change) )your (?:recent |last |next |upcoming |previous )?(?:appointment|appt|visit|consult(?:ation)?|treatment|procedure|surgery|check-?up|session|filling|crown|extraction|implant|scan|x-?rays?|mri|tests?|bloods?|blood tests?|results?|biopsy|prescription|script|referral|file|records?|notes|medication|meds|diagnosis|condition|pregnancy|care plan)\b/,
    'refers to their appointment, treatment or records',
  ],
  [
    /\b(?:results?|tests?|bloods?|scan|x-?rays?|biopsy|referral|script|prescription) (?:are|is|came|have come|has come) (?:back|ready|through|in|normal|clear|fine)\b/,
    'discloses the status of their results or paperwork',
  ],
  [
    /\b(?:your|you have|youve got|you have got|you were diagnosed with) (?:\w+ )?(?:diabetes|cancer|hiv|asthma|depression|anxiety|pregnancy|infection|chlamydia|herpes|adhd|condition|diagnosis)\b/,
    'mentions their health condition',
  ],
  [
    /\b(?:your|the) (?:medicare|nhs|insurance|health fund|date of birth|dob)\b[^.\n]{0,20}\d/,
    'repeats an identifier',
  ],
]

/**
 * Lints one outbound reply meant for a public channel. Returns one message per problem; an empty
 * list means nothing found. (In a private message these details are fine; the default enricher
 * only lints public replies.)
 *
 * @example
 * lintReply('Hi Sam, we saw you on Tuesday and your results are back.')
 * // → ['confirms the person is a patient: "we saw you" …', 'discloses the status …']
 */
export function lintReply(text: string): string[] {
  const norm = text
    .toLowerCase()
    .replace(/[’‘`´']/g, '')
    .replace(/\s+/g, ' ')
  const problems: string[] = []
  for (const [pattern, what] of RULES) {
    const m = pattern.exec(norm)
    if (m) problems.push(`${what}: "${m[0].trim()}" (${PRIVATE_CHANNEL_NOTE})`)
  }
  return problems
}
