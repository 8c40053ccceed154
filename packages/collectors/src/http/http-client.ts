/**
 * @module The one HTTP client every collector uses: per-attempt timeouts, retries with
 * exponential backoff and jitter on network errors and 5xx, 429s and platform throttling waited
 * out from `Retry-After` and rate-limit headers, abort signals, an injectable `fetch`, and typed
 * errors. Credentials never appear in its messages (URLs are redacted).
 */
import { CollectorAuthError, CollectorHttpError, type CollectorHttpErrorKind } from '../errors.js'
import { redactUrl } from '../util/redact-url.js'
import { parseRetryAfter } from './rate-limit-headers.js'

/** What a classifier sees of a response. */
export interface ClassifiableResponse {
  status: number
  headers: Headers
  text: string
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown
  now: number
}

/** A classifier's judgement; `undefined` defers to the default rules. */
export type ResponseVerdict =
  | { kind: 'ok' }
  | {
      kind: Exclude<CollectorHttpErrorKind, 'network' | 'timeout'>
      message: string
      /** Milliseconds to wait before the next attempt (rate limits, 503s). */
      retryAfter?: number
      platformCode?: string | number
    }

/** Platform rules layered over the defaults (e.g. Graph throttling codes sent with HTTP 400). */
export type ResponseClassifier = (response: ClassifiableResponse) => ResponseVerdict | undefined

/** Options of {@link createHttpClient}. */
export interface HttpClientOptions {
  /** Names the platform in errors (`[collectors] [facebook] …`). */
  platform: string
  fetch?: typeof globalThis.fetch
  /** Per attempt, covering headers and body (default 30 s). */
  timeoutMs?: number
  /** Retries after network errors, timeouts and 5xx (default 4). */
  maxRetries?: number
  /** How many rate-limit waits one request may sit through (default 3). */
  maxRateLimitWaits?: number
  /**
   * The longest wait done in-process (default 60 s). A platform asking for longer makes the
   * request fail with `kind: 'rate_limited'` and `retryAfter`, so the loop reschedules the channel.
   */
  maxWaitMs?: number
  /** Injected by tests: resolves after `ms`, rejects when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Injected by tests: the jitter source, in [0, 1). */
  random?: () => number
  now?: () => number
  /** Aborts every request of this client. */
  signal?: AbortSignal
  /** Sent with every request (e.g. `authorization`). */
  headers?: Record<string, string>
  classify?: ResponseClassifier
  /** Told about every wait (tests and progress logs); never sees credentials. */
  onWait?: (event: {
    reason: 'retry' | 'rate_limited'
    ms: number
    url: string
    attempt: number
  }) => void
}

/** One request's options. */
export interface HttpRequestOptions {
  method?: string
  headers?: Record<string, string>
  body?: string
  signal?: AbortSignal
  /** Non-2xx statuses to return instead of throwing (e.g. 304 for conditional GETs). */
  acceptStatuses?: readonly number[]
  /** Parse the body as JSON (default true). A 2xx body that is not JSON is a `malformed` error. */
  json?: boolean
}

/** A successful response, body already read. */
export interface HttpResponse<T = unknown> {
  status: number
  headers: Headers
  url: string
  text: string
  data: T
}

/** The client collectors use. */
export interface HttpClient {
  request<T = unknown>(url: string, options?: HttpRequestOptions): Promise<HttpResponse<T>>
  /** GET and parse JSON. */
  getJson<T = unknown>(
    url: string,
    options?: Omit<HttpRequestOptions, 'method' | 'json'>,
  ): Promise<T>
}

/**
 * Backoff before retry `attempt` (0-based): `min(1000·2ⁿ, 30000)` ms with "equal jitter"
 * (half fixed, half random) so many channels failing together do not retry in lockstep.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(1000 * 2 ** attempt, 30_000)
  return Math.round(cap / 2 + random() * (cap / 2))
}

/** Resolves after `ms`; rejects with the signal's reason when it aborts first. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * Creates the shared client.
 *
 * @example
 * const http = createHttpClient({ platform: 'x', headers: { authorization: `Bearer ${token}` } })
 * const page = await http.getJson<XPage>('https://api.x.com/2/users/1/mentions')
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const fetchImpl = options.fetch ?? globalThis.fetch
  const timeoutMs = options.timeoutMs ?? 30_000
  const maxRetries = options.maxRetries ?? 4
  const maxRateLimitWaits = options.maxRateLimitWaits ?? 3
  const maxWaitMs = options.maxWaitMs ?? 60_000
  const sleep = options.sleep ?? abortableSleep
  const random = options.random ?? Math.random
  const now = options.now ?? Date.now
  const platform = options.platform

  async function request<T>(url: string, req: HttpRequestOptions = {}): Promise<HttpResponse<T>> {
    const method = req.method ?? 'GET'
    const safeUrl = redactUrl(url)
    const where = `${method} ${safeUrl}`
    const outer = anySignal([options.signal, req.signal])
    const parseJson = req.json ?? true
    let attempt = 0
    let rateWaits = 0
    for (;;) {
      outer?.throwIfAborted()
      const attemptSignal = anySignal([outer, AbortSignal.timeout(timeoutMs)])
      let response: Response
      let text: string
      try {
        response = await fetchImpl(url, {
          method,
          headers: { accept: 'application/json', ...options.headers, ...req.headers },
          body: req.body,
          signal: attemptSignal,
          redirect: 'follow',
        })
        text = await response.text()
      } catch (cause) {
        if (outer?.aborted) throw outer.reason
        const kind: CollectorHttpErrorKind = isTimeout(cause) ? 'timeout' : 'network'
        if (attempt < maxRetries) {
          const ms = backoffDelay(attempt, random)
          options.onWait?.({ reason: 'retry', ms, url: safeUrl, attempt })
          await sleep(ms, outer)
          attempt++
          continue
        }
        const detail =
          kind === 'timeout' ? `timed out after ${timeoutMs} ms` : describeNetworkError(cause)
        throw new CollectorHttpError(`${where} failed after ${attempt + 1} attempts: ${detail}`, {
          kind,
          status: 0,
          platform,
          url: safeUrl,
          cause,
        })
      }

      const json =
        parseJson || looksLikeJson(response.headers, text) ? tryParseJson(text) : undefined
      const accepted = response.ok || (req.acceptStatuses?.includes(response.status) ?? false)
      const seen = {
        status: response.status,
        headers: response.headers,
        text,
        json: json?.value,
        now: now(),
      }
      const verdict: ResponseVerdict =
        options.classify?.(seen) ??
        (accepted
          ? { kind: 'ok' }
          : defaultVerdict(response.status, response.headers, text, json?.value, seen.now))

      if (verdict.kind === 'ok') {
        if (
          !parseJson ||
          response.status === 304 ||
          req.acceptStatuses?.includes(response.status)
        ) {
          return {
            status: response.status,
            headers: response.headers,
            url,
            text,
            data: (json?.value ?? undefined) as T,
          }
        }
        if (!json || json.error) {
          throw new CollectorHttpError(
            `${where} returned ${response.status} with a body that is not valid JSON (${json?.error ?? 'empty body'}): ${snippet(text, 120)}`,
            {
              kind: 'malformed',
              status: response.status,
              platform,
              url: safeUrl,
              body: snippet(text, 4000),
            },
          )
        }
        return {
          status: response.status,
          headers: response.headers,
          url,
          text,
          data: json.value as T,
        }
      }

      const errorOptions = {
        status: response.status,
        platform,
        url: safeUrl,
        retryAfter: verdict.retryAfter,
        platformCode: verdict.platformCode,
        body: snippet(text, 4000),
      }
      const message = `${where} → ${response.status}: ${verdict.message}`
      switch (verdict.kind) {
        case 'auth':
          throw new CollectorAuthError(
            `${message} (the credentials were rejected: re-authorise the channel)`,
            errorOptions,
          )
        case 'rate_limited': {
          const ms = verdict.retryAfter ?? backoffDelay(rateWaits, random)
          if (ms <= maxWaitMs && rateWaits < maxRateLimitWaits) {
            options.onWait?.({ reason: 'rate_limited', ms, url: safeUrl, attempt: rateWaits })
            await sleep(ms, outer)
            rateWaits++
            continue
          }
          throw new CollectorHttpError(
            `${message} (rate limited; retry after ${Math.ceil(ms / 1000)} s)`,
            { ...errorOptions, kind: 'rate_limited', retryAfter: ms },
          )
        }
        case 'server':
          if (attempt < maxRetries) {
            const ms = Math.min(
              Math.max(backoffDelay(attempt, random), verdict.retryAfter ?? 0),
              maxWaitMs,
            )
            options.onWait?.({ reason: 'retry', ms, url: safeUrl, attempt })
            await sleep(ms, outer)
            attempt++
            continue
          }
          throw new CollectorHttpError(`${message} (gave up after ${attempt + 1} attempts)`, {
            ...errorOptions,
            kind: 'server',
          })
        default:
          throw new CollectorHttpError(message, { ...errorOptions, kind: verdict.kind })
      }
    }
  }

  return {
    request,
    async getJson<T>(
      url: string,
      req: Omit<HttpRequestOptions, 'method' | 'json'> = {},
    ): Promise<T> {
      return (await request<T>(url, { ...req, method: 'GET', json: true })).data
    },
  }
}

/** The rules every platform shares: 401 auth, 429 rate limit, 408/5xx retry, other 4xx fatal. */
export function defaultVerdict(
  status: number,
  headers: Headers,
  text: string,
  json: unknown,
  now: number,
): ResponseVerdict {
  const message = errorMessageOf(json, text)
  if (status === 401) return { kind: 'auth', message }
  if (status === 429)
    return {
      kind: 'rate_limited',
      message,
      retryAfter: parseRetryAfter(headers.get('retry-after'), now),
    }
  if (status === 408 || status >= 500)
    return { kind: 'server', message, retryAfter: parseRetryAfter(headers.get('retry-after'), now) }
  return { kind: 'client', message }
}

/** The human message inside the error bodies of Graph, Google, X (v2 problems and v1.1). */
export function errorMessageOf(json: unknown, text: string): string {
  if (json && typeof json === 'object') {
    const j = json as Record<string, unknown>
    const error = j.error
    if (
      error &&
      typeof error === 'object' &&
      typeof (error as Record<string, unknown>).message === 'string'
    )
      return (error as { message: string }).message
    if (typeof error === 'string') return error
    if (typeof j.detail === 'string') return j.detail
    if (typeof j.title === 'string') return j.title
    if (Array.isArray(j.errors) && j.errors[0] && typeof j.errors[0].message === 'string')
      return j.errors[0].message
  }
  return snippet(text, 200) || 'no response body'
}

function tryParseJson(text: string): { value?: unknown; error?: string } | undefined {
  if (text.trim() === '') return undefined
  try {
    return { value: JSON.parse(text) }
  } catch (error) {
    return { error: (error as Error).message }
  }
}

function looksLikeJson(headers: Headers, text: string): boolean {
  return /json/i.test(headers.get('content-type') ?? '') || /^\s*[{[]/.test(text)
}

function snippet(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max)}…` : flat
}

function isTimeout(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'TimeoutError' ||
      (error.cause instanceof Error && error.cause.name === 'TimeoutError'))
  )
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause =
    error.cause instanceof Error
      ? `: ${(error.cause as Error & { code?: string }).code ?? error.cause.message}`
      : ''
  return `${error.message}${cause}`
}

function anySignal(signals: readonly (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined)
  if (present.length <= 1) return present[0]
  return AbortSignal.any(present)
}
