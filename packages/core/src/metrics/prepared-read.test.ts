import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../../test/databases.js'
import { FROM, type MetricsWorld, NOW, seedMetricsWorld, TO } from '../../test/metrics-world.js'
import type { EarshotDatabase } from '../storage/open-database.js'
import { getMetrics, METRIC_GROUPINGS } from './get-metrics.js'
import { preparesFor } from './prepared-read.js'

describe('preparesFor', () => {
  it('names the statements of one practice with short filter lists, nothing wider', () => {
    expect(preparesFor({ practiceIds: ['a'] })).toBe(true)
    expect(preparesFor({ practiceIds: ['a'], channelIds: ['c1', 'c2'], categories: ['q'] })).toBe(
      true,
    )
    expect(preparesFor({})).toBe(false)
    expect(preparesFor({ practiceIds: [] })).toBe(false)
    expect(preparesFor({ practiceIds: ['a', 'b'] })).toBe(false)
    expect(preparesFor({ practiceIds: ['a'], channelIds: Array.from({ length: 9 }, String) })).toBe(
      false,
    )
  })
})

for (const database of testDatabases()) {
  describe(`${database.name}: one practice's metrics as named statements`, () => {
    let handle: EarshotDatabase
    let world: MetricsWorld

    beforeAll(async () => {
      handle = await database.open()
      world = await seedMetricsWorld(handle.db)
    })
    afterAll(async () => {
      await handle.close()
    })

    // `withoutPlugins()` is another handle on the same pool that openDatabase did not register,
    // so it runs every statement through Kysely: the reference. Each call repeats past the five
    // custom plans after which PostgreSQL may switch a named statement to its generic plan.
    it('equal the same statements run through Kysely, for every grouping, raw and rollups', async () => {
      const plain = handle.db.withoutPlugins()
      for (const practice of [world.practices.alpha, world.practices.bravo]) {
        for (const groupBy of [undefined, ...METRIC_GROUPINGS]) {
          const query = {
            organisationId: world.organisationId,
            practiceIds: [practice],
            from: FROM,
            to: TO,
            now: NOW,
            ...(groupBy ? { groupBy } : {}),
            source: 'auto' as const,
          }
          const expected = await getMetrics(plain, query)
          for (let i = 0; i < 7; i++) expect(await getMetrics(handle.db, query)).toEqual(expected)
        }
      }
    })
  })
}
