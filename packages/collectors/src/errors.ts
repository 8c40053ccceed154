/**
 * @module Typed errors of the collectors: one HTTP error class with a `kind` callers branch on,
 * and an auth subclass that makes the loop mark the channel "needs re-authorisation".
 */
import { EarshotError } from '@earshot/core'

/** Why a platform call failed. */
export const COLLECTOR_HTTP_ERROR_KINDS = [
  /** DNS, connection reset, TLS: retried with backoff. */
  'network',
  /** The per-attempt timeout fired: retried with backoff. */
  'timeout',
  /** 5xx: retried with backoff. */
  'server',
  /** 429 or a platform's throttling code: waited out when short, otherwise reported with `retryAfter`. */
  'rate_limited',
  /** Any other 4xx: a request the platform will not accept, not retried. */
  'client',
  /** Expired or revoked credentials: not retried; the channel needs re-authorisation. */
  'auth',
  /** A 2xx whose body is not what the platform promised (bad JSON, wrong shape). */
  'malformed',
] as const
export type CollectorHttpErrorKind = (typeof COLLECTOR_HTTP_ERROR_KINDS)[number]

/** What a {@link CollectorHttpError} is built from. */
export interface CollectorHttpErrorOptions {
  kind: CollectorHttpErrorKind
  /** HTTP status; 0 when no response arrived. */
  status: number
  platform: string
  /** The request URL with every credential parameter redacted. */
  url?: string
  /** Milliseconds the platform asked us to wait before trying again. */
  retryAfter?: number
  /** The platform's own error code (Graph `error.code`, Google `status`, X problem `type` …). */
  platformCode?: string | number
  /** The start of the response body, for quarantine and debugging (never request headers). */
  body?: string
  cause?: unknown
}

/**
 * A platform call that failed, shaped like unstorage's `FetchError`: `status`, `platform` and,
 * for throttling, `retryAfter` in milliseconds.
 */
export class CollectorHttpError extends EarshotError {
  readonly kind: CollectorHttpErrorKind
  readonly status: number
  readonly platform: string
  readonly url?: string
  readonly retryAfter?: number
  readonly platformCode?: string | number
  readonly body?: string

  constructor(message: string, options: CollectorHttpErrorOptions) {
    super(
      options.kind === 'auth' ? 'AUTH_EXPIRED' : 'UPSTREAM',
      `[collectors] [${options.platform}] ${message}`,
      {
        cause: options.cause,
        details: { status: options.status, kind: options.kind, platformCode: options.platformCode },
      },
    )
    this.kind = options.kind
    this.status = options.status
    this.platform = options.platform
    this.url = options.url
    this.retryAfter = options.retryAfter
    this.platformCode = options.platformCode
    this.body = options.body
  }
}

/**
 * The platform rejected our credentials (Graph code 190, X 401, Google 401/UNAUTHENTICATED,
 * YouTube 401 or 403 authError). Never retried: the channel is marked `needs_reauth`.
 */
export class CollectorAuthError extends CollectorHttpError {
  constructor(message: string, options: Omit<CollectorHttpErrorOptions, 'kind'>) {
    super(message, { ...options, kind: 'auth' })
  }
}

/** Type guard for {@link CollectorHttpError}, optionally of one kind. */
export function isCollectorHttpError(
  value: unknown,
  kind?: CollectorHttpErrorKind,
): value is CollectorHttpError {
  return value instanceof CollectorHttpError && (kind === undefined || value.kind === kind)
}

/** Type guard for {@link CollectorAuthError}. */
export function isCollectorAuthError(value: unknown): value is CollectorAuthError {
  return value instanceof CollectorAuthError
}
