/**
 * @module The contract every "connect an account" flow implements: an authorisation URL (with
 * `state` and a PKCE challenge), the code exchange, the accounts the grant can reach (Pages and
 * their Instagram accounts, Business Profile locations, a YouTube channel, an X account), the
 * last step that makes an account deliver (Page webhooks), and token refresh. Flows hold no
 * state: the caller keeps `state`, the verifier and the grant (sealed) between the steps.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Platform } from '@earshot/core'

/** The providers a user signs in with (Instagram comes through Facebook Login). */
export const CONNECT_PROVIDERS = ['facebook', 'google', 'x'] as const
export type ConnectProvider = (typeof CONNECT_PROVIDERS)[number]

/** Tokens a provider granted, and what they may do. */
export interface ConnectGrant {
  accessToken: string
  refreshToken?: string
  /** When `accessToken` stops working; undefined when it does not expire. */
  expiresAt?: Date
  /** Permissions actually granted (the user may untick some on the consent screen). */
  scopes: string[]
}

/** An account the grant can connect as a channel. Its credentials stay on the server. */
export interface ConnectableAccount {
  /** Unique among one grant's accounts (`platform:id`): what the picker form posts back. */
  key: string
  platform: Platform
  externalAccountId: string
  name: string
  /** A line for the picker ("Instagram account of Smile Dental"). */
  detail?: string
  /** Channel config without secrets (base URLs, API version, client-secret env reference). */
  config: Record<string, unknown>
  ownIdentities: string[]
  /** The channel's own tokens (a Page token for Pages and their Instagram accounts). */
  credentials: ConnectGrant
  /** Why this account cannot be connected, in words (a missing Page task); undefined: it can. */
  problem?: string
}

/** Input of {@link ConnectFlow.authorizeUrl}. */
export interface AuthorizeInput {
  state: string
  /** S256 challenge of the verifier the caller keeps (see {@link createPkcePair}). */
  codeChallenge: string
}

/** One provider's flow. Every method validates the provider's answers with zod. */
export interface ConnectFlow {
  provider: ConnectProvider
  /** The redirect URI registered with the provider (matched exactly by every provider). */
  redirectUri: string
  /** Where to send the browser. */
  authorizeUrl(input: AuthorizeInput): string
  /** Trades the callback's code for tokens; throws {@link ConnectError} in words. */
  exchangeCode(input: { code: string; codeVerifier: string }): Promise<ConnectGrant>
  /** The accounts this grant reaches. */
  listAccounts(grant: ConnectGrant): Promise<ConnectableAccount[]>
  /** Makes a chosen account deliver (subscribes a Page to webhooks); a no-op where nothing is needed. */
  activate(account: ConnectableAccount): Promise<void>
  /** New tokens before the old ones expire; a revoked grant throws a `reauth` {@link ConnectError}. */
  refresh(credentials: ConnectGrant): Promise<ConnectGrant>
}

/** How a connect step failed; each maps to a sentence the user sees. */
export const CONNECT_ERROR_KINDS = [
  'denied',
  'invalid_code',
  'state_mismatch',
  'missing_permission',
  'reauth',
  'no_accounts',
  'provider_error',
] as const
export type ConnectErrorKind = (typeof CONNECT_ERROR_KINDS)[number]

/** A failed connect step; `message` is written for the user and never holds a token. */
export class ConnectError extends Error {
  override readonly name = 'ConnectError'
  readonly kind: ConnectErrorKind
  /** Permissions the user did not grant (for `missing_permission`). */
  readonly missing: string[]

  constructor(kind: ConnectErrorKind, message: string, options: { missing?: string[] } = {}) {
    super(message)
    this.kind = kind
    this.missing = options.missing ?? []
  }
}

export function isConnectError(value: unknown): value is ConnectError {
  return value instanceof Error && value.name === 'ConnectError' && 'kind' in value
}

/** base64url of SHA-256 without padding (RFC 7636 S256). */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url')
}

/** A fresh PKCE verifier (43 URL-safe characters, 256 bits) and its S256 challenge. */
export function createPkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: pkceChallenge(verifier) }
}

/** The scopes of `required` missing from `granted`. */
export function missingScopes(required: readonly string[], granted: readonly string[]): string[] {
  const have = new Set(granted)
  return required.filter((s) => !have.has(s))
}

/** `expires_in` seconds from `now` as a date (undefined for 0 / absent: no expiry). */
export function expiryFrom(now: Date, expiresIn: number | undefined): Date | undefined {
  return expiresIn ? new Date(now.getTime() + expiresIn * 1000) : undefined
}

const PROVIDER_NAMES: Record<ConnectProvider, string> = {
  facebook: 'Facebook',
  google: 'Google',
  x: 'X',
}

/** The provider's display name. */
export function providerName(provider: ConnectProvider): string {
  return PROVIDER_NAMES[provider]
}

/**
 * Reads the provider's redirect back to Earshot: the code, or the reason there is none in words
 * (`error=access_denied` when the user cancelled). Checking `state` is the caller's job.
 */
export function readCallback(
  provider: ConnectProvider,
  query: URLSearchParams,
): { code: string; state: string } {
  const state = query.get('state') ?? ''
  const error = query.get('error')
  const name = PROVIDER_NAMES[provider]
  if (error === 'access_denied' || query.get('error_reason') === 'user_denied')
    throw new ConnectError(
      'denied',
      `You cancelled or declined on ${name}, so nothing was connected. Start again when you are ready.`,
    )
  if (error)
    throw new ConnectError(
      'provider_error',
      `${name} did not sign you in (${error.slice(0, 100)}). Try again.`,
    )
  const code = query.get('code')
  if (!code)
    throw new ConnectError(
      'provider_error',
      `${name} sent you back without a sign-in code. Try again.`,
    )
  return { code, state }
}
