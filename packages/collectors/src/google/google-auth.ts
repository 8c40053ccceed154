/**
 * @module Google OAuth 2 for Business Profile and YouTube: an access token given directly, or
 * minted from a refresh token (access tokens live an hour; refresh tokens until revoked). A
 * revoked refresh token (`invalid_grant`) is an auth error: the channel needs re-authorisation.
 */
import { z } from 'zod'
import {
  createHttpClient,
  errorMessageOf,
  type HttpClientOptions,
  type ResponseClassifier,
} from '../http/http-client.js'
import { parseRetryAfter } from '../http/rate-limit-headers.js'
import { resolveSecret } from '../util/resolve-secret.js'

/** OAuth fields shared by the Google collectors' configs. */
export const googleOAuthFields = {
  /** A current access token (or `env:NAME`). */
  accessToken: z.string().min(1).optional(),
  /** A refresh token (or `env:NAME`), exchanged for access tokens with the client id and secret. */
  refreshToken: z.string().min(1).optional(),
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  tokenUrl: z.url().default('https://oauth2.googleapis.com/token'),
}

/** Google error rules: 401 / `UNAUTHENTICATED` / `invalid_grant` are auth, 429 / `RESOURCE_EXHAUSTED` wait. */
export const googleClassifier: ResponseClassifier = ({ status, headers, json, text, now }) => {
  const error = (json as { error?: unknown } | undefined)?.error
  const message = errorMessageOf(json, text)
  const googleStatus =
    error && typeof error === 'object' ? (error as { status?: unknown }).status : undefined
  if (
    status === 401 ||
    googleStatus === 'UNAUTHENTICATED' ||
    error === 'invalid_grant' ||
    error === 'unauthorized_client'
  )
    return {
      kind: 'auth',
      message:
        typeof error === 'string'
          ? `${error}: ${(json as { error_description?: string }).error_description ?? ''}`
          : message,
      platformCode: String(googleStatus ?? error),
    }
  if (status === 429 || googleStatus === 'RESOURCE_EXHAUSTED')
    return {
      kind: 'rate_limited',
      message,
      retryAfter: parseRetryAfter(headers.get('retry-after'), now),
      platformCode: 'RESOURCE_EXHAUSTED',
    }
  return undefined
}

/** The access token to use: the configured one, or a fresh one from the refresh token. */
export async function googleAccessToken(
  config: {
    accessToken?: string
    refreshToken?: string
    clientId?: string
    clientSecret?: string
    tokenUrl: string
  },
  platform: string,
  http: Omit<HttpClientOptions, 'platform' | 'classify'>,
): Promise<string | undefined> {
  if (!config.refreshToken)
    return config.accessToken ? resolveSecret(config.accessToken) : undefined
  const client = createHttpClient({ ...http, platform, classify: googleClassifier })
  const body = new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: resolveSecret(config.refreshToken),
  })
  if (config.clientId) body.set('client_id', resolveSecret(config.clientId))
  if (config.clientSecret) body.set('client_secret', resolveSecret(config.clientSecret))
  const response = await client.request<{ access_token?: unknown }>(config.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
  })
  const token = response.data?.access_token
  if (typeof token !== 'string' || token === '')
    throw new Error(`[collectors] [${platform}] the token endpoint returned no access_token`)
  return token
}
