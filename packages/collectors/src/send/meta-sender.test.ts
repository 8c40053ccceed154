import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  FAKE_SEND_ERRORS,
  type FakeWriteApis,
  startFakeWriteApis,
} from '../testing/fake-write-apis.js'
import { facebookSender, instagramSender } from './meta-sender.js'
import type { ReplySendError } from './reply-sender.js'

const PAGE = '104857293847561'
const IG = '17841401234567890'
const NOW = new Date('2026-12-02T12:00:00Z')
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000)

let api: FakeWriteApis
const waits: number[] = []
const options = () => ({
  now: () => NOW,
  sleep: async (ms: number) => void waits.push(ms),
  random: () => 0.5,
})
const fb = (token = 'test-token', extra: { humanAgentTag?: boolean } = {}) =>
  facebookSender({ accessToken: token, accountId: PAGE, baseUrl: api.url, ...extra }, options())
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the send to fail')
    },
    (error: ReplySendError) => error,
  )

beforeAll(async () => {
  api = await startFakeWriteApis({ tokensWithoutPermission: ['no-engagement'] })
})
afterAll(() => api.close())

describe('facebookSender', () => {
  it('replies to a comment and returns the id the feed webhook will carry', async () => {
    const sent = await fb().send({
      target: { kind: 'comment', externalId: `${PAGE}_111` },
      text: 'Thanks, see you soon!',
      visibility: 'public',
      outboxKey: 'o1',
    })
    expect(sent).toMatchObject({ kind: 'reply', sentAt: NOW })
    expect(sent.externalId).toMatch(new RegExp(`^${PAGE}_\\d+$`))
    const last = api.sent.at(-1)!
    expect(last).toMatchObject({
      platform: 'facebook',
      target: `${PAGE}_111`,
      text: 'Thanks, see you soon!',
      id: sent.externalId,
    })
    expect(last.request.path).toBe(`/v23.0/${PAGE}_111/comments`)
    expect(last.request.url).not.toContain('test-token')
  })

  it('answers Messenger inside the 24-hour window with the outbox key as metadata', async () => {
    const sent = await fb().send({
      target: {
        kind: 'dm',
        externalId: 'm_in',
        authorId: '6543210987654321',
        lastInboundAt: hoursAgo(3),
      },
      text: 'Yes, Saturday 9-13h.',
      visibility: 'private',
      outboxKey: 'o2',
    })
    expect(sent.kind).toBe('dm')
    const body = JSON.parse(api.sent.at(-1)!.request.body)
    expect(body).toMatchObject({
      recipient: { id: '6543210987654321' },
      messaging_type: 'RESPONSE',
      message: { text: 'Yes, Saturday 9-13h.', metadata: 'earshot:outbox:o2' },
    })
  })

  it('refuses Messenger outside the window without calling, and says why', async () => {
    const before = api.requests.length
    const error = await failure(
      fb().send({
        target: { kind: 'dm', externalId: 'm_in', authorId: '654', lastInboundAt: hoursAgo(30) },
        text: 'Hello',
        visibility: 'private',
        outboxKey: 'o3',
      }),
    )
    expect(error.kind).toBe('policy_window')
    expect(error.reason).toMatch(/30 hours ago.*within 24 hours/)
    expect(api.requests.length).toBe(before)
  })

  it('uses the HUMAN_AGENT tag between 24 hours and 7 days when the app has it', async () => {
    await fb('test-token', { humanAgentTag: true }).send({
      target: { kind: 'dm', externalId: 'm_in', authorId: '654', lastInboundAt: hoursAgo(30) },
      text: 'Hello',
      visibility: 'private',
      outboxKey: 'o4',
    })
    expect(JSON.parse(api.sent.at(-1)!.request.body)).toMatchObject({
      messaging_type: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
    })
  })

  it("maps the platform's own window error to words", async () => {
    api.failNext({ ...FAKE_SEND_ERRORS.messengerOutsideWindow, match: /messages$/ })
    const error = await failure(
      fb().send({
        target: { kind: 'dm', externalId: 'm', authorId: '654', lastInboundAt: hoursAgo(1) },
        text: 'x',
        visibility: 'private',
        outboxKey: 'o5',
      }),
    )
    expect(error).toMatchObject({ kind: 'policy_window', platformCode: 10 })
    expect(error.reason).toMatch(/outside the 24-hour messaging window/)
    expect(error.retryable).toBe(false)
  })

  it('sends a private reply to a comment within 7 days, and refuses older comments', async () => {
    const sent = await fb().send({
      target: { kind: 'comment', externalId: `${PAGE}_222`, createdAt: hoursAgo(48) },
      text: "Let's take this private",
      visibility: 'private',
      outboxKey: 'o6',
    })
    expect(sent).toMatchObject({ kind: 'dm' })
    expect(JSON.parse(api.sent.at(-1)!.request.body).recipient).toEqual({
      comment_id: `${PAGE}_222`,
    })
    const error = await failure(
      fb().send({
        target: { kind: 'comment', externalId: `${PAGE}_223`, createdAt: hoursAgo(24 * 8) },
        text: 'x',
        visibility: 'private',
        outboxKey: 'o7',
      }),
    )
    expect(error.kind).toBe('policy_window')
    expect(error.reason).toMatch(/within 7 days/)
  })

  it('says the comment was deleted, and that a permission is missing, without retrying', async () => {
    api.deleteTarget(`${PAGE}_999`)
    const before = api.requests.length
    const gone = await failure(
      fb().send({
        target: { kind: 'comment', externalId: `${PAGE}_999` },
        text: 'x',
        visibility: 'public',
        outboxKey: 'o8',
      }),
    )
    expect(gone).toMatchObject({ kind: 'target_gone', reason: expect.stringMatching(/deleted/) })
    const denied = await failure(
      fb('no-engagement').send({
        target: { kind: 'comment', externalId: `${PAGE}_1` },
        text: 'x',
        visibility: 'public',
        outboxKey: 'o9',
      }),
    )
    expect(denied).toMatchObject({ kind: 'permission', reason: expect.stringMatching(/Reconnect/) })
    const expired = await failure(
      fb('old-token').send({
        target: { kind: 'comment', externalId: `${PAGE}_1` },
        text: 'x',
        visibility: 'public',
        outboxKey: 'o10',
      }),
    )
    expect(expired).toMatchObject({ kind: 'reauth', code: 'AUTH_EXPIRED' })
    expect(api.requests.length - before).toBe(3)
  })

  it('retries rate limits and transient errors with backoff through the injected sleep', async () => {
    waits.length = 0
    api.failNext(
      { ...FAKE_SEND_ERRORS.graphRateLimited, headers: { 'retry-after': '7' }, match: /comments$/ },
      { ...FAKE_SEND_ERRORS.graphTransient, match: /comments$/ },
    )
    const sent = await fb().send({
      target: { kind: 'comment', externalId: `${PAGE}_5` },
      text: 'ok',
      visibility: 'public',
      outboxKey: 'o11',
    })
    expect(sent.kind).toBe('reply')
    expect(waits).toEqual([7000, 1500])
  })

  it('gives up after the attempts and reports the rate limit in words', async () => {
    api.failNext(
      ...Array.from({ length: 4 }, () => ({
        ...FAKE_SEND_ERRORS.graphRateLimited,
        match: /comments$/,
      })),
    )
    const error = await failure(
      fb().send({
        target: { kind: 'comment', externalId: `${PAGE}_6` },
        text: 'ok',
        visibility: 'public',
        outboxKey: 'o12',
      }),
    )
    expect(error).toMatchObject({ kind: 'rate_limited', retryable: true })
    expect(error.reason).toMatch(/limiting how fast/)
  })
})

describe('instagramSender', () => {
  const ig = () =>
    instagramSender({ accessToken: 'test-token', accountId: IG, baseUrl: api.url }, options())

  it('replies on the top-level comment of the thread', async () => {
    const sent = await ig().send({
      target: { kind: 'comment', externalId: '17890000000000002', threadKey: '17890000000000001' },
      text: 'Thank you!',
      visibility: 'public',
      outboxKey: 'i1',
    })
    expect(api.sent.at(-1)).toMatchObject({
      platform: 'instagram',
      target: '17890000000000001',
      id: sent.externalId,
    })
    expect(api.sent.at(-1)!.request.path).toBe('/v23.0/17890000000000001/replies')
  })

  it('sends a DM inside the window and refuses one outside it', async () => {
    const sent = await ig().send({
      target: {
        kind: 'dm',
        externalId: 'aWdf',
        authorId: '5566778899',
        lastInboundAt: hoursAgo(2),
      },
      text: 'We are open on Saturday.',
      visibility: 'private',
      outboxKey: 'i2',
    })
    expect(sent.kind).toBe('dm')
    expect(api.sent.at(-1)!.request.path).toBe(`/v23.0/${IG}/messages`)
    const error = await failure(
      ig().send({
        target: {
          kind: 'dm',
          externalId: 'aWdf',
          authorId: '5566778899',
          lastInboundAt: hoursAgo(25),
        },
        text: 'x',
        visibility: 'private',
        outboxKey: 'i3',
      }),
    )
    expect(error.reason).toMatch(/Instagram only allows an answer within 24 hours/)
  })
})
