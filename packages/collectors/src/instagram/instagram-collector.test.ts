import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { metaSignature } from '../facebook/graph-api.js'
import { collectChannel } from '../run/core-loop.js'
import { handleWebhook } from '../run/handle-webhook.js'
import { testCollector } from '../testing/test-collector.js'
import {
  IG_EXPIRED,
  IG_IDS,
  IG_TOKEN,
  IG_USER_ID,
  instagramApi,
} from './__fixtures__/instagram-api.js'
import { instagramCollector, parseInstagramWebhook } from './instagram-collector.js'

const REFERENCE = fileURLToPath(
  new URL('../../../../../shared/reference/payloads/instagram/', import.meta.url),
)

testCollector({
  platform: 'instagram',
  create: instagramCollector,
  account: { externalAccountId: IG_USER_ID },
  config: (baseUrl) => ({
    accessToken: IG_TOKEN,
    username: 'smiledental',
    baseUrl,
    pageSize: 1,
    lookbackDays: 30,
    appSecret: 'ig_app_secret',
    verifyToken: 'vt',
  }),
  api: instagramApi,
  expectedExternalIds: IG_IDS,
  minRequests: 4,
  authError: IG_EXPIRED,
  invalidConfig: { username: 'x' },
  additionalTests: (t) => {
    const mention = t.mention

    it('recognises the account’s own reply by username and links it as the response', async () => {
      const channel = await t.newChannel()
      await collectChannel(t.db, channel, t.collector())
      const question = await mention(channel, '17890012345678901')
      const reply = await mention(channel, '17890012345679999')
      expect(reply).toMatchObject({
        kind: 'reply',
        direction: 'outbound',
        thread_key: '17890012345678901',
      })
      expect(await mention(channel, '17999999999999999')).toMatchObject({
        kind: 'mention',
        direction: 'inbound',
      })
      const link = await t.db
        .selectFrom('response_links')
        .selectAll()
        .where('organisation_id', '=', channel.organisation_id)
        .where('inbound_id', '=', question.id)
        .executeTakeFirstOrThrow()
      expect(link.outbound_id).toBe(reply.id)
    })

    it('accepts a signed comments webhook and rejects a bad signature', async () => {
      const channel = await t.newChannel()
      const body = JSON.stringify({
        object: 'instagram',
        entry: [
          {
            id: IG_USER_ID,
            time: 1736162433,
            changes: [
              {
                field: 'comments',
                value: {
                  from: { id: '1234567890123456', username: 'ana.k' },
                  media: { id: '17912345678901234', media_product_type: 'FEED' },
                  id: '17890012345600001',
                  parent_id: '17890012345678901',
                  text: 'Thanks!',
                },
              },
            ],
          },
        ],
      })
      const ok = await handleWebhook(t.db, 'instagram', channel.id, {
        method: 'POST',
        url: '/hooks/instagram',
        headers: new Headers({ 'x-hub-signature-256': metaSignature('ig_app_secret', body) }),
        body,
      })
      expect(ok.status).toBe(200)
      expect(await mention(channel, '17890012345600001')).toMatchObject({
        kind: 'reply',
        thread_key: '17890012345678901',
      })
      const bad = await handleWebhook(t.db, 'instagram', channel.id, {
        method: 'POST',
        url: '/hooks/instagram',
        headers: new Headers({ 'x-hub-signature-256': 'sha256=00' }),
        body,
      })
      expect(bad.status).toBe(401)
    })
  },
})

describe.runIf(existsSync(REFERENCE))(
  'instagram parsers on real payloads (shared/reference)',
  () => {
    it('maps the comments webhook sample (a reply with from and media)', () => {
      const body = readFileSync(`${REFERENCE}webhook-comments-reply-with-from-media.json`, 'utf8')
      const entryId = String((JSON.parse(body) as { entry: { id: unknown }[] }).entry[0]!.id)
      const channel = {
        id: 'ch',
        organisationId: 'o',
        practiceId: 'p',
        platform: 'instagram' as const,
        externalAccountId: entryId,
        ownIdentities: [entryId],
      }
      const { items, rejected } = parseInstagramWebhook(body, channel, {})
      expect(rejected).toEqual([])
      expect(items[0]).toMatchObject({ kind: 'reply', parentExternalId: expect.any(String) })
    })
  },
)
