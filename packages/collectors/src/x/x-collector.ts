/**
 * @module X (API v2) collector: mentions of the practice's account, its own posts (replies made
 * in X's app are responses too, and the mentions timeline never contains them), and an optional
 * recent-search query. Each stream keeps its own `since_id`; an unfinished run keeps its
 * `pagination_token`, so a crash resumes where it stopped.
 *
 * Threads are X conversations (`conversation_id`). An edited post gets a new id on X; the
 * collector keys it by the first id of its edit history, so the edit updates the mention.
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
import { createHttpClient, errorMessageOf, type ResponseClassifier } from '../http/http-client.js'
import { parseRetryAfter, xRateLimitWait } from '../http/rate-limit-headers.js'
import { parseTime, requireTime } from '../util/parse-time.js'
import { resolveSecret } from '../util/resolve-secret.js'

/** Channel config of an X account. `externalAccountId` is the numeric user id. */
export const xConfigSchema = z
  .object({
    /** App Bearer token or OAuth 2 user token (or `env:NAME`), with tweet.read and users.read. */
    bearerToken: z.string().min(1).optional(),
    /** The OAuth 2 user token of a channel connected through Earshot (sealed; preferred over `bearerToken`). */
    accessToken: z.string().min(1).optional(),
    baseUrl: z.url().default('https://api.x.com'),
    includeMentions: z.boolean().default(true),
    /** The account's own posts (its replies are the practice's responses). */
    includeOwnPosts: z.boolean().default(true),
    /** A recent-search query (≤ 512 chars), e.g. `"Smile Dental" -is:retweet`. */
    searchQuery: z.string().min(1).max(512).optional(),
    maxResults: z.number().int().min(10).max(100).default(100),
    /** How far back the first run reaches (recent search is capped at 7 days by X). */
    lookbackDays: z.number().int().min(1).max(30).default(7),
  })
  .refine((c) => c.accessToken || c.bearerToken, 'either bearerToken or accessToken is required')
export type XConfig = z.output<typeof xConfigSchema>

type StreamName = 'mentions' | 'own' | 'search'

/** Per stream: the newest id fully collected, and the state of an unfinished run. */
export interface XStreamCursor {
  sinceId?: string
  run?: { newestId?: string; token?: string }
}
export interface XCursor {
  streams?: Partial<Record<StreamName, XStreamCursor>>
}

const TWEET_PARAMS = {
  'tweet.fields':
    'created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets,lang,edit_history_tweet_ids',
  expansions: 'author_id,referenced_tweets.id',
  'user.fields': 'username,name',
}

/** X's rules: 429 waits until `x-rate-limit-reset`; 401 (and 403 unsupported-authentication) is auth. */
export const xClassifier: ResponseClassifier = ({ status, headers, json, text, now }) => {
  const message = errorMessageOf(json, text)
  const type = (json as { type?: unknown } | undefined)?.type
  if (status === 429)
    return {
      kind: 'rate_limited',
      message,
      retryAfter:
        parseRetryAfter(headers.get('retry-after'), now) ?? xRateLimitWait(headers, now, true),
      platformCode: typeof type === 'string' ? type : 429,
    }
  if (
    status === 401 ||
    (status === 403 &&
      typeof type === 'string' &&
      /unsupported-authentication|not-authorized-for-resource/.test(type))
  )
    return { kind: 'auth', message }
  return undefined
}

/** Creates the X collector. */
export function xCollector(options: CollectorOptions = {}): Collector<XConfig> {
  const now = options.now ?? (() => new Date())
  return {
    platform: 'x',
    name: 'X (API v2)',
    configSchema: xConfigSchema as z.ZodType<XConfig>,
    poll: (context) => pollX(context, options, now),
  }
}

async function* pollX(
  context: PollContext<XConfig>,
  options: CollectorOptions,
  now: () => Date,
): AsyncGenerator<PollBatch> {
  const { channel, config } = context
  const http = createHttpClient({
    ...httpOptionsOf(options),
    platform: 'x',
    fetch: context.fetch,
    signal: context.signal,
    classify: xClassifier,
    headers: {
      authorization: `Bearer ${resolveSecret((config.accessToken ?? config.bearerToken)!)}`,
    },
  })
  const cursor: XCursor = structuredClone((context.cursor ?? {}) as XCursor)
  cursor.streams ??= {}
  const base = config.baseUrl.replace(/\/$/, '')
  const userId = encodeURIComponent(channel.externalAccountId)
  const streams: {
    name: StreamName
    path: string
    tokenParam: string
    extra: Record<string, string>
  }[] = []
  if (config.includeMentions)
    streams.push({
      name: 'mentions',
      path: `/2/users/${userId}/mentions`,
      tokenParam: 'pagination_token',
      extra: {},
    })
  if (config.includeOwnPosts)
    streams.push({
      name: 'own',
      path: `/2/users/${userId}/tweets`,
      tokenParam: 'pagination_token',
      extra: {},
    })
  if (config.searchQuery)
    streams.push({
      name: 'search',
      path: '/2/tweets/search/recent',
      tokenParam: 'next_token',
      extra: { query: config.searchQuery },
    })

  for (const stream of streams) {
    const state: XStreamCursor = cursor.streams[stream.name] ?? {}
    const startTime = new Date(
      now().getTime() -
        Math.min(config.lookbackDays, stream.name === 'search' ? 7 : 30) * 86_400_000 +
        60_000,
    ).toISOString()
    for (;;) {
      const params = new URLSearchParams({
        ...TWEET_PARAMS,
        ...stream.extra,
        max_results: String(config.maxResults),
      })
      if (state.sinceId) params.set('since_id', state.sinceId)
      else params.set('start_time', startTime)
      if (state.run?.token) params.set(stream.tokenParam, state.run.token)
      let page: XPage
      try {
        page = await http.getJson<XPage>(`${base}${stream.path}?${params}`, {
          signal: context.signal,
        })
      } catch (error) {
        // A pagination token from before a crash may have expired: restart this stream's run.
        if (state.run?.token && isCollectorHttpError(error, 'client') && error.status === 400) {
          state.run = undefined
          continue
        }
        throw error
      }
      if (
        !page ||
        typeof page !== 'object' ||
        typeof page.meta !== 'object' ||
        page.meta === null
      ) {
        throw new CollectorHttpError(`${stream.path}: response without meta`, {
          kind: 'malformed',
          status: 200,
          platform: 'x',
          body: JSON.stringify(page)?.slice(0, 4000),
        })
      }
      const items: IngestItem[] = []
      const rejected: NonNullable<PollBatch['rejected']> = []
      const users = new Map((page.includes?.users ?? []).map((u) => [u.id, u]))
      for (const tweet of page.data ?? []) {
        try {
          items.push(mapTweet(tweet, users, channel))
        } catch (error) {
          rejected.push({ reason: `x post: ${(error as Error).message}`, payload: tweet })
        }
      }
      const newest = maxId(state.run?.newestId, page.meta.newest_id)
      if (page.meta.next_token) {
        state.run = { newestId: newest, token: page.meta.next_token }
      } else {
        state.sinceId = maxId(state.sinceId, newest)
        state.run = undefined
      }
      cursor.streams[stream.name] = state
      yield { items, rejected, cursor: structuredClone(cursor) }
      if (!state.run) break
    }
  }
}

interface XUser {
  id: string
  username?: string
  name?: string
}
interface XTweet {
  id?: unknown
  text?: unknown
  author_id?: unknown
  created_at?: unknown
  conversation_id?: unknown
  lang?: unknown
  referenced_tweets?: { type?: unknown; id?: unknown }[]
  edit_history_tweet_ids?: unknown
}
interface XPage {
  data?: XTweet[]
  includes?: { users?: XUser[]; tweets?: XTweet[] }
  meta: { result_count?: number; newest_id?: string; oldest_id?: string; next_token?: string }
  errors?: unknown[]
}

/** The larger of two snowflake ids (compared as BigInt: they exceed 2^53). */
export function maxId(a: string | undefined, b: string | undefined): string | undefined {
  if (!a || !/^\d+$/.test(a)) return b && /^\d+$/.test(b) ? b : a
  if (!b || !/^\d+$/.test(b)) return a
  return BigInt(a) >= BigInt(b) ? a : b
}

/** The creation time encoded in a snowflake id (ms since epoch), or undefined for other ids. */
export function snowflakeTime(id: string): Date | undefined {
  if (!/^\d{15,20}$/.test(id)) return undefined
  const ms = Number((BigInt(id) >> 22n) + 1288834974657n)
  return ms > Date.UTC(2010, 10, 4) ? new Date(ms) : undefined
}

/** Maps a v2 post to a mention. `users` comes from `includes.users`. */
export function mapTweet(
  tweet: XTweet,
  users: Map<string, XUser>,
  channel: CollectorChannel,
): MentionInput {
  if (typeof tweet.id !== 'string' || !/^\d+$/.test(tweet.id))
    throw new Error('post without a numeric string id')
  const history = Array.isArray(tweet.edit_history_tweet_ids)
    ? tweet.edit_history_tweet_ids.filter((x): x is string => typeof x === 'string')
    : []
  const originalId = history.length > 1 && history[0] ? history[0] : tweet.id
  // Without tweet.fields=created_at (a misconfigured proxy, old captures) the id still dates it.
  const versionTime =
    parseTime(tweet.created_at) ??
    snowflakeTime(tweet.id) ??
    requireTime(tweet.created_at, 'created_at')
  // Edits get new ids; the original's time is encoded in its own id.
  const createdAt =
    originalId !== tweet.id ? (snowflakeTime(originalId) ?? versionTime) : versionTime
  const authorId = tweet.author_id != null ? String(tweet.author_id) : undefined
  const user = authorId ? users.get(authorId) : undefined
  const repliedTo = tweet.referenced_tweets?.find((r) => r?.type === 'replied_to')?.id
  const own = authorId !== undefined && channel.ownIdentities.includes(authorId)
  return {
    channelId: channel.id,
    platform: 'x',
    externalId: originalId,
    kind: typeof repliedTo === 'string' ? 'reply' : own ? 'post' : 'mention',
    threadKey: typeof tweet.conversation_id === 'string' ? tweet.conversation_id : originalId,
    ...(typeof repliedTo === 'string' ? { parentExternalId: repliedTo } : {}),
    author: {
      ...(authorId ? { id: authorId } : {}),
      ...(user?.username ? { handle: user.username } : {}),
      ...(user?.name ? { name: user.name } : {}),
    },
    text: typeof tweet.text === 'string' ? tweet.text : '',
    permalink: `https://x.com/${user?.username ?? 'i/web'}/status/${tweet.id}`,
    createdAt,
    ...(originalId !== tweet.id ? { editedAt: versionTime } : {}),
    ...(typeof tweet.lang === 'string' && tweet.lang !== 'und' && tweet.lang !== 'zxx'
      ? { language: tweet.lang }
      : {}),
    raw: tweet,
  }
}
