/**
 * @module Random secrets and their digests. Only SHA-256 digests of session ids and API tokens
 * are stored, so a leaked database does not hand out live credentials.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** A URL-safe random secret of `bytes` bytes (default 32). */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url')
}

/** Hex SHA-256 of a secret, the form it is stored in. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}

/**
 * Exact, constant-time string comparison: the digests are compared, so the time taken says
 * nothing about where the strings differ or how long the secret is. Any variant (a trailing
 * space, another case, a prefix) is unequal.
 */
export function safeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a, 'utf8').digest()
  const right = createHash('sha256').update(b, 'utf8').digest()
  return timingSafeEqual(left, right) && a === b
}
