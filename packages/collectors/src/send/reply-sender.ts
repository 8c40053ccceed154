/**
 * @module The contract every platform's reply sender fulfils, the error classes a failed send
 * is mapped to (each with words for the person who pressed "send"), and the one retry loop all
 * senders share. Only failures where the platform certainly did not post are retried: a blind
 * retry after a timeout could post the reply twice (platform-write-apis.md § 0).
 */
import { EarshotError } from '@earshot/core'
import { abortableSleep, backoffDelay } from '../http/http-client.js'
import { parseRetryAfter } from '../http/rate-limit-headers.js'

/** Why a send failed (platform-write-apis.md § 0, "Error classes"). */
export const SEND_FAILURE_KINDS = [
  /** The token is dead: the practice must reconnect the channel. */
  'reauth',
  /** A permission or role is missing: reconnect granting it. */
  'permission',
  /** The platform does not allow this reply now (messaging window, reply restrictions). */
  'policy_window',
  /** The comment, review or post was deleted. */
  'target_gone',
  /** The platform says it already has this text. */
  'duplicate',
  /** Too many calls: retried after the platform's hint. */
  'rate_limited',
  /** A temporary platform failure that certainly did not post: retried with backoff. */
  'transient',
  /** The outcome is not known (timeout, 5xx after the request went out): reconcile before retrying. */
  'unknown',
  /** A request the platform rejects as malformed (a bug, or text too long). */
  'invalid',
] as const
export type SendFailureKind = (typeof SEND_FAILURE_KINDS)[number]

/** Which failures the shared loop retries on its own. */
const RETRIED: ReadonlySet<SendFailureKind> = new Set(['rate_limited', 'transient'])

/** What the person who sent the reply is told, per failure class. */
const WORDS: Record<SendFailureKind, string> = {
  reauth: 'The connection to this account has expired. Reconnect the channel, then send again.',
  permission:
    'Earshot is not allowed to reply on this account. Reconnect the channel and grant the reply permission.',
  policy_window: 'The platform does not allow this reply now.',
  target_gone: 'The message you are answering was deleted on the platform.',
  duplicate: 'The platform says this exact reply was already posted.',
  rate_limited: 'The platform is limiting how fast we can post. Try again in a few minutes.',
  transient: 'The platform had a temporary problem. Try again shortly.',
  unknown:
    'We could not tell whether the platform posted the reply. Check the thread before sending again.',
  invalid: 'The platform rejected the reply.',
}

/** A send that failed, with a class callers branch on and a sentence a user can act on. */
export class ReplySendError extends EarshotError {
  readonly kind: SendFailureKind
  readonly platform: string
  /** For users: what happened and what to do. */
  readonly reason: string
  readonly status: number
  readonly platformCode?: string | number
  /** Milliseconds the platform asked us to wait. */
  readonly retryAfter?: number

  constructor(options: {
    kind: SendFailureKind
    platform: string
    status: number
    /** The platform's own message (kept for support; may be English jargon). */
    detail?: string
    /** Replaces the generic sentence for this class (e.g. "outside the 24-hour window"). */
    reason?: string
    platformCode?: string | number
    retryAfter?: number
  }) {
    const reason = options.reason ?? WORDS[options.kind]
    super(
      options.kind === 'reauth' ? 'AUTH_EXPIRED' : 'UPSTREAM',
      `[collectors] [${options.platform}] reply not sent (${options.kind}): ${reason}${options.detail ? ` — platform said: ${options.detail}` : ''}`,
      {
        details: { kind: options.kind, status: options.status, platformCode: options.platformCode },
      },
    )
    this.kind = options.kind
    this.platform = options.platform
    this.reason = reason
    this.status = options.status
    this.platformCode = options.platformCode
    this.retryAfter = options.retryAfter
  }

  /** Whether pressing "retry" later can help (the loop already retried the short waits). */
  get retryable(): boolean {
    return RETRIED.has(this.kind) || this.kind === 'unknown'
  }
}

/** Type guard for {@link ReplySendError}. */
export function isReplySendError(value: unknown): value is ReplySendError {
  return value instanceof ReplySendError
}

/** What is being answered. Senders read the fields their platform needs. */
export interface ReplyTarget {
  /** The platform id of the message answered (comment id, review id, tweet id, message id …). */
  externalId: string
  /** The platform id of the author answered (PSID, IGSID, X user id) — needed for DMs. */
  authorId?: string
  /** The thread (YouTube top-level comment, web-chat conversation). */
  threadKey?: string
  /** When the person last wrote to us in this conversation (messaging windows count from it). */
  lastInboundAt?: Date
  /** When the answered message was written (private-reply windows count from it). */
  createdAt?: Date
  /** `dm` targets are conversations; the others are public posts, comments or reviews. */
  kind: 'comment' | 'dm' | 'review' | 'post'
}

/** One reply to send. */
export interface ReplyRequest {
  target: ReplyTarget
  text: string
  /** `public` answers in the thread; `private` sends a private reply / DM where the platform allows. */
  visibility: 'public' | 'private'
  /** Our own idempotency key (the outbox id); echoed back where the platform allows (Messenger metadata). */
  outboxKey: string
}

/** What the platform answered. */
export interface SentReply {
  /** The platform id of our reply — the key the collector will see it under later. */
  externalId: string
  /** `dm` when the reply went out as a private message. */
  kind: 'reply' | 'dm'
  /** The thread the reply belongs to, when it starts a new one (private replies, DMs). */
  threadKey?: string
  sentAt: Date
}

/** A platform's reply sender. */
export interface ReplySender {
  readonly platform: string
  /** Which visibilities this platform supports for a target (the composer offers only these). */
  supports(target: ReplyTarget, visibility: ReplyRequest['visibility']): boolean
  /** Sends one reply or throws a {@link ReplySendError}. */
  send(request: ReplyRequest): Promise<SentReply>
}

/** Options every sender factory takes: where the API is, an injected fetch, clock and sleep. */
export interface SenderOptions {
  fetch?: typeof globalThis.fetch
  now?: () => Date
  /** Injected by tests: resolves after `ms` (no real waiting). */
  sleep?: (ms: number) => Promise<void>
  random?: () => number
  /** Attempts for retryable failures, including the first (default 4). */
  maxAttempts?: number
  /** A platform asking for a longer wait than this fails with `rate_limited` instead (default 60 s). */
  maxWaitMs?: number
}

/** A response as senders classify it. */
export interface SendResponse {
  status: number
  headers: Headers
  text: string
  json: unknown
}

/** Turns a non-success response into a failure; `undefined` means success. */
export type SendClassifier = (response: SendResponse, now: number) => ReplySendError | undefined

/**
 * Calls the platform once per attempt and retries `rate_limited` and `transient` failures with
 * backoff (or the platform's Retry-After), through the injected sleep. A network error or
 * timeout is `unknown`: the request may have posted, so it is not retried here.
 */
export async function sendWithRetries(
  platform: string,
  options: SenderOptions,
  request: { url: string; method?: string; headers?: Record<string, string>; body?: string },
  classify: SendClassifier,
): Promise<SendResponse> {
  const fetchImpl = options.fetch ?? globalThis.fetch
  const sleep = options.sleep ?? ((ms: number) => abortableSleep(ms))
  const maxAttempts = options.maxAttempts ?? 4
  const maxWaitMs = options.maxWaitMs ?? 60_000
  const now = () => (options.now ?? (() => new Date()))().getTime()
  for (let attempt = 0; ; attempt++) {
    let response: SendResponse
    try {
      const res = await fetchImpl(request.url, {
        method: request.method ?? 'POST',
        headers: { accept: 'application/json', ...request.headers },
        body: request.body,
        redirect: 'manual',
      })
      const text = await res.text()
      response = { status: res.status, headers: res.headers, text, json: parseJson(text) }
    } catch (cause) {
      throw new ReplySendError({
        kind: 'unknown',
        platform,
        status: 0,
        detail: cause instanceof Error ? cause.message : String(cause),
      })
    }
    const failure = classify(response, now())
    if (!failure) return response
    if (!RETRIED.has(failure.kind) || attempt + 1 >= maxAttempts) throw failure
    const hinted = failure.retryAfter ?? parseRetryAfter(response.headers.get('retry-after'), now())
    const wait = hinted ?? backoffDelay(attempt, options.random)
    if (wait > maxWaitMs) throw failure
    await sleep(wait)
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Reads a string field of a JSON object, or throws `invalid` (the platform broke its promise). */
export function requiredString(platform: string, json: unknown, ...path: string[]): string {
  let value: unknown = json
  for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key]
  if (typeof value !== 'string' || value === '')
    throw new ReplySendError({
      kind: 'unknown',
      platform,
      status: 200,
      detail: `the response has no ${path.join('.')}`,
    })
  return value
}

/** The platform's own message from an error body (Graph, Google, X problems). */
export function platformMessage(json: unknown, text: string): string {
  const j = json as Record<string, unknown> | undefined
  const error = j?.error as Record<string, unknown> | string | undefined
  if (error && typeof error === 'object' && typeof error.message === 'string') return error.message
  if (typeof error === 'string') return error
  if (typeof j?.detail === 'string') return j.detail
  if (typeof j?.title === 'string') return j.title
  return text.slice(0, 200)
}
