/**
 * @module Password rules (OWASP ASVS 2.1): judged by length alone, with no composition rules, and
 * checked against a list of common and breached passwords shipped with the code
 * (data/common-passwords.json, built by scripts/build-common-passwords.mjs; no network).
 *
 * Length counts characters (code points, after NFKC) with runs of whitespace counted once and
 * leading or trailing whitespace not at all, so ten spaces, or a short word padded with spaces,
 * is not a long password. Nothing is trimmed from what is stored: the password hashes exactly as typed.
 */
import commonPasswords from './data/common-passwords.json' with { type: 'json' }

export const MIN_PASSWORD_LENGTH = 12
export const MAX_PASSWORD_LENGTH = 128

const COMMON = new Set(commonPasswords.passwords)

/** The form the common list is compared in: NFKC, lower case, no whitespace. */
function comparisonKey(password: string): string {
  return password.normalize('NFKC').toLowerCase().replace(/\s+/g, '')
}

/** Length as the rules count it (see the module comment). */
export function effectiveLength(password: string): number {
  return [...password.normalize('NFKC').replace(/\s+/g, ' ').trim()].length
}

/**
 * Whether a password is common: on the list, one short unit repeated (`abcabcabcabc`), or two
 * list entries run together (`password123456`, `qwertyqwerty`, `iloveyou2020!`… when both halves
 * are listed), which is how common passwords are stretched to pass a length rule.
 */
export function isCommonPassword(password: string): boolean {
  const key = comparisonKey(password)
  if (COMMON.has(key)) return true
  if (/^(.{1,4})\1+$/u.test(key)) return true
  const chars = [...key]
  for (let i = 1; i < chars.length; i++)
    if (COMMON.has(chars.slice(0, i).join('')) && COMMON.has(chars.slice(i).join(''))) return true
  return false
}

/**
 * The problem with a new password, as a sentence for the person choosing it, or undefined when
 * it is acceptable.
 *
 * @example
 * passwordProblem('          ') // 'Use at least 12 characters …'
 * passwordProblem('correct horse battery') // undefined
 */
export function passwordProblem(password: string): string | undefined {
  if ([...password].length > MAX_PASSWORD_LENGTH)
    return `Use at most ${MAX_PASSWORD_LENGTH} characters.`
  if (effectiveLength(password) < MIN_PASSWORD_LENGTH)
    return `Use at least ${MIN_PASSWORD_LENGTH} characters (spaces at the ends or in a row count once, if at all). A few unrelated words make a good one.`
  if (isCommonPassword(password))
    return 'That password is on a list of common or leaked passwords. Choose another.'
  return undefined
}
