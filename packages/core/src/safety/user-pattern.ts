/**
 * @module User-supplied patterns (auto-reply rules and anything else a tenant types in) run on
 * RE2 (re2js, pure JS): matching is linear in the input, so a pattern like `(.*)*x` can no
 * longer block the event loop for every tenant (issue 13, finding 2). RE2 has no backreferences
 * or lookaround; validation says so instead of accepting a pattern the engine cannot run.
 */
import { RE2JS } from 're2js'

/** Longest pattern source a user may save. */
export const MAX_USER_PATTERN_LENGTH = 200
/**
 * Only this many characters of a text are matched. Linear time is not free: bounding the input
 * keeps one match to a fixed cost whatever a platform delivers. Auto-reply boilerplate sits at
 * the start of a message, so the head is what matters.
 */
export const MAX_MATCHED_TEXT_LENGTH = 4_000

export interface UserPattern {
  readonly source: string
  /** True when the pattern occurs anywhere in the (bounded) text, ignoring case. */
  test(text: string): boolean
}

/** Why the engine cannot run this pattern, in words for the person who typed it; null when it can. */
export function userPatternProblem(source: string): string | null {
  if (source.length > MAX_USER_PATTERN_LENGTH)
    return `a pattern may be at most ${MAX_USER_PATTERN_LENGTH} characters`
  try {
    RE2JS.compile(source, RE2JS.CASE_INSENSITIVE)
    return null
  } catch (err) {
    const detail = err instanceof Error ? err.message.replace(/^error parsing regexp: /, '') : ''
    return `not a pattern Earshot can run (${detail || 'invalid'}); backreferences and lookaround are not supported`
  }
}

/** Compiles a user pattern for linear-time, case-insensitive matching. Throws on a pattern that `userPatternProblem` rejects. */
export function compileUserPattern(source: string): UserPattern {
  const problem = userPatternProblem(source)
  if (problem !== null) throw new Error(`pattern ${JSON.stringify(source)}: ${problem}`)
  const compiled = RE2JS.compile(source, RE2JS.CASE_INSENSITIVE)
  return {
    source,
    test: (text) => compiled.test(text.slice(0, MAX_MATCHED_TEXT_LENGTH)),
  }
}

/**
 * Compiles what it can: a pattern saved before validation got stricter is skipped rather than
 * failing every evaluation of the practice (the settings page shows it as invalid on next save).
 */
export function compileUserPatterns(sources: readonly string[]): UserPattern[] {
  return sources.flatMap((s) => (userPatternProblem(s) === null ? [compileUserPattern(s)] : []))
}
