/**
 * @module X OAuth 2.0 Authorization Code with PKCE (S256): the authorize URL, the token call of
 * a confidential client (HTTP Basic with the client id and secret), `/2/users/me` for the
 * account, and refresh with `offline.access`. X may rotate the refresh token on every refresh,
 * so the new pair replaces the old one as a whole.
 */
import { z } from 'zod'
import {
  type ConnectableAccount,
  ConnectError,
  type ConnectFlow,
  type ConnectGrant,
  expiryFrom,
  missingScopes,
} from './connect-flow.js'
import {
  formBody,
  type ProviderErrorMapper,
  type ProviderRequestOptions,
  providerRequest,
} from './provider-request.js'

export const X_SCOPES = ['tweet.read', 'tweet.write', 'users.read', 'offline.access'] as const
/** Reading mentions and refreshing need these; `tweet.write` is only needed to reply. */
const X_REQUIRED = ['tweet.read', 'users.read', 'offline.access']

export interface XConnectConfig extends ProviderRequestOptions {
  clientId: string
  clientSecret: string
  redirectUri: string
  /** Default `https://x.com/i/oauth2/authorize`. */
  authorizeUrl?: string
  /** Default `https://api.x.com` (token endpoint and API). */
  apiBaseUrl?: string
  now?: () => Date
}

const tokenSchema = z.object({
  token_type: z.string().optional(),
  expires_in: z.number().int().nonnegative().optional(),
  access_token: z.string().min(1),
  scope: z.string().default(''),
  refresh_token: z.string().min(1).optional(),
})
const errorSchema = z.object({ error: z.string(), error_description: z.string().optional() })
const meSchema = z.object({
  data: z.object({
    id: z.string().min(1),
    name: z.string().default(''),
    username: z.string().min(1),
  }),
})

function tokenErrors(refreshing: boolean): ProviderErrorMapper {
  return (status, json) => {
    const parsed = errorSchema.safeParse(json)
    if (parsed.success && parsed.data.error === 'invalid_request' && refreshing)
      return new ConnectError(
        'reauth',
        'X no longer accepts the connection (access was revoked or it expired). Reconnect the account.',
      )
    if (
      parsed.success &&
      (parsed.data.error === 'invalid_request' || parsed.data.error === 'invalid_grant')
    )
      return new ConnectError(
        'invalid_code',
        'The X sign-in expired or was already used. Start the connection again.',
      )
    if (status === 401)
      return new ConnectError(
        'provider_error',
        "X rejected Earshot's client id or secret; check EARSHOT_X_CLIENT_ID and EARSHOT_X_CLIENT_SECRET.",
      )
    return parsed.success
      ? new ConnectError('provider_error', `X refused the sign-in (${parsed.data.error}).`)
      : undefined
  }
}
const apiErrors: ProviderErrorMapper = (status) => {
  if (status === 401)
    return new ConnectError('reauth', 'X no longer accepts the token. Reconnect the account.')
  if (status === 403)
    return new ConnectError(
      'missing_permission',
      'X refused: a permission is missing. Reconnect and allow what Earshot asks for.',
    )
  return undefined
}

/** Creates the X connect flow. */
export function xConnectFlow(config: XConnectConfig): ConnectFlow {
  const now = config.now ?? (() => new Date())
  const http = config.fetch ? { fetch: config.fetch } : {}
  const api = (config.apiBaseUrl ?? 'https://api.x.com').replace(/\/$/, '')
  const authorize = config.authorizeUrl ?? 'https://x.com/i/oauth2/authorize'
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(config.clientId)}:${encodeURIComponent(config.clientSecret)}`).toString('base64')}`

  const token = async (
    fields: Record<string, string>,
    refreshing: boolean,
  ): Promise<ConnectGrant> => {
    const t = await providerRequest(
      'X',
      refreshing ? 'renew the access' : 'finish the sign-in',
      `${api}/2/oauth2/token`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
        body: formBody({ ...fields, client_id: config.clientId }),
      },
      tokenSchema,
      tokenErrors(refreshing),
      http,
    )
    const scopes = t.scope.split(' ').filter(Boolean)
    const missing = missingScopes(X_REQUIRED, scopes)
    if (missing.length > 0)
      throw new ConnectError(
        'missing_permission',
        `X did not grant ${missing.join(', ')}; Earshot needs ${missing.length === 1 ? 'it' : 'them'} to read mentions and stay connected. Connect again and allow every permission.`,
        { missing },
      )
    const expiresAt = expiryFrom(now(), t.expires_in)
    return {
      accessToken: t.access_token,
      ...(t.refresh_token ? { refreshToken: t.refresh_token } : {}),
      ...(expiresAt ? { expiresAt } : {}),
      scopes,
    }
  }

  return {
    provider: 'x',
    redirectUri: config.redirectUri,

    authorizeUrl({ state, codeChallenge }): string {
      const params = new URLSearchParams({
        response_type: 'code',
        client_id: config.clientId,
        redirect_uri: config.redirectUri,
        scope: X_SCOPES.join(' '),
        state,
        code_challenge: codeChallenge,
        code_challenge_method: 'S256',
      })
      return `${authorize}?${params}`
    },

    exchangeCode: ({ code, codeVerifier }) =>
      token(
        {
          grant_type: 'authorization_code',
          code,
          redirect_uri: config.redirectUri,
          code_verifier: codeVerifier,
        },
        false,
      ),

    async listAccounts(grant): Promise<ConnectableAccount[]> {
      const me = await providerRequest(
        'X',
        'read your account',
        `${api}/2/users/me`,
        { headers: { authorization: `Bearer ${grant.accessToken}` } },
        meSchema,
        apiErrors,
        http,
      )
      const { id, name, username } = me.data
      return [
        {
          key: `x:${id}`,
          platform: 'x',
          externalAccountId: id,
          name: `@${username}`,
          detail: name ? `X account of ${name}` : 'X account',
          config: { baseUrl: api, canSendDms: false },
          ownIdentities: [id, username],
          credentials: grant,
          ...(grant.scopes.includes('tweet.write')
            ? {}
            : {
                problem:
                  'X did not grant tweet.write, so Earshot could not reply; connect again and allow posting.',
              }),
        },
      ]
    },

    async activate(): Promise<void> {
      // X has no per-account subscription step here: the collector polls mentions.
    },

    async refresh(credentials): Promise<ConnectGrant> {
      if (!credentials.refreshToken)
        throw new ConnectError(
          'reauth',
          'This X connection has no refresh token. Reconnect the account.',
        )
      return token({ grant_type: 'refresh_token', refresh_token: credentials.refreshToken }, true)
    },
  }
}
