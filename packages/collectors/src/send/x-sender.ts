/**
 * @module The X sender: a reply post (`POST /2/tweets` with `reply.in_reply_to_tweet_id`) and a
 * direct message (`POST /2/dm_conversations/with/{id}/messages`). X answers errors as v2
 * problem objects; 429 carries `x-rate-limit-reset` rather than Retry-After.
 */
import { z } from 'zod'
import { xRateLimitWait } from '../http/rate-limit-headers.js'
import { resolveSecret } from '../util/resolve-secret.js'
import {
  platformMessage,
  ReplySendError,
  type ReplySender,
  requiredString,
  type SendClassifier,
  type SenderOptions,
  sendWithRetries,
} from './reply-sender.js'

/** What the X sender needs of the channel (a user-context OAuth 2.0 token with tweet.write). */
export const xSenderConfigSchema = z.object({
  accessToken: z.string().min(1),
  baseUrl: z.url().default('https://api.x.com'),
  /** Whether the token has dm.write (the composer offers a DM only then). */
  canSendDms: z.boolean().default(false),
})
export type XSenderConfig = z.input<typeof xSenderConfigSchema>

/** Maps X v2 problems to send failures (platform-write-apis.md § 3.2). */
export const xSendClassifier: SendClassifier = ({ status, headers, json, text }, now) => {
  if (status >= 200 && status < 300) return undefined
  const detail = platformMessage(json, text)
  const type = String((json as { type?: unknown } | undefined)?.type ?? '')
  const fail = (kind: ReplySendError['kind'], reason?: string, retryAfter?: number) =>
    new ReplySendError({
      kind,
      platform: 'x',
      status,
      detail,
      reason,
      platformCode: type || undefined,
      retryAfter,
    })
  if (status === 401) return fail('reauth')
  if (status === 429) return fail('rate_limited', undefined, xRateLimitWait(headers, now, true))
  if (/duplicate/i.test(detail)) return fail('duplicate')
  if (/deleted|does not exist|not found/i.test(detail) || status === 404) return fail('target_gone')
  if (
    /restricted who can reply|not allowed to reply|reply_settings|cannot send messages|not accept/i.test(
      detail,
    )
  )
    return fail(
      'policy_window',
      'The author of this post restricted who can reply, or does not accept messages from this account.',
    )
  if (status === 403) return fail('permission')
  if (status === 503) return fail('transient')
  if (status >= 500) return fail('unknown')
  return fail('invalid')
}

/** Creates the X sender. */
export function xSender(config: XSenderConfig, options: SenderOptions = {}): ReplySender {
  const c = xSenderConfigSchema.parse(config)
  const now = options.now ?? (() => new Date())
  const base = c.baseUrl.replace(/\/$/, '')
  const post = (path: string, body: unknown) =>
    sendWithRetries(
      'x',
      options,
      {
        url: `${base}${path}`,
        headers: {
          authorization: `Bearer ${resolveSecret(c.accessToken)}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      },
      xSendClassifier,
    )
  return {
    platform: 'x',
    supports: (target, visibility) =>
      visibility === 'public'
        ? target.kind !== 'dm'
        : c.canSendDms && target.authorId !== undefined,
    async send(request) {
      const { target } = request
      if (target.kind === 'dm' || request.visibility === 'private') {
        if (!c.canSendDms || !target.authorId)
          throw new ReplySendError({
            kind: 'permission',
            platform: 'x',
            status: 0,
            reason:
              'This X connection cannot send direct messages (it needs the dm.write permission).',
          })
        const res = await post(
          `/2/dm_conversations/with/${encodeURIComponent(target.authorId)}/messages`,
          {
            text: request.text,
          },
        )
        return {
          externalId: requiredString('x', res.json, 'data', 'dm_event_id'),
          kind: 'dm',
          sentAt: now(),
        }
      }
      const res = await post('/2/tweets', {
        text: request.text,
        reply: { in_reply_to_tweet_id: target.externalId },
      })
      return {
        externalId: requiredString('x', res.json, 'data', 'id'),
        kind: 'reply',
        sentAt: now(),
      }
    },
  }
}
