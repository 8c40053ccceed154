/**
 * @module What Facebook and Instagram share: the Graph API error rules (throttling arrives as
 * HTTP 400/403 with a code, not 429), cursor paging that follows `paging.next` without ever
 * sending the token to another host, and `X-Hub-Signature-256` verification.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { WebhookRequest, WebhookVerification } from '@earshot/core'
import { type CollectorOptions, httpOptionsOf } from '../collector-options.js'
import { CollectorHttpError } from '../errors.js'
import {
  createHttpClient,
  errorMessageOf,
  type HttpClient,
  type ResponseClassifier,
} from '../http/http-client.js'
import { metaUsageWait, parseRetryAfter } from '../http/rate-limit-headers.js'

/** Graph error codes that mean "slow down" (app, user, Page, custom, Pages BUC range). */
const THROTTLE_CODES = new Set([
  4, 17, 32, 613, 80001, 80002, 80003, 80004, 80005, 80006, 80008, 80009, 80014,
])

/** Graph error handling layered over the default rules. */
export const graphClassifier: ResponseClassifier = ({ status, headers, json, text, now }) => {
  const error = (
    json as
      | {
          error?: {
            code?: unknown
            error_subcode?: unknown
            is_transient?: unknown
            message?: unknown
          }
        }
      | undefined
  )?.error
  const usageWait = metaUsageWait(headers)
  if (error && typeof error === 'object') {
    const code = Number(error.code)
    const message = errorMessageOf(json, text)
    // 190: expired/invalid token; 102: session; 10 and 200–299: a permission the token lost.
    if (code === 190 || code === 102 || code === 10 || (code >= 200 && code <= 299))
      return { kind: 'auth', message, platformCode: code }
    if (THROTTLE_CODES.has(code) || status === 429) {
      return {
        kind: 'rate_limited',
        message,
        platformCode: code,
        retryAfter: parseRetryAfter(headers.get('retry-after'), now) ?? usageWait,
      }
    }
    if (code === 1 || code === 2 || error.is_transient === true || status >= 500)
      return { kind: 'server', message, platformCode: code }
    if (status >= 200 && status < 300) return { kind: 'client', message, platformCode: code }
    return undefined
  }
  return undefined
}

/** A Graph client for one channel. The token travels as `access_token`, as Graph's `next` links do. */
export function createGraphClient(
  platform: 'facebook' | 'instagram',
  options: CollectorOptions,
  fetch: typeof globalThis.fetch | undefined,
  signal: AbortSignal | undefined,
): HttpClient {
  return createHttpClient({
    ...httpOptionsOf(options),
    platform,
    fetch,
    signal,
    classify: graphClassifier,
  })
}

/** Builds a Graph URL with the token and parameters. */
export function graphUrl(
  baseUrl: string,
  apiVersion: string,
  path: string,
  params: Record<string, string | number | undefined>,
  accessToken: string,
): string {
  const url = new URL(`${baseUrl.replace(/\/$/, '')}/${apiVersion}/${path.replace(/^\//, '')}`)
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(key, String(value))
  url.searchParams.set('access_token', accessToken)
  return url.toString()
}

/**
 * The `paging.next` link of a Graph page, or undefined on the last page. A link to another host
 * is refused: following it would hand the Page token to whoever wrote the response.
 */
export function nextGraphUrl(
  page: unknown,
  baseUrl: string,
  accessToken: string,
  platform: string,
): string | undefined {
  const next = (page as { paging?: { next?: unknown } } | undefined)?.paging?.next
  if (typeof next !== 'string' || next === '') return undefined
  const url = new URL(next)
  if (url.origin !== new URL(baseUrl).origin) {
    throw new CollectorHttpError(
      `refusing to follow a paging link to another host (${url.origin})`,
      { kind: 'malformed', status: 200, platform },
    )
  }
  if (!url.searchParams.has('access_token')) url.searchParams.set('access_token', accessToken)
  return url.toString()
}

/** The `data` array of a Graph page; anything else is a malformed response. */
export function graphData(
  page: unknown,
  platform: string,
  what: string,
): Record<string, unknown>[] {
  const data = (page as { data?: unknown } | undefined)?.data
  if (!Array.isArray(data)) {
    throw new CollectorHttpError(`${what}: expected a Graph page with a data array`, {
      kind: 'malformed',
      status: 200,
      platform,
      body: JSON.stringify(page)?.slice(0, 4000),
    })
  }
  return data.filter((d): d is Record<string, unknown> => d !== null && typeof d === 'object')
}

/** Computes `sha256=<hex>` the way Meta signs webhook bodies. */
export function metaSignature(appSecret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody, 'utf8').digest('hex')}`
}

/** Constant-time string comparison (false for different lengths, without leaking where they differ). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8')
  const y = Buffer.from(b, 'utf8')
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * Meta's webhook checks: the `hub.challenge` handshake (GET, verify token) and
 * `X-Hub-Signature-256` over the raw body with the app secret (POST).
 */
export function verifyMetaWebhook(
  request: WebhookRequest,
  secrets: { appSecret?: string; verifyToken?: string },
): WebhookVerification {
  if (request.method.toUpperCase() === 'GET') {
    const params = new URL(request.url, 'http://localhost').searchParams
    const token = params.get('hub.verify_token') ?? ''
    if (
      params.get('hub.mode') !== 'subscribe' ||
      !secrets.verifyToken ||
      !safeEqual(token, secrets.verifyToken)
    ) {
      return {
        kind: 'rejected',
        status: 403,
        reason: 'verification handshake failed: wrong mode or verify token',
      }
    }
    return { kind: 'challenge', response: params.get('hub.challenge') ?? '' }
  }
  if (!secrets.appSecret)
    return { kind: 'rejected', status: 401, reason: 'no app secret is configured for this channel' }
  const header = request.headers.get('x-hub-signature-256')
  if (!header)
    return { kind: 'rejected', status: 401, reason: 'missing X-Hub-Signature-256 header' }
  const expected = metaSignature(appSecret(secrets), request.body)
  if (!safeEqual(header.trim().toLowerCase(), expected))
    return { kind: 'rejected', status: 401, reason: 'X-Hub-Signature-256 does not match the body' }
  return { kind: 'verified' }
}

function appSecret(secrets: { appSecret?: string }): string {
  return secrets.appSecret ?? ''
}
