import type { ChannelRow } from '@earshot/core'
import { describe, expect, it } from 'vitest'
import { handleWebhook } from '../run/handle-webhook.js'
import { testCollector } from '../testing/test-collector.js'
import {
  signStandardWebhook,
  signWebchatBody,
  verifyWebchat,
  webchatCollector,
} from './webchat-collector.js'

const SECRET = 'whsec_dGVzdC1zZWNyZXQtMDEyMzQ1Njc4OQ=='
const NOW = new Date('2025-01-06T10:10:30Z')
const collector = webchatCollector({ now: () => NOW })
const lookup = (platform: string) => (platform === 'webchat' ? (collector as never) : undefined)

function standard(
  body: string,
  {
    id = 'evt_1',
    ts = Math.floor(NOW.getTime() / 1000),
    secret = SECRET,
    url = '/hooks/webchat',
  } = {},
) {
  return {
    method: 'POST',
    url,
    headers: new Headers({
      'webhook-id': id,
      'webhook-timestamp': String(ts),
      'webhook-signature': signStandardWebhook(secret, id, ts, body),
    }),
    body,
  }
}
const chat = (
  type: string,
  data: Record<string, unknown>,
  id = `evt_${Math.random().toString(36).slice(2)}`,
) => JSON.stringify({ type, id, occurred_at: '2025-01-06T10:10:00Z', data })

describe('webchat signatures', () => {
  it('matches the Standard Webhooks test vectors (library vector and platform-apis.md §7)', () => {
    expect(
      signStandardWebhook(
        'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        'msg_p5jXN8AQM9LWM0D4loKWxJek',
        1614265330,
        '{"test": 2432232314}',
      ),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=')
    const body =
      '{"type":"form.submitted","id":"evt_01JGZ8Q4K7","occurred_at":"2025-01-06T10:10:00Z","data":{"form_id":"contact","name":"Ana K","message":"Need an appointment"}}'
    expect(signStandardWebhook(SECRET, 'evt_01JGZ8Q4K7', 1736158200, body)).toBe(
      'v1,CP5IQKqkBCkzRI+bsDAHBSJgzxfFCTqy2SLhj3IUN0M=',
    )
  })

  it('accepts any matching signature during a secret rotation, and the simple timestamp.body scheme', () => {
    const body = '{"x":1}'
    const ts = Math.floor(NOW.getTime() / 1000)
    const rotated = {
      method: 'POST',
      url: '/',
      headers: new Headers({
        'webhook-id': 'a',
        'webhook-timestamp': String(ts),
        'webhook-signature': `v1,bm90LXRoaXMtb25l ${signStandardWebhook(SECRET, 'a', ts, body)}`,
      }),
      body,
    }
    expect(verifyWebchat(rotated, { secret: SECRET, toleranceSeconds: 300 }, NOW)).toMatchObject({
      kind: 'verified',
    })
    const simple = {
      method: 'POST',
      url: '/',
      headers: new Headers({
        'x-earshot-timestamp': String(ts),
        'x-earshot-signature': signWebchatBody('plain-secret', ts, body),
      }),
      body,
    }
    expect(
      verifyWebchat(simple, { secret: 'plain-secret', toleranceSeconds: 300 }, NOW),
    ).toMatchObject({
      kind: 'verified',
    })
  })

  it('rejects stale and future timestamps (replays)', () => {
    const body = '{"x":1}'
    const stale = standard(body, { ts: Math.floor(NOW.getTime() / 1000) - 301 })
    const future = standard(body, { ts: Math.floor(NOW.getTime() / 1000) + 301 })
    expect(verifyWebchat(stale, { secret: SECRET, toleranceSeconds: 300 }, NOW)).toMatchObject({
      kind: 'rejected',
      status: 401,
    })
    expect(verifyWebchat(future, { secret: SECRET, toleranceSeconds: 300 }, NOW)).toMatchObject({
      kind: 'rejected',
      status: 401,
    })
  })
})

testCollector({
  platform: 'webchat',
  create: () => collector,
  account: { externalAccountId: 'site-1' },
  config: () => ({ secret: SECRET }),
  invalidConfig: { secret: 'short' },
  additionalTests: (t) => {
    const mention = t.findMention
    const quarantined = async (c: ChannelRow) =>
      (await t.db.selectFrom('quarantine').selectAll().where('channel_id', '=', c.id).execute())
        .length

    it('stores a visitor message and links the staff reply; duplicates change nothing', async () => {
      const c = await t.newChannel()
      const question = chat(
        'chat.message.created',
        {
          conversation_id: 'conv_1',
          message_id: 'msg_1',
          author: { id: 'v_9', name: 'Ana', role: 'visitor' },
          text: 'Do you have appointments today?',
          created_at: '2025-01-06T10:09:00Z',
        },
        'evt_q',
      )
      const answer = chat(
        'chat.message.created',
        {
          conversation_id: 'conv_1',
          message_id: 'msg_2',
          parent_id: 'msg_1',
          author: { id: 'staff_1', name: 'Reception', role: 'staff' },
          text: 'Yes, 2pm is free.',
          created_at: '2025-01-06T10:10:00Z',
        },
        'evt_a',
      )
      expect(
        (
          await handleWebhook(
            t.db,
            'webchat',
            c.id,
            standard(question, { id: 'evt_q', url: `/hooks/webchat/${c.id}` }),
            {
              collectors: lookup,
            },
          )
        ).status,
      ).toBe(200)
      expect(
        (
          await handleWebhook(
            t.db,
            'webchat',
            c.id,
            standard(answer, { id: 'evt_a', url: `/hooks/webchat/${c.id}` }),
            {
              collectors: lookup,
            },
          )
        ).status,
      ).toBe(200)
      // The sender's retry of the same event (re-signed with a later timestamp) changes nothing…
      const retry = standard(question, {
        id: 'evt_q',
        ts: Math.floor(NOW.getTime() / 1000) + 5,
        url: `/hooks/webchat/${c.id}`,
      })
      const dup = await handleWebhook(t.db, 'webchat', c.id, retry, { collectors: lookup })
      expect(JSON.parse(dup.body)).toMatchObject({ inserted: 0, unchanged: 1 })
      // …and a byte-identical replay of a request already accepted is refused.
      const replay = await handleWebhook(t.db, 'webchat', c.id, retry, { collectors: lookup })
      expect(replay.status).toBe(401)
      expect(JSON.parse(replay.body).error).toMatch(/replayed/)
      // Another spelling of the URL is the same request: the guard is keyed by the signature.
      for (const url of [`/hooks/webchat/${c.id}/`, `//hooks//webchat/${c.id}`, '/hooks/webchat']) {
        const respelled = await handleWebhook(
          t.db,
          'webchat',
          c.id,
          { ...retry, url },
          {
            collectors: lookup,
          },
        )
        expect(respelled.status, url).toBe(401)
      }
      // A second process (its own collector instance) shares the guard through the database.
      const otherProcess = webchatCollector({ now: () => NOW })
      const elsewhere = await handleWebhook(t.db, 'webchat', c.id, retry, {
        collectors: (p) => (p === 'webchat' ? (otherProcess as never) : undefined),
      })
      expect(elsewhere.status).toBe(401)
      const q = await mention(c, 'msg_1')
      const a = await mention(c, 'msg_2')
      expect(q).toMatchObject({ direction: 'inbound', thread_key: 'chat:conv_1' })
      expect(a).toMatchObject({ direction: 'outbound', thread_key: 'chat:conv_1' })
      const link = await t.db
        .selectFrom('response_links')
        .selectAll()
        .where('organisation_id', '=', c.organisation_id)
        .where('inbound_id', '=', q!.id)
        .executeTakeFirstOrThrow()
      expect(link.outbound_id).toBe(a!.id)
    })

    it('answers 404 to a delivery without a channel id, without looking at any channel', async () => {
      const c = await t.newChannel()
      const body = chat(
        'chat.message.created',
        {
          message_id: 'm_noid',
          conversation_id: 'conv_x',
          author: { id: 'v', role: 'visitor' },
          text: 'hi',
        },
        'evt_noid',
      )
      const r = await handleWebhook(
        t.db,
        'webchat',
        undefined,
        standard(body, { id: 'evt_noid' }),
        {
          collectors: lookup,
        },
      )
      expect(r.status).toBe(404)
      expect(JSON.parse(r.body).error).toMatch(/must name their channel/)
      expect(await mention(c, 'm_noid')).toBeUndefined()
    })

    it('applies deletions and keeps contact details out of stored form submissions', async () => {
      const c = await t.newChannel()
      const form = chat('form.submitted', {
        form_id: 'contact',
        submission_id: 'sub_1',
        name: 'Ana K',
        email: 'ana@example.com',
        phone: '0400 000 000',
        message: 'Need an appointment',
      })
      await handleWebhook(t.db, 'webchat', c.id, standard(form), { collectors: lookup })
      const m = await mention(c, 'form:sub_1')
      expect(m).toMatchObject({ text: 'Need an appointment', author_name: 'Ana K' })
      expect(JSON.stringify(m!.raw)).not.toMatch(/ana@example\.com|0400/)
      const del = chat('chat.message.deleted', {
        conversation_id: 'conv_9',
        message_id: 'msg_gone',
      })
      expect(
        (await handleWebhook(t.db, 'webchat', c.id, standard(del), { collectors: lookup })).status,
      ).toBe(200)
    })

    it('401s bad, missing and stale signatures and stores nothing', async () => {
      const c = await t.newChannel()
      const body = chat('chat.message.created', {
        conversation_id: 'c',
        message_id: 'm',
        author: { role: 'visitor' },
        text: 'hi',
      })
      const bad = await handleWebhook(
        t.db,
        'webchat',
        c.id,
        standard(body, { secret: 'whsec_b3RoZXItc2VjcmV0' }),
        { collectors: lookup },
      )
      const missing = await handleWebhook(
        t.db,
        'webchat',
        c.id,
        { method: 'POST', url: '/', headers: new Headers(), body },
        { collectors: lookup },
      )
      const stale = await handleWebhook(
        t.db,
        'webchat',
        c.id,
        standard(body, { ts: 1_600_000_000 }),
        { collectors: lookup },
      )
      expect([bad.status, missing.status, stale.status]).toEqual([401, 401, 401])
      expect(await mention(c, 'm')).toBeUndefined()
      expect(await quarantined(c)).toBe(0)
    })

    it('quarantines a signed event it cannot read, with the reason', async () => {
      const c = await t.newChannel()
      const r = await handleWebhook(
        t.db,
        'webchat',
        c.id,
        standard(chat('chat.typing', { conversation_id: 'c' })),
        { collectors: lookup },
      )
      expect(r.status).toBe(202)
      const rows = await t.db
        .selectFrom('quarantine')
        .selectAll()
        .where('channel_id', '=', c.id)
        .execute()
      expect(rows[0]!.reason).toMatch(/unknown event type "chat.typing"/)
    })
  },
})
