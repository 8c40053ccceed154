/**
 * @module Reply senders for Facebook Pages and Instagram professional accounts (both Graph):
 * public comment replies, private replies to a comment, and Messenger / Instagram DMs inside the
 * messaging window. Windows are checked before calling, so the user hears "outside the 24-hour
 * window" without a round trip; the platform's own window errors map to the same words.
 */
import { z } from 'zod'
import { metaUsageWait, parseRetryAfter } from '../http/rate-limit-headers.js'
import { resolveSecret } from '../util/resolve-secret.js'
import {
  platformMessage,
  type ReplyRequest,
  ReplySendError,
  type ReplySender,
  type ReplyTarget,
  requiredString,
  type SendClassifier,
  type SenderOptions,
  type SentReply,
  sendWithRetries,
} from './reply-sender.js'

const HOUR = 3_600_000
/** Messenger and Instagram: replies inside 24 h of the person's last message. */
export const MESSAGING_WINDOW_MS = 24 * HOUR
/** HUMAN_AGENT tag and private replies to a comment: up to 7 days. */
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * HOUR

/** What a Graph sender needs of the channel. `accountId` is the Page id or the IG professional account id. */
export const metaSenderConfigSchema = z.object({
  accessToken: z.string().min(1),
  accountId: z.string().min(1),
  apiVersion: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .default('v23.0'),
  baseUrl: z.url().default('https://graph.facebook.com'),
  /** The app has Meta's Human Agent feature: staff may answer DMs up to 7 days after the last message. */
  humanAgentTag: z.boolean().default(false),
})
export type MetaSenderConfig = z.input<typeof metaSenderConfigSchema>

const THROTTLE_CODES = new Set([4, 17, 32, 613, 80001, 80002, 80003, 80004, 80005, 80006, 80008])
const POLICY_SUBCODES = new Set([2018278, 1893063, 1545041, 1390008, 1346003, 1404006, 1404102])

/** Maps Graph error bodies of write calls to send failures (platform-write-apis.md § 1.1–1.4). */
export function graphSendClassifier(platform: string, call: 'comment' | 'message'): SendClassifier {
  return ({ status, headers, json, text }, now) => {
    if (status >= 200 && status < 300 && !(json as { error?: unknown })?.error) return undefined
    const error = ((json as { error?: Record<string, unknown> } | undefined)?.error ?? {}) as {
      code?: unknown
      error_subcode?: unknown
      is_transient?: unknown
      message?: unknown
    }
    const code = Number(error.code)
    const subcode = Number(error.error_subcode)
    const detail = platformMessage(json, text)
    const fail = (kind: ReplySendError['kind'], reason?: string, retryAfter?: number) =>
      new ReplySendError({ kind, platform, status, detail, reason, platformCode: code, retryAfter })
    if (code === 190 || code === 102) return fail('reauth')
    if (subcode === 2018278)
      return fail(
        'policy_window',
        'This conversation is outside the 24-hour messaging window: the person has to write again before the Page can answer.',
      )
    if (code === 551 || subcode === 1545041)
      return fail(
        'policy_window',
        'This person is not available: they blocked the Page or turned messages off.',
      )
    if (POLICY_SUBCODES.has(subcode) || code === 368)
      return fail(
        'policy_window',
        'The platform is temporarily blocking this reply (policy or spam check).',
      )
    if (THROTTLE_CODES.has(code) || status === 429)
      return fail(
        'rate_limited',
        undefined,
        parseRetryAfter(headers.get('retry-after'), now) ?? metaUsageWait(headers),
      )
    // On the Send API, #10/#100 mean the private-reply or messaging rules refused it.
    if (call === 'message' && code === 10)
      return fail(
        'policy_window',
        'The platform does not allow a private message here (a private reply is allowed once per comment, within 7 days).',
      )
    if (code === 10 || (code >= 200 && code <= 299)) return fail('permission')
    if (code === 100 && subcode === 2018001)
      return fail('invalid', 'The platform does not know this person any more.')
    if (code === 100 && (subcode === 33 || /does not exist|cannot be loaded/i.test(detail)))
      return fail('target_gone')
    if (code === 506) return fail('duplicate')
    if (code === 1 || code === 2 || error.is_transient === true || status === 503)
      return fail('transient')
    if (status >= 500) return fail('unknown')
    return fail('invalid')
  }
}

interface MetaCalls {
  platform: 'facebook' | 'instagram'
  /** Path of the public reply to a comment. */
  commentReplyPath(target: ReplyTarget): string
  /** Path of the Send API (DMs and private replies). */
  messagesPath(accountId: string): string
  /** Words for "private replies are not possible here". */
  privateName: string
}

function metaSender(
  calls: MetaCalls,
  config: MetaSenderConfig,
  options: SenderOptions,
): ReplySender {
  const c = metaSenderConfigSchema.parse(config)
  const now = options.now ?? (() => new Date())
  const token = () => resolveSecret(c.accessToken)
  const url = (path: string) => `${c.baseUrl.replace(/\/$/, '')}/${c.apiVersion}/${path}`
  const post = (path: string, body: unknown, call: 'comment' | 'message') =>
    sendWithRetries(
      calls.platform,
      options,
      {
        url: url(path),
        headers: { authorization: `Bearer ${token()}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      },
      graphSendClassifier(calls.platform, call),
    )
  const refuse = (reason: string) =>
    new ReplySendError({ kind: 'policy_window', platform: calls.platform, status: 0, reason })

  async function sendDm(target: ReplyTarget, request: ReplyRequest): Promise<SentReply> {
    if (!target.authorId)
      throw new ReplySendError({
        kind: 'invalid',
        platform: calls.platform,
        status: 0,
        reason: 'This conversation has no recipient id, so a message cannot be addressed.',
      })
    const since = target.lastInboundAt ?? target.createdAt
    const age = since ? now().getTime() - since.getTime() : 0
    let tagging: Record<string, string> = { messaging_type: 'RESPONSE' }
    if (age > MESSAGING_WINDOW_MS) {
      if (!c.humanAgentTag || age > HUMAN_AGENT_WINDOW_MS)
        throw refuse(
          `The person last wrote ${Math.floor(age / HOUR)} hours ago; ${calls.privateName} only allows an answer within 24 hours of their last message${c.humanAgentTag ? ' (7 days for staff replies)' : ''}. Ask them to write again, or answer on another channel.`,
        )
      tagging = { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' }
    }
    const res = await post(
      calls.messagesPath(c.accountId),
      {
        recipient: { id: target.authorId },
        ...tagging,
        message: { text: request.text, metadata: `earshot:outbox:${request.outboxKey}` },
      },
      'message',
    )
    return {
      externalId: requiredString(calls.platform, res.json, 'message_id'),
      kind: 'dm',
      sentAt: now(),
    }
  }

  async function sendPrivateReply(target: ReplyTarget, request: ReplyRequest): Promise<SentReply> {
    if (target.createdAt && now().getTime() - target.createdAt.getTime() > HUMAN_AGENT_WINDOW_MS)
      throw refuse(
        `A private reply to a comment is only possible within 7 days of the comment; this one is older. Answer publicly with an invitation to call.`,
      )
    const res = await post(
      calls.messagesPath(c.accountId),
      { recipient: { comment_id: target.externalId }, message: { text: request.text } },
      'message',
    )
    const recipient = (res.json as { recipient_id?: unknown } | undefined)?.recipient_id
    return {
      externalId: requiredString(calls.platform, res.json, 'message_id'),
      kind: 'dm',
      ...(typeof recipient === 'string'
        ? {
            threadKey: `${calls.platform === 'facebook' ? 'messenger' : 'instagram-dm'}:${recipient}`,
          }
        : {}),
      sentAt: now(),
    }
  }

  return {
    platform: calls.platform,
    supports: (target, visibility) =>
      target.kind === 'dm' ? true : target.kind === 'comment' || visibility === 'public',
    async send(request) {
      const { target } = request
      if (target.kind === 'dm') return sendDm(target, request)
      if (request.visibility === 'private') {
        if (target.kind !== 'comment')
          throw refuse(`${calls.privateName} private replies are only possible to comments.`)
        return sendPrivateReply(target, request)
      }
      const res = await post(calls.commentReplyPath(target), { message: request.text }, 'comment')
      return {
        externalId: requiredString(calls.platform, res.json, 'id'),
        kind: 'reply',
        sentAt: now(),
      }
    },
  }
}

/**
 * The Facebook Page sender: comment replies (`POST /{comment-id}/comments`), private replies and
 * Messenger answers (`POST /{page-id}/messages`).
 */
export function facebookSender(config: MetaSenderConfig, options: SenderOptions = {}): ReplySender {
  return metaSender(
    {
      platform: 'facebook',
      commentReplyPath: (target) => `${encodeURIComponent(target.externalId)}/comments`,
      messagesPath: (page) => `${encodeURIComponent(page)}/messages`,
      privateName: 'Messenger',
    },
    config,
    options,
  )
}

/**
 * The Instagram sender: comment replies (`POST /{ig-comment-id}/replies`, which lands on the
 * top-level comment), private replies and DMs (`POST /{ig-user-id}/messages`).
 */
export function instagramSender(
  config: MetaSenderConfig,
  options: SenderOptions = {},
): ReplySender {
  return metaSender(
    {
      platform: 'instagram',
      // Instagram threads are one level deep: answer the top-level comment (the thread key).
      commentReplyPath: (target) =>
        `${encodeURIComponent(target.threadKey ?? target.externalId)}/replies`,
      messagesPath: (account) => `${encodeURIComponent(account)}/messages`,
      privateName: 'Instagram',
    },
    config,
    options,
  )
}
