import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import {
  type ChannelRow,
  configureKeyring,
  generateSecretKey,
  saveChannelCredentials,
} from '@earshot/core'
import { describe, expect, it } from 'vitest'
import { collectChannel } from '../run/core-loop.js'
import { handleWebhook } from '../run/handle-webhook.js'
import { testCollector } from '../testing/test-collector.js'
import {
  COMMENT_1,
  COMMENT_2,
  COMMENT_3,
  COMMENT_4,
  EXPIRED_TOKEN,
  FACEBOOK_IDS,
  graphApi,
  MESSAGE_1,
  MESSAGE_2,
  PAGE_ID,
  PAGE_TOKEN,
} from './__fixtures__/graph-api.js'
import { facebookCollector, mapComment, parseFacebookWebhook } from './facebook-collector.js'
import { metaSignature } from './graph-api.js'

const REFERENCE = fileURLToPath(
  new URL('../../../../../shared/reference/payloads/facebook/', import.meta.url),
)
const APP_SECRET = 'test_app_secret'

// Byte-exact body of the signature test vector in platform-apis.md §1.4.
const VECTOR_BODY =
  '{"object":"page","entry":[{"id":"1111","time":1735800000,"changes":[{"field":"feed","value":{"item":"comment","verb":"add","comment_id":"2222_3333","post_id":"1111_2222","parent_id":"1111_2222","from":{"id":"4444","name":"Ana K"},"message":"Hvala!","created_time":1735799990}}]}]}'

function post(body: string, headers: Record<string, string> = {}) {
  return {
    method: 'POST',
    url: 'https://earshot.example/hooks/facebook',
    headers: new Headers({ 'content-type': 'application/json', ...headers }),
    body,
  }
}
function signed(body: string, secret = APP_SECRET) {
  return post(body, { 'x-hub-signature-256': metaSignature(secret, body) })
}
function feedChange(value: Record<string, unknown>, time = 1735800100) {
  return JSON.stringify({
    object: 'page',
    entry: [{ id: '1111', time, changes: [{ field: 'feed', value }] }],
  })
}

testCollector({
  platform: 'facebook',
  create: facebookCollector,
  account: { externalAccountId: PAGE_ID },
  config: (baseUrl) => ({ accessToken: PAGE_TOKEN, baseUrl, pageSize: 2, lookbackDays: 3650 }),
  api: graphApi,
  expectedExternalIds: FACEBOOK_IDS,
  minRequests: 6,
  authError: EXPIRED_TOKEN,
  invalidConfig: { accessToken: '' },
  additionalTests: (t) => {
    const mention = async (channel: ChannelRow, externalId: string) =>
      t.db
        .selectFrom('mentions')
        .selectAll()
        .where('channel_id', '=', channel.id)
        .where('external_id', '=', externalId)
        .executeTakeFirst()

    it('threads replies under their top-level comment and keys Messenger threads by the person', async () => {
      const channel = await t.newChannel()
      await collectChannel(t.db, channel, t.collector())
      const c1 = await mention(channel, COMMENT_1)
      const c2 = await mention(channel, COMMENT_2)
      const c4 = await mention(channel, COMMENT_4)
      expect(c1).toMatchObject({ kind: 'comment', direction: 'inbound', thread_key: COMMENT_1 })
      expect(c2).toMatchObject({
        kind: 'reply',
        direction: 'outbound',
        thread_key: COMMENT_1,
        parent_external_id: COMMENT_1,
      })
      expect(c4).toMatchObject({ kind: 'reply', thread_key: COMMENT_3 })
      expect(await mention(channel, MESSAGE_1)).toMatchObject({
        kind: 'message',
        direction: 'inbound',
        thread_key: 'messenger:6543210987654321',
      })
      expect(await mention(channel, MESSAGE_2)).toMatchObject({
        direction: 'outbound',
        thread_key: 'messenger:6543210987654321',
      })
    })

    it('recognises a reply typed in Facebook itself (author = the Page) as the practice’s response', async () => {
      const channel = await t.newChannel()
      await collectChannel(t.db, channel, t.collector())
      const c1 = await mention(channel, COMMENT_1)
      const c2 = await mention(channel, COMMENT_2)
      const link = await t.db
        .selectFrom('response_links')
        .selectAll()
        .where('organisation_id', '=', channel.organisation_id)
        .where('inbound_id', '=', c1!.id)
        .executeTakeFirstOrThrow()
      expect(link.outbound_id).toBe(c2!.id)
      expect(link.response_source).toBe('reply')
      // The comment nobody from the Page answered stays open.
      const c3 = await mention(channel, COMMENT_3)
      const open = await t.db
        .selectFrom('response_links')
        .selectAll()
        .where('organisation_id', '=', channel.organisation_id)
        .where('inbound_id', '=', c3!.id)
        .executeTakeFirst()
      expect(open?.outbound_id ?? null).toBeNull()
    })

    it('resumes an interrupted run from its checkpoint without losing or duplicating', async () => {
      const channel = await t.newChannel()
      const first = await collectChannel(t.db, channel, t.collector(), { maxBatches: 1 })
      expect(first.batches).toBe(1)
      const row = await t.db
        .selectFrom('channels')
        .selectAll()
        .where('id', '=', channel.id)
        .executeTakeFirstOrThrow()
      expect(row.checkpoint).toMatchObject({ run: { phase: 'feed' } })
      await collectChannel(t.db, row as ChannelRow, t.collector())
      const ids = (
        await t.db
          .selectFrom('mentions')
          .select('external_id')
          .where('channel_id', '=', channel.id)
          .execute()
      ).map((r) => r.external_id)
      expect(ids.sort()).toEqual([...FACEBOOK_IDS].sort())
    })

    describe('webhook', () => {
      const webhookChannel = () =>
        t.tenant.channel({
          platform: 'facebook',
          externalAccountId: '1111',
          config: { accessToken: 'x', appSecret: APP_SECRET, verifyToken: 'verify-me' },
        })
      const count = async (channel: ChannelRow) => ({
        mentions: (
          await t.db
            .selectFrom('mentions')
            .select('id')
            .where('channel_id', '=', channel.id)
            .execute()
        ).length,
        quarantine: (
          await t.db
            .selectFrom('quarantine')
            .select('id')
            .where('channel_id', '=', channel.id)
            .execute()
        ).length,
      })

      it('matches the documented signature test vector', () => {
        expect(metaSignature(APP_SECRET, VECTOR_BODY)).toBe(
          'sha256=4e8f8ed4103eee2893b29ae5ee20f74d4163d74924cc0cbb927fd0be747a1769',
        )
      })

      it('answers the hub.challenge handshake only with the right verify token', async () => {
        const channel = await webhookChannel()
        const ok = await handleWebhook(t.db, 'facebook', channel.id, {
          method: 'GET',
          url: '/hooks/facebook?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=verify-me',
          headers: new Headers(),
          body: '',
        })
        expect(ok).toMatchObject({ status: 200, body: '1158201444' })
        const bad = await handleWebhook(t.db, 'facebook', channel.id, {
          method: 'GET',
          url: '/hooks/facebook?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=nope',
          headers: new Headers(),
          body: '',
        })
        expect(bad.status).toBe(403)
      })

      it('stores a correctly signed comment, once, however often it is delivered', async () => {
        const channel = await webhookChannel()
        const first = await handleWebhook(t.db, 'facebook', channel.id, signed(VECTOR_BODY))
        expect(first.status).toBe(200)
        expect(JSON.parse(first.body)).toMatchObject({ inserted: 1 })
        const again = await handleWebhook(t.db, 'facebook', channel.id, signed(VECTOR_BODY))
        expect(JSON.parse(again.body)).toMatchObject({ inserted: 0, updated: 0, unchanged: 1 })
        expect(await mention(channel, '2222_3333')).toMatchObject({
          text: 'Hvala!',
          kind: 'comment',
          thread_key: '2222_3333',
          author_id: '4444',
        })
        expect((await count(channel)).mentions).toBe(1)
      })

      it('routes deliveries without a channel id by the Page id in each entry', async () => {
        const channel = await webhookChannel()
        const body = feedChange({
          item: 'comment',
          verb: 'add',
          comment_id: '2222_7777',
          post_id: '1111_2222',
          parent_id: '1111_2222',
          from: { id: '4444', name: 'Ana K' },
          message: 'Routed',
          created_time: 1735799995,
        })
        const r = await handleWebhook(t.db, 'facebook', undefined, signed(body))
        expect(r.status).toBe(200)
        expect(await mention(channel, '2222_7777')).toMatchObject({ text: 'Routed' })
      })

      it('accepts deliveries for a Page connected through Facebook Login, whose token is sealed apart from its config', async () => {
        configureKeyring({ env: { EARSHOT_SECRET_KEY: generateSecretKey() } })
        // What the connect flow stores: no token in the config, only a reference to the app secret.
        const channel = await t.tenant.channel({
          platform: 'facebook',
          externalAccountId: '1111',
          config: { appSecret: 'env:FB_CONNECTED_APP_SECRET', verifyToken: 'verify-me' },
        })
        await saveChannelCredentials(t.db, {
          organisationId: channel.organisation_id,
          channelId: channel.id,
          accessToken: 'EAAGpage-sealed',
          scopes: ['pages_manage_metadata'],
        })
        process.env.FB_CONNECTED_APP_SECRET = APP_SECRET
        try {
          const body = feedChange({
            item: 'comment',
            verb: 'add',
            comment_id: '2222_8888',
            post_id: '1111_2222',
            parent_id: '1111_2222',
            from: { id: '4444', name: 'Ana K' },
            message: 'Connected, not pasted',
            created_time: 1735799995,
          })
          const r = await handleWebhook(t.db, 'facebook', channel.id, signed(body))
          expect(r.status).toBe(200)
          expect(await mention(channel, '2222_8888')).toMatchObject({
            text: 'Connected, not pasted',
          })
          const forged = await handleWebhook(t.db, 'facebook', channel.id, signed(body, 'wrong'))
          expect(forged.status).toBe(401)
        } finally {
          delete process.env.FB_CONNECTED_APP_SECRET
        }
      })

      it('rejects invalid and missing signatures with 401 and stores nothing', async () => {
        const channel = await webhookChannel()
        const wrong = await handleWebhook(
          t.db,
          'facebook',
          channel.id,
          signed(VECTOR_BODY, 'not-the-secret'),
        )
        const tampered = await handleWebhook(t.db, 'facebook', channel.id, {
          ...signed(VECTOR_BODY),
          body: VECTOR_BODY.replace('Hvala', 'HACKED'),
        })
        const missing = await handleWebhook(t.db, 'facebook', channel.id, post(VECTOR_BODY))
        expect([wrong.status, tampered.status, missing.status]).toEqual([401, 401, 401])
        expect(await count(channel)).toEqual({ mentions: 0, quarantine: 0 })
      })

      it('quarantines a signed body it cannot parse, answering 202 so Meta does not retry forever', async () => {
        const channel = await webhookChannel()
        const r = await handleWebhook(
          t.db,
          'facebook',
          channel.id,
          signed('{"object":"page","entry":[{"id":"1111",'),
        )
        expect(r.status).toBe(202)
        const rows = await t.db
          .selectFrom('quarantine')
          .selectAll()
          .where('channel_id', '=', channel.id)
          .execute()
        expect(rows).toHaveLength(1)
        expect(rows[0]!.source).toBe('webhook:facebook')
        expect(rows[0]!.reason).toMatch(/unparseable facebook webhook body/)
      })

      it('stores the good comment and quarantines the bad one delivered beside it (NUL, lone surrogate, year 9999)', async () => {
        const channel = await webhookChannel()
        const change = (id: string, extra: Record<string, unknown> = {}) => ({
          field: 'feed',
          value: {
            item: 'comment',
            verb: 'add',
            comment_id: id,
            post_id: '1111_2222',
            parent_id: '1111_2222',
            from: { id: '4444', name: 'Ana K' },
            message: 'Is the clinic open?',
            created_time: 1735799990,
            ...extra,
          },
        })
        const body = JSON.stringify({
          object: 'page',
          entry: [
            {
              id: '1111',
              time: 1735800100,
              changes: [
                change('2222_nul\u0000'),
                change('2222_surrogate', { message: 'broken \ud800' }),
                change('2222_far', { created_time: 253402300799 }),
                change('2222_good'),
              ],
            },
          ],
        })
        const r = await handleWebhook(t.db, 'facebook', channel.id, signed(body))
        expect(r.status).toBe(200)
        expect(JSON.parse(r.body)).toMatchObject({ inserted: 1, quarantined: 3 })
        expect(await mention(channel, '2222_good')).toMatchObject({ text: 'Is the clinic open?' })
        const reasons = await t.db
          .selectFrom('quarantine')
          .select('reason')
          .where('channel_id', '=', channel.id)
          .orderBy('id')
          .execute()
        expect(reasons.map((q) => q.reason)).toEqual([
          expect.stringMatching(/externalId contains a NUL character/),
          expect.stringMatching(/text contains a lone surrogate/),
          expect.stringMatching(/out of range/),
        ])
      })

      it('ends in the same state when an edit arrives before the comment itself', async () => {
        const channel = await webhookChannel()
        const add = feedChange(
          {
            item: 'comment',
            verb: 'add',
            comment_id: '2222_4444',
            post_id: '1111_2222',
            parent_id: '1111_2222',
            from: { id: '4444', name: 'Ana K' },
            message: 'Is it open Sunday',
            created_time: 1735799990,
          },
          1735799991,
        )
        const edited = feedChange(
          {
            item: 'comment',
            verb: 'edited',
            comment_id: '2222_4444',
            post_id: '1111_2222',
            parent_id: '1111_2222',
            from: { id: '4444', name: 'Ana K' },
            message: 'Are you open on Sunday?',
            created_time: 1735799990,
          },
          1735800300,
        )
        await handleWebhook(t.db, 'facebook', channel.id, signed(edited))
        await handleWebhook(t.db, 'facebook', channel.id, signed(add))
        expect(await mention(channel, '2222_4444')).toMatchObject({
          text: 'Are you open on Sunday?',
        })
      })

      it('applies a removal, even one that arrives before the comment', async () => {
        const channel = await webhookChannel()
        const remove = feedChange(
          {
            item: 'comment',
            verb: 'remove',
            comment_id: '2222_5555',
            post_id: '1111_2222',
            parent_id: '1111_2222',
            from: { id: '4444' },
          },
          1735800500,
        )
        const add = feedChange({
          item: 'comment',
          verb: 'add',
          comment_id: '2222_5555',
          post_id: '1111_2222',
          parent_id: '1111_2222',
          from: { id: '4444', name: 'Ana K' },
          message: 'oops',
          created_time: 1735799990,
        })
        expect((await handleWebhook(t.db, 'facebook', channel.id, signed(remove))).status).toBe(200)
        await handleWebhook(t.db, 'facebook', channel.id, signed(add))
        const m = await mention(channel, '2222_5555')
        expect(m?.deleted_at).not.toBeNull()
      })

      it('marks Messenger echoes (the Page’s own messages) outbound', async () => {
        const channel = await webhookChannel()
        const body = JSON.stringify({
          object: 'page',
          entry: [
            {
              id: '1111',
              time: 1736157600123,
              messaging: [
                {
                  sender: { id: '6543210987654321' },
                  recipient: { id: '1111' },
                  timestamp: 1736157599876,
                  message: { mid: 'm_in_1', text: 'Can I book a cleaning?' },
                },
                {
                  sender: { id: '1111' },
                  recipient: { id: '6543210987654321' },
                  timestamp: 1736157699876,
                  message: {
                    mid: 'm_out_1',
                    is_echo: true,
                    app_id: 1517776481860111,
                    text: 'Yes, 3pm works.',
                  },
                },
              ],
            },
          ],
        })
        expect((await handleWebhook(t.db, 'facebook', channel.id, signed(body))).status).toBe(200)
        expect(await mention(channel, 'm_in_1')).toMatchObject({
          direction: 'inbound',
          thread_key: 'messenger:6543210987654321',
        })
        expect(await mention(channel, 'm_out_1')).toMatchObject({
          direction: 'outbound',
          thread_key: 'messenger:6543210987654321',
        })
      })
    })
  },
})

describe.runIf(existsSync(REFERENCE))(
  'facebook parsers on real payloads (shared/reference)',
  () => {
    const channel = {
      id: 'ch',
      organisationId: 'o',
      practiceId: 'p',
      platform: 'facebook' as const,
      externalAccountId: '1234567890321',
      ownIdentities: ['1234567890321'],
    }
    const read = (name: string) => readFileSync(`${REFERENCE}${name}`, 'utf8')

    it('maps feed add / edited (legacy sender) / remove changes', () => {
      expect(
        parseFacebookWebhook(read('webhook-feed-comment-add.json'), channel).items[0],
      ).toMatchObject({ kind: 'comment', externalId: expect.any(String) })
      const edited = parseFacebookWebhook(
        read('webhook-feed-comment-edited-legacy-sender.json'),
        channel,
      ).items[0]
      expect(edited).toMatchObject({ author: { id: expect.any(String) } })
      expect(edited).toHaveProperty('editedAt')
      expect(
        parseFacebookWebhook(read('webhook-feed-comment-remove.json'), channel).items[0],
      ).toMatchObject({ deleted: true })
    })

    it('dates a removal that carries no time by the injected clock', () => {
      const body = JSON.stringify({
        object: 'page',
        entry: [
          {
            id: channel.externalAccountId,
            changes: [
              {
                field: 'feed',
                value: { item: 'comment', verb: 'remove', comment_id: 'c1', post_id: 'p1' },
              },
            ],
          },
        ],
      })
      const at = new Date('2026-11-20T03:00:00Z')
      expect(parseFacebookWebhook(body, channel, () => at).items[0]).toMatchObject({
        deleted: true,
        deletedAt: at,
      })
    })

    it('ignores reactions and changes without a value', () => {
      expect(parseFacebookWebhook(read('webhook-feed-reaction-on-reply.json'), channel)).toEqual({
        items: [],
        rejected: [],
      })
      const twoEntries = JSON.parse(read('webhook-two-entries-no-value.json')) as {
        entry: { id: unknown }[]
      }
      const id = String(twoEntries.entry[0]!.id)
      expect(
        parseFacebookWebhook(read('webhook-two-entries-no-value.json'), {
          ...channel,
          externalAccountId: id,
        }),
      ).toEqual({ items: [], rejected: [] })
    })

    it('maps Messenger echoes and attachment-only messages (numeric ids in old samples)', () => {
      const echoBody = read('webhook-messenger-echo.json')
      const pageId = String((JSON.parse(echoBody) as { entry: { id: unknown }[] }).entry[0]!.id)
      const echo = parseFacebookWebhook(echoBody, {
        ...channel,
        externalAccountId: pageId,
        ownIdentities: [pageId],
      }).items[0]
      expect(echo).toMatchObject({ direction: 'outbound', kind: 'message' })
      const imageBody = read('webhook-messenger-image-attachment-only.json')
      const imagePage = String((JSON.parse(imageBody) as { entry: { id: unknown }[] }).entry[0]!.id)
      expect(
        parseFacebookWebhook(imageBody, { ...channel, externalAccountId: imagePage }).items[0],
      ).toMatchObject({ text: '[attachment]' })
    })

    it('reads a real comments page (ids stripped by its source) as rejects, not crashes', () => {
      const page = JSON.parse(read('graph-comments-stream-page1-with-page-replies.json')) as {
        data: Record<string, unknown>[]
      }
      expect(page.data.length).toBeGreaterThan(0)
      // Without ids a comment cannot be stored idempotently: each is a clear reject, never a guess.
      for (const comment of page.data)
        expect(() => mapComment(comment, 'post', channel)).toThrow(/comment without id/)
      // With the ids a Page token gets back, the same items map (message, time, reply nesting).
      const withIds = page.data.map((c, i) => ({ ...c, id: `post_${i}` }))
      const mapped = withIds.map((c) => mapComment(c, 'post', channel))
      expect(mapped.every((m) => m.createdAt instanceof Date && typeof m.text === 'string')).toBe(
        true,
      )
    })
  },
)
