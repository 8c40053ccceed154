/**
 * @module Google OAuth 2.0 for Business Profile and YouTube: one consent for both scopes with
 * `access_type=offline` and `prompt=consent` (a refresh token is only issued then) and PKCE;
 * then the Business Profile accounts and their locations, and the YouTube channel of the
 * signed-in identity (`channels.list?mine=true`). Granular consent lets users untick a scope:
 * what they kept decides what can be connected.
 */
import { z } from 'zod'
import {
  type ConnectableAccount,
  ConnectError,
  type ConnectFlow,
  type ConnectGrant,
  expiryFrom,
} from './connect-flow.js'
import {
  formBody,
  type ProviderErrorMapper,
  type ProviderRequestOptions,
  providerRequest,
} from './provider-request.js'

export const GOOGLE_BUSINESS_SCOPE = 'https://www.googleapis.com/auth/business.manage'
export const YOUTUBE_SCOPE = 'https://www.googleapis.com/auth/youtube.force-ssl'

export interface GoogleConnectConfig extends ProviderRequestOptions {
  clientId: string
  clientSecret: string
  redirectUri: string
  /** Default `https://accounts.google.com/o/oauth2/v2/auth`. */
  authorizeUrl?: string
  /** Default `https://oauth2.googleapis.com/token`. */
  tokenUrl?: string
  /** Default `https://mybusinessaccountmanagement.googleapis.com`. */
  accountManagementBaseUrl?: string
  /** Default `https://mybusinessbusinessinformation.googleapis.com`. */
  businessInformationBaseUrl?: string
  /** The reviews API new Business Profile channels call (default `https://mybusiness.googleapis.com`). */
  reviewsBaseUrl?: string
  /** Default `https://www.googleapis.com` (YouTube Data API). */
  youtubeBaseUrl?: string
  /** What new channels' configs name as the client secret (default `env:EARSHOT_GOOGLE_CLIENT_SECRET`). */
  clientSecretRef?: string
  now?: () => Date
}

const tokenSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().int().nonnegative().optional(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().default(''),
  token_type: z.string().optional(),
})
const oauthErrorSchema = z.object({
  error: z.string(),
  error_description: z.string().optional(),
})
const apiErrorSchema = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().default(''),
    status: z.string().optional(),
  }),
})
const accountsSchema = z.object({
  accounts: z
    .array(
      z.object({
        name: z.string().regex(/^accounts\/[^/]+$/),
        accountName: z.string().default(''),
      }),
    )
    .default([]),
  nextPageToken: z.string().optional(),
})
const locationsSchema = z.object({
  locations: z
    .array(
      z.object({
        name: z.string().regex(/^locations\/[^/]+$/),
        title: z.string().default(''),
        storefrontAddress: z.object({ addressLines: z.array(z.string()).default([]) }).optional(),
      }),
    )
    .default([]),
  nextPageToken: z.string().optional(),
})
const channelsSchema = z.object({
  items: z
    .array(
      z.object({
        id: z.string().min(1),
        snippet: z.object({ title: z.string().default('') }).optional(),
      }),
    )
    .default([]),
})

const tokenErrors: ProviderErrorMapper = (_status, json) => {
  const parsed = oauthErrorSchema.safeParse(json)
  if (!parsed.success) return undefined
  if (parsed.data.error === 'invalid_grant')
    return new ConnectError(
      'invalid_code',
      'The Google sign-in expired or was already used. Start the connection again.',
    )
  return new ConnectError(
    'provider_error',
    `Google refused the sign-in (${parsed.data.error}${parsed.data.error_description ? `: ${parsed.data.error_description}` : ''}).`,
  )
}
const refreshErrors: ProviderErrorMapper = (_status, json) => {
  const parsed = oauthErrorSchema.safeParse(json)
  if (
    parsed.success &&
    (parsed.data.error === 'invalid_grant' || parsed.data.error === 'unauthorized_client')
  )
    return new ConnectError(
      'reauth',
      'Google no longer accepts the connection (access was removed in the Google account, or it expired). Reconnect the account.',
    )
  return tokenErrors(_status, json)
}
const apiErrors: ProviderErrorMapper = (status, json) => {
  const parsed = apiErrorSchema.safeParse(json)
  const message = parsed.success ? parsed.data.error.message : ''
  if (status === 401)
    return new ConnectError('reauth', 'Google no longer accepts the token. Reconnect the account.')
  if (status === 403)
    return new ConnectError(
      'missing_permission',
      `Google refused: a permission is missing${message ? ` (${message})` : ''}. Reconnect and allow what Earshot asks for.`,
    )
  return parsed.success
    ? new ConnectError('provider_error', `Google answered: ${message}`)
    : undefined
}

/** Creates the Google (Business Profile + YouTube) connect flow. */
export function googleConnectFlow(config: GoogleConnectConfig): ConnectFlow {
  const now = config.now ?? (() => new Date())
  const http = config.fetch ? { fetch: config.fetch } : {}
  const trim = (url: string) => url.replace(/\/$/, '')
  const authorize = config.authorizeUrl ?? 'https://accounts.google.com/o/oauth2/v2/auth'
  const tokenUrl = config.tokenUrl ?? 'https://oauth2.googleapis.com/token'
  const accountBase = trim(
    config.accountManagementBaseUrl ?? 'https://mybusinessaccountmanagement.googleapis.com',
  )
  const infoBase = trim(
    config.businessInformationBaseUrl ?? 'https://mybusinessbusinessinformation.googleapis.com',
  )
  const reviewsBase = trim(config.reviewsBaseUrl ?? 'https://mybusiness.googleapis.com')
  const youtubeBase = trim(config.youtubeBaseUrl ?? 'https://www.googleapis.com')
  const clientSecretRef = config.clientSecretRef ?? 'env:EARSHOT_GOOGLE_CLIENT_SECRET'
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
  const oauthConfig = { clientId: config.clientId, clientSecret: clientSecretRef, tokenUrl }

  const token = (
    fields: Record<string, string | undefined>,
    what: string,
    errors: ProviderErrorMapper,
  ) =>
    providerRequest(
      'Google',
      what,
      tokenUrl,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: formBody({
          client_id: config.clientId,
          client_secret: config.clientSecret,
          ...fields,
        }),
      },
      tokenSchema,
      errors,
      http,
    )

  const listPaged = async <T>(
    url: (pageToken: string | undefined) => string,
    what: string,
    accessToken: string,
    read: (page: unknown) => { items: T[]; next?: string | undefined },
  ): Promise<T[]> => {
    const all: T[] = []
    let pageToken: string | undefined
    for (let page = 0; page < 50; page++) {
      const body = await providerRequest(
        'Google',
        what,
        url(pageToken),
        { headers: bearer(accessToken) },
        z.unknown(),
        apiErrors,
        http,
      )
      const { items, next } = read(body)
      all.push(...items)
      if (!next) break
      pageToken = next
    }
    return all
  }
  const parseOr = <S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> => {
    const parsed = schema.safeParse(body)
    if (!parsed.success)
      throw new ConnectError(
        'provider_error',
        `Google answered in an unexpected shape when asked to ${what}.`,
      )
    return parsed.data
  }

  return {
    provider: 'google',
    redirectUri: config.redirectUri,

    authorizeUrl({ state, codeChallenge }): string {
      const params = new URLSearchParams({
        client_id: config.clientId,
        redirect_uri: config.redirectUri,
        response_type: 'code',
        scope: [GOOGLE_BUSINESS_SCOPE, YOUTUBE_SCOPE].join(' '),
        // Offline + consent: the only way to be sure a refresh token comes back.
        access_type: 'offline',
        prompt: 'consent',
        include_granted_scopes: 'true',
        state,
        code_challenge: codeChallenge,
        code_challenge_method: 'S256',
      })
      return `${authorize}?${params}`
    },

    async exchangeCode({ code, codeVerifier }): Promise<ConnectGrant> {
      const t = await token(
        {
          grant_type: 'authorization_code',
          code,
          code_verifier: codeVerifier,
          redirect_uri: config.redirectUri,
        },
        'finish the sign-in',
        tokenErrors,
      )
      const scopes = t.scope.split(' ').filter(Boolean)
      if (!scopes.includes(GOOGLE_BUSINESS_SCOPE) && !scopes.includes(YOUTUBE_SCOPE))
        throw new ConnectError(
          'missing_permission',
          'Google granted neither Business Profile nor YouTube access, so there is nothing to connect. Connect again and tick at least one.',
          { missing: [GOOGLE_BUSINESS_SCOPE, YOUTUBE_SCOPE] },
        )
      if (!t.refresh_token)
        throw new ConnectError(
          'missing_permission',
          'Google gave no offline access (no refresh token), so Earshot could only read for an hour. Connect again and allow offline access.',
        )
      const expiresAt = expiryFrom(now(), t.expires_in)
      return {
        accessToken: t.access_token,
        refreshToken: t.refresh_token,
        ...(expiresAt ? { expiresAt } : {}),
        scopes,
      }
    },

    async listAccounts(grant): Promise<ConnectableAccount[]> {
      const accounts: ConnectableAccount[] = []
      if (grant.scopes.includes(GOOGLE_BUSINESS_SCOPE)) {
        const gbpAccounts = await listPaged(
          (p) =>
            `${accountBase}/v1/accounts?pageSize=20${p ? `&pageToken=${encodeURIComponent(p)}` : ''}`,
          'list your Business Profile accounts',
          grant.accessToken,
          (body) => {
            const b = parseOr(accountsSchema, body, 'list your Business Profile accounts')
            return { items: b.accounts, next: b.nextPageToken }
          },
        )
        for (const account of gbpAccounts) {
          const locations = await listPaged(
            (p) =>
              `${infoBase}/v1/${account.name}/locations?readMask=name,title,storefrontAddress&pageSize=100${p ? `&pageToken=${encodeURIComponent(p)}` : ''}`,
            'list your Business Profile locations',
            grant.accessToken,
            (body) => {
              const b = parseOr(locationsSchema, body, 'list your Business Profile locations')
              return { items: b.locations, next: b.nextPageToken }
            },
          )
          for (const location of locations) {
            // v1 names a location `locations/{id}`; the reviews API wants it under its account.
            const locationName = `${account.name}/${location.name}`
            const address = location.storefrontAddress?.addressLines.join(', ')
            accounts.push({
              key: `google:${locationName}`,
              platform: 'google',
              externalAccountId: locationName,
              name: location.title || locationName,
              detail: `Google Business Profile location${address ? `, ${address}` : ''} (${account.accountName || account.name})`,
              config: { ...oauthConfig, baseUrl: reviewsBase, locationName },
              ownIdentities: [locationName],
              credentials: grant,
            })
          }
        }
      }
      if (grant.scopes.includes(YOUTUBE_SCOPE)) {
        const body = await providerRequest(
          'Google',
          'find your YouTube channel',
          `${youtubeBase}/youtube/v3/channels?part=snippet&mine=true`,
          { headers: bearer(grant.accessToken) },
          channelsSchema,
          apiErrors,
          http,
        )
        for (const channel of body.items)
          accounts.push({
            key: `youtube:${channel.id}`,
            platform: 'youtube',
            externalAccountId: channel.id,
            name: channel.snippet?.title || channel.id,
            detail: 'YouTube channel',
            config: { ...oauthConfig, baseUrl: youtubeBase },
            ownIdentities: [channel.id],
            credentials: grant,
          })
      }
      return accounts
    },

    async activate(): Promise<void> {
      // Google delivers nothing by push here: the collectors poll reviews and comments.
    },

    async refresh(credentials): Promise<ConnectGrant> {
      if (!credentials.refreshToken)
        throw new ConnectError(
          'reauth',
          'This Google connection has no refresh token. Reconnect the account.',
        )
      const t = await token(
        { grant_type: 'refresh_token', refresh_token: credentials.refreshToken },
        'renew the access',
        refreshErrors,
      )
      const expiresAt = expiryFrom(now(), t.expires_in)
      return {
        accessToken: t.access_token,
        // Google usually sends no new refresh token: the old one stays valid.
        refreshToken: t.refresh_token ?? credentials.refreshToken,
        ...(expiresAt ? { expiresAt } : {}),
        scopes: t.scope ? t.scope.split(' ').filter(Boolean) : credentials.scopes,
      }
    },
  }
}
