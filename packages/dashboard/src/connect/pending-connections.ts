/**
 * @module Connections in progress (`oauth_connections`). Starting one stores the digest of a
 * fresh `state` bound to the digest of the session, and the PKCE verifier sealed; the callback
 * must come back to the same session within {@link AUTHORIZE_TTL_MS} with that state. Between
 * callback and pick, the accounts and their tokens are kept sealed on the server (never in the
 * page or a cookie) for {@link PICK_TTL_MS}. A row is deleted as soon as it is used.
 */
import { randomUUID } from 'node:crypto'
import {
  type ConnectableAccount,
  ConnectError,
  type ConnectFlow,
  type ConnectProvider,
  createPkcePair,
} from '@earshot/collectors'
import { type Keyring, openSecret, processKeyring, sealSecret } from '@earshot/core'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { randomSecret, sha256Hex } from '../auth/secret-token.js'
import type { Database } from '../core.js'

/** From the click to the provider's redirect back. */
export const AUTHORIZE_TTL_MS = 10 * 60_000
/** From the redirect back to the pick. */
export const PICK_TTL_MS = 30 * 60_000

export interface OAuthConnectionTable {
  organisation_id: string
  id: string
  state_hash: string
  session_hash: string
  user_id: string
  practice_id: string
  channel_id: string | null
  provider: string
  stage: 'authorizing' | 'picking'
  key_id: string
  ciphertext: string
  expires_at: Date | string
  created_at: Date | string
}
type ConnectDb = Kysely<Database & { oauth_connections: OAuthConnectionTable }>
const connections = (db: Kysely<Database>) => db as unknown as ConnectDb

const grantSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string().optional(),
  expiresAt: z.coerce.date().optional(),
  scopes: z.array(z.string()),
})
const accountSchema = z.object({
  key: z.string(),
  platform: z.string(),
  externalAccountId: z.string(),
  name: z.string(),
  detail: z.string().optional(),
  config: z.record(z.string(), z.unknown()),
  ownIdentities: z.array(z.string()),
  credentials: grantSchema,
  problem: z.string().optional(),
})
const sealedSchema = z.object({
  codeVerifier: z.string(),
  accounts: z.array(accountSchema).optional(),
})

/** Who started a connection, and for what. */
export interface ConnectionOwner {
  organisationId: string
  userId: string
  sessionId: string
}

/** A connection row, opened. */
export interface PendingConnection {
  id: string
  provider: ConnectProvider
  practiceId: string
  channelId: string | null
  userId: string
  codeVerifier: string
  accounts: ConnectableAccount[]
}

function seal(keyring: Keyring, payload: z.input<typeof sealedSchema>) {
  return sealSecret(keyring, JSON.stringify(payload))
}

/**
 * Starts a connection: stores the hashed state and the sealed verifier; returns where to send
 * the browser.
 */
export async function startConnection(
  db: Kysely<Database>,
  input: ConnectionOwner & {
    practiceId: string
    channelId?: string
    flow: ConnectFlow
    now: Date
    keyring?: Keyring
  },
): Promise<{ id: string; authorizeUrl: string }> {
  const cdb = connections(db)
  const state = randomSecret(32)
  const pkce = createPkcePair()
  const sealed = seal(input.keyring ?? processKeyring(), { codeVerifier: pkce.verifier })
  const id = randomUUID()
  // Abandoned connections (the user closed the provider's tab) are swept here.
  await cdb.deleteFrom('oauth_connections').where('expires_at', '<', input.now).execute()
  await cdb
    .insertInto('oauth_connections')
    .values({
      organisation_id: input.organisationId,
      id,
      state_hash: sha256Hex(state),
      session_hash: sha256Hex(input.sessionId),
      user_id: input.userId,
      practice_id: input.practiceId,
      channel_id: input.channelId ?? null,
      provider: input.flow.provider,
      stage: 'authorizing',
      key_id: sealed.keyId,
      ciphertext: sealed.ciphertext,
      expires_at: new Date(input.now.getTime() + AUTHORIZE_TTL_MS),
      created_at: input.now,
    })
    .execute()
  return { id, authorizeUrl: input.flow.authorizeUrl({ state, codeChallenge: pkce.challenge }) }
}

const STATE_MISMATCH =
  'This sign-in does not match a connection you started here, or it took too long. Nothing was connected; start again from the channel page.'

/**
 * The connection a callback's `state` belongs to, checked against the session and provider;
 * throws a `state_mismatch` ConnectError otherwise. The row is consumed: a state works once.
 */
export async function takeAuthorizingConnection(
  db: Kysely<Database>,
  input: {
    state: string
    provider: ConnectProvider
    sessionId: string
    now: Date
    keyring?: Keyring
  },
): Promise<PendingConnection & { organisationId: string }> {
  const cdb = connections(db)
  if (!input.state) throw new ConnectError('state_mismatch', STATE_MISMATCH)
  const row = await cdb
    .selectFrom('oauth_connections')
    .selectAll()
    .where('state_hash', '=', sha256Hex(input.state))
    .where('stage', '=', 'authorizing')
    .executeTakeFirst()
  if (!row) throw new ConnectError('state_mismatch', STATE_MISMATCH)
  await cdb
    .deleteFrom('oauth_connections')
    .where('organisation_id', '=', row.organisation_id)
    .where('id', '=', row.id)
    .execute()
  if (
    row.session_hash !== sha256Hex(input.sessionId) ||
    row.provider !== input.provider ||
    new Date(row.expires_at).getTime() < input.now.getTime()
  )
    throw new ConnectError('state_mismatch', STATE_MISMATCH)
  return { ...open(row, input.keyring), organisationId: row.organisation_id }
}

function open(row: OAuthConnectionTable, keyring?: Keyring): PendingConnection {
  const payload = sealedSchema.parse(
    JSON.parse(
      openSecret(keyring ?? processKeyring(), { keyId: row.key_id, ciphertext: row.ciphertext }),
    ),
  )
  return {
    id: row.id,
    provider: row.provider as ConnectProvider,
    practiceId: row.practice_id,
    channelId: row.channel_id,
    userId: row.user_id,
    codeVerifier: payload.codeVerifier,
    accounts: (payload.accounts ?? []) as ConnectableAccount[],
  }
}

/** Keeps the accounts of a finished sign-in (sealed) until the user picks; returns the row id. */
export async function storeAccountsForPicking(
  db: Kysely<Database>,
  input: ConnectionOwner & {
    pending: PendingConnection
    accounts: ConnectableAccount[]
    now: Date
    keyring?: Keyring
  },
): Promise<string> {
  const cdb = connections(db)
  const sealed = seal(input.keyring ?? processKeyring(), {
    codeVerifier: '',
    accounts: input.accounts.map((a) => ({
      ...a,
      credentials: {
        ...a.credentials,
        ...(a.credentials.expiresAt ? { expiresAt: a.credentials.expiresAt.toISOString() } : {}),
      },
    })) as unknown as z.input<typeof accountSchema>[],
  })
  const id = randomUUID()
  await cdb
    .insertInto('oauth_connections')
    .values({
      organisation_id: input.organisationId,
      id,
      // Never matched by a callback: the picking stage is found by id and session only.
      state_hash: sha256Hex(randomSecret(32)),
      session_hash: sha256Hex(input.sessionId),
      user_id: input.userId,
      practice_id: input.pending.practiceId,
      channel_id: input.pending.channelId,
      provider: input.pending.provider,
      stage: 'picking',
      key_id: sealed.keyId,
      ciphertext: sealed.ciphertext,
      expires_at: new Date(input.now.getTime() + PICK_TTL_MS),
      created_at: input.now,
    })
    .execute()
  return id
}

/** A connection waiting for the pick, only for the session that started it; undefined otherwise. */
export async function loadPickingConnection(
  db: Kysely<Database>,
  input: ConnectionOwner & { id: string; now: Date; keyring?: Keyring },
): Promise<PendingConnection | undefined> {
  const row = await connections(db)
    .selectFrom('oauth_connections')
    .selectAll()
    .where('organisation_id', '=', input.organisationId)
    .where('id', '=', input.id)
    .where('stage', '=', 'picking')
    .where('session_hash', '=', sha256Hex(input.sessionId))
    .where('expires_at', '>=', input.now)
    .executeTakeFirst()
  return row ? open(row, input.keyring) : undefined
}

/** Forgets a connection (used, or cancelled). */
export async function deleteConnection(
  db: Kysely<Database>,
  organisationId: string,
  id: string,
): Promise<void> {
  await connections(db)
    .deleteFrom('oauth_connections')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .execute()
}
