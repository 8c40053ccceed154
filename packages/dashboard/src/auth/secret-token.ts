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

/** Constant-time string comparison (false when lengths differ). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}
