/**
 * @module YouTube comments on the practice's channel: `commentThreads.list` over every video
 * (`allThreadsRelatedToChannelId`), with inline replies, and `comments.list?parentId` when a
 * thread has more replies than the inline subset. A thread is the top-level comment and its
 * replies; the channel owner's replies (author channel = the channel) are outbound.
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
import { googleAccessToken, googleClassifier, googleOAuthFields } from '../google/google-auth.js'
import {
  createHttpClient,
  errorMessageOf,
  type HttpClient,
  type ResponseClassifier,
} from '../http/http-client.js'
import { htmlToText } from '../util/html-to-text.js'
import { parseTime, requireTime } from '../util/parse-time.js'
import { resolveSecret } from '../util/resolve-secret.js'

/** Channel config of a YouTube channel. `externalAccountId` is the channel id (`UC…`). */
export const youtubeConfigSchema = z
  .object({
    /** API key (or `env:NAME`) for public comments; or OAuth (`youtube.force-ssl`) fields. */
    apiKey: z.string().min(1).optional(),
    ...googleOAuthFields,
    baseUrl: z.url().default('https://www.googleapis.com'),
    pageSize: z.number().int().min(1).max(100).default(100),
    /** How far back the first run reaches; later runs stop at the previous run. */
    lookbackDays: z.number().int().min(1).max(3650).default(30),
  })
  .refine(
    (c) => c.apiKey || c.accessToken || c.refreshToken,
    'one of apiKey, accessToken or refreshToken is required',
  )
export type YoutubeConfig = z.output<typeof youtubeConfigSchema>

/** The checkpoint. */
export interface YoutubeCursor {
  lastRunStartedAt?: string
  run?: { startedAt: string; pageToken: string }
}

const AUTH_REASONS = new Set([
  'authError',
  'insufficientPermissions',
  'keyInvalid',
  'keyExpired',
  'ipRefererBlocked',
  'accessNotConfigured',
])
const QUOTA_REASONS = new Set([
  'quotaExceeded',
  'rateLimitExceeded',
  'userRateLimitExceeded',
  'dailyLimitExceeded',
])

/** YouTube's error rules: 403 `quotaExceeded` waits (until the daily reset), 401/403 `authError` and invalid keys are auth. */
export const youtubeClassifier: ResponseClassifier = (response) => {
  const error = (response.json as { error?: { errors?: { reason?: unknown }[] } } | undefined)
    ?.error
  const reason =
    error && typeof error === 'object'
      ? error.errors?.find((e) => typeof e?.reason === 'string')?.reason
      : undefined
  const message = errorMessageOf(response.json, response.text)
  if (typeof reason === 'string') {
    if (AUTH_REASONS.has(reason)) return { kind: 'auth', message, platformCode: reason }
    if (QUOTA_REASONS.has(reason)) {
      return {
        kind: 'rate_limited',
        message,
        platformCode: reason,
        retryAfter:
          reason === 'quotaExceeded' || reason === 'dailyLimitExceeded'
            ? msUntilPacificMidnight(response.now)
            : undefined,
      }
    }
  }
  return googleClassifier(response)
}

/** Google's clock and ours may differ a little: retry this long after the reset. */
export const QUOTA_RESET_MARGIN_MS = 60_000

const pacific = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/Los_Angeles',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
  hourCycle: 'h23',
})

/** Pacific wall-clock fields of an instant. */
function pacificParts(at: number) {
  const parts = pacific.formatToParts(new Date(at))
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0)
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  }
}

/** How far Pacific wall-clock time is ahead of UTC at an instant (negative: behind). */
function pacificOffsetMs(at: number): number {
  const p = pacificParts(at)
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
  return wall - Math.floor(at / 1000) * 1000
}

/**
 * Time until the daily quota resets, at the next midnight Pacific time (found in the time-zone
 * database, so days of 23 or 25 hours around DST changes are right), plus a margin for clock skew.
 */
export function msUntilPacificMidnight(now: number): number {
  const today = pacificParts(now)
  const midnightWall = Date.UTC(today.year, today.month - 1, today.day + 1)
  // Midnight exists on every Pacific day (the clocks change at 02:00): two refinements find it.
  let reset = midnightWall - pacificOffsetMs(midnightWall)
  reset = midnightWall - pacificOffsetMs(reset)
  return reset - now + QUOTA_RESET_MARGIN_MS
}

/** Creates the YouTube collector. */
export function youtubeCollector(options: CollectorOptions = {}): Collector<YoutubeConfig> {
  const now = options.now ?? (() => new Date())
  return {
    platform: 'youtube',
    name: 'YouTube comments',
    configSchema: youtubeConfigSchema as unknown as z.ZodType<YoutubeConfig>,
    poll: (context) => pollYoutube(context, options, now),
  }
}

async function* pollYoutube(
  context: PollContext<YoutubeConfig>,
  options: CollectorOptions,
  now: () => Date,
): AsyncGenerator<PollBatch> {
  const { channel, config } = context
  const token =
    config.accessToken || config.refreshToken
      ? await googleAccessToken(config, 'youtube', {
          ...httpOptionsOf(options),
          fetch: context.fetch,
          signal: context.signal,
        })
      : undefined
  const http = createHttpClient({
    ...httpOptionsOf(options),
    platform: 'youtube',
    fetch: context.fetch,
    signal: context.signal,
    classify: youtubeClassifier,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  })
  const key = config.apiKey ? resolveSecret(config.apiKey) : undefined
  const base = config.baseUrl.replace(/\/$/, '')
  const previous = (context.cursor ?? {}) as YoutubeCursor
  const startedAt = previous.run?.startedAt ?? now().toISOString()
  const keep: YoutubeCursor = previous.lastRunStartedAt
    ? { lastRunStartedAt: previous.lastRunStartedAt }
    : {}
  const last = parseTime(previous.lastRunStartedAt)
  // An hour of overlap: comments can surface in the list a little after their publish time.
  const cutoff = last
    ? last.getTime() - 3_600_000
    : now().getTime() - config.lookbackDays * 86_400_000
  let pageToken = previous.run?.pageToken
  for (;;) {
    const params = new URLSearchParams({
      part: 'snippet,replies',
      allThreadsRelatedToChannelId: channel.externalAccountId,
      maxResults: String(config.pageSize),
      order: 'time',
      textFormat: 'plainText',
    })
    if (pageToken) params.set('pageToken', pageToken)
    if (key) params.set('key', key)
    let page: { items?: unknown; nextPageToken?: unknown }
    try {
      page = await http.getJson(`${base}/youtube/v3/commentThreads?${params}`, {
        signal: context.signal,
      })
    } catch (error) {
      if (pageToken && isCollectorHttpError(error, 'client') && error.status === 400) {
        pageToken = undefined
        continue
      }
      throw error
    }
    if (!page || typeof page !== 'object' || !Array.isArray(page.items)) {
      throw new CollectorHttpError('commentThreads.list returned no items array', {
        kind: 'malformed',
        status: 200,
        platform: 'youtube',
        body: JSON.stringify(page)?.slice(0, 4000),
      })
    }
    const items: IngestItem[] = []
    const rejected: NonNullable<PollBatch['rejected']> = []
    let reachedOld = false
    for (const thread of page.items as Record<string, unknown>[]) {
      try {
        const mapped = mapThread(thread, channel)
        const shown = ((thread.replies as { comments?: unknown[] } | undefined)?.comments ?? [])
          .length
        const total = Number(
          (thread.snippet as { totalReplyCount?: unknown } | undefined)?.totalReplyCount ?? 0,
        )
        if (total > shown)
          mapped.push(
            ...(await fetchReplies(
              http,
              base,
              key,
              mapped[0]!.externalId,
              String(thread.id),
              channel,
              context.signal,
            )),
          )
        items.push(...mapped)
        const newest = Math.max(
          ...mapped.map((m) => new Date((m.editedAt ?? m.createdAt) as Date).getTime()),
        )
        if (newest < cutoff) reachedOld = true
      } catch (error) {
        if (isCollectorHttpError(error)) throw error
        rejected.push({
          reason: `youtube comment thread: ${(error as Error).message}`,
          payload: thread,
        })
      }
    }
    const next =
      typeof page.nextPageToken === 'string' && page.nextPageToken !== '' && !reachedOld
        ? page.nextPageToken
        : undefined
    yield {
      items,
      rejected,
      cursor: next
        ? ({ ...keep, run: { startedAt, pageToken: next } } satisfies YoutubeCursor)
        : ({ lastRunStartedAt: startedAt } satisfies YoutubeCursor),
    }
    if (!next) return
    pageToken = next
  }
}

async function fetchReplies(
  http: HttpClient,
  base: string,
  key: string | undefined,
  parentId: string,
  threadId: string,
  channel: CollectorChannel,
  signal?: AbortSignal,
): Promise<MentionInput[]> {
  const out: MentionInput[] = []
  let pageToken: string | undefined
  do {
    const params = new URLSearchParams({
      part: 'snippet',
      parentId,
      maxResults: '100',
      textFormat: 'plainText',
    })
    if (pageToken) params.set('pageToken', pageToken)
    if (key) params.set('key', key)
    const page = await http.getJson<{ items?: Record<string, unknown>[]; nextPageToken?: string }>(
      `${base}/youtube/v3/comments?${params}`,
      { signal },
    )
    for (const comment of page.items ?? [])
      out.push(mapComment(comment, threadId, undefined, channel))
    pageToken = page.nextPageToken || undefined
  } while (pageToken)
  return out
}

/** Maps one comment (top-level or reply) to a mention in its thread. */
export function mapComment(
  comment: Record<string, unknown>,
  threadId: string,
  videoId: string | undefined,
  channel: CollectorChannel,
): MentionInput {
  const snippet = (comment.snippet ?? {}) as Record<string, unknown>
  if (typeof comment.id !== 'string' || comment.id === '') throw new Error('comment without id')
  const authorChannel = (snippet.authorChannelId as { value?: unknown } | undefined)?.value
  const authorId = typeof authorChannel === 'string' ? authorChannel : undefined
  const name = typeof snippet.authorDisplayName === 'string' ? snippet.authorDisplayName : undefined
  const parentId = typeof snippet.parentId === 'string' ? snippet.parentId : undefined
  const createdAt = requireTime(snippet.publishedAt, 'publishedAt')
  const updated = parseTime(snippet.updatedAt)
  const video = videoId ?? (typeof snippet.videoId === 'string' ? snippet.videoId : undefined)
  const text =
    typeof snippet.textOriginal === 'string'
      ? snippet.textOriginal
      : typeof snippet.textDisplay === 'string'
        ? htmlToText(snippet.textDisplay)
        : ''
  return {
    channelId: channel.id,
    platform: 'youtube',
    externalId: comment.id,
    kind: parentId ? 'reply' : 'comment',
    ...(authorId && channel.ownIdentities.includes(authorId)
      ? { direction: 'outbound' as const }
      : {}),
    threadKey: threadId,
    ...(parentId ? { parentExternalId: parentId } : {}),
    author: {
      ...(authorId ? { id: authorId } : {}),
      ...(name ? { name, ...(name.startsWith('@') ? { handle: name.slice(1) } : {}) } : {}),
    },
    text,
    permalink: video
      ? `https://www.youtube.com/watch?v=${encodeURIComponent(video)}&lc=${encodeURIComponent(comment.id)}`
      : undefined,
    createdAt,
    ...(updated && updated.getTime() > createdAt.getTime() ? { editedAt: updated } : {}),
    raw: comment,
  }
}

/** Maps a comment thread: its top-level comment first, then its inline replies. */
export function mapThread(
  thread: Record<string, unknown>,
  channel: CollectorChannel,
): MentionInput[] {
  const snippet = (thread.snippet ?? {}) as Record<string, unknown>
  const top = snippet.topLevelComment as Record<string, unknown> | undefined
  if (!top || typeof top !== 'object') throw new Error('thread without topLevelComment')
  const threadId = typeof thread.id === 'string' && thread.id !== '' ? thread.id : String(top.id)
  const videoId = typeof snippet.videoId === 'string' ? snippet.videoId : undefined
  const replies = ((thread.replies as { comments?: unknown[] } | undefined)?.comments ??
    []) as Record<string, unknown>[]
  return [
    mapComment(top, threadId, videoId, channel),
    ...replies.map((r) => mapComment(r, threadId, videoId, channel)),
  ]
}
