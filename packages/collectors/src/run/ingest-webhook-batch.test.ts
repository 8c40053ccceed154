import {
  type ChannelRow,
  createDefaultEnricher,
  type EarshotDatabase,
  type Enricher,
} from '@earshot/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { metaFeedCommentBody } from '../testing/meta-feed-delivery.js'
import { contractDatabases } from '../testing/test-collector.js'
import { createTestTenant } from '../testing/test-tenant.js'
import { ingestWebhookBatch, type WebhookDeliveryInput } from './ingest-webhook-batch.js'

/** A Meta feed delivery: one comment on the Page `pageId`. */
const feedBody = (pageId: string, commentId: string, message: string) =>
  metaFeedCommentBody({ pageId, commentId, message })

const CONFIG = { accessToken: 'x', appSecret: 'secret', verifyToken: 'v' }

/** The built-in rules, except that a text with "poison" breaks the enricher (so its commit). */
const defaults = createDefaultEnricher()
const poisonable: Enricher = {
  name: defaults.name,
  version: defaults.version,
  enrich(inputs) {
    if (inputs.some((i) => i.text.includes('poison'))) throw new Error('enricher crashed on poison')
    return defaults.enrich(inputs)
  },
}

for (const database of contractDatabases()) {
  describe(`${database.name}: ingestWebhookBatch`, () => {
    let handle: EarshotDatabase
    beforeAll(async () => {
      handle = await database.open()
    })
    afterAll(async () => {
      await handle?.close()
    })

    async function twoPages() {
      const tenant = await createTestTenant(handle.db)
      const a = await tenant.channel({
        platform: 'facebook',
        externalAccountId: '1111',
        config: CONFIG,
      })
      const b = await tenant.channel({
        platform: 'facebook',
        externalAccountId: '5555',
        config: CONFIG,
      })
      return { tenant, a, b }
    }
    const delivery = (id: string, channel: ChannelRow, body: string): WebhookDeliveryInput => ({
      id,
      platform: 'facebook',
      channels: [{ row: channel, config: CONFIG }],
      body,
    })
    const stored = async (organisationId: string) =>
      (
        await handle.db
          .selectFrom('mentions')
          .select('external_id')
          .where('organisation_id', '=', organisationId)
          .orderBy('external_id')
          .execute()
      ).map((m) => m.external_id)
    const collected = async (channel: ChannelRow) =>
      (
        await handle.db
          .selectFrom('channels')
          .select('items_collected')
          .where('id', '=', channel.id)
          .executeTakeFirstOrThrow()
      ).items_collected

    it('commits the deliveries of one organisation in one call and quarantines the unreadable one with its reason', async () => {
      const { tenant, a, b } = await twoPages()
      const result = await ingestWebhookBatch(handle.db, [
        delivery('d1', a, feedBody('1111', 'c1', 'Hvala!')),
        delivery('d2', b, feedBody('5555', 'c2', 'Open on Saturday?')),
        delivery('d3', a, '{"object":"page","entry":[{"id":'),
        delivery('d4', a, feedBody('1111', 'c4', 'And Sunday?')),
      ])
      expect(result.outcomes.map((o) => [o.id, o.status])).toEqual([
        ['d1', 'ingested'],
        ['d2', 'ingested'],
        ['d3', 'unparseable'],
        ['d4', 'ingested'],
      ])
      expect(result.totals).toMatchObject({ batches: 1, inserted: 3, quarantined: 1 })
      expect(await stored(tenant.organisationId)).toEqual(['1111_c1', '1111_c4', '5555_c2'])
      // Each item counted on its own channel, the unreadable body kept under its own.
      expect([await collected(a), await collected(b)]).toEqual([2, 1])
      const quarantine = await handle.db
        .selectFrom('quarantine')
        .select(['channel_id', 'source', 'reason'])
        .where('organisation_id', '=', tenant.organisationId)
        .execute()
      expect(quarantine).toEqual([
        {
          channel_id: a.id,
          source: 'webhook:facebook',
          reason: expect.stringMatching(/^unparseable facebook webhook body: /),
        },
      ])
      const bad = result.outcomes[2]
      expect(bad?.status === 'unparseable' && bad.reason).toBe(quarantine[0]?.reason)
    })

    it('fails only the delivery whose commit breaks, and commits the rest of its batch', async () => {
      const { tenant, a, b } = await twoPages()
      const result = await ingestWebhookBatch(
        handle.db,
        [
          delivery('p1', a, feedBody('1111', 'c1', 'Hello')),
          delivery('p2', b, feedBody('5555', 'c2', 'this one is poison')),
          delivery('p3', b, feedBody('5555', 'c3', 'Thanks')),
        ],
        { ingest: { enricher: poisonable } },
      )
      expect(result.outcomes).toEqual([
        { id: 'p1', status: 'ingested', items: 1, quarantined: 0 },
        {
          id: 'p2',
          status: 'failed',
          reason: 'enricher crashed on poison',
          databaseUnavailable: false,
        },
        { id: 'p3', status: 'ingested', items: 1, quarantined: 0 },
      ])
      expect(await stored(tenant.organisationId)).toEqual(['1111_c1', '5555_c3'])
    })

    it('reports a delivery for a platform without webhooks as failed without touching the others', async () => {
      const { tenant, a } = await twoPages()
      const result = await ingestWebhookBatch(handle.db, [
        { id: 'x1', platform: 'no-such-platform', channels: [], body: '{}' },
        delivery('x2', a, feedBody('1111', 'c9', 'Hi')),
      ])
      expect(result.outcomes[0]).toMatchObject({
        status: 'failed',
        reason: expect.stringMatching(/no-such-platform/),
      })
      expect(result.outcomes[1]).toMatchObject({ status: 'ingested', items: 1 })
      expect(await stored(tenant.organisationId)).toEqual(['1111_c9'])
    })
  })
}
