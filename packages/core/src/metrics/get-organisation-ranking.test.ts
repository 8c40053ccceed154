import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../../test/databases.js'
import {
  FROM,
  type MetricsWorld,
  NOW,
  seedMetricsWorld,
  seedOtherTenant,
  TO,
} from '../../test/metrics-world.js'
import type { EarshotDatabase } from '../storage/open-database.js'
import { getOrganisationRanking, percentileRank } from './get-organisation-ranking.js'

describe('percentileRank', () => {
  it('places the best at 1, the worst at 0 and splits ties', () => {
    expect(percentileRank(0.9, [0.5, 0.9, 0.7], 'higher')).toBe(1)
    expect(percentileRank(0.5, [0.5, 0.9, 0.7], 'higher')).toBe(0)
    expect(percentileRank(0.5, [0.5, 0.9, 0.7], 'lower')).toBe(1)
    // Two tied at the top of three: each beats one and ties one → (1 + 0.5) / 2.
    expect(percentileRank(0.9, [0.9, 0.9, 0.1], 'higher')).toBe(0.75)
  })
  it('equals counting every other value one by one (it sorts and binary-searches instead)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 30 }),
        fc.nat(),
        fc.constantFrom('higher' as const, 'lower' as const),
        (values, pick, direction) => {
          const value = values[pick % values.length]!
          const others = values.length - 1
          let worse = 0
          let tied = -1
          for (const v of values) {
            if (v === value) tied++
            else if (direction === 'higher' ? v < value : v > value) worse++
          }
          const expected = others < 1 ? null : (worse + tied / 2) / others
          expect(percentileRank(value, values, direction)).toBe(expected)
        },
      ),
      { seed: 12 },
    )
  })
  it('has no position without a value or without anyone to compare with', () => {
    expect(percentileRank(null, [1, 2], 'higher')).toBeNull()
    expect(percentileRank(1, [1], 'higher')).toBeNull()
  })
})

for (const database of testDatabases()) {
  describe(`${database.name}: getOrganisationRanking`, () => {
    let handle: EarshotDatabase
    let world: MetricsWorld

    beforeAll(async () => {
      handle = await database.open()
      world = await seedMetricsWorld(handle.db)
      await seedOtherTenant(handle.db)
    })
    afterAll(async () => {
      await handle?.close()
    })

    it('ranks every practice by compliance, dead pages included', async () => {
      const ranking = await getOrganisationRanking(handle.db, {
        organisationId: world.organisationId,
        from: FROM,
        to: TO,
        now: NOW,
      })
      // Bravo 1/2 beats Alpha 2/5; Charlie and Delta have no compliance figure and come last, by name.
      expect(ranking.practices.map((p) => [p.name, p.rank])).toEqual([
        ['Bravo Physio', 1],
        ['Alpha Dental', 2],
        ['Charlie GP', null],
        ['Delta Clinic', null],
      ])
      expect(ranking.total.inbound).toBe(10)
      const byName = Object.fromEntries(ranking.practices.map((p) => [p.name, p]))
      expect(byName['Bravo Physio']!.benchmark.compliance).toBe(1)
      expect(byName['Alpha Dental']!.benchmark.compliance).toBe(0)
      expect(byName['Charlie GP']!.benchmark.compliance).toBeNull()
      // Liveness: Alpha posted 2.6 days ago, Charlie 101 days ago; fewer days is better.
      expect(byName['Alpha Dental']!.benchmark.daysSinceLastPost).toBe(1)
      expect(byName['Charlie GP']!.benchmark.daysSinceLastPost).toBe(0)
      expect(byName['Charlie GP']!.metrics.daysSinceLastPost).toBeCloseTo(101, 9)
      // Posts per week: Alpha 2, the others 0 (three-way tie at the bottom).
      expect(byName['Alpha Dental']!.benchmark.postsPerWeek).toBe(1)
      expect(byName['Delta Clinic']!.benchmark.postsPerWeek).toBe(1 / 3)
      // Backlog: Delta and Charlie 0 open, Bravo 1, Alpha 3 (lower is better).
      expect(byName['Alpha Dental']!.benchmark.openCount).toBe(0)
      expect(byName['Bravo Physio']!.benchmark.openCount).toBe(1 / 3)
      expect(byName['Delta Clinic']!.metrics).toMatchObject({
        inbound: 0,
        posts: 0,
        lastPostAt: null,
      })
    })

    it('restricts to the practices given', async () => {
      const ranking = await getOrganisationRanking(handle.db, {
        organisationId: world.organisationId,
        practiceIds: [world.practices.alpha, world.practices.charlie],
        from: FROM,
        to: TO,
        now: NOW,
      })
      expect(ranking.practices.map((p) => p.practiceId)).toEqual([
        world.practices.alpha,
        world.practices.charlie,
      ])
      expect(ranking.practices[0]!.rank).toBe(1)
    })
  })
}
