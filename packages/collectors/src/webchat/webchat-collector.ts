/**
 * @module A generic signed JSON webhook for website chat widgets and contact forms.
 *
 * Two signing schemes are accepted, both HMAC-SHA256 compared in constant time, and both reject
 * timestamps more than `toleranceSeconds` (default 5 min) away from now, so a captured request
 * cannot be replayed later; within the window each signature is accepted once (a byte-identical
 * replay is refused), and a redelivered event is a duplicate, which ingestion ignores.
 * - Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>` over
 *   `${id}.${timestamp}.${body}`; a `whsec_` secret is base64-decoded first.
 * - Earshot simple: `x-earshot-timestamp` and `x-earshot-signature: sha256=<hex>` over
 *   `${timestamp}.${body}`, keyed with the secret as UTF-8.
 *
 * Body: `{type, id, occurred_at, data}` with types `chat.message.created`, `chat.message.updated`,
 * `chat.message.deleted` and `form.submitted` (see docs/collectors.md).
 */
import { createHmac } from 'node:crypto'
import type {
  Collector,
  CollectorChannel,
  IngestItem,
  WebhookRequest,
  WebhookVerification,
} from '@earshot/core'
import { z } from 'zod'
import { safeEqual } from '../facebook/graph-api.js'
import { parseTime, requireTime } from '../util/parse-time.js'
import { resolveSecret } from '../util/resolve-secret.js'

/** Channel config of a chat widget or form. */
export const webchatConfigSchema = z.object({
  /** Shared signing secret (`whsec_…` base64, a plain string, or `env:NAME`). */
  secret: z.string().min(8),
  toleranceSeconds: z.number().int().min(1).max(3600).default(300),
})
export type WebchatConfig = z.output<typeof webchatConfigSchema>

/** Options of {@link webchatCollector}. */
export interface WebchatCollectorOptions {
  /** The clock used to judge timestamps (tests pin it). */
  now?: () => Date
}

/** Signs a body the Standard Webhooks way (for senders and tests). */
export function signStandardWebhook(
  secret: string,
  id: string,
  timestamp: number,
  body: string,
): string {
  return `v1,${createHmac('sha256', secretKey(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`
}

/** Signs a body the Earshot-simple way: `sha256=<hex>` of `${timestamp}.${body}`. */
export function signWebchatBody(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

function secretKey(secret: string): Buffer {
  return secret.startsWith('whsec_')
    ? Buffer.from(secret.slice(6), 'base64')
    : Buffer.from(secret, 'utf8')
}

/** Verifies either signing scheme and the timestamp window. */
export function verifyWebchat(
  request: WebhookRequest,
  config: WebchatConfig,
  now: Date,
): WebhookVerification {
  if (request.method.toUpperCase() !== 'POST')
    return { kind: 'rejected', status: 400, reason: 'only POST is accepted' }
  const secret = resolveSecret(config.secret)
  const id = request.headers.get('webhook-id')
  const standardTs = request.headers.get('webhook-timestamp')
  const standardSig = request.headers.get('webhook-signature')
  const simpleTs = request.headers.get('x-earshot-timestamp')
  const simpleSig = request.headers.get('x-earshot-signature')
  const ts = standardSig ? standardTs : simpleTs
  if (!standardSig && !simpleSig)
    return { kind: 'rejected', status: 401, reason: 'missing signature header' }
  if (!ts || !/^\d{1,12}$/.test(ts.trim()))
    return { kind: 'rejected', status: 401, reason: 'missing or invalid timestamp header' }
  const timestamp = Number(ts.trim())
  if (Math.abs(now.getTime() / 1000 - timestamp) > config.toleranceSeconds)
    return {
      kind: 'rejected',
      status: 401,
      reason: `timestamp outside the ${config.toleranceSeconds} s window (stale or replayed)`,
    }
  if (standardSig) {
    if (!id) return { kind: 'rejected', status: 401, reason: 'missing webhook-id header' }
    const expected = signStandardWebhook(secret, id, timestamp, request.body)
    // Several signatures are sent during a secret rotation: any match will do.
    const ok = standardSig
      .split(' ')
      .some((candidate) => candidate.startsWith('v1,') && safeEqual(candidate, expected))
    if (!ok) return { kind: 'rejected', status: 401, reason: 'webhook-signature does not match' }
    return firstUse(expected, timestamp, config, now)
  }
  const expected = signWebchatBody(secret, timestamp, request.body)
  if (!safeEqual((simpleSig ?? '').trim().toLowerCase(), expected))
    return { kind: 'rejected', status: 401, reason: 'x-earshot-signature does not match' }
  return firstUse(expected, timestamp, config, now)
}

// Replays are keyed by the signature alone (it covers the id, the timestamp, the body and the
// channel's secret), never by the URL, so `/hooks/webchat/ID/` or `//` is the same request.
// The receiver keeps the keys in the database, so the guard holds across processes.
function firstUse(
  signature: string,
  timestamp: number,
  config: WebchatConfig,
  now: Date,
): WebhookVerification {
  return {
    kind: 'verified',
    replay: {
      key: `webchat ${signature}`,
      expiresAt: new Date((timestamp + config.toleranceSeconds) * 1000),
      now,
    },
  }
}

/** Creates the web chat / contact form collector (webhook only). */
export function webchatCollector(options: WebchatCollectorOptions = {}): Collector<WebchatConfig> {
  const now = options.now ?? (() => new Date())
  return {
    platform: 'webchat',
    name: 'Web chat and contact forms',
    configSchema: webchatConfigSchema as z.ZodType<WebchatConfig>,
    webhook: {
      requiresChannelId: true,
      verify: (request, config) => verifyWebchat(request, config, now()),
      parse: (body, channel) => parseWebchatEvent(body, channel),
    },
  }
}

/** Maps one event envelope to a mention or a deletion notice. Throws for what it cannot read. */
export function parseWebchatEvent(body: string, channel: CollectorChannel): IngestItem[] {
  const event = JSON.parse(body) as {
    type?: unknown
    id?: unknown
    occurred_at?: unknown
    data?: unknown
  }
  if (!event || typeof event !== 'object') throw new Error('body is not a JSON object')
  const data = event.data as Record<string, unknown> | undefined
  if (!data || typeof data !== 'object') throw new Error('event without data')
  const occurredAt = requireTime(event.occurred_at, 'occurred_at')
  switch (event.type) {
    case 'chat.message.created':
    case 'chat.message.updated': {
      const messageId = stringField(data, 'message_id')
      const conversation = stringField(data, 'conversation_id')
      const author = (data.author ?? {}) as { id?: unknown; name?: unknown; role?: unknown }
      const role = author.role
      if (role !== undefined && role !== 'visitor' && role !== 'staff' && role !== 'bot')
        throw new Error(`unknown author role ${JSON.stringify(role)}`)
      const createdAt = parseTime(data.created_at) ?? occurredAt
      return [
        {
          channelId: channel.id,
          platform: 'webchat',
          externalId: messageId,
          kind: 'message',
          direction: role === 'staff' || role === 'bot' ? 'outbound' : 'inbound',
          isAutoReply: role === 'bot',
          threadKey: `chat:${conversation}`,
          ...(typeof data.parent_id === 'string' && data.parent_id
            ? { parentExternalId: data.parent_id }
            : {}),
          author: {
            ...(author.id != null ? { id: String(author.id) } : {}),
            ...(typeof author.name === 'string' ? { name: author.name } : {}),
          },
          text: typeof data.text === 'string' ? data.text : '',
          createdAt,
          ...(event.type === 'chat.message.updated' ? { editedAt: occurredAt } : {}),
          raw: event,
        },
      ]
    }
    case 'chat.message.deleted':
      return [
        {
          channelId: channel.id,
          externalId: stringField(data, 'message_id'),
          deleted: true,
          deletedAt: occurredAt,
          raw: event,
        },
      ]
    case 'form.submitted': {
      const id =
        typeof data.submission_id === 'string' && data.submission_id
          ? data.submission_id
          : typeof event.id === 'string'
            ? event.id
            : undefined
      if (!id) throw new Error('form submission without submission_id or event id')
      const message = typeof data.message === 'string' ? data.message : ''
      // Contact details stay out of the stored payload: send only what triage needs.
      const { email: _email, phone: _phone, ...kept } = data
      return [
        {
          channelId: channel.id,
          platform: 'webchat',
          externalId: `form:${id}`,
          kind: 'message',
          direction: 'inbound',
          threadKey: `form:${id}`,
          author: typeof data.name === 'string' ? { name: data.name } : {},
          text: message,
          createdAt: occurredAt,
          raw: { ...event, data: kept },
        },
      ]
    }
    default:
      throw new Error(`unknown event type ${JSON.stringify(event.type)}`)
  }
}

function stringField(data: Record<string, unknown>, key: string): string {
  const v = data[key]
  if (typeof v === 'string' && v !== '') return v
  if (typeof v === 'number') return String(v)
  throw new Error(`data.${key} is missing`)
}
