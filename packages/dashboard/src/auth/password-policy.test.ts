/**
 * Finding 9 of issue 13: ten spaces was a valid password. Passwords are now judged by length
 * (ASVS: at least 12, up to 128, no composition rules) and checked against a shipped list of
 * common and breached passwords.
 */
import { describe, expect, it } from 'vitest'
import { createUserInputSchema } from './create-user.js'
import { effectiveLength, isCommonPassword, passwordProblem } from './password-policy.js'

describe('password rules', () => {
  it('refuses ten spaces, and short words padded with spaces', () => {
    expect(passwordProblem(' '.repeat(10))).toMatch(/at least 12/)
    expect(passwordProblem(' '.repeat(40))).toMatch(/at least 12/)
    expect(passwordProblem('   horse     ')).toMatch(/at least 12/)
    expect(effectiveLength('  a  b  ')).toBe(3)
  })

  it('counts characters, not bytes, and has no composition rules', () => {
    expect(passwordProblem('ümlaut-ümlaut')).toBeUndefined()
    expect(passwordProblem('🦷🦷🦷🦷🦷🦷🦷🦷🦷🦷🦷')).toMatch(/at least 12/)
    expect(passwordProblem('tide pool lantern')).toBeUndefined()
    expect(passwordProblem('all lower case words here')).toBeUndefined()
  })

  it('allows 128 characters and refuses more', () => {
    const words = 'quiet harbour morning '
    expect(passwordProblem(words.repeat(6).slice(0, 128))).toBeUndefined()
    expect(passwordProblem(words.repeat(6).slice(0, 129))).toMatch(/at most 128/)
  })

  it('refuses common and leaked passwords, also stretched to pass the length rule', () => {
    for (const common of [
      'qwertyuiop123',
      '1qaz2wsx3edc',
      'Password123456',
      'password password',
      'iloveyouiloveyou',
      'abcabcabcabc',
      'aaaaaaaaaaaaaaaa',
      'DRAGON 123456',
    ]) {
      expect(isCommonPassword(common), common).toBe(true)
      expect(passwordProblem(common), common).toMatch(/common or leaked/)
    }
    expect(isCommonPassword('correct horse battery')).toBe(false)
  })

  it('is what creating a user enforces', () => {
    const base = {
      organisationId: 'o',
      email: 'pat@example.com',
      name: 'Pat',
      role: 'viewer',
    } as const
    expect(createUserInputSchema.safeParse({ ...base, password: ' '.repeat(10) }).success).toBe(
      false,
    )
    expect(createUserInputSchema.safeParse({ ...base, password: 'password123456' }).success).toBe(
      false,
    )
    expect(
      createUserInputSchema.safeParse({ ...base, password: 'correct horse battery' }).success,
    ).toBe(true)
  })
})
