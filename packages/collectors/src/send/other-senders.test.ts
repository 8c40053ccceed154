import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  FAKE_SEND_ERRORS,
  type FakeWriteApis,
  startFakeWriteApis,
} from '../testing/fake-write-apis.js'
import { verifyWebchat } from '../webchat/webchat-collector.js'
import { googleSender } from './google-sender.js'
import { replySenderFor } from './registry.js'
import type { ReplySendError } from './reply-sender.js'
import { webchatReplyId, webchatSender } from './webchat-sender.js'
import { xSender } from './x-sender.js'
import { youtubeSender } from './youtube-sender.js'

const NOW = new Date('2026-12-02T12:00:00Z')
const LOCATION = 'accounts/1090/locations/8877'
const SECRET = 'whsec_ZWFyc2hvdC1vdXRib3VuZC10ZXN0LWtleS0wMDAx'
let api: FakeWriteApis
const waits: number[] = []
const options = {
  now: () => NOW,
  sleep: async (ms: number) => void waits.push(ms),
  random: () => 0.5,
}
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the send to fail')
    },
    (error: ReplySendError) => error,
  )

beforeAll(async () => {
  api = await startFakeWriteApis({ tokensWithoutPermission: ['read-only'] })
})
afterAll(() => api.close())

describe('xSender', () => {
  const x = (token = 'test-token') =>
    xSender({ accessToken: token, baseUrl: api.url, canSendDms: true }, options)

  it('posts a reply to the tweet and returns the new post id', async () => {
    const sent = await x().send({
      target: { kind: 'post', externalId: '1876543210987654321' },
      text: 'Open 9-13h.',
      visibility: 'public',
      outboxKey: 'x1',
    })
    expect(api.sent.at(-1)).toMatchObject({
      platform: 'x',
      target: '1876543210987654321',
      id: sent.externalId,
    })
    expect(JSON.parse(api.sent.at(-1)!.request.body)).toEqual({
      text: 'Open 9-13h.',
      reply: { in_reply_to_tweet_id: '1876543210987654321' },
    })
  })

  it('sends a DM to the author', async () => {
    const sent = await x().send({
      target: { kind: 'post', externalId: '1', authorId: '2244994945' },
      text: 'Hi',
      visibility: 'private',
      outboxKey: 'x2',
    })
    expect(sent.kind).toBe('dm')
    expect(api.sent.at(-1)!.request.path).toBe('/2/dm_conversations/with/2244994945/messages')
  })

  it('waits out a 429 until x-rate-limit-reset, then sends', async () => {
    waits.length = 0
    api.failNext({ ...FAKE_SEND_ERRORS.xRateLimited(NOW.getTime() / 1000 + 30), match: /tweets$/ })
    await x().send({
      target: { kind: 'post', externalId: '5' },
      text: 'ok',
      visibility: 'public',
      outboxKey: 'x3',
    })
    expect(waits).toHaveLength(1)
    expect(waits[0]).toBeGreaterThanOrEqual(30_000)
  })

  it('maps duplicate content, a deleted post, a dead token and a missing permission', async () => {
    api.failNext({ ...FAKE_SEND_ERRORS.xDuplicate, match: /tweets$/ })
    expect(
      (
        await failure(
          x().send({
            target: { kind: 'post', externalId: '6' },
            text: 'ok',
            visibility: 'public',
            outboxKey: 'x4',
          }),
        )
      ).kind,
    ).toBe('duplicate')
    api.deleteTarget('7')
    expect(
      (
        await failure(
          x().send({
            target: { kind: 'post', externalId: '7' },
            text: 'ok',
            visibility: 'public',
            outboxKey: 'x5',
          }),
        )
      ).kind,
    ).toBe('target_gone')
    expect(
      (
        await failure(
          x('expired').send({
            target: { kind: 'post', externalId: '8' },
            text: 'ok',
            visibility: 'public',
            outboxKey: 'x6',
          }),
        )
      ).kind,
    ).toBe('reauth')
    expect(
      (
        await failure(
          x('read-only').send({
            target: { kind: 'post', externalId: '8' },
            text: 'ok',
            visibility: 'public',
            outboxKey: 'x7',
          }),
        )
      ).kind,
    ).toBe('permission')
  })
})

describe('googleSender', () => {
  const google = (token = 'test-token') =>
    googleSender({ accessToken: token, location: LOCATION, baseUrl: api.url }, options)

  it('creates the owner reply, and edits it by sending again under the same key', async () => {
    const first = await google().send({
      target: { kind: 'review', externalId: 'AbFvOqk2' },
      text: 'Thank you, Ana!',
      visibility: 'public',
      outboxKey: 'g1',
    })
    const edit = await google().send({
      target: { kind: 'review', externalId: 'AbFvOqk2' },
      text: 'Thank you, Ana! See you soon.',
      visibility: 'public',
      outboxKey: 'g2',
    })
    expect(first.externalId).toBe('AbFvOqk2/reply')
    expect(edit.externalId).toBe('AbFvOqk2/reply')
    expect(api.sent.at(-1)!.request).toMatchObject({
      method: 'PUT',
      path: `/v4/${LOCATION}/reviews/AbFvOqk2/reply`,
    })
    expect(edit.sentAt.getTime()).toBeGreaterThan(first.sentAt.getTime())
  })

  it('says a deleted review is gone, refuses private replies, and checks the byte limit before calling', async () => {
    api.deleteTarget('Gone1')
    expect(
      (
        await failure(
          google().send({
            target: { kind: 'review', externalId: 'Gone1' },
            text: 'x',
            visibility: 'public',
            outboxKey: 'g3',
          }),
        )
      ).kind,
    ).toBe('target_gone')
    expect(
      (
        await failure(
          google().send({
            target: { kind: 'review', externalId: 'R' },
            text: 'x',
            visibility: 'private',
            outboxKey: 'g4',
          }),
        )
      ).kind,
    ).toBe('policy_window')
    const tooLong = await failure(
      google().send({
        target: { kind: 'review', externalId: 'R' },
        text: 'é'.repeat(2049),
        visibility: 'public',
        outboxKey: 'g5',
      }),
    )
    expect(tooLong.reason).toMatch(/4096 bytes/)
    expect(
      (
        await failure(
          google('read-only').send({
            target: { kind: 'review', externalId: 'R' },
            text: 'x',
            visibility: 'public',
            outboxKey: 'g6',
          }),
        )
      ).kind,
    ).toBe('permission')
  })

  it('retries RESOURCE_EXHAUSTED with backoff', async () => {
    waits.length = 0
    api.failNext(
      { ...FAKE_SEND_ERRORS.googleRateLimited, match: /reply$/ },
      { ...FAKE_SEND_ERRORS.googleRateLimited, match: /reply$/ },
    )
    await google().send({
      target: { kind: 'review', externalId: 'R2' },
      text: 'ok',
      visibility: 'public',
      outboxKey: 'g7',
    })
    expect(waits).toEqual([750, 1500])
  })
})

describe('youtubeSender', () => {
  const yt = (token = 'test-token') =>
    youtubeSender({ accessToken: token, baseUrl: api.url }, options)

  it('replies under the top-level comment of the thread', async () => {
    const sent = await yt().send({
      target: { kind: 'comment', externalId: 'UgzReply.1', threadKey: 'UgzAbC123' },
      text: "No, it doesn't!",
      visibility: 'public',
      outboxKey: 'y1',
    })
    expect(sent.externalId).toMatch(/^UgzAbC123\./)
    expect(JSON.parse(api.sent.at(-1)!.request.body)).toEqual({
      snippet: { parentId: 'UgzAbC123', textOriginal: "No, it doesn't!" },
    })
  })

  it('does not retry a used-up daily quota but says when it resets', async () => {
    waits.length = 0
    api.failNext({ ...FAKE_SEND_ERRORS.youtubeQuotaExceeded, match: /comments$/ })
    const error = await failure(
      yt().send({
        target: { kind: 'comment', externalId: 'U1' },
        text: 'x',
        visibility: 'public',
        outboxKey: 'y2',
      }),
    )
    expect(error).toMatchObject({ kind: 'rate_limited', platformCode: 'quotaExceeded' })
    expect(error.reason).toMatch(/midnight Pacific/)
    expect(waits).toEqual([])
  })

  it('maps a deleted parent and a missing permission', async () => {
    api.deleteTarget('UgzGone')
    expect(
      (
        await failure(
          yt().send({
            target: { kind: 'comment', externalId: 'UgzGone' },
            text: 'x',
            visibility: 'public',
            outboxKey: 'y3',
          }),
        )
      ).kind,
    ).toBe('target_gone')
    expect(
      (
        await failure(
          yt('read-only').send({
            target: { kind: 'comment', externalId: 'U' },
            text: 'x',
            visibility: 'public',
            outboxKey: 'y4',
          }),
        )
      ).kind,
    ).toBe('permission')
  })
})

describe('webchatSender', () => {
  const chat = () =>
    webchatSender({ secret: SECRET, replyUrl: `${api.url}/webchat/replies` }, options)

  it('POSTs a Standard-Webhooks-signed reply the site can verify, keyed by the outbox id', async () => {
    const sent = await chat().send({
      target: { kind: 'dm', externalId: 'msg-7', threadKey: 'chat:conv-42' },
      text: 'We will call you.',
      visibility: 'public',
      outboxKey: 'w1',
    })
    expect(sent.externalId).toBe(webchatReplyId('w1'))
    const req = api.sent.at(-1)!.request
    const headers = new Headers(req.headers as Record<string, string>)
    const verdict = verifyWebchat(
      { method: 'POST', url: req.url, headers, body: req.body },
      { secret: SECRET, toleranceSeconds: 300 },
      NOW,
    )
    expect(verdict).toMatchObject({ kind: 'verified' })
    expect(JSON.parse(req.body).data).toEqual({
      conversation_id: 'conv-42',
      in_reply_to: 'msg-7',
      message_id: 'earshot_w1',
      text: 'We will call you.',
    })
  })

  it('retries a site 5xx with the same webhook id', async () => {
    api.failNext({ status: 502, body: 'bad gateway', match: /webchat/ })
    await chat().send({
      target: { kind: 'dm', externalId: 'm', threadKey: 'chat:c1' },
      text: 'x',
      visibility: 'public',
      outboxKey: 'w2',
    })
    const ids = api.requests
      .filter((r) => r.path === '/webchat/replies')
      .slice(-2)
      .map((r) => r.headers['webhook-id'])
    expect(ids).toEqual(['msg_w2', 'msg_w2'])
  })

  it('says a closed chat is gone', async () => {
    api.deleteTarget('closed')
    expect(
      (
        await failure(
          chat().send({
            target: { kind: 'dm', externalId: 'm', threadKey: 'chat:closed' },
            text: 'x',
            visibility: 'public',
            outboxKey: 'w3',
          }),
        )
      ).kind,
    ).toBe('target_gone')
  })
})

describe('replySenderFor', () => {
  it('builds a sender per platform and refuses platforms without replies', () => {
    expect(replySenderFor('youtube', { accessToken: 't' }).platform).toBe('youtube')
    expect(() => replySenderFor('rss', {})).toThrow(/not supported/)
  })
})
