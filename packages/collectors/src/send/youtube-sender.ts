/**
 * @module The YouTube sender: `POST /youtube/v3/comments?part=snippet` with the top-level
 * comment as `parentId` (YouTube threads are one level deep). Errors carry `errors[0].reason`.
 */
import { z } from 'zod'
import { resolveSecret } from '../util/resolve-secret.js'
import { msUntilPacificMidnight } from '../youtube/youtube-collector.js'
import {
  platformMessage,
  ReplySendError,
  type ReplySender,
  requiredString,
  type SendClassifier,
  type SenderOptions,
  sendWithRetries,
} from './reply-sender.js'

/** What the YouTube sender needs: an OAuth access token with youtube.force-ssl. */
export const youtubeSenderConfigSchema = z.object({
  accessToken: z.string().min(1),
  baseUrl: z.url().default('https://www.googleapis.com'),
})
export type YoutubeSenderConfig = z.input<typeof youtubeSenderConfigSchema>

/** Maps YouTube Data API errors to send failures (platform-write-apis.md § 6.2). */
export const youtubeSendClassifier: SendClassifier = ({ status, json, text }, now) => {
  if (status >= 200 && status < 300) return undefined
  const detail = platformMessage(json, text)
  const reason = String(
    (json as { error?: { errors?: { reason?: unknown }[] } } | undefined)?.error?.errors?.[0]
      ?.reason ?? '',
  )
  const fail = (kind: ReplySendError['kind'], words?: string, retryAfter?: number) =>
    new ReplySendError({
      kind,
      platform: 'youtube',
      status,
      detail,
      reason: words,
      platformCode: reason || undefined,
      retryAfter,
    })
  if (status === 401) return fail('reauth')
  if (reason === 'quotaExceeded' || reason === 'rateLimitExceeded' || status === 429)
    return fail(
      'rate_limited',
      reason === 'quotaExceeded'
        ? "Today's YouTube quota is used up; replies can be sent again after midnight Pacific time."
        : undefined,
      reason === 'quotaExceeded' ? msUntilPacificMidnight(now) : undefined,
    )
  if (
    ['parentCommentIsPrivate', 'parentCommentNotFound', 'commentNotFound'].includes(reason) ||
    status === 404
  )
    return fail('target_gone')
  if (reason === 'operationNotSupported')
    return fail('policy_window', 'Replies are turned off for this comment thread on YouTube.')
  if (status === 403) return fail('permission')
  if (reason === 'commentTextTooLong') return fail('invalid', 'YouTube says the reply is too long.')
  if (status === 503 || reason === 'backendError') return fail('transient')
  if (status >= 500) return fail('unknown')
  return fail('invalid')
}

/** Creates the YouTube comment-reply sender. */
export function youtubeSender(
  config: YoutubeSenderConfig,
  options: SenderOptions = {},
): ReplySender {
  const c = youtubeSenderConfigSchema.parse(config)
  const now = options.now ?? (() => new Date())
  const base = c.baseUrl.replace(/\/$/, '')
  return {
    platform: 'youtube',
    supports: (target, visibility) => target.kind === 'comment' && visibility === 'public',
    async send(request) {
      const { target } = request
      if (target.kind !== 'comment' || request.visibility !== 'public')
        throw new ReplySendError({
          kind: 'policy_window',
          platform: 'youtube',
          status: 0,
          reason: 'YouTube has no private replies; answer publicly.',
        })
      const res = await sendWithRetries(
        'youtube',
        options,
        {
          url: `${base}/youtube/v3/comments?part=snippet`,
          headers: {
            authorization: `Bearer ${resolveSecret(c.accessToken)}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({
            snippet: {
              parentId: target.threadKey ?? target.externalId,
              textOriginal: request.text,
            },
          }),
        },
        youtubeSendClassifier,
      )
      return { externalId: requiredString('youtube', res.json, 'id'), kind: 'reply', sentAt: now() }
    },
  }
}
