import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshOrganisation, testDatabases } from '../../test/databases.js'
import {
  type SeedMention,
  seedChannel,
  seedMentions,
  seedPractice,
} from '../../test/seed-mentions.js'
import type { EarshotDatabase } from '../storage/open-database.js'
import { detectSpikes } from './detect-spikes.js'

const NOW = new Date('2026-11-20T12:00:00Z')
const HOUR = 3_600_000

/** `counts[w]` mentions in window w (0 = the last 24 hours), each an hour into the window. */
function mentionsPerWindow(
  counts: readonly number[],
  label: 'negative' | 'positive',
): SeedMention[] {
  return counts.flatMap((n, w) =>
    Array.from({ length: n }, (_, i) => ({
      createdAt: new Date(NOW.getTime() - w * 24 * HOUR - (i + 1) * 10 * 60_000),
      sentimentLabel: label,
      sentimentScore: label === 'negative' ? -0.7 : 0.6,
    })),
  )
}

for (const database of testDatabases()) {
  describe(`${database.name}: detectSpikes`, () => {
    let handle: EarshotDatabase
    let org: string
    let stormy: string
    let quiet: string
    let steady: string

    beforeAll(async () => {
      handle = await database.open()
      org = (await freshOrganisation(handle.db)).id
      stormy = await seedPractice(handle.db, org, { name: 'Stormy' })
      quiet = await seedPractice(handle.db, org, { name: 'Quiet' })
      steady = await seedPractice(handle.db, org, { name: 'Steady' })
      const c1 = await seedChannel(handle.db, org, stormy, { name: 'stormy' })
      const c2 = await seedChannel(handle.db, org, quiet, { name: 'quiet' })
      const c3 = await seedChannel(handle.db, org, steady, { name: 'steady' })
      // Negative: 12 now against 2,3,2,3,2,3,2; plus positive chatter that only the total sees.
      await seedMentions(handle.db, org, stormy, c1, [
        ...mentionsPerWindow([12, 2, 3, 2, 3, 2, 3, 2], 'negative'),
        ...mentionsPerWindow([2, 9, 9, 9, 9, 9, 9, 9], 'positive'),
        // Outside the eight windows, and a tombstone inside: neither counts.
        ...mentionsPerWindow([0, 0, 0, 0, 0, 0, 0, 0, 50], 'negative'),
        {
          createdAt: new Date(NOW.getTime() - HOUR),
          sentimentLabel: 'negative',
          isTombstone: true,
        },
      ])
      // Three negatives out of nowhere: above the (zero) baseline, below the floor of five.
      await seedMentions(handle.db, org, quiet, c2, mentionsPerWindow([3], 'negative'))
      // Ten a day, every day: no deviation, so eleven is a spike and ten is not.
      await seedMentions(
        handle.db,
        org,
        steady,
        c3,
        mentionsPerWindow([10, 10, 10, 10, 10, 10, 10, 10], 'negative'),
      )
      // Another tenant's storm must not leak in.
      const otherOrg = (await freshOrganisation(handle.db)).id
      const otherPractice = await seedPractice(handle.db, otherOrg, {
        id: stormy,
        name: 'Stormy elsewhere',
      })
      const otherChannel = await seedChannel(handle.db, otherOrg, otherPractice, { name: 'x' })
      await seedMentions(
        handle.db,
        otherOrg,
        otherPractice,
        otherChannel,
        mentionsPerWindow([40], 'negative'),
      )
    })
    afterAll(async () => {
      await handle?.close()
    })

    it('flags a jump above mean + k·stddev of the trailing week', async () => {
      const results = await detectSpikes(handle.db, {
        organisationId: org,
        now: NOW,
        kind: 'negative',
      })
      expect(results.map((r) => r.practiceName)).toEqual(['Quiet', 'Steady', 'Stormy'])
      const s = results.find((r) => r.practiceId === stormy)!
      expect(s.count).toBe(12)
      expect(s.baseline).toEqual([2, 3, 2, 3, 2, 3, 2])
      // mean 17/7; sample variance = (4·(3/7)² + 3·(4/7)²)/6 = (36/49 + 48/49)/6 = 2/7.
      expect(s.baselineMean).toBeCloseTo(17 / 7, 12)
      expect(s.baselineStddev).toBeCloseTo(Math.sqrt(2 / 7), 12)
      expect(s.threshold).toBeCloseTo(17 / 7 + 3 * Math.sqrt(2 / 7), 12)
      expect(s.isSpike).toBe(true)
      expect(s.windowStart.toISOString()).toBe('2026-11-19T12:00:00.000Z')
    })

    it('needs the floor on counts, so a quiet page does not alarm on a few posts', async () => {
      const [quietResult] = await detectSpikes(handle.db, {
        organisationId: org,
        practiceId: quiet,
        now: NOW,
        kind: 'negative',
      })
      expect(quietResult).toMatchObject({
        count: 3,
        baselineMean: 0,
        baselineStddev: 0,
        threshold: 0,
        isSpike: false,
      })
      const [lowFloor] = await detectSpikes(handle.db, {
        organisationId: org,
        practiceId: quiet,
        now: NOW,
        kind: 'negative',
        minCount: 3,
      })
      expect(lowFloor!.isSpike).toBe(true)
    })

    it('requires strictly more than the threshold', async () => {
      const [steadyResult] = await detectSpikes(handle.db, {
        organisationId: org,
        practiceId: steady,
        now: NOW,
        kind: 'negative',
      })
      expect(steadyResult).toMatchObject({
        count: 10,
        baselineMean: 10,
        baselineStddev: 0,
        isSpike: false,
      })
    })

    it('counts every inbound mention for kind total, and honours k', async () => {
      const [total] = await detectSpikes(handle.db, {
        organisationId: org,
        practiceId: stormy,
        now: NOW,
        kind: 'total',
      })
      // Now 12 + 2 = 14 against 11 or 12 a day: mean 80/7, threshold 80/7 + 3·√(2/7) ≈ 13.03.
      expect(total!.count).toBe(14)
      expect(total!.baseline).toEqual([11, 12, 11, 12, 11, 12, 11])
      expect(total!.baselineMean).toBeCloseTo(80 / 7, 12)
      expect(total!.isSpike).toBe(true)
      const [strict] = await detectSpikes(handle.db, {
        organisationId: org,
        practiceId: stormy,
        now: NOW,
        kind: 'total',
        k: 5,
      })
      // 80/7 + 5·√(2/7) ≈ 14.10 > 14.
      expect(strict!.isSpike).toBe(false)
    })

    it('rejects nonsense parameters', async () => {
      await expect(
        detectSpikes(handle.db, { organisationId: org, kind: 'negative', k: -1 }),
      ).rejects.toThrow(/k/)
      // @ts-expect-error: checking the runtime guard
      await expect(detectSpikes(handle.db, { organisationId: org, kind: 'angry' })).rejects.toThrow(
        /kind/,
      )
    })
  })
}
