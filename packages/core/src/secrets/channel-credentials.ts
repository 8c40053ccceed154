/**
 * @module A channel's platform credentials (access token, refresh token, expiry, scopes),
 * sealed at rest with the keyring. Channels created before this existed keep their tokens in
 * `channels.config` (inline or `env:NAME`); those are read transparently until
 * {@link rotateSecrets} moves them into sealed storage.
 */
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { EarshotError } from '../errors.js'
import type { Database } from '../storage/database.js'
import { parseOrThrow } from '../util/parse-or-throw.js'
import { type Keyring, openSecret, sealSecret } from './keyring.js'
import { processKeyring } from './process-keyring.js'

/** What a connected channel needs to call its platform. */
export interface ChannelCredentials {
  /** Undefined only for a refresh-token-only channel (Google) that has not been refreshed yet. */
  accessToken?: string
  refreshToken?: string
  /** When the access token stops working (undefined: it does not expire or nobody said). */
  expiresAt?: Date
  /** The permissions the platform granted. */
  scopes: string[]
}

export const channelCredentialsInputSchema = z
  .object({
    organisationId: z.string().min(1),
    channelId: z.string().min(1),
    accessToken: z.string().min(1).max(8192).optional(),
    refreshToken: z.string().min(1).max(8192).optional(),
    expiresAt: z.coerce.date().optional(),
    scopes: z.array(z.string().min(1).max(200)).max(100).default([]),
  })
  .refine(
    (c) => c.accessToken !== undefined || c.refreshToken !== undefined,
    'an access token or a refresh token is required',
  )
export type ChannelCredentialsInput = z.input<typeof channelCredentialsInputSchema>

/** Options of the credential functions. */
export interface CredentialOptions {
  /** Default: the process keyring (`EARSHOT_SECRET_KEY`, or the data folder's key). */
  keyring?: Keyring
  /** Restricts the lookup to one organisation (callers holding a user's session should pass it). */
  organisationId?: string
  /** Where `env:NAME` references in old plain configs are read (default `process.env`). */
  env?: Record<string, string | undefined>
}

/** The config keys that held tokens before sealed storage; rotation moves them out. */
const PLAIN_TOKEN_KEYS = ['accessToken', 'refreshToken'] as const

/** The sealed part: tokens only (expiry and scopes are stored in clear for scheduling). */
const sealedPayloadSchema = z.object({
  accessToken: z.string().min(1).optional(),
  refreshToken: z.string().min(1).optional(),
})

/**
 * Stores (or replaces) a channel's credentials, sealed under the keyring's current key.
 *
 * @example
 * await saveChannelCredentials(db, { organisationId, channelId, accessToken, scopes: ['pages_manage_metadata'] })
 */
export async function saveChannelCredentials(
  db: Kysely<Database>,
  input: ChannelCredentialsInput,
  options: Pick<CredentialOptions, 'keyring'> & { now?: Date } = {},
): Promise<void> {
  const c = parseOrThrow(channelCredentialsInputSchema, input, 'channel credentials')
  const channel = await db
    .selectFrom('channels')
    .select('id')
    .where('organisation_id', '=', c.organisationId)
    .where('id', '=', c.channelId)
    .executeTakeFirst()
  if (!channel)
    throw new EarshotError('NOT_FOUND', `no channel ${c.channelId} in this organisation`)
  const payload = JSON.stringify({
    ...(c.accessToken !== undefined ? { accessToken: c.accessToken } : {}),
    ...(c.refreshToken !== undefined ? { refreshToken: c.refreshToken } : {}),
  })
  const sealed = sealSecret(options.keyring ?? processKeyring(), payload)
  const values = {
    key_id: sealed.keyId,
    ciphertext: sealed.ciphertext,
    expires_at: c.expiresAt ?? null,
    scopes: JSON.stringify(c.scopes),
    updated_at: options.now ?? new Date(),
  }
  await db
    .insertInto('channel_credentials')
    .values({ organisation_id: c.organisationId, channel_id: c.channelId, ...values })
    .onConflict((oc) => oc.columns(['organisation_id', 'channel_id']).doUpdateSet(values))
    .execute()
}

/**
 * A channel's credentials: the sealed ones if stored, else the tokens of an old plain config
 * (`accessToken`/`refreshToken`, inline or `env:NAME`); undefined when the channel has none.
 * The keyring is needed only for sealed credentials.
 *
 * @example
 * const creds = await loadChannelCredentials(db, channelId)
 * if (creds) headers.authorization = `Bearer ${creds.accessToken}`
 */
export async function loadChannelCredentials(
  db: Kysely<Database>,
  channelId: string,
  options: CredentialOptions = {},
): Promise<ChannelCredentials | undefined> {
  let q = db
    .selectFrom('channels')
    .leftJoin('channel_credentials as cc', (j) =>
      j
        .onRef('cc.organisation_id', '=', 'channels.organisation_id')
        .onRef('cc.channel_id', '=', 'channels.id'),
    )
    .select(['channels.config', 'cc.key_id', 'cc.ciphertext', 'cc.expires_at', 'cc.scopes'])
    .where('channels.id', '=', channelId)
  if (options.organisationId !== undefined)
    q = q.where('channels.organisation_id', '=', options.organisationId)
  const row = await q.executeTakeFirst()
  if (!row) return undefined
  if (row.key_id !== null && row.ciphertext !== null) {
    const opened = openSecret(options.keyring ?? processKeyring(), {
      keyId: row.key_id,
      ciphertext: row.ciphertext,
    })
    const tokens = sealedPayloadSchema.parse(JSON.parse(opened))
    return {
      ...(tokens.accessToken !== undefined ? { accessToken: tokens.accessToken } : {}),
      ...(tokens.refreshToken !== undefined ? { refreshToken: tokens.refreshToken } : {}),
      ...(row.expires_at ? { expiresAt: new Date(row.expires_at) } : {}),
      scopes: Array.isArray(row.scopes) ? row.scopes.map(String) : [],
    }
  }
  return plainConfigCredentials(row.config, options.env ?? process.env)
}

/** Tokens from a config written before sealed storage. */
function plainConfigCredentials(
  config: unknown,
  env: Record<string, string | undefined>,
): ChannelCredentials | undefined {
  if (config === null || typeof config !== 'object') return undefined
  const c = config as Record<string, unknown>
  const resolve = (value: unknown): string | undefined => {
    if (typeof value !== 'string' || value === '') return undefined
    if (!value.startsWith('env:')) return value
    const resolved = env[value.slice(4)]
    return resolved === undefined || resolved === '' ? undefined : resolved
  }
  const accessToken = resolve(c.accessToken)
  const refreshToken = resolve(c.refreshToken)
  if (accessToken === undefined && refreshToken === undefined) return undefined
  return {
    ...(accessToken !== undefined ? { accessToken } : {}),
    ...(refreshToken !== undefined ? { refreshToken } : {}),
    scopes: [],
  }
}

/**
 * The channel config a collector sees: the stored config with the sealed tokens put back in
 * (collectors read `accessToken`/`refreshToken` from their config).
 */
export async function configWithCredentials(
  db: Kysely<Database>,
  organisationId: string,
  channelId: string,
  config: Record<string, unknown>,
  options: Pick<CredentialOptions, 'keyring'> = {},
): Promise<Record<string, unknown>> {
  const row = await db
    .selectFrom('channel_credentials')
    .select(['key_id', 'ciphertext'])
    .where('organisation_id', '=', organisationId)
    .where('channel_id', '=', channelId)
    .executeTakeFirst()
  if (!row) return config
  const tokens = sealedPayloadSchema.parse(
    JSON.parse(
      openSecret(options.keyring ?? processKeyring(), {
        keyId: row.key_id,
        ciphertext: row.ciphertext,
      }),
    ),
  )
  return { ...config, ...tokens }
}

/** What {@link rotateSecrets} changed. */
export interface RotateSecretsResult {
  /** Sealed rows re-sealed from an old key to the current one. */
  resealed: number
  /** Channels whose clear-text config tokens were moved into sealed storage. */
  migrated: number
}

/**
 * Re-seals every credential not sealed with the current key, and moves clear-text tokens out
 * of channel configs into sealed storage (`env:NAME` references stay: they hold no secret).
 * Safe to run again; run it after adding a new key, before dropping the old one.
 */
export async function rotateSecrets(
  db: Kysely<Database>,
  options: Pick<CredentialOptions, 'keyring' | 'organisationId'> & { now?: Date } = {},
): Promise<RotateSecretsResult> {
  const keyring = options.keyring ?? processKeyring()
  const now = options.now ?? new Date()
  const result: RotateSecretsResult = { resealed: 0, migrated: 0 }
  let staleQuery = db
    .selectFrom('channel_credentials')
    .select(['organisation_id', 'channel_id', 'key_id', 'ciphertext'])
    .where('key_id', '!=', keyring.current.id)
  if (options.organisationId !== undefined)
    staleQuery = staleQuery.where('organisation_id', '=', options.organisationId)
  const stale = await staleQuery.execute()
  for (const row of stale) {
    const resealed = sealSecret(
      keyring,
      openSecret(keyring, { keyId: row.key_id, ciphertext: row.ciphertext }),
    )
    await db
      .updateTable('channel_credentials')
      .set({ key_id: resealed.keyId, ciphertext: resealed.ciphertext, updated_at: now })
      .where('organisation_id', '=', row.organisation_id)
      .where('channel_id', '=', row.channel_id)
      .where('key_id', '=', row.key_id)
      .execute()
    result.resealed++
  }
  let channelQuery = db.selectFrom('channels').select(['organisation_id', 'id', 'config'])
  if (options.organisationId !== undefined)
    channelQuery = channelQuery.where('organisation_id', '=', options.organisationId)
  const channels = await channelQuery.execute()
  for (const channel of channels) {
    const config = { ...(channel.config as Record<string, unknown>) }
    const plain = Object.fromEntries(
      PLAIN_TOKEN_KEYS.flatMap((k) => {
        const v = config[k]
        return typeof v === 'string' && v !== '' && !v.startsWith('env:') ? [[k, v]] : []
      }),
    ) as { accessToken?: string; refreshToken?: string }
    if (Object.keys(plain).length === 0) continue
    await db.transaction().execute(async (trx) => {
      // Sealed tokens win over clear ones (collection reads them first): those are just dropped.
      const sealed = await trx
        .selectFrom('channel_credentials')
        .select('channel_id')
        .where('organisation_id', '=', channel.organisation_id)
        .where('channel_id', '=', channel.id)
        .executeTakeFirst()
      if (!sealed) {
        await saveChannelCredentials(
          trx,
          { organisationId: channel.organisation_id, channelId: channel.id, ...plain },
          { keyring, now },
        )
      }
      for (const k of Object.keys(plain)) delete config[k]
      await trx
        .updateTable('channels')
        .set({ config: JSON.stringify(config) })
        .where('organisation_id', '=', channel.organisation_id)
        .where('id', '=', channel.id)
        .execute()
    })
    result.migrated++
  }
  return result
}
