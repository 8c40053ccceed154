/**
 * @module TOTP two-factor (RFC 6238 via `otpauth`: SHA-1, 6 digits, 30 s, one step of clock
 * drift either way). The secret is sealed with the core secrets keyring, never stored in clear;
 * a code is accepted at most once (the last used time step is kept, and moved forward with a
 * conditional update so two concurrent requests cannot both spend it). Ten recovery codes are
 * made at enrolment, shown once and stored as SHA-256 digests; each works once.
 */

import { randomBytes } from 'node:crypto'
import { type Keyring, openSecret, sealSecret } from '@earshot/core'
import type { Kysely } from 'kysely'
import { Secret, TOTP } from 'otpauth'
import { renderSVG } from 'uqr'
import type { Database } from '../core.js'
import { sha256Hex } from './secret-token.js'

const PERIOD_S = 30
const RECOVERY_CODES = 10

interface TotpUser {
  organisationId: string
  id: string
  email: string
}

function totpFor(secretBase32: string, label: string): TOTP {
  return new TOTP({
    issuer: 'Earshot',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_S,
    secret: Secret.fromBase32(secretBase32),
  })
}

/** What the enrolment page shows: the secret to type, and a QR code of the otpauth URI. */
export interface TotpEnrolment {
  secret: string
  uri: string
  /** `data:image/svg+xml;base64,…` (allowed by the CSP's img-src data:). */
  qrDataUri: string
}

/** The user's 2FA state. */
export async function twoFactorStatus(
  db: Kysely<Database>,
  user: { organisationId: string; id: string },
): Promise<{ enabled: boolean; recoveryCodesLeft: number }> {
  const row = await db
    .selectFrom('users')
    .select('totp_enabled_at')
    .where('organisation_id', '=', user.organisationId)
    .where('id', '=', user.id)
    .executeTakeFirst()
  const left = await db
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organisation_id', '=', user.organisationId)
    .where('user_id', '=', user.id)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow()
  return { enabled: Boolean(row?.totp_enabled_at), recoveryCodesLeft: Number(left.n) }
}

/**
 * Starts (or restarts) enrolment: a new random secret, sealed and stored as not yet enabled.
 * Refused while 2FA is on (disable it first, with re-authentication).
 */
export async function beginTotpEnrolment(
  db: Kysely<Database>,
  keyring: Keyring,
  user: TotpUser,
): Promise<TotpEnrolment> {
  const secret = new Secret({ size: 20 }).base32
  const sealed = sealSecret(keyring, secret)
  const result = await db
    .updateTable('users')
    .set({ totp_key_id: sealed.keyId, totp_ciphertext: sealed.ciphertext, totp_last_step: null })
    .where('organisation_id', '=', user.organisationId)
    .where('id', '=', user.id)
    .where('totp_enabled_at', 'is', null)
    .executeTakeFirst()
  if (Number(result.numUpdatedRows) === 0) throw new Error('two-factor is already enabled')
  return enrolmentView(secret, user.email)
}

/** The enrolment page for a secret already begun (a reload shows the same QR code). */
export async function pendingTotpEnrolment(
  db: Kysely<Database>,
  keyring: Keyring,
  user: TotpUser,
): Promise<TotpEnrolment | undefined> {
  const row = await sealedSecretOf(db, user)
  if (!row || row.enabled) return undefined
  return enrolmentView(openSecret(keyring, row.sealed), user.email)
}

function enrolmentView(secret: string, email: string): TotpEnrolment {
  const uri = totpFor(secret, email).toString()
  const svg = renderSVG(uri, { border: 2 })
  return {
    secret,
    uri,
    qrDataUri: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
  }
}

async function sealedSecretOf(db: Kysely<Database>, user: { organisationId: string; id: string }) {
  const row = await db
    .selectFrom('users')
    .select(['totp_key_id', 'totp_ciphertext', 'totp_enabled_at', 'totp_last_step'])
    .where('organisation_id', '=', user.organisationId)
    .where('id', '=', user.id)
    .executeTakeFirst()
  if (!row?.totp_key_id || !row.totp_ciphertext) return undefined
  return {
    sealed: { keyId: row.totp_key_id, ciphertext: row.totp_ciphertext },
    enabled: row.totp_enabled_at !== null,
    lastStep: row.totp_last_step === null ? null : Number(row.totp_last_step),
  }
}

/** Checks a 6-digit code against the secret and spends its time step; true once per step. */
async function spendTotpCode(
  db: Kysely<Database>,
  keyring: Keyring,
  user: { organisationId: string; id: string },
  code: string,
  now: Date,
  wantEnabled: boolean,
): Promise<boolean> {
  const token = code.replace(/\s+/g, '')
  if (!/^\d{6}$/.test(token)) return false
  const row = await sealedSecretOf(db, user)
  if (!row || row.enabled !== wantEnabled) return false
  const totp = totpFor(openSecret(keyring, row.sealed), 'x')
  const delta = totp.validate({ token, timestamp: now.getTime(), window: 1 })
  if (delta === null) return false
  const step = Math.floor(now.getTime() / 1000 / PERIOD_S) + delta
  const result = await db
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('organisation_id', '=', user.organisationId)
    .where('id', '=', user.id)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/**
 * Finishes enrolment with the first code from the authenticator app: 2FA is on from now, and
 * the returned recovery codes are the only time they exist in clear.
 */
export async function confirmTotpEnrolment(
  db: Kysely<Database>,
  keyring: Keyring,
  user: { organisationId: string; id: string },
  code: string,
  now: Date,
): Promise<string[] | undefined> {
  if (!(await spendTotpCode(db, keyring, user, code, now, false))) return undefined
  const codes = Array.from({ length: RECOVERY_CODES }, () =>
    formatRecoveryCode(randomBytes(8).toString('hex')),
  )
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ totp_enabled_at: now })
      .where('organisation_id', '=', user.organisationId)
      .where('id', '=', user.id)
      .execute()
    await trx
      .deleteFrom('recovery_codes')
      .where('organisation_id', '=', user.organisationId)
      .where('user_id', '=', user.id)
      .execute()
    await trx
      .insertInto('recovery_codes')
      .values(
        codes.map((c) => ({
          organisation_id: user.organisationId,
          user_id: user.id,
          code_hash: sha256Hex(normaliseRecoveryCode(c)),
        })),
      )
      .execute()
  })
  return codes
}

/** `0f3a-9c1d-77b2-e054` (64 random bits): easy to read out and type. */
function formatRecoveryCode(hex: string): string {
  return hex.match(/.{4}/g)!.join('-')
}

function normaliseRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, '')
}

/** Whether the user has 2FA on (sign-in and re-authentication then ask for a code). */
export async function hasTwoFactor(
  db: Kysely<Database>,
  user: { organisationId: string; id: string },
): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('totp_enabled_at')
    .where('organisation_id', '=', user.organisationId)
    .where('id', '=', user.id)
    .executeTakeFirst()
  return Boolean(row?.totp_enabled_at)
}

/**
 * The second factor: a current authenticator code (once), or an unused recovery code (spent).
 */
export async function verifySecondFactor(
  db: Kysely<Database>,
  keyring: Keyring,
  user: { organisationId: string; id: string },
  code: string,
  now: Date,
): Promise<'totp' | 'recovery' | undefined> {
  if (await spendTotpCode(db, keyring, user, code, now, true)) return 'totp'
  const normalised = normaliseRecoveryCode(code)
  if (normalised.length !== 16) return undefined
  const spent = await db
    .updateTable('recovery_codes')
    .set({ used_at: now })
    .where('organisation_id', '=', user.organisationId)
    .where('user_id', '=', user.id)
    .where('code_hash', '=', sha256Hex(normalised))
    .where('used_at', 'is', null)
    .executeTakeFirst()
  return Number(spent.numUpdatedRows) === 1 ? 'recovery' : undefined
}

/** Turns 2FA off: the sealed secret and the recovery codes are deleted. */
export async function disableTwoFactor(
  db: Kysely<Database>,
  user: { organisationId: string; id: string },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({
        totp_key_id: null,
        totp_ciphertext: null,
        totp_enabled_at: null,
        totp_last_step: null,
      })
      .where('organisation_id', '=', user.organisationId)
      .where('id', '=', user.id)
      .execute()
    await trx
      .deleteFrom('recovery_codes')
      .where('organisation_id', '=', user.organisationId)
      .where('user_id', '=', user.id)
      .execute()
  })
}

/** Generates the current code for a secret (tests, standing in for the authenticator app). */
export function totpCodeAt(secretBase32: string, at: Date): string {
  return totpFor(secretBase32, 'x').generate({ timestamp: at.getTime() })
}

/**
 * Re-seals every two-factor secret not sealed with the current key (part of
 * `earshot secrets rotate`), so the old key can then be removed; how many were re-sealed.
 */
export async function resealTwoFactorSecrets(
  db: Kysely<Database>,
  keyring: Keyring,
): Promise<number> {
  const stale = await db
    .selectFrom('users')
    .select(['organisation_id', 'id', 'totp_key_id', 'totp_ciphertext'])
    .where('totp_key_id', 'is not', null)
    .where('totp_key_id', '!=', keyring.current.id)
    .execute()
  let resealed = 0
  for (const row of stale) {
    if (!row.totp_key_id || !row.totp_ciphertext) continue
    const sealed = sealSecret(
      keyring,
      openSecret(keyring, { keyId: row.totp_key_id, ciphertext: row.totp_ciphertext }),
    )
    await db
      .updateTable('users')
      .set({ totp_key_id: sealed.keyId, totp_ciphertext: sealed.ciphertext })
      .where('organisation_id', '=', row.organisation_id)
      .where('id', '=', row.id)
      .where('totp_key_id', '=', row.totp_key_id)
      .execute()
    resealed++
  }
  return resealed
}
