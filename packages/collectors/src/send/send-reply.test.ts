import { type ChannelRow, type Database, openDatabase } from '@earshot/core'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { metaSignature } from '../facebook/graph-api.js'
import { handleWebhook } from '../run/handle-webhook.js'
import {
  FAKE_SEND_ERRORS,
  type FakeWriteApis,
  startFakeWriteApis,
} from '../testing/fake-write-apis.js'
import { createTestTenant, type TestTenant } from '../testing/test-tenant.js'
import { repliesOf, retryReply, sendReply } from './send-reply.js'

const PAGE = '104857293847561'
const APP_SECRET = 'test_app_secret'
// Sydney business hours on a Wednesday: 12:00 UTC is 23:00 there, so use 00:00 UTC (11:00 AEDT).
const NOW = new Date('2026-12-02T00:30:00Z')
const COMMENT_AT = Math.floor(new Date('2026-12-02T00:00:00Z').getTime() / 1000)

let db: Kysely<Database>
let close: () => Promise<void>
let api: FakeWriteApis
let tenant: TestTenant
const waits: number[] = []
const deps = { now: () => NOW, sleep: async (ms: number) => void waits.push(ms), random: () => 0.5 }

beforeAll(async () => {
  const opened = await openDatabase(
    process.env.EARSHOT_TEST_DATABASE_URL
      ? { url: process.env.EARSHOT_TEST_DATABASE_URL, poolSize: 4 }
      : {},
  )
  db = opened.db
  close = opened.close
  api = await startFakeWriteApis()
  tenant = await createTestTenant(db, 'Smile Dental')
})
afterAll(async () => {
  await api.close()
  await close()
})

const facebookChannel = () =>
  tenant.channel({
    platform: 'facebook',
    externalAccountId: PAGE,
    ownIdentities: [PAGE],
    config: {
      accessToken: 'test-token',
      baseUrl: api.url,
      appSecret: APP_SECRET,
      verifyToken: 'v',
    },
  })

function feedComment(
  commentId: string,
  from: { id: string; name: string },
  message: string,
  parent?: string,
) {
  const body = JSON.stringify({
    object: 'page',
    entry: [
      {
        id: PAGE,
        time: COMMENT_AT,
        changes: [
          {
            field: 'feed',
            value: {
              item: 'comment',
              verb: 'add',
              comment_id: commentId,
              post_id: `${PAGE}_1`,
              parent_id: parent ?? `${PAGE}_1`,
              from,
              message,
              created_time: COMMENT_AT + (parent ? 600 : 0),
            },
          },
        ],
      },
    ],
  })
  return {
    method: 'POST',
    url: 'https://earshot.example/hooks/facebook',
    headers: new Headers({
      'content-type': 'application/json',
      'x-hub-signature-256': metaSignature(APP_SECRET, body),
    }),
    body,
  }
}

async function inboundComment(channel: ChannelRow, commentId: string) {
  const r = await handleWebhook(
    db,
    'facebook',
    channel.id,
    feedComment(commentId, { id: '4444', name: 'Ana K' }, 'Are you open on Saturday?'),
  )
  expect(r.status).toBe(200)
  return db
    .selectFrom('mentions')
    .selectAll()
    .where('channel_id', '=', channel.id)
    .where('external_id', '=', commentId)
    .executeTakeFirstOrThrow()
}

const linkOf = (mentionId: string) =>
  db
    .selectFrom('response_links')
    .selectAll()
    .where('inbound_id', '=', mentionId)
    .executeTakeFirstOrThrow()

describe('sendReply', () => {
  it('posts the reply, stores it as the outbound answer at once, and a later webhook echo is not stored twice', async () => {
    const channel = await facebookChannel()
    const comment = await inboundComment(channel, `${PAGE}_1_100`)
    expect((await linkOf(comment.id)).outbound_id).toBeNull()

    const result = await sendReply(
      db,
      {
        organisationId: tenant.organisationId,
        practiceIds: [tenant.practiceId],
        mentionId: comment.id,
        userId: 'user-1',
        text: 'Yes, 9 to 1 on Saturdays.',
      },
      deps,
    )
    expect(result.status).toBe('sent')
    if (result.status !== 'sent') return
    const sent = api.sent.at(-1)!
    expect(sent).toMatchObject({
      platform: 'facebook',
      target: `${PAGE}_1_100`,
      text: 'Yes, 9 to 1 on Saturdays.',
    })
    const link = await linkOf(comment.id)
    expect(link.outbound_id).toBe(result.outboundMentionId)
    expect(link.response_source).toBe('reply')
    expect(result.outbox).toMatchObject({
      status: 'sent',
      outbound_external_id: sent.id,
      user_id: 'user-1',
      attempts: 1,
    })

    const log = await db
      .selectFrom('user_actions')
      .selectAll()
      .where('target_id', '=', comment.id)
      .execute()
    expect(log).toMatchObject([{ action: 'reply.sent', user_id: 'user-1', target_type: 'mention' }])

    // The feed webhook for our own reply: same comment id, from the Page.
    const echo = await handleWebhook(
      db,
      'facebook',
      channel.id,
      feedComment(
        sent.id,
        { id: PAGE, name: 'Smile Dental' },
        'Yes, 9 to 1 on Saturdays.',
        `${PAGE}_1_100`,
      ),
    )
    expect(JSON.parse(echo.body)).toMatchObject({ inserted: 0 })
    const outbound = await db
      .selectFrom('mentions')
      .select(['id', 'direction'])
      .where('channel_id', '=', channel.id)
      .where('direction', '=', 'outbound')
      .execute()
    expect(outbound).toEqual([{ id: result.outboundMentionId, direction: 'outbound' }])
    expect((await linkOf(comment.id)).outbound_id).toBe(result.outboundMentionId)
  })

  it('blocks a public reply with a lint warning unless a reason is given, and keeps the reason', async () => {
    const channel = await facebookChannel()
    const comment = await inboundComment(channel, `${PAGE}_1_200`)
    const input = {
      organisationId: tenant.organisationId,
      practiceIds: [tenant.practiceId],
      mentionId: comment.id,
      userId: 'user-2',
      text: 'Hi Ana, your results are back, call us.',
    }
    const before = api.sent.length
    await expect(sendReply(db, input, deps)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      details: { lint: expect.arrayContaining([expect.stringContaining('"results are back"')]) },
    })
    expect(api.sent.length).toBe(before)
    const result = await sendReply(
      db,
      { ...input, overrideReason: 'Ana asked publicly and consented' },
      deps,
    )
    expect(result.outbox).toMatchObject({
      status: 'sent',
      override_reason: 'Ana asked publicly and consented',
    })
    const log = await db
      .selectFrom('user_actions')
      .select('detail')
      .where('target_id', '=', comment.id)
      .executeTakeFirstOrThrow()
    expect(log.detail).toMatchObject({ lintOverride: 'Ana asked publicly and consented' })
  })

  it('keeps a failed send with its reason in words, and a retry sends it', async () => {
    const channel = await facebookChannel()
    const comment = await inboundComment(channel, `${PAGE}_1_300`)
    api.failNext(
      ...Array.from({ length: 4 }, () => ({
        ...FAKE_SEND_ERRORS.graphRateLimited,
        match: /_300\/comments$/,
      })),
    )
    const failed = await sendReply(
      db,
      {
        organisationId: tenant.organisationId,
        practiceIds: [tenant.practiceId],
        mentionId: comment.id,
        userId: 'user-3',
        text: 'We are open.',
      },
      deps,
    )
    expect(failed).toMatchObject({
      status: 'failed',
      retryable: true,
      outbox: { status: 'failed', failure_kind: 'rate_limited' },
    })
    if (failed.status === 'sent') return
    expect(failed.reason).toMatch(/limiting how fast/)
    expect((await linkOf(comment.id)).outbound_id).toBeNull()

    const retried = await retryReply(
      db,
      {
        organisationId: tenant.organisationId,
        practiceIds: [tenant.practiceId],
        outboxId: failed.outbox.id,
        userId: 'user-3',
      },
      deps,
    )
    expect(retried).toMatchObject({ status: 'sent', outbox: { id: failed.outbox.id, attempts: 2 } })
    expect((await repliesOf(db, tenant.organisationId, comment.id)).map((r) => r.status)).toEqual([
      'sent',
    ])
    await expect(
      retryReply(
        db,
        {
          organisationId: tenant.organisationId,
          practiceIds: [tenant.practiceId],
          outboxId: failed.outbox.id,
          userId: 'user-3',
        },
        deps,
      ),
    ).rejects.toMatchObject({ code: 'CONFLICT' })
  })

  it('says a deleted comment is gone', async () => {
    const channel = await facebookChannel()
    const comment = await inboundComment(channel, `${PAGE}_1_400`)
    api.deleteTarget(`${PAGE}_1_400`)
    const result = await sendReply(
      db,
      {
        organisationId: tenant.organisationId,
        practiceIds: [tenant.practiceId],
        mentionId: comment.id,
        userId: null,
        text: 'Thanks!',
      },
      deps,
    )
    expect(result).toMatchObject({
      status: 'failed',
      retryable: false,
      reason: expect.stringMatching(/deleted/),
    })
  })

  it("cannot answer another organisation's or another practice's mention", async () => {
    const channel = await facebookChannel()
    const comment = await inboundComment(channel, `${PAGE}_1_500`)
    const other = await createTestTenant(db, 'Other Clinic')
    await expect(
      sendReply(
        db,
        {
          organisationId: other.organisationId,
          practiceIds: [other.practiceId],
          mentionId: comment.id,
          userId: 'x',
          text: 'hi',
        },
        deps,
      ),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(
      sendReply(
        db,
        {
          organisationId: tenant.organisationId,
          practiceIds: [other.practiceId],
          mentionId: comment.id,
          userId: 'x',
          text: 'hi',
        },
        deps,
      ),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})
