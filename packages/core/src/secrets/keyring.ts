/**
 * @module The keyring that seals secrets at rest: AES-256-GCM under the current key, opened with
 * the current key or any old one (so a key can be rotated without downtime). Keys come from the
 * environment: `EARSHOT_SECRET_KEY` (current) and `EARSHOT_SECRET_KEYS_OLD` (comma-separated).
 * A key is 32 random bytes written as base64/base64url or 64 hex digits, optionally prefixed
 * with an explicit id (`2026q4:BASE64`); without one the id is derived from the key.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'
import { EarshotError } from '../errors.js'

/** One key: its id (stored next to every ciphertext it seals) and its 32 bytes. */
export interface SecretKey {
  id: string
  key: Buffer
}

/** The current key seals; every key (current first) can open. */
export interface Keyring {
  current: SecretKey
  old: readonly SecretKey[]
}

/** A sealed value: the id of the key that sealed it and the text to store. */
export interface SealedSecret {
  keyId: string
  ciphertext: string
}

const VERSION = 'v1'
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,40}$/

/** Parses one key as written in the environment (`[id:]base64|hex`). */
export function parseSecretKey(text: string, name = 'EARSHOT_SECRET_KEY'): SecretKey {
  const trimmed = text.trim()
  const colon = trimmed.indexOf(':')
  const explicitId = colon > 0 ? trimmed.slice(0, colon) : undefined
  const material = colon > 0 ? trimmed.slice(colon + 1) : trimmed
  if (explicitId !== undefined && !KEY_ID_PATTERN.test(explicitId)) {
    throw invalidKey(name, 'its id (before the colon) may only use letters, digits, _ and -')
  }
  const key = /^[0-9a-fA-F]{64}$/.test(material)
    ? Buffer.from(material, 'hex')
    : Buffer.from(material.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
  if (key.length !== 32) {
    throw invalidKey(name, `it decodes to ${key.length} bytes, a key is 32 random bytes`)
  }
  return { id: explicitId ?? derivedKeyId(key), key }
}

/** The id of a key without an explicit one: the start of its SHA-256, so it names the key without revealing it. */
function derivedKeyId(key: Buffer): string {
  return `k${createHash('sha256').update(key).digest('hex').slice(0, 10)}`
}

function invalidKey(name: string, why: string): EarshotError {
  return new EarshotError(
    'INVALID_CONFIGURATION',
    `${name} is not a usable secret key: ${why}. Generate one with: openssl rand -base64 32`,
  )
}

/**
 * The keyring from the environment, or undefined when `EARSHOT_SECRET_KEY` is not set (old keys
 * alone cannot seal anything, so they are an error without a current key).
 */
export function keyringFromEnv(
  env: Record<string, string | undefined> = process.env,
): Keyring | undefined {
  const current = env.EARSHOT_SECRET_KEY?.trim()
  const old = (env.EARSHOT_SECRET_KEYS_OLD ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '')
  if (!current) {
    if (old.length > 0) {
      throw new EarshotError(
        'INVALID_CONFIGURATION',
        'EARSHOT_SECRET_KEYS_OLD is set but EARSHOT_SECRET_KEY is not: set the new key as EARSHOT_SECRET_KEY.',
      )
    }
    return undefined
  }
  return createKeyring(
    parseSecretKey(current),
    old.map((k) => parseSecretKey(k, 'EARSHOT_SECRET_KEYS_OLD')),
  )
}

/** A keyring from parsed keys; duplicate ids are a configuration error (which key would open?). */
export function createKeyring(current: SecretKey, old: readonly SecretKey[] = []): Keyring {
  const ids = new Set<string>([current.id])
  const others: SecretKey[] = []
  for (const k of old) {
    if (k.key.equals(current.key) || others.some((o) => o.key.equals(k.key))) continue
    if (ids.has(k.id)) {
      throw new EarshotError(
        'INVALID_CONFIGURATION',
        `two different secret keys share the id ${k.id}`,
      )
    }
    ids.add(k.id)
    others.push(k)
  }
  return { current, old: others }
}

/** A new random key, written the way the environment takes it. */
export function generateSecretKey(): string {
  return randomBytes(32).toString('base64')
}

/**
 * Seals `plaintext` under the current key. The key id is bound as associated data, so a
 * ciphertext moved to another key id does not open.
 */
export function sealSecret(keyring: Keyring, plaintext: string): SealedSecret {
  const { id, key } = keyring.current
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(`${VERSION}:${id}`))
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  const tag = cipher.getAuthTag()
  return {
    keyId: id,
    ciphertext: [
      VERSION,
      iv.toString('base64url'),
      tag.toString('base64url'),
      body.toString('base64url'),
    ].join('.'),
  }
}

/** Opens a sealed value with the key it names; a missing key or a tampered text is a clear error. */
export function openSecret(keyring: Keyring, sealed: SealedSecret): string {
  const key = [keyring.current, ...keyring.old].find((k) => k.id === sealed.keyId)
  if (!key) {
    throw new EarshotError(
      'INVALID_CONFIGURATION',
      `a stored secret was sealed with key ${sealed.keyId}, which is neither EARSHOT_SECRET_KEY nor in EARSHOT_SECRET_KEYS_OLD`,
    )
  }
  const [version, iv, tag, body] = sealed.ciphertext.split('.')
  if (version !== VERSION || iv === undefined || tag === undefined || body === undefined) {
    throw new EarshotError(
      'INVALID_CONFIGURATION',
      'a stored secret is not in a format this version reads',
    )
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'))
    decipher.setAAD(Buffer.from(`${VERSION}:${key.id}`))
    decipher.setAuthTag(Buffer.from(tag, 'base64url'))
    return Buffer.concat([
      decipher.update(Buffer.from(body, 'base64url')),
      decipher.final(),
    ]).toString('utf8')
  } catch (cause) {
    throw new EarshotError(
      'INVALID_CONFIGURATION',
      `a stored secret does not open with key ${key.id} (wrong key material or altered data)`,
      { cause },
    )
  }
}
