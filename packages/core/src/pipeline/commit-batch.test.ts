import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../../test/databases.js'
import { comment, keywordEnricher, sydneyPractice } from '../../test/ingest-fixtures.js'
import { isEarshotError } from '../errors.js'
import { createChannel } from '../repositories/channels.js'
import type { EarshotDatabase } from '../storage/open-database.js'
import { addBatchTotals, commitBatch, emptyBatchTotals } from './commit-batch.js'

for (const database of testDatabases()) {
  describe(`${database.name}: commitBatch`, () => {
    let handle: EarshotDatabase
    beforeAll(async () => {
      handle = await database.open()
    })
    afterAll(async () => {
      await handle?.close()
    })

    async function state(organisationId: string, channelId: string) {
      const db = handle.db
      const [mentions, quarantine, channel] = await Promise.all([
        db
          .selectFrom('mentions')
          .select('external_id')
          .where('organisation_id', '=', organisationId)
          .orderBy('external_id')
          .execute(),
        db
          .selectFrom('quarantine')
          .select(['source', 'reason', 'channel_id'])
          .where('organisation_id', '=', organisationId)
          .orderBy('id')
          .execute(),
        db
          .selectFrom('channels')
          .select(['checkpoint', 'items_collected'])
          .where('organisation_id', '=', organisationId)
          .where('id', '=', channelId)
          .executeTakeFirstOrThrow(),
      ])
      return { mentions: mentions.map((m) => m.external_id), quarantine, channel }
    }

    it('commits mentions, both kinds of reject, the channel count and the checkpoint together', async () => {
      const { org, channel } = await sydneyPractice(handle.db)
      const result = await commitBatch(handle.db, {
        organisationId: org.id,
        channelId: channel.id,
        source: 'collector:facebook',
        enricher: keywordEnricher,
        items: [
          comment(channel.id, 'q1', '2026-11-24T00:00:00Z', 'do you bulk bill?'),
          { channelId: channel.id, externalId: 'bad' }, // ingest rejects it: no kind, no time
        ],
        rejected: [{ reason: 'not a comment', payload: { id: 'x' } }],
        checkpoint: { expected: null, next: { after: 'q1' } },
      })
      expect(result).toMatchObject({ inserted: 1, quarantined: 2 })
      expect(await state(org.id, channel.id)).toEqual({
        mentions: ['q1'],
        quarantine: [
          expect.objectContaining({ source: 'collector:facebook', channel_id: channel.id }),
          { source: 'collector:facebook', reason: 'not a comment', channel_id: channel.id },
        ],
        channel: { checkpoint: { after: 'q1' }, items_collected: 1 },
      })
    })

    it('commits nothing when another run moved the checkpoint', async () => {
      const { org, channel } = await sydneyPractice(handle.db)
      const batch = {
        organisationId: org.id,
        channelId: channel.id,
        source: 'collector:facebook',
        enricher: keywordEnricher,
        items: [comment(channel.id, 'q1', '2026-11-24T00:00:00Z', 'do you bulk bill?')],
        rejected: [{ reason: 'not a comment', payload: {} }],
      }
      await commitBatch(handle.db, { ...batch, checkpoint: { expected: null, next: { page: 1 } } })
      const error = await commitBatch(handle.db, {
        ...batch,
        items: [comment(channel.id, 'q2', '2026-11-24T00:05:00Z', 'and on sundays?')],
        checkpoint: { expected: null, next: { page: 2 } },
      }).catch((e: unknown) => e)
      expect(isEarshotError(error, 'CONFLICT')).toBe(true)
      const after = await state(org.id, channel.id)
      expect(after.mentions).toEqual(['q1'])
      expect(after.quarantine).toHaveLength(1)
      expect(after.channel.checkpoint).toEqual({ page: 1 })
    })

    it('rolls the rejects back with the mentions when the batch fails', async () => {
      const { org, channel } = await sydneyPractice(handle.db)
      const failing = {
        name: 'broken',
        version: '1',
        enrich: () => {
          throw new Error('model server down')
        },
      }
      await expect(
        commitBatch(handle.db, {
          organisationId: org.id,
          channelId: channel.id,
          source: 'webhook:facebook',
          enricher: failing,
          items: [comment(channel.id, 'q1', '2026-11-24T00:00:00Z', 'hello?')],
          rejected: [{ reason: 'unparseable', payload: 'garbage' }],
        }),
      ).rejects.toThrow(/model server down/)
      expect(await state(org.id, channel.id)).toMatchObject({
        mentions: [],
        quarantine: [],
        channel: { items_collected: 0 },
      })
    })

    it('counts a batch over several channels on each item’s own channel and files each reject under its own', async () => {
      const { org, practice, channel } = await sydneyPractice(handle.db)
      const other = await createChannel(handle.db, {
        organisationId: org.id,
        practiceId: practice.id,
        platform: 'facebook',
        externalAccountId: 'page-2',
        name: 'Second page',
      })
      const result = await commitBatch(handle.db, {
        organisationId: org.id,
        source: 'webhook:facebook',
        enricher: keywordEnricher,
        countPerItemChannel: true,
        items: [
          comment(channel.id, 'a1', '2026-11-24T00:00:00Z', 'open on saturday?'),
          comment(other.id, 'b1', '2026-11-24T00:01:00Z', 'thanks'),
          comment(other.id, 'b2', '2026-11-24T00:02:00Z', 'and sunday?'),
          { channelId: channel.id, externalId: 'bad' }, // ingest rejects it: not counted
        ],
        rejected: [{ reason: 'unparseable', payload: { raw: 'x' }, channelId: other.id }],
      })
      expect(result).toMatchObject({ inserted: 3, quarantined: 2 })
      const first = await state(org.id, channel.id)
      const second = await state(org.id, other.id)
      expect(first.channel.items_collected).toBe(1)
      expect(second.channel.items_collected).toBe(2)
      expect(first.quarantine).toEqual(
        expect.arrayContaining([
          { source: 'webhook:facebook', reason: 'unparseable', channel_id: other.id },
          expect.objectContaining({ channel_id: channel.id }),
        ]),
      )
    })

    it('files items for another organisation’s channel in quarantine', async () => {
      const mine = await sydneyPractice(handle.db)
      const theirs = await sydneyPractice(handle.db)
      const result = await commitBatch(handle.db, {
        organisationId: mine.org.id,
        source: 'import:csv',
        enricher: keywordEnricher,
        items: [comment(theirs.channel.id, 'q1', '2026-11-24T00:00:00Z', 'hello?')],
      })
      expect(result).toMatchObject({ inserted: 0, quarantined: 1 })
      expect((await state(theirs.org.id, theirs.channel.id)).mentions).toEqual([])
    })
  })
}

describe('batch totals', () => {
  it('add up committed batches', () => {
    const one = {
      inserted: 2,
      updated: 1,
      unchanged: 0,
      deleted: 1,
      quarantined: 3,
      rejected: [],
      threadsRelinked: 2,
    }
    const totals = addBatchTotals(addBatchTotals(emptyBatchTotals(), one), one)
    expect(totals).toEqual({
      batches: 2,
      inserted: 4,
      updated: 2,
      unchanged: 0,
      deleted: 2,
      quarantined: 6,
    })
  })
})
