/**
 * @module Google Business Profile reviews. Each review is an inbound mention (kind `review`,
 * star rating 1–5) and its owner reply, if any, is an outbound reply in the review's thread:
 * a reply typed in Google's own app counts like any other. Reviews are listed newest-updated
 * first with `pageToken` paging; every run walks the whole list, because an owner reply added
 * later does not change the review's `updateTime` (seen in real captures).
 */
import type {
  Collector,
  CollectorChannel,
  IngestItem,
  MentionInput,
  PollBatch,
  PollContext,
} from '@earshot/core'
import { z } from 'zod'
import { type CollectorOptions, httpOptionsOf } from '../collector-options.js'
import { CollectorHttpError, isCollectorHttpError } from '../errors.js'
import { createHttpClient } from '../http/http-client.js'
import { parseTime, requireTime } from '../util/parse-time.js'
import { googleAccessToken, googleClassifier, googleOAuthFields } from './google-auth.js'

/** Channel config of a Business Profile location. `externalAccountId` is `accounts/{a}/locations/{l}`. */
export const googleConfigSchema = z
  .object({
    ...googleOAuthFields,
    baseUrl: z.url().default('https://mybusiness.googleapis.com'),
    /** Overrides `externalAccountId` when the location's resource name differs from it. */
    locationName: z
      .string()
      .regex(/^accounts\/[^/]+\/locations\/[^/]+$/)
      .optional(),
    pageSize: z.number().int().min(1).max(50).default(50),
  })
  .refine((c) => c.accessToken || c.refreshToken, 'either accessToken or refreshToken is required')
export type GoogleConfig = z.output<typeof googleConfigSchema>

/** The checkpoint: the page an unfinished run stopped after, and when the last run finished. */
export interface GoogleCursor {
  lastRunStartedAt?: string
  run?: { startedAt: string; pageToken: string }
}

const STARS: Record<string, number> = { ONE: 1, TWO: 2, THREE: 3, FOUR: 4, FIVE: 5 }

/** Creates the Google Business Profile reviews collector. */
export function googleCollector(options: CollectorOptions = {}): Collector<GoogleConfig> {
  const now = options.now ?? (() => new Date())
  return {
    platform: 'google',
    name: 'Google Business Profile reviews',
    configSchema: googleConfigSchema as unknown as z.ZodType<GoogleConfig>,
    poll: (context) => pollGoogle(context, options, now),
  }
}

async function* pollGoogle(
  context: PollContext<GoogleConfig>,
  options: CollectorOptions,
  now: () => Date,
): AsyncGenerator<PollBatch> {
  const { channel, config } = context
  const token = await googleAccessToken(config, 'google', {
    ...httpOptionsOf(options),
    fetch: context.fetch,
    signal: context.signal,
  })
  const http = createHttpClient({
    ...httpOptionsOf(options),
    platform: 'google',
    fetch: context.fetch,
    signal: context.signal,
    classify: googleClassifier,
    headers: { authorization: `Bearer ${token}` },
  })
  const previous = (context.cursor ?? {}) as GoogleCursor
  const startedAt = previous.run?.startedAt ?? now().toISOString()
  const keep: GoogleCursor = previous.lastRunStartedAt
    ? { lastRunStartedAt: previous.lastRunStartedAt }
    : {}
  const location = config.locationName ?? channel.externalAccountId
  let pageToken = previous.run?.pageToken
  for (;;) {
    const params = new URLSearchParams({
      pageSize: String(config.pageSize),
      orderBy: 'updateTime desc',
    })
    if (pageToken) params.set('pageToken', pageToken)
    let page: { reviews?: unknown; nextPageToken?: unknown }
    try {
      page = await http.getJson(
        `${config.baseUrl.replace(/\/$/, '')}/v4/${location}/reviews?${params}`,
        { signal: context.signal },
      )
    } catch (error) {
      // A page token kept across a crash can expire: walk the list again from the top.
      if (pageToken && isCollectorHttpError(error, 'client') && error.status === 400) {
        pageToken = undefined
        continue
      }
      throw error
    }
    if (
      !page ||
      typeof page !== 'object' ||
      (page.reviews !== undefined && !Array.isArray(page.reviews))
    ) {
      throw new CollectorHttpError('reviews.list returned an unexpected shape', {
        kind: 'malformed',
        status: 200,
        platform: 'google',
        body: JSON.stringify(page)?.slice(0, 4000),
      })
    }
    const items: IngestItem[] = []
    const rejected: NonNullable<PollBatch['rejected']> = []
    for (const review of (page.reviews ?? []) as Record<string, unknown>[]) {
      try {
        items.push(...mapReview(review, channel))
      } catch (error) {
        rejected.push({ reason: `google review: ${(error as Error).message}`, payload: review })
      }
    }
    const next =
      typeof page.nextPageToken === 'string' && page.nextPageToken !== ''
        ? page.nextPageToken
        : undefined
    yield {
      items,
      rejected,
      cursor: next
        ? ({ ...keep, run: { startedAt, pageToken: next } } satisfies GoogleCursor)
        : ({ lastRunStartedAt: startedAt } satisfies GoogleCursor),
    }
    if (!next) return
    pageToken = next
  }
}

/**
 * Google prefixes machine-translated reviews with "(Translated by Google) …" and appends the
 * original after "(Original)" (labels are localised). Keep the reviewer's own words.
 */
export function originalReviewText(comment: string): string {
  const match = /^\(([^)\n]*Google[^)\n]*)\)\s*[\s\S]*?\n\n\(([^)\n]+)\)\n([\s\S]+)$/.exec(comment)
  return match?.[3] ? match[3].trim() : comment
}

/** Maps a review to its mention and, when present, the owner reply's outbound mention. */
export function mapReview(
  review: Record<string, unknown>,
  channel: CollectorChannel,
): MentionInput[] {
  const name = typeof review.name === 'string' ? review.name : undefined
  const reviewId =
    typeof review.reviewId === 'string' && review.reviewId !== ''
      ? review.reviewId
      : name?.split('/').pop()
  if (!reviewId) throw new Error('review without reviewId or name')
  const createdAt = requireTime(review.createTime, 'createTime')
  const updated = parseTime(review.updateTime)
  const reviewer = (review.reviewer ?? {}) as { displayName?: unknown; isAnonymous?: unknown }
  const rating = STARS[String(review.starRating)]
  const out: MentionInput[] = [
    {
      channelId: channel.id,
      platform: 'google',
      externalId: reviewId,
      kind: 'review',
      direction: 'inbound',
      threadKey: reviewId,
      author:
        reviewer.isAnonymous === true
          ? { name: 'Anonymous' }
          : typeof reviewer.displayName === 'string'
            ? { name: reviewer.displayName }
            : {},
      text: typeof review.comment === 'string' ? originalReviewText(review.comment) : '',
      createdAt,
      ...(updated && updated.getTime() > createdAt.getTime() ? { editedAt: updated } : {}),
      ...(rating ? { rating } : {}),
      raw: review,
    },
  ]
  const reply = review.reviewReply as { comment?: unknown; updateTime?: unknown } | undefined
  if (reply && typeof reply === 'object' && typeof reply.comment === 'string') {
    // Google only says when the reply was last updated; that is the closest to when it was made.
    out.push({
      channelId: channel.id,
      platform: 'google',
      externalId: `${reviewId}/reply`,
      kind: 'reply',
      direction: 'outbound',
      threadKey: reviewId,
      parentExternalId: reviewId,
      author: { id: channel.externalAccountId, name: 'Owner' },
      text: reply.comment,
      createdAt: requireTime(reply.updateTime, 'reviewReply.updateTime'),
      raw: reply,
    })
  }
  return out
}
