/**
 * @module Instagram professional account collector: the account's media with their comments and
 * replies (threading is one level: a reply belongs to its top-level comment), media the account
 * is tagged in, and the `comments` and `messages` webhooks.
 *
 * "Is this us?": Instagram's `from.id` is app-scoped, so the account's own replies are matched
 * on `username` (the config's `username`, or any handle in the channel's own identities).
 */
import type {
  Collector,
  CollectorChannel,
  IngestItem,
  MentionInput,
  PollBatch,
  PollContext,
  WebhookRequest,
  WebhookVerification,
} from '@earshot/core'
import { z } from 'zod'
import type { CollectorOptions } from '../collector-options.js'
import { mapMessagingEvent } from '../facebook/facebook-collector.js'
import {
  createGraphClient,
  graphData,
  graphUrl,
  nextGraphUrl,
  verifyMetaWebhook,
} from '../facebook/graph-api.js'
import type { HttpClient } from '../http/http-client.js'
import { parseTime, requireTime } from '../util/parse-time.js'
import { resolveSecret } from '../util/resolve-secret.js'

/** Channel config of an Instagram account. `externalAccountId` is the IG user id. */
export const instagramConfigSchema = z.object({
  /** IG user token (Instagram Login) or Page token (Facebook Login), or `env:NAME`. */
  accessToken: z.string().min(1),
  /** The account's own username, without `@`: its comments are the practice's replies. */
  username: z.string().min(1).optional(),
  appSecret: z.string().min(1).optional(),
  verifyToken: z.string().min(1).optional(),
  apiVersion: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .default('v23.0'),
  /** `https://graph.instagram.com` for Instagram Login apps, `https://graph.facebook.com` for Facebook Login. */
  baseUrl: z.url().default('https://graph.facebook.com'),
  lookbackDays: z.number().int().min(1).max(3650).default(30),
  /** Also collect media the account is tagged in, as mentions. */
  includeTags: z.boolean().default(true),
  pageSize: z.number().int().min(1).max(100).default(25),
})
export type InstagramConfig = z.output<typeof instagramConfigSchema>

/** The checkpoint: when the last complete run started, and the phase an unfinished run is in. */
export interface InstagramCursor {
  lastRunStartedAt?: string
  run?: { startedAt: string; phase: 'media' | 'tags' }
}

const MEDIA_FIELDS = 'id,caption,permalink,timestamp,comments_count,username'
const COMMENT_FIELDS =
  'id,text,timestamp,username,from,like_count,hidden,parent_id,replies{id,text,timestamp,username,from,parent_id}'

/** Creates the Instagram collector. */
export function instagramCollector(options: CollectorOptions = {}): Collector<InstagramConfig> {
  const now = options.now ?? (() => new Date())
  return {
    platform: 'instagram',
    name: 'Instagram',
    configSchema: instagramConfigSchema as z.ZodType<InstagramConfig>,
    poll: (context) => pollInstagram(context, options, now),
    webhook: {
      verify: (request: WebhookRequest, config: InstagramConfig): WebhookVerification =>
        verifyMetaWebhook(request, {
          appSecret: config.appSecret && resolveSecret(config.appSecret),
          verifyToken: config.verifyToken && resolveSecret(config.verifyToken),
        }),
      parse: (body: string, channel: CollectorChannel, config: InstagramConfig) =>
        parseInstagramWebhook(body, channel, config),
    },
  }
}

async function* pollInstagram(
  context: PollContext<InstagramConfig>,
  options: CollectorOptions,
  now: () => Date,
): AsyncGenerator<PollBatch> {
  const { channel, config } = context
  const token = resolveSecret(config.accessToken)
  const http = createGraphClient('instagram', options, context.fetch, context.signal)
  const previous = (context.cursor ?? {}) as InstagramCursor
  const startedAt = previous.run?.startedAt ?? now().toISOString()
  const keep: InstagramCursor = previous.lastRunStartedAt
    ? { lastRunStartedAt: previous.lastRunStartedAt }
    : {}
  const oldest = now().getTime() - config.lookbackDays * 86_400_000
  const userId = channel.externalAccountId

  if (previous.run?.phase !== 'tags') {
    let url: string | undefined = graphUrl(
      config.baseUrl,
      config.apiVersion,
      `${userId}/media`,
      { fields: MEDIA_FIELDS, limit: config.pageSize },
      token,
    )
    mediaPages: while (url) {
      const page: unknown = await http.getJson(url, { signal: context.signal })
      for (const media of graphData(page, 'instagram', 'media list')) {
        const published = parseTime(media.timestamp)
        if (published && published.getTime() < oldest) break mediaPages // newest first
        const items: IngestItem[] = []
        const rejected: NonNullable<PollBatch['rejected']> = []
        try {
          items.push(mapMedia(media, channel, config, 'post'))
          if (Number(media.comments_count ?? 1) > 0)
            await collectComments(
              http,
              config,
              token,
              String(media.id),
              channel,
              items,
              rejected,
              context.signal,
            )
        } catch (error) {
          if (isHttpFailure(error)) throw error
          rejected.push({ reason: `instagram media: ${(error as Error).message}`, payload: media })
        }
        yield {
          items,
          rejected,
          cursor: { ...keep, run: { startedAt, phase: 'media' } } satisfies InstagramCursor,
        }
      }
      url = nextGraphUrl(page, config.baseUrl, token, 'instagram')
    }
  }
  if (config.includeTags) {
    let url: string | undefined = graphUrl(
      config.baseUrl,
      config.apiVersion,
      `${userId}/tags`,
      { fields: MEDIA_FIELDS, limit: config.pageSize },
      token,
    )
    while (url) {
      const page: unknown = await http.getJson(url, { signal: context.signal })
      const items: IngestItem[] = []
      const rejected: NonNullable<PollBatch['rejected']> = []
      for (const media of graphData(page, 'instagram', 'tagged media')) {
        try {
          items.push(mapMedia(media, channel, config, 'mention'))
        } catch (error) {
          rejected.push({
            reason: `instagram tagged media: ${(error as Error).message}`,
            payload: media,
          })
        }
      }
      yield {
        items,
        rejected,
        cursor: { ...keep, run: { startedAt, phase: 'tags' } } satisfies InstagramCursor,
      }
      url = nextGraphUrl(page, config.baseUrl, token, 'instagram')
    }
  }
  yield { items: [], cursor: { lastRunStartedAt: startedAt } satisfies InstagramCursor }
}

function isHttpFailure(error: unknown): boolean {
  return error instanceof Error && 'status' in error && 'platform' in error
}

async function collectComments(
  http: HttpClient,
  config: InstagramConfig,
  token: string,
  mediaId: string,
  channel: CollectorChannel,
  items: IngestItem[],
  rejected: NonNullable<PollBatch['rejected']>,
  signal?: AbortSignal,
): Promise<void> {
  let url: string | undefined = graphUrl(
    config.baseUrl,
    config.apiVersion,
    `${mediaId}/comments`,
    { fields: COMMENT_FIELDS, limit: 50 },
    token,
  )
  while (url) {
    const page: unknown = await http.getJson(url, { signal })
    for (const comment of graphData(page, 'instagram', `comments of ${mediaId}`)) {
      try {
        items.push(mapComment(comment, mediaId, undefined, channel, config))
      } catch (error) {
        rejected.push({
          reason: `instagram comment: ${(error as Error).message}`,
          payload: comment,
        })
        continue
      }
      const replies = comment.replies as { data?: unknown; paging?: unknown } | undefined
      let replyPage: unknown = replies
      while (replyPage) {
        for (const reply of Array.isArray((replyPage as { data?: unknown }).data)
          ? (replyPage as { data: Record<string, unknown>[] }).data
          : []) {
          try {
            items.push(mapComment(reply, mediaId, String(comment.id), channel, config))
          } catch (error) {
            rejected.push({
              reason: `instagram reply: ${(error as Error).message}`,
              payload: reply,
            })
          }
        }
        const next = nextGraphUrl(replyPage, config.baseUrl, token, 'instagram')
        replyPage = next ? await http.getJson(next, { signal }) : undefined
      }
    }
    url = nextGraphUrl(page, config.baseUrl, token, 'instagram')
  }
}

function isOwn(
  username: unknown,
  channel: CollectorChannel,
  config: { username?: string },
): boolean {
  if (typeof username !== 'string' || username === '') return false
  const u = username.replace(/^@/, '').toLowerCase()
  return (
    u === config.username?.replace(/^@/, '').toLowerCase() ||
    channel.ownIdentities.some((id) => id.replace(/^@/, '').toLowerCase() === u)
  )
}

function igAuthor(item: Record<string, unknown>): { id?: string; handle?: string } {
  const from = item.from as { id?: unknown; username?: unknown } | undefined
  const user = item.user as { id?: unknown } | undefined
  const username =
    typeof item.username === 'string'
      ? item.username
      : typeof from?.username === 'string'
        ? from.username
        : undefined
  const id = from?.id ?? user?.id
  return { ...(id != null ? { id: String(id) } : {}), ...(username ? { handle: username } : {}) }
}

/** Maps a media object: the account's own media is an outbound post; media tagging it is a mention. */
export function mapMedia(
  media: Record<string, unknown>,
  channel: CollectorChannel,
  config: { username?: string },
  kind: 'post' | 'mention',
): MentionInput {
  if (typeof media.id !== 'string' || media.id === '') throw new Error('media without id')
  return {
    channelId: channel.id,
    platform: 'instagram',
    externalId: media.id,
    kind,
    direction: kind === 'post' || isOwn(media.username, channel, config) ? 'outbound' : 'inbound',
    threadKey: media.id,
    author: typeof media.username === 'string' ? { handle: media.username } : {},
    text: typeof media.caption === 'string' ? media.caption : '',
    permalink:
      typeof media.permalink === 'string' && /^https?:/.test(media.permalink)
        ? media.permalink
        : undefined,
    createdAt: requireTime(media.timestamp, 'timestamp'),
    raw: media,
  }
}

/** Maps a comment (or, with `topLevelId`, a reply) to a mention in the top-level comment's thread. */
export function mapComment(
  comment: Record<string, unknown>,
  mediaId: string | undefined,
  topLevelId: string | undefined,
  channel: CollectorChannel,
  config: { username?: string },
): MentionInput {
  if (typeof comment.id !== 'string' || comment.id === '') throw new Error('comment without id')
  const parent =
    topLevelId ??
    (typeof comment.parent_id === 'string' && comment.parent_id !== ''
      ? comment.parent_id
      : undefined)
  const a = igAuthor(comment)
  return {
    channelId: channel.id,
    platform: 'instagram',
    externalId: comment.id,
    kind: parent ? 'reply' : 'comment',
    ...(isOwn(a.handle, channel, config) ? { direction: 'outbound' as const } : {}),
    threadKey: parent ?? comment.id,
    ...(parent ? { parentExternalId: parent } : mediaId ? { parentExternalId: mediaId } : {}),
    author: a,
    text: typeof comment.text === 'string' ? comment.text : '',
    createdAt: requireTime(comment.timestamp, 'timestamp'),
    raw: comment,
  }
}

/**
 * Maps a verified `instagram` webhook body: `comments`/`live_comments` changes and DMs
 * (`messaging[]`). `mentions` notifications carry only ids; the media is collected by polling
 * `tags`, so they are acknowledged and skipped. Accepts both `entry[].changes[]` and the
 * `entry[].field/value` form of the Instagram Login examples.
 */
export function parseInstagramWebhook(
  body: string,
  channel: CollectorChannel,
  config: { username?: string },
): { items: IngestItem[]; rejected: { reason: string; payload: unknown }[] } {
  const payload = JSON.parse(body) as { object?: unknown; entry?: unknown }
  if (payload.object !== 'instagram')
    throw new Error(`not an Instagram webhook (object: ${JSON.stringify(payload.object)})`)
  if (!Array.isArray(payload.entry)) throw new Error('webhook body has no entry array')
  const items: IngestItem[] = []
  const rejected: { reason: string; payload: unknown }[] = []
  for (const entry of payload.entry as Record<string, unknown>[]) {
    if (!entry || String(entry.id) !== channel.externalAccountId) continue
    const entryTime = parseTime(entry.time)
    const changes = Array.isArray(entry.changes)
      ? (entry.changes as Record<string, unknown>[])
      : entry.field
        ? [{ field: entry.field, value: entry.value }]
        : []
    for (const change of changes) {
      if (change.field !== 'comments' && change.field !== 'live_comments') continue
      try {
        const value = change.value as Record<string, unknown> | undefined
        if (!value || typeof value !== 'object') throw new Error('comment change without value')
        const media = value.media as { id?: unknown } | undefined
        const comment = { ...value, timestamp: value.timestamp ?? entryTime?.toISOString() }
        items.push({
          ...mapComment(
            comment,
            media?.id != null ? String(media.id) : undefined,
            undefined,
            channel,
            config,
          ),
          raw: change,
        })
      } catch (error) {
        rejected.push({
          reason: `instagram comment change: ${(error as Error).message}`,
          payload: change,
        })
      }
    }
    for (const event of Array.isArray(entry.messaging)
      ? (entry.messaging as Record<string, unknown>[])
      : []) {
      try {
        const item = mapMessagingEvent(event, channel, 'instagram', 'instagram-dm')
        if (item) items.push(item)
      } catch (error) {
        rejected.push({
          reason: `instagram messaging event: ${(error as Error).message}`,
          payload: event,
        })
      }
    }
  }
  return { items, rejected }
}
