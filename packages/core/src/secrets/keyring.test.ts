import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { isEarshotError } from '../errors.js'
import {
  createKeyring,
  generateSecretKey,
  keyringFromEnv,
  openSecret,
  parseSecretKey,
  sealSecret,
} from './keyring.js'

const keyA = generateSecretKey()
const keyB = generateSecretKey()

describe('the secret keyring', () => {
  it('seals with the current key and opens what it sealed; the ciphertext holds no plaintext', () => {
    const ring = keyringFromEnv({ EARSHOT_SECRET_KEY: keyA })!
    const sealed = sealSecret(ring, 'EAAB-page-token')
    expect(sealed.keyId).toBe(ring.current.id)
    expect(sealed.ciphertext).not.toContain('EAAB')
    expect(openSecret(ring, sealed)).toBe('EAAB-page-token')
    // A fresh IV each time: the same secret never seals to the same text.
    expect(sealSecret(ring, 'EAAB-page-token').ciphertext).not.toBe(sealed.ciphertext)
  })

  it('opens values sealed with an old key after rotation, and names a missing key', () => {
    const before = keyringFromEnv({ EARSHOT_SECRET_KEY: keyA })!
    const sealed = sealSecret(before, 'refresh-1')
    const after = keyringFromEnv({
      EARSHOT_SECRET_KEY: keyB,
      EARSHOT_SECRET_KEYS_OLD: ` ${keyA} ,`,
    })!
    expect(after.current.id).not.toBe(sealed.keyId)
    expect(openSecret(after, sealed)).toBe('refresh-1')
    const withoutOld = keyringFromEnv({ EARSHOT_SECRET_KEY: keyB })!
    expect(() => openSecret(withoutOld, sealed)).toThrow(
      /neither EARSHOT_SECRET_KEY nor in EARSHOT_SECRET_KEYS_OLD/,
    )
  })

  it('rejects altered ciphertext and a ciphertext relabelled with another key id', () => {
    const ring = createKeyring(parseSecretKey(`one:${keyA}`), [parseSecretKey(`two:${keyB}`)])
    const sealed = sealSecret(ring, 'secret')
    const parts = sealed.ciphertext.split('.')
    const body = Buffer.from(parts[3]!, 'base64url')
    body[0] = body[0]! ^ 1
    const altered = [...parts.slice(0, 3), body.toString('base64url')].join('.')
    expect(() => openSecret(ring, { ...sealed, ciphertext: altered })).toThrow(/altered data/)
    expect(() => openSecret(ring, { keyId: 'two', ciphertext: sealed.ciphertext })).toThrow(
      /altered data/,
    )
  })

  it('reads keys as base64, base64url or hex, with an optional explicit id', () => {
    const raw = randomBytes(32)
    const ids = [raw.toString('base64'), raw.toString('base64url'), raw.toString('hex')].map(
      (k) => parseSecretKey(k).id,
    )
    expect(new Set(ids).size).toBe(1)
    expect(parseSecretKey(`2026q4:${raw.toString('hex')}`).id).toBe('2026q4')
  })

  it('explains a key of the wrong size, old keys without a current one, and no key at all', () => {
    let error: unknown
    try {
      keyringFromEnv({ EARSHOT_SECRET_KEY: 'too-short' })
    } catch (e) {
      error = e
    }
    expect(isEarshotError(error, 'INVALID_CONFIGURATION')).toBe(true)
    expect((error as Error).message).toMatch(/32 random bytes.*openssl rand -base64 32/)
    expect(() => keyringFromEnv({ EARSHOT_SECRET_KEYS_OLD: keyA })).toThrow(
      /EARSHOT_SECRET_KEY is not/,
    )
    expect(keyringFromEnv({})).toBeUndefined()
  })

  it('refuses two different keys with the same explicit id', () => {
    expect(() => createKeyring(parseSecretKey(`k:${keyA}`), [parseSecretKey(`k:${keyB}`)])).toThrow(
      /share the id k/,
    )
  })
})
