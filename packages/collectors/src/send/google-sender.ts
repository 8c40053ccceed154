/**
 * @module The Google Business Profile sender: one owner reply per review, created or replaced by
 * the same `PUT …/reviews/{id}/reply` (so "edit" is sending again). The reply has no id of its
 * own; the collector stores it as `${reviewId}/reply`, so that is the key we return.
 */
import { z } from 'zod'
import { parseRetryAfter } from '../http/rate-limit-headers.js'
import { resolveSecret } from '../util/resolve-secret.js'
import {
  platformMessage,
  ReplySendError,
  type ReplySender,
  type SendClassifier,
  type SenderOptions,
  sendWithRetries,
} from './reply-sender.js'

/** Google counts the reply limit in UTF-8 bytes. */
export const GOOGLE_REPLY_MAX_BYTES = 4096

/** What the Google sender needs: an OAuth access token with business.manage and the v4 location name. */
export const googleSenderConfigSchema = z.object({
  accessToken: z.string().min(1),
  /** `accounts/{a}/locations/{l}` (the channel's external account id). */
  location: z.string().regex(/^accounts\/[^/]+\/locations\/[^/]+$/),
  baseUrl: z.url().default('https://mybusiness.googleapis.com'),
})
export type GoogleSenderConfig = z.input<typeof googleSenderConfigSchema>

/** Maps the Google error envelope to send failures (platform-write-apis.md § 5.2). */
export const googleSendClassifier: SendClassifier = ({ status, headers, json, text }, now) => {
  if (status >= 200 && status < 300) return undefined
  const detail = platformMessage(json, text)
  const code = String((json as { error?: { status?: unknown } } | undefined)?.error?.status ?? '')
  const fail = (kind: ReplySendError['kind'], reason?: string, retryAfter?: number) =>
    new ReplySendError({
      kind,
      platform: 'google',
      status,
      detail,
      reason,
      platformCode: code || undefined,
      retryAfter,
    })
  if (status === 401) return fail('reauth')
  if (status === 429 || code === 'RESOURCE_EXHAUSTED')
    return fail('rate_limited', undefined, parseRetryAfter(headers.get('retry-after'), now))
  if (status === 404) return fail('target_gone', 'The review was deleted on Google.')
  if (code === 'FAILED_PRECONDITION')
    return fail(
      'policy_window',
      'Google does not accept replies for this location now (it may not be verified).',
    )
  if (status === 403) return fail('permission')
  if (status === 503) return fail('transient')
  if (status >= 500) return fail('unknown')
  return fail('invalid')
}

/** Creates the Google review-reply sender. */
export function googleSender(config: GoogleSenderConfig, options: SenderOptions = {}): ReplySender {
  const c = googleSenderConfigSchema.parse(config)
  const now = options.now ?? (() => new Date())
  const base = c.baseUrl.replace(/\/$/, '')
  return {
    platform: 'google',
    supports: (target, visibility) => target.kind === 'review' && visibility === 'public',
    async send(request) {
      const { target } = request
      if (target.kind !== 'review' || request.visibility !== 'public')
        throw new ReplySendError({
          kind: 'policy_window',
          platform: 'google',
          status: 0,
          reason: 'Google reviews can only be answered with one public owner reply.',
        })
      if (Buffer.byteLength(request.text, 'utf8') > GOOGLE_REPLY_MAX_BYTES)
        throw new ReplySendError({
          kind: 'invalid',
          platform: 'google',
          status: 0,
          reason: `Google accepts replies up to ${GOOGLE_REPLY_MAX_BYTES} bytes; shorten the reply.`,
        })
      // The collector keys a review by its last path segment; the v4 name is location + reviews/{id}.
      const reviewId = target.externalId.split('/').pop() ?? target.externalId
      const res = await sendWithRetries(
        'google',
        options,
        {
          url: `${base}/v4/${c.location}/reviews/${encodeURIComponent(reviewId)}/reply`,
          method: 'PUT',
          headers: {
            authorization: `Bearer ${resolveSecret(c.accessToken)}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ comment: request.text }),
        },
        googleSendClassifier,
      )
      const updated = (res.json as { updateTime?: unknown } | undefined)?.updateTime
      const sentAt =
        typeof updated === 'string' && !Number.isNaN(Date.parse(updated))
          ? new Date(updated)
          : now()
      return { externalId: `${reviewId}/reply`, kind: 'reply', sentAt }
    },
  }
}
