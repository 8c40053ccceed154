import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../../test/databases.js'
import { comment, sydneyPractice } from '../../test/ingest-fixtures.js'
import type { Enricher } from '../enrich/enricher.js'
import type { EarshotDatabase } from '../storage/open-database.js'
import { commitBatch } from './commit-batch.js'
import { countStaleMentions, reenrichStale } from './reenrich-stale.js'

/** Version 1 answers everything inbound; version 2 only what asks something ("?"). */
const enricherV = (version: '1' | '2'): Enricher => ({
  name: 'test-upgrade',
  version,
  enrich: (inputs) =>
    inputs.map((i) => {
      const needsReply = i.direction === 'inbound' && (version === '1' || i.text.includes('?'))
      return {
        needsReply,
        category: needsReply ? 'question' : 'praise',
        reasons: [`v${version}`],
        sentiment: { score: 0, label: 'neutral', confidence: 0.5 },
      }
    }),
})

const NOW = new Date('2026-11-24T03:00:00Z')
const clock = () => NOW

for (const database of testDatabases()) {
  describe(`${database.name}: reenrichStale`, () => {
    let handle: EarshotDatabase
    beforeAll(async () => {
      handle = await database.open()
    })
    afterAll(async () => {
      await handle?.close()
    })

    async function linkOf(organisationId: string, externalId: string) {
      return handle.db
        .selectFrom('response_links as l')
        .innerJoin('mentions as m', (j) =>
          j.onRef('m.organisation_id', '=', 'l.organisation_id').onRef('m.id', '=', 'l.inbound_id'),
        )
        .select(['l.needs_reply', 'l.exempt_reason', 'm.enricher', 'm.category', 'm.id'])
        .where('l.organisation_id', '=', organisationId)
        .where('m.external_id', '=', externalId)
        .executeTakeFirstOrThrow()
    }

    it('re-enriches mentions of an older version, re-evaluates their SLA and records what changed; a second run does nothing', async () => {
      const { org } = await seed()
      expect(await linkOf(org.id, 'praise')).toMatchObject({
        needs_reply: true,
        enricher: 'test-upgrade@1',
      })
      expect(await countStaleMentions(handle.db, enricherV('2'), org.id)).toBe(3)

      const batches: number[] = []
      const first = await reenrichStale(handle.db, {
        organisationId: org.id,
        enricher: enricherV('2'),
        batchSize: 1,
        now: clock,
        onBatch: (p) => batches.push(p.threads),
      })
      // Both inbound mentions of the praise thread read differently now; the question does not.
      expect(first).toEqual({ batches: 2, threads: 2, stale: 3, changed: 2 })
      expect(batches).toEqual([1, 2])
      // The praise no longer needs a reply: its evaluation follows (exempt, not pending).
      const praise = await linkOf(org.id, 'praise')
      expect(praise).toMatchObject({
        needs_reply: false,
        enricher: 'test-upgrade@2',
        category: 'praise',
      })
      expect((await linkOf(org.id, 'q')).needs_reply).toBe(true)
      const events = await handle.db
        .selectFrom('enrichment_events')
        .selectAll()
        .where('organisation_id', '=', org.id)
        .where('mention_id', '=', praise.id)
        .execute()
      expect(events).toHaveLength(1)
      expect(events[0]).toMatchObject({
        from_enricher: 'test-upgrade@1',
        to_enricher: 'test-upgrade@2',
        before: { needs_reply: true, category: 'question' },
        after: { needs_reply: false, category: 'praise' },
      })
      expect(new Date(events[0]!.at).toISOString()).toBe(NOW.toISOString())

      const again = await reenrichStale(handle.db, {
        organisationId: org.id,
        enricher: enricherV('2'),
        now: clock,
      })
      expect(again).toEqual({ batches: 0, threads: 0, stale: 0, changed: 0 })
      expect(await countStaleMentions(handle.db, enricherV('2'), org.id)).toBe(0)
    })

    it('touches only the given organisation', async () => {
      const a = await seed()
      const b = await seed()
      await reenrichStale(handle.db, {
        organisationId: a.org.id,
        enricher: enricherV('2'),
        now: clock,
      })
      expect(await countStaleMentions(handle.db, enricherV('2'), a.org.id)).toBe(0)
      expect(await countStaleMentions(handle.db, enricherV('2'), b.org.id)).toBe(3)
      expect((await linkOf(b.org.id, 'praise')).needs_reply).toBe(true)
    })

    async function seed() {
      const { org, channel } = await sydneyPractice(handle.db)
      await commitBatch(handle.db, {
        organisationId: org.id,
        channelId: channel.id,
        source: 'test',
        enricher: enricherV('1'),
        now: NOW,
        items: [
          comment(channel.id, 'q', '2026-11-24T00:00:00Z', 'do you bulk bill?'),
          comment(channel.id, 'praise', '2026-11-24T00:05:00Z', 'lovely staff'),
          comment(channel.id, 'praise-2', '2026-11-24T00:06:00Z', 'so true', { thread: 'praise' }),
        ],
      })
      return { org, channel }
    }
  })
}
