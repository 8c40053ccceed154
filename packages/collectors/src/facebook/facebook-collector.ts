/**
 * @module Facebook Page collector: the Page feed (posts, and every comment with its nested
 * replies), Page conversations (Messenger), and the Page webhook (`feed` and `messages`).
 *
 * Threads (design § Thread): a top-level comment and its replies share the top-level comment's
 * id; a post is its own thread; a Messenger conversation is keyed by the person's page-scoped id
 * (`messenger:<psid>`), which both the webhook and the conversations API can name.
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
import type { HttpClient } from '../http/http-client.js'
import { parseTime, requireTime } from '../util/parse-time.js'
import { resolveSecret } from '../util/resolve-secret.js'
import {
  createGraphClient,
  graphData,
  graphUrl,
  nextGraphUrl,
  verifyMetaWebhook,
} from './graph-api.js'

/** Channel config of a Facebook Page. `externalAccountId` is the Page id. */
export const facebookConfigSchema = z.object({
  /** Page access token (or `env:NAME`); needs pages_read_engagement, pages_read_user_content, pages_messaging. */
  accessToken: z.string().min(1),
  /** App secret (or `env:NAME`): verifies `X-Hub-Signature-256` on webhooks. */
  appSecret: z.string().min(1).optional(),
  /** The verify token typed into the app dashboard for the webhook handshake. */
  verifyToken: z.string().min(1).optional(),
  apiVersion: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .default('v23.0'),
  baseUrl: z.url().default('https://graph.facebook.com'),
  /** How far back each run looks for posts whose comments may have changed. */
  lookbackDays: z.number().int().min(1).max(3650).default(30),
  /** Also collect Messenger conversations. */
  includeMessages: z.boolean().default(true),
  pageSize: z.number().int().min(1).max(100).default(25),
})
export type FacebookConfig = z.output<typeof facebookConfigSchema>

/** The checkpoint: when the last complete run started, and where an unfinished run stands. */
export interface FacebookCursor {
  lastRunStartedAt?: string
  run?: {
    startedAt: string
    phase: 'feed' | 'conversations' /** Unix seconds: resume the feed below this creation time. */
    until?: number
  }
}

// Posts whose updated_time is older than the last run (minus this slack) have no new comments.
const UPDATE_SLACK_MS = 10 * 60_000

const POST_FIELDS = 'id,message,story,created_time,updated_time,permalink_url,from,status_type'
const COMMENT_FIELDS =
  'id,message,created_time,from,parent{id},permalink_url,attachment,comment_count'
const MESSAGE_FIELDS =
  'id,updated_time,participants,messages.limit(50){id,message,from,to,created_time,attachments}'

/**
 * Creates the Facebook Page collector.
 *
 * @example
 * await createChannel(db, { organisationId, practiceId, platform: 'facebook', externalAccountId: PAGE_ID,
 *   name: 'Smile Dental', config: { accessToken: 'env:FB_PAGE_TOKEN', appSecret: 'env:FB_APP_SECRET', verifyToken: 'x' } })
 */
export function facebookCollector(options: CollectorOptions = {}): Collector<FacebookConfig> {
  const now = options.now ?? (() => new Date())
  return {
    platform: 'facebook',
    name: 'Facebook Page',
    configSchema: facebookConfigSchema as z.ZodType<FacebookConfig>,
    poll: (context) => pollFacebook(context, options, now),
    webhook: {
      verify: (request: WebhookRequest, config: FacebookConfig): WebhookVerification =>
        verifyMetaWebhook(request, {
          appSecret: config.appSecret && resolveSecret(config.appSecret),
          verifyToken: config.verifyToken && resolveSecret(config.verifyToken),
        }),
      parse: (body: string, channel: CollectorChannel) => parseFacebookWebhook(body, channel, now),
    },
  }
}

async function* pollFacebook(
  context: PollContext<FacebookConfig>,
  options: CollectorOptions,
  now: () => Date,
): AsyncGenerator<PollBatch> {
  const { channel, config } = context
  const token = resolveSecret(config.accessToken)
  const http = createGraphClient('facebook', options, context.fetch, context.signal)
  const previous = (context.cursor ?? {}) as FacebookCursor
  const startedAt = previous.run?.startedAt ?? now().toISOString()
  const lastRun = parseTime(previous.lastRunStartedAt)
  const changedSince = lastRun ? lastRun.getTime() - UPDATE_SLACK_MS : undefined
  const pageId = channel.externalAccountId

  if (previous.run?.phase !== 'conversations') {
    const since = Math.floor((now().getTime() - config.lookbackDays * 86_400_000) / 1000)
    let url: string | undefined = graphUrl(
      config.baseUrl,
      config.apiVersion,
      `${pageId}/feed`,
      { fields: POST_FIELDS, limit: config.pageSize, since, until: previous.run?.until },
      token,
    )
    while (url) {
      const page: unknown = await http.getJson(url, { signal: context.signal })
      for (const post of graphData(page, 'facebook', 'page feed')) {
        const items: IngestItem[] = []
        const rejected: NonNullable<PollBatch['rejected']> = []
        try {
          items.push(mapPost(post, channel))
        } catch (error) {
          // Still yielded (without a cursor move past it) so the reject is quarantined.
          rejected.push({ reason: `facebook post: ${(error as Error).message}`, payload: post })
          yield {
            items,
            rejected,
            cursor: {
              ...pick(previous),
              run: { startedAt, phase: 'feed', until: previous.run?.until },
            } satisfies FacebookCursor,
          }
          continue
        }
        const updated = parseTime(post.updated_time) ?? parseTime(post.created_time)
        if (changedSince === undefined || !updated || updated.getTime() >= changedSince) {
          await collectComments(
            http,
            config,
            token,
            String(post.id),
            channel,
            items,
            rejected,
            context.signal,
          )
        }
        const created = parseTime(post.created_time)
        const cursor: FacebookCursor = {
          ...pick(previous),
          run: {
            startedAt,
            phase: 'feed',
            until: created ? Math.floor(created.getTime() / 1000) : previous.run?.until,
          },
        }
        yield { items, rejected, cursor }
      }
      url = nextGraphUrl(page, config.baseUrl, token, 'facebook')
    }
  }

  if (config.includeMessages) {
    yield {
      items: [],
      cursor: {
        ...pick(previous),
        run: { startedAt, phase: 'conversations' },
      } satisfies FacebookCursor,
    }
    let url: string | undefined = graphUrl(
      config.baseUrl,
      config.apiVersion,
      `${pageId}/conversations`,
      { platform: 'messenger', fields: MESSAGE_FIELDS, limit: config.pageSize },
      token,
    )
    while (url) {
      const page: unknown = await http.getJson(url, { signal: context.signal })
      const items: IngestItem[] = []
      const rejected: NonNullable<PollBatch['rejected']> = []
      let reachedOld = false
      for (const conversation of graphData(page, 'facebook', 'page conversations')) {
        // Conversations come newest first: once one is older than the last run, the rest are too.
        const updated = parseTime(conversation.updated_time)
        if (changedSince !== undefined && updated && updated.getTime() < changedSince) {
          reachedOld = true
          break
        }
        mapConversation(conversation, channel, items, rejected)
      }
      yield {
        items,
        rejected,
        cursor: {
          ...pick(previous),
          run: { startedAt, phase: 'conversations' },
        } satisfies FacebookCursor,
      }
      url = reachedOld ? undefined : nextGraphUrl(page, config.baseUrl, token, 'facebook')
    }
  }
  yield { items: [], cursor: { lastRunStartedAt: startedAt } satisfies FacebookCursor }
}

function pick(cursor: FacebookCursor): FacebookCursor {
  return cursor.lastRunStartedAt ? { lastRunStartedAt: cursor.lastRunStartedAt } : {}
}

async function collectComments(
  http: HttpClient,
  config: FacebookConfig,
  token: string,
  postId: string,
  channel: CollectorChannel,
  items: IngestItem[],
  rejected: NonNullable<PollBatch['rejected']>,
  signal?: AbortSignal,
): Promise<void> {
  // filter=stream flattens replies into one chronological list, each naming its parent.
  let url: string | undefined = graphUrl(
    config.baseUrl,
    config.apiVersion,
    `${postId}/comments`,
    { filter: 'stream', order: 'chronological', fields: COMMENT_FIELDS, limit: 100 },
    token,
  )
  const threadOf = new Map<string, string>()
  while (url) {
    const page: unknown = await http.getJson(url, { signal })
    for (const comment of graphData(page, 'facebook', `comments of ${postId}`)) {
      try {
        items.push(mapComment(comment, postId, channel, threadOf))
      } catch (error) {
        rejected.push({ reason: `facebook comment: ${(error as Error).message}`, payload: comment })
      }
    }
    url = nextGraphUrl(page, config.baseUrl, token, 'facebook')
  }
}

function author(from: unknown): MentionInput['author'] {
  if (!from || typeof from !== 'object') return {}
  const f = from as { id?: unknown; name?: unknown }
  return {
    ...(f.id != null ? { id: String(f.id) } : {}),
    ...(typeof f.name === 'string' ? { name: f.name } : {}),
  }
}

function httpUrl(value: unknown): string | undefined {
  return typeof value === 'string' && /^https?:\/\//.test(value) ? value : undefined
}

/** Maps a Graph post to a mention (its own thread). */
export function mapPost(post: Record<string, unknown>, channel: CollectorChannel): MentionInput {
  if (typeof post.id !== 'string' || post.id === '') throw new Error('post without id')
  return {
    channelId: channel.id,
    platform: 'facebook',
    externalId: post.id,
    kind: 'post',
    threadKey: post.id,
    author: author(post.from),
    text:
      typeof post.message === 'string'
        ? post.message
        : typeof post.story === 'string'
          ? post.story
          : '',
    permalink: httpUrl(post.permalink_url),
    createdAt: requireTime(post.created_time, 'created_time'),
    raw: post,
  }
}

/** Maps a Graph comment (from `filter=stream`) to a mention; `threadOf` remembers top-level ancestors. */
export function mapComment(
  comment: Record<string, unknown>,
  postId: string,
  channel: CollectorChannel,
  threadOf: Map<string, string> = new Map(),
): MentionInput {
  if (typeof comment.id !== 'string' || comment.id === '')
    throw new Error('comment without id (the token may lack pages_read_user_content)')
  const parentId = (comment.parent as { id?: unknown } | undefined)?.id
  const parent = typeof parentId === 'string' && parentId !== '' ? parentId : undefined
  const threadKey = parent ? (threadOf.get(parent) ?? parent) : comment.id
  threadOf.set(comment.id, threadKey)
  return {
    channelId: channel.id,
    platform: 'facebook',
    externalId: comment.id,
    kind: parent ? 'reply' : 'comment',
    threadKey,
    parentExternalId: parent ?? postId,
    author: author(comment.from),
    text: typeof comment.message === 'string' ? comment.message : '',
    permalink: httpUrl(comment.permalink_url),
    createdAt: requireTime(comment.created_time, 'created_time'),
    raw: comment,
  }
}

function mapConversation(
  conversation: Record<string, unknown>,
  channel: CollectorChannel,
  items: IngestItem[],
  rejected: NonNullable<PollBatch['rejected']>,
): void {
  const participants = ((conversation.participants as { data?: unknown } | undefined)?.data ??
    []) as { id?: unknown }[]
  const person = participants
    .map((p) => (p?.id != null ? String(p.id) : ''))
    .find((id) => id !== '' && !channel.ownIdentities.includes(id))
  const threadKey = person ? `messenger:${person}` : `conversation:${String(conversation.id)}`
  const messages = ((conversation.messages as { data?: unknown } | undefined)?.data ??
    []) as Record<string, unknown>[]
  for (const message of messages) {
    try {
      if (typeof message.id !== 'string' || message.id === '') throw new Error('message without id')
      items.push({
        channelId: channel.id,
        platform: 'facebook',
        externalId: message.id,
        kind: 'message',
        threadKey,
        author: author(message.from),
        text:
          typeof message.message === 'string' && message.message !== ''
            ? message.message
            : message.attachments
              ? ATTACHMENT_TEXT
              : '',
        createdAt: requireTime(message.created_time, 'created_time'),
        raw: message,
      })
    } catch (error) {
      rejected.push({ reason: `facebook message: ${(error as Error).message}`, payload: message })
    }
  }
}

/** The text of a message that carries only attachments (photo, video, sticker …). */
export const ATTACHMENT_TEXT = '[attachment]'

const POST_ITEMS = new Set(['status', 'post', 'photo', 'video', 'share', 'event'])

/**
 * Maps a verified Page webhook body to mentions and deletion notices. Entries for other Pages
 * are skipped (one app callback serves every Page); reactions, likes, moderation, read receipts
 * and fields without a value are ignored, since none of them is a message.
 */
export function parseFacebookWebhook(
  body: string,
  channel: CollectorChannel,
  now: () => Date = () => new Date(),
): { items: IngestItem[]; rejected: { reason: string; payload: unknown }[] } {
  const payload = JSON.parse(body) as { object?: unknown; entry?: unknown }
  if (payload.object !== 'page')
    throw new Error(`not a Page webhook (object: ${JSON.stringify(payload.object)})`)
  if (!Array.isArray(payload.entry)) throw new Error('webhook body has no entry array')
  const items: IngestItem[] = []
  const rejected: { reason: string; payload: unknown }[] = []
  for (const entry of payload.entry as Record<string, unknown>[]) {
    if (!entry || String(entry.id) !== channel.externalAccountId) continue
    // A removal without a time stamp is dated by the clock: when it was received.
    const entryTime = parseTime(entry.time)
    for (const change of Array.isArray(entry.changes)
      ? (entry.changes as Record<string, unknown>[])
      : []) {
      try {
        const item = mapFeedChange(change, channel, entryTime, now)
        if (item) items.push(item)
      } catch (error) {
        rejected.push({
          reason: `facebook feed change: ${(error as Error).message}`,
          payload: change,
        })
      }
    }
    for (const key of ['messaging', 'standby'] as const) {
      for (const event of Array.isArray(entry[key])
        ? (entry[key] as Record<string, unknown>[])
        : []) {
        try {
          const item = mapMessagingEvent(event, channel, 'facebook', 'messenger')
          if (item) items.push(item)
        } catch (error) {
          rejected.push({
            reason: `facebook messaging event: ${(error as Error).message}`,
            payload: event,
          })
        }
      }
    }
  }
  return { items, rejected }
}

function mapFeedChange(
  change: Record<string, unknown>,
  channel: CollectorChannel,
  entryTime: Date | undefined,
  now: () => Date,
): IngestItem | undefined {
  if (change.field !== 'feed' && change.field !== 'mention') return undefined
  const value = change.value as Record<string, unknown> | undefined
  if (!value || typeof value !== 'object') return undefined
  const verb = String(value.verb ?? '')
  const item = String(value.item ?? '')
  const isComment = item === 'comment'
  if (!isComment && !POST_ITEMS.has(item)) return undefined // reactions, likes …
  const externalId = isComment ? value.comment_id : value.post_id
  if (typeof externalId !== 'string' || externalId === '')
    throw new Error(`${item} change without ${isComment ? 'comment_id' : 'post_id'}`)
  const postId = typeof value.post_id === 'string' ? value.post_id : undefined
  const parentId = typeof value.parent_id === 'string' ? value.parent_id : undefined
  const topLevel = !parentId || parentId === postId
  const threadKey = isComment ? (topLevel ? externalId : parentId) : externalId
  const kind =
    change.field === 'mention' ? 'mention' : isComment ? (topLevel ? 'comment' : 'reply') : 'post'
  if (verb === 'remove' || verb === 'delete') {
    return {
      channelId: channel.id,
      externalId,
      deleted: true,
      deletedAt: entryTime ?? now(),
      kind,
      threadKey,
      ...(isComment ? { parentExternalId: parentId ?? postId } : {}),
      raw: change,
    }
  }
  if (verb !== 'add' && verb !== 'edited' && verb !== 'edit' && verb !== 'update') return undefined // hide, unhide, block …
  const createdAt = parseTime(value.created_time) ?? entryTime
  if (!createdAt) throw new Error('change without created_time')
  // Legacy payloads name the author with sender_id (a number) and sender_name instead of from{}.
  const from =
    (value.from as Record<string, unknown> | undefined) ??
    (value.sender_id != null ? { id: value.sender_id, name: value.sender_name } : undefined)
  const edited =
    verb !== 'add' ? new Date(Math.max(createdAt.getTime(), entryTime?.getTime() ?? 0)) : undefined
  const post = value.post as { permalink_url?: unknown } | undefined
  return {
    channelId: channel.id,
    platform: 'facebook',
    externalId,
    kind,
    threadKey,
    ...(isComment ? { parentExternalId: parentId ?? postId } : {}),
    author: author(from),
    text: typeof value.message === 'string' ? value.message : '',
    permalink: isComment ? undefined : httpUrl(post?.permalink_url ?? value.link),
    createdAt,
    ...(edited ? { editedAt: edited } : {}),
    raw: change,
  }
}

/**
 * Maps one Messenger (or Instagram DM) webhook event. Echoes are the Page's own messages: the
 * `is_echo` flag decides direction, because in Meta's samples sender and recipient are not swapped.
 */
export function mapMessagingEvent(
  event: Record<string, unknown>,
  channel: CollectorChannel,
  platform: 'facebook' | 'instagram',
  threadPrefix: string,
): MentionInput | undefined {
  const message = event.message as Record<string, unknown> | undefined
  if (!message || typeof message !== 'object') return undefined // read, delivery, postback, reaction, message_edit
  if (message.is_deleted === true) return undefined
  const mid = message.mid
  if (typeof mid !== 'string' || mid === '') throw new Error('message without mid')
  const sender = String((event.sender as { id?: unknown } | undefined)?.id ?? '')
  const recipient = String((event.recipient as { id?: unknown } | undefined)?.id ?? '')
  const isEcho = message.is_echo === true
  const person = isEcho
    ? channel.ownIdentities.includes(sender) || sender === ''
      ? recipient
      : sender
    : sender
  const attachments = Array.isArray(message.attachments) ? message.attachments : []
  const replyTo = (message.reply_to as { mid?: unknown } | undefined)?.mid
  return {
    channelId: channel.id,
    platform,
    externalId: mid,
    kind: 'message',
    direction: isEcho
      ? 'outbound'
      : channel.ownIdentities.includes(sender)
        ? 'outbound'
        : 'inbound',
    threadKey: `${threadPrefix}:${person}`,
    ...(typeof replyTo === 'string' ? { parentExternalId: replyTo } : {}),
    author: isEcho ? { id: channel.externalAccountId } : sender ? { id: sender } : {},
    // Attachment-only messages get a placeholder (the same one polling uses) so triage sees something.
    text:
      typeof message.text === 'string'
        ? message.text
        : attachments.length > 0
          ? ATTACHMENT_TEXT
          : '',
    createdAt: requireTime(event.timestamp, 'timestamp'),
    raw: event,
  }
}
