/**
 * @module The web-chat sender: POSTs the reply to the site's callback URL signed the Standard
 * Webhooks way. `webhook-id` and our message id are derived from the outbox key, so they stay
 * the same across retries: the site can dedupe, and retrying after a 5xx or a timeout is safe.
 * When the site echoes the message back (`chat.message.created`, role `staff`) it carries the
 * same `message_id`, which the pipeline recognises as this reply.
 */
import { z } from 'zod'
import { parseRetryAfter } from '../http/rate-limit-headers.js'
import { resolveSecret } from '../util/resolve-secret.js'
import { signStandardWebhook } from '../webchat/webchat-collector.js'
import {
  ReplySendError,
  type ReplySender,
  type SendClassifier,
  type SenderOptions,
  sendWithRetries,
} from './reply-sender.js'

/** What the web-chat sender needs: the channel's signing secret and the site's reply endpoint. */
export const webchatSenderConfigSchema = z.object({
  secret: z.string().min(8),
  replyUrl: z.url({ protocol: /^https?$/ }),
})
export type WebchatSenderConfig = z.input<typeof webchatSenderConfigSchema>

/** Our message id for an outbox key (stable across retries). */
export const webchatReplyId = (outboxKey: string) => `earshot_${outboxKey}`

const webchatClassifier: SendClassifier = ({ status, headers }, now) => {
  if (status >= 200 && status < 300) return undefined
  const fail = (kind: ReplySendError['kind'], reason?: string, retryAfter?: number) =>
    new ReplySendError({ kind, platform: 'webchat', status, reason, retryAfter })
  if (status === 401 || status === 403)
    return fail(
      'permission',
      'The website refused the signature: check the signing secret on both sides.',
    )
  if (status === 404 || status === 410)
    return fail('target_gone', 'The website says this chat no longer exists.')
  if (status === 429)
    return fail('rate_limited', undefined, parseRetryAfter(headers.get('retry-after'), now))
  // The webhook id is stable, so the site dedupes a repeat: any 5xx may be retried.
  if (status >= 500)
    return fail('transient', 'The website did not accept the reply (server error).')
  return fail('invalid', `The website rejected the reply (HTTP ${status}).`)
}

/** Creates the web-chat sender. */
export function webchatSender(
  config: WebchatSenderConfig,
  options: SenderOptions = {},
): ReplySender {
  const c = webchatSenderConfigSchema.parse(config)
  const now = options.now ?? (() => new Date())
  return {
    platform: 'webchat',
    supports: (target) => target.kind === 'dm',
    async send(request) {
      const { target } = request
      const conversation = target.threadKey?.replace(/^chat:/, '')
      if (target.kind !== 'dm' || !conversation)
        throw new ReplySendError({
          kind: 'invalid',
          platform: 'webchat',
          status: 0,
          reason: 'Only chat conversations can be answered through the website.',
        })
      const sentAt = now()
      const messageId = webchatReplyId(request.outboxKey)
      const body = JSON.stringify({
        type: 'chat.reply.created',
        timestamp: sentAt.toISOString(),
        data: {
          conversation_id: conversation,
          in_reply_to: target.externalId,
          message_id: messageId,
          text: request.text,
        },
      })
      const webhookId = `msg_${request.outboxKey}`
      const timestamp = Math.floor(sentAt.getTime() / 1000)
      try {
        await sendWithRetries(
          'webchat',
          options,
          {
            url: c.replyUrl,
            headers: {
              'content-type': 'application/json',
              'webhook-id': webhookId,
              'webhook-timestamp': String(timestamp),
              'webhook-signature': signStandardWebhook(
                resolveSecret(c.secret),
                webhookId,
                timestamp,
                body,
              ),
            },
            body,
          },
          webchatClassifier,
        )
      } catch (error) {
        // A lost connection is safe to retry here (stable webhook id), so say so.
        if (error instanceof ReplySendError && error.kind === 'unknown')
          throw new ReplySendError({
            kind: 'transient',
            platform: 'webchat',
            status: 0,
            reason: 'The website could not be reached. Try again shortly.',
          })
        throw error
      }
      return { externalId: messageId, kind: 'reply', threadKey: target.threadKey, sentAt }
    },
  }
}
