import { describe, expect, it } from 'vitest'
import { promiseSpecSchema } from '../promise/promise-spec.js'
import {
  compileUserPattern,
  compileUserPatterns,
  MAX_MATCHED_TEXT_LENGTH,
  userPatternProblem,
} from './user-pattern.js'

describe('user patterns run on a linear-time engine', () => {
  it('answers a catastrophic-backtracking pattern on a long input (no match, no hang)', () => {
    const pattern = compileUserPattern('(.*)*x')
    // With a backtracking engine each extra character doubles the work; 27 took 22 s.
    expect(pattern.test('a'.repeat(50_000))).toBe(false)
    expect(pattern.test(`${'a'.repeat(30)}x`)).toBe(true)
    expect(compileUserPattern('(a+)+$').test(`${'a'.repeat(10_000)}!`)).toBe(true)
  })

  it('matches anywhere in the text, ignoring case, like the old RegExp(p, "i")', () => {
    const p = compileUserPattern('^thanks for (your message|getting in touch)')
    expect(p.test('Thanks for getting in touch! We will reply soon.')).toBe(true)
    expect(p.test('Well, thanks for your message')).toBe(false)
  })

  it('only reads the head of a very long text', () => {
    const p = compileUserPattern('needle')
    expect(p.test(`${'x'.repeat(MAX_MATCHED_TEXT_LENGTH)}needle`)).toBe(false)
    expect(p.test(`${'x'.repeat(MAX_MATCHED_TEXT_LENGTH - 6)}needle`)).toBe(true)
  })

  it('rejects patterns the engine cannot run, saying why', () => {
    expect(userPatternProblem('(a)\\1')).toMatch(/backreferences and lookaround are not supported/)
    expect(userPatternProblem('(?=a)b')).toMatch(/not a pattern Earshot can run/)
    expect(userPatternProblem('(unclosed')).toMatch(/missing closing \)/)
    expect(userPatternProblem('a'.repeat(201))).toMatch(/at most 200 characters/)
    expect(userPatternProblem('(.*)*x')).toBeNull()
    expect(() => compileUserPattern('(?<=a)b')).toThrow(/not a pattern Earshot can run/)
  })

  it('skips a stored pattern that no longer validates instead of failing the practice', () => {
    expect(compileUserPatterns(['(a)\\1', 'auto']).map((p) => p.source)).toEqual(['auto'])
  })

  it('is what the promise settings validate auto-reply patterns with', () => {
    const bad = promiseSpecSchema.safeParse({
      targets: [{ duration: '1d' }],
      autoReplyPatterns: ['(?!x)y'],
    })
    expect(bad.success).toBe(false)
    expect(bad.error?.issues[0]?.message).toMatch(/lookaround are not supported/)
    expect(
      promiseSpecSchema.parse({ targets: [{ duration: '1d' }], autoReplyPatterns: ['(.*)*x'] })
        .autoReplyPatterns,
    ).toEqual(['(.*)*x'])
  })
})
