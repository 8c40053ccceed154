/**
 * @module A fake YouTube Data API v3 (commentThreads.list with inline `replies`, comments.list
 * by `parentId` when a thread has more replies than shown, `nextPageToken` paging, Google error
 * envelopes with `errors[].reason`). Fake channel, videos and comments.
 */
import { minutesBeforeContractNow } from '../../testing/contract-clock.js'
import type { FakeHandler } from '../../testing/fake-server.js'

export const CHANNEL_ID = 'UCsmile0001'
export const API_KEY = 'AIza-fake-key'

const comment = (id: string, author: string, authorChannel: string, text: string, published: string, extra: Record<string, unknown> = {}) => ({
  kind: 'youtube#comment',
  etag: `e-${id}`,
  id,
  snippet: { channelId: CHANNEL_ID, textDisplay: text.replace(/\n/g, '<br>'), textOriginal: text, authorDisplayName: author, authorChannelId: { value: authorChannel }, likeCount: 0, publishedAt: published, updatedAt: published, ...extra },
})
const thread = (id: string, video: string, top: ReturnType<typeof comment>, replies: ReturnType<typeof comment>[], total = replies.length) => ({
  kind: 'youtube#commentThread',
  etag: `t-${id}`,
  id,
  snippet: { channelId: CHANNEL_ID, videoId: video, topLevelComment: top, canReply: true, totalReplyCount: total, isPublic: true },
  ...(replies.length ? { replies: { comments: replies } } : {}),
})

const recent = (minutesAgo: number) => minutesBeforeContractNow(minutesAgo).toISOString().replace(/\.\d{3}Z$/, 'Z')

export const YT_IDS = ['UgzAbC123', 'UgzAbC123.9xY', 'UgzDeF456', 'UgzDeF456.r1', 'UgzDeF456.r2', 'UgzGhI789']

const page1 = {
  kind: 'youtube#commentThreadListResponse',
  etag: 'p1',
  nextPageToken: 'QURTSl9p',
  pageInfo: { totalResults: 2, resultsPerPage: 2 },
  items: [
    thread('UgzAbC123', 'dQw4w9WgXcQ', comment('UgzAbC123', '@anak', 'UCana0002', 'Great tips!\nDoes it hurt?', recent(120)), [
      comment('UgzAbC123.9xY', '@smiledental', CHANNEL_ID, "No, it doesn't!", recent(60), { parentId: 'UgzAbC123' }),
    ]),
    // Two replies exist but only one is inline: the collector must page comments.list.
    thread('UgzDeF456', 'dQw4w9WgXcQ', comment('UgzDeF456', '@bent', 'UCben0003', 'How much is a check-up?', recent(100)), [comment('UgzDeF456.r2', '@bent', 'UCben0003', 'Anyone?', recent(80), { parentId: 'UgzDeF456' })], 2),
  ],
}
const page2 = { kind: 'youtube#commentThreadListResponse', etag: 'p2', pageInfo: { totalResults: 1, resultsPerPage: 2 }, items: [thread('UgzGhI789', 'xyz987', comment('UgzGhI789', '@carla', 'UCcar0004', 'Loved this video', recent(90)), [])] }
const replies = { kind: 'youtube#commentListResponse', etag: 'r', pageInfo: { resultsPerPage: 100 }, items: [comment('UgzDeF456.r1', '@smiledental', CHANNEL_ID, 'From $60, see our site.', recent(95), { parentId: 'UgzDeF456' }), comment('UgzDeF456.r2', '@bent', 'UCben0003', 'Anyone?', recent(80), { parentId: 'UgzDeF456' })] }

export const YT_AUTH_ERROR = {
  status: 403,
  body: { error: { code: 403, message: 'The request is not properly authorized.', errors: [{ message: 'The request is not properly authorized.', domain: 'youtube.common', reason: 'authError' }] } },
}
export const YT_QUOTA = {
  status: 403,
  body: { error: { code: 403, message: 'The request cannot be completed because you have exceeded your quota.', errors: [{ message: 'quota', domain: 'youtube.quota', reason: 'quotaExceeded' }] } },
}

/** The fake API. */
export const youtubeApi: FakeHandler = (req) => {
  if (req.query.get('key') !== API_KEY) return { status: 400, body: { error: { code: 400, message: 'API key not valid. Please pass a valid API key.', errors: [{ message: 'API key not valid.', domain: 'global', reason: 'keyInvalid' }] } } }
  if (req.path === '/youtube/v3/commentThreads') {
    if (req.query.get('allThreadsRelatedToChannelId') !== CHANNEL_ID) return { status: 404, body: { error: { code: 404, message: 'channel not found', errors: [{ reason: 'channelNotFound' }] } } }
    return { body: req.query.get('pageToken') === 'QURTSl9p' ? page2 : page1 }
  }
  if (req.path === '/youtube/v3/comments' && req.query.get('parentId') === 'UgzDeF456') return { body: replies }
  return { status: 404, body: { error: { code: 404, message: 'not found' } } }
}
