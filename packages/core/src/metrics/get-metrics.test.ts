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
import { EarshotError } from '../errors.js'
import type { EarshotDatabase } from '../storage/open-database.js'
import { getMetrics, type MetricsRow } from './get-metrics.js'

const H = 3_600_000

for (const database of testDatabases()) {
  describe(`${database.name}: getMetrics`, () => {
    let handle: EarshotDatabase
    let world: MetricsWorld
    let other: { organisationId: string; practiceId: string }
    const period = () => ({ organisationId: world.organisationId, from: FROM, to: TO, now: NOW })

    beforeAll(async () => {
      handle = await database.open()
      // The other tenant is seeded first and last so its rows surround ours in every index.
      other = await seedOtherTenant(handle.db)
      world = await seedMetricsWorld(handle.db)
      await seedOtherTenant(handle.db)
    })
    afterAll(async () => {
      await handle?.close()
    })

    it('computes the organisation total from hand-worked figures', async () => {
      const { total, rows, groupBy } = await getMetrics(handle.db, period())
      expect(groupBy).toBeNull()
      expect(rows).toEqual([])
      // Alpha m1–m8 and Bravo r1, r2; m9, d1, n1 are before the period, the tombstone never counts.
      expect(total).toMatchObject({
        key: null,
        inbound: 10,
        needingReply: 9,
        answered: 5,
        exempt: 1,
        met: 3,
        missed: 2,
        breached: 2,
        atRisk: 1,
        pending: 1,
        openCount: 4,
        // Alpha o1–o4, o9, p1, p2 and Bravo or1.
        outbound: 8,
        repliesSent: 6,
        posts: 2,
        sentimentLabelled: 9,
      })
      expect(total.responseRate).toBeCloseTo(5 / 9, 12)
      // Breached mentions count against compliance: 3 / (3 + 2 + 2).
      expect(total.compliance).toBeCloseTo(3 / 7, 12)
      // m5 was created 2026-11-05T00:00Z, five days before now.
      expect(total.oldestOpenAgeSeconds).toBe(5 * 86_400)
      // Wall times sorted: 0.5h 1h 2h 5h 30h. Median 2h; p90 at rank 0.9·4 = 3.6: 5h + 0.6·25h = 20h.
      expect(total.medianWallMs).toBeCloseTo(2 * H, 6)
      expect(total.p90WallMs).toBeCloseTo(20 * H, 6)
      // Business sorted: 10m 1h 1h 4h 9h. Median 1h; p90 = 4h + 0.6·5h = 7h.
      expect(total.medianBusinessMs).toBeCloseTo(1 * H, 6)
      expect(total.p90BusinessMs).toBeCloseTo(7 * H, 6)
      expect(total.wallBuckets).toEqual({
        under1h: 1,
        from1to4h: 2,
        from4to8h: 1,
        from8to24h: 0,
        over24h: 1,
      })
      // Bucket edges are [lower, upper): 1h is in 1–4h and 4h in 4–8h.
      expect(total.businessBuckets).toEqual({
        under1h: 1,
        from1to4h: 2,
        from4to8h: 1,
        from8to24h: 1,
        over24h: 0,
      })
      // Scores 0.5 −0.2 −0.8 −0.6 0.9 0 0.7 −0.9 → sum −0.4 over 8.
      expect(total.sentimentMean).toBeCloseTo(-0.05, 6)
      expect(total.negativeShare).toBeCloseTo(4 / 9, 12)
      expect(total.neutralShare).toBeCloseTo(2 / 9, 12)
      expect(total.positiveShare).toBeCloseTo(3 / 9, 12)
      // The period is exactly one week.
      expect(total.postsPerWeek).toBeCloseTo(2, 12)
      expect(total.lastPostAt?.toISOString()).toBe('2026-11-07T10:00:00.000Z')
      // 2026-11-07T10:00Z → 2026-11-10T00:00Z = 2 days 14 hours.
      expect(total.daysSinceLastPost).toBeCloseTo(2 + 14 / 24, 9)
    })

    it('groups by practice, listing practices with no data and their liveness', async () => {
      const { rows, total } = await getMetrics(handle.db, { ...period(), groupBy: 'practice' })
      expect(rows.map((r) => r.label)).toEqual([
        'Alpha Dental',
        'Bravo Physio',
        'Charlie GP',
        'Delta Clinic',
      ])
      const [alpha, bravo, charlie, delta] = rows as [
        MetricsRow,
        MetricsRow,
        MetricsRow,
        MetricsRow,
      ]
      expect(alpha.key).toBe(world.practices.alpha)
      expect(alpha).toMatchObject({
        inbound: 8,
        needingReply: 7,
        answered: 4,
        met: 2,
        missed: 2,
        breached: 1,
        atRisk: 1,
        pending: 1,
        exempt: 1,
        openCount: 3,
        outbound: 7,
        repliesSent: 5,
        posts: 2,
        sentimentLabelled: 7,
      })
      expect(alpha.responseRate).toBeCloseTo(4 / 7, 12)
      expect(alpha.compliance).toBeCloseTo(2 / 5, 12)
      // Wall 0.5h 2h 5h 30h: median (2h + 5h)/2 = 3.5h; p90 at rank 2.7: 5h + 0.7·25h = 22.5h.
      expect(alpha.medianWallMs).toBeCloseTo(3.5 * H, 6)
      expect(alpha.p90WallMs).toBeCloseTo(22.5 * H, 6)
      // Business 10m 1h 4h 9h: median 2.5h; p90 = 4h + 0.7·5h = 7.5h.
      expect(alpha.medianBusinessMs).toBeCloseTo(2.5 * H, 6)
      expect(alpha.p90BusinessMs).toBeCloseTo(7.5 * H, 6)
      expect(alpha.wallBuckets).toEqual({
        under1h: 1,
        from1to4h: 1,
        from4to8h: 1,
        from8to24h: 0,
        over24h: 1,
      })
      expect(alpha.businessBuckets).toEqual({
        under1h: 1,
        from1to4h: 1,
        from4to8h: 1,
        from8to24h: 1,
        over24h: 0,
      })
      expect(alpha.sentimentMean).toBeCloseTo(-0.2 / 6, 6)
      expect(alpha.negativeShare).toBeCloseTo(3 / 7, 12)
      expect(alpha.oldestOpenAgeSeconds).toBe(5 * 86_400)

      expect(bravo).toMatchObject({
        inbound: 2,
        needingReply: 2,
        answered: 1,
        met: 1,
        breached: 1,
        openCount: 1,
        outbound: 1,
        repliesSent: 1,
        posts: 0,
        lastPostAt: null,
        daysSinceLastPost: null,
      })
      expect(bravo.compliance).toBeCloseTo(0.5, 12)
      expect(bravo.postsPerWeek).toBe(0)
      // r2 was created 2026-11-08T23:30Z: 24.5 hours before now.
      expect(bravo.oldestOpenAgeSeconds).toBe(24.5 * 3600)

      // Set up but dead: no mentions in the period, last post 2026-08-01 (101 days before now).
      expect(charlie).toMatchObject({
        inbound: 0,
        needingReply: 0,
        responseRate: null,
        compliance: null,
        medianWallMs: null,
        openCount: 0,
        oldestOpenAgeSeconds: null,
        posts: 0,
        postsPerWeek: 0,
        sentimentMean: null,
        negativeShare: null,
      })
      expect(charlie.lastPostAt?.toISOString()).toBe('2026-08-01T00:00:00.000Z')
      expect(charlie.daysSinceLastPost).toBeCloseTo(101, 9)
      expect(delta).toMatchObject({
        inbound: 0,
        outbound: 0,
        posts: 0,
        lastPostAt: null,
        daysSinceLastPost: null,
      })

      // The grouped query's total is the same as the ungrouped one.
      expect(total).toEqual((await getMetrics(handle.db, period())).total)
    })

    it('groups by channel and by platform, including channels without data', async () => {
      const byChannel = await getMetrics(handle.db, { ...period(), groupBy: 'channel' })
      const channel = (id: string) => byChannel.rows.find((r) => r.key === id)!
      expect(byChannel.rows).toHaveLength(4)
      expect(channel(world.channels.alphaFacebook)).toMatchObject({
        label: 'Alpha on Facebook',
        inbound: 6,
        outbound: 6,
        posts: 1,
        openCount: 1,
      })
      expect(channel(world.channels.alphaInstagram)).toMatchObject({
        inbound: 2,
        openCount: 2,
        pending: 1,
        atRisk: 1,
        posts: 1,
        compliance: null,
      })
      expect(channel(world.channels.alphaInstagram).lastPostAt?.toISOString()).toBe(
        '2026-11-07T10:00:00.000Z',
      )
      // Facebook's last post is p1 (2026-11-03T10:00Z).
      expect(channel(world.channels.alphaFacebook).daysSinceLastPost).toBeCloseTo(6 + 14 / 24, 9)
      expect(channel(world.channels.charlieYoutube)).toMatchObject({ inbound: 0, posts: 0 })

      const byPlatform = await getMetrics(handle.db, { ...period(), groupBy: 'platform' })
      expect(byPlatform.rows.map((r) => [r.key, r.inbound, r.openCount])).toEqual([
        ['facebook', 6, 1],
        ['google', 2, 1],
        ['instagram', 2, 2],
        ['youtube', 0, 0],
      ])
    })

    it('groups by category; outbound figures are not attributed to categories', async () => {
      const { rows, total } = await getMetrics(handle.db, { ...period(), groupBy: 'category' })
      expect(rows.map((r) => [r.key, r.inbound, r.needingReply, r.answered])).toEqual([
        ['booking', 2, 2, 1],
        ['chatter', 1, 0, 0],
        ['complaint', 2, 2, 2],
        ['question', 3, 3, 1],
        ['review', 2, 2, 1],
      ])
      const complaint = rows.find((r) => r.key === 'complaint')!
      expect(complaint.compliance).toBe(0)
      expect(complaint.responseRate).toBe(1)
      expect(complaint).toMatchObject({ posts: 0, postsPerWeek: null, lastPostAt: null })
      expect(total.outbound).toBe(8)
    })

    it('buckets by day in the practice time zone and fills empty days', async () => {
      const { rows } = await getMetrics(handle.db, {
        ...period(),
        practiceIds: [world.practices.alpha],
        groupBy: 'day',
      })
      // The period is 2 Nov 11:00 → 9 Nov 11:00 in Sydney: eight local days. m8 (8 Nov 13:30Z) is 9 Nov local.
      expect(rows.map((r) => [r.key, r.inbound, r.posts])).toEqual([
        ['2026-11-02', 2, 0],
        ['2026-11-03', 1, 1],
        ['2026-11-04', 1, 0],
        ['2026-11-05', 1, 0],
        ['2026-11-06', 1, 0],
        ['2026-11-07', 0, 1],
        ['2026-11-08', 1, 0],
        ['2026-11-09', 1, 0],
      ])
      const empty = rows.find((r) => r.key === '2026-11-07')!
      expect(empty).toMatchObject({
        needingReply: 0,
        responseRate: null,
        compliance: null,
        medianWallMs: null,
      })
      // One post in a one-day bucket is seven a week.
      expect(empty.postsPerWeek).toBeCloseTo(7, 12)
      expect(rows.find((r) => r.key === '2026-11-02')!.outbound).toBe(3) // o1, o9 and o2 (2 Nov local)
    })

    it('buckets by ISO week (Monday) and by month, locally', async () => {
      const weeks = await getMetrics(handle.db, {
        ...period(),
        practiceIds: [world.practices.alpha],
        groupBy: 'week',
      })
      expect(weeks.rows.map((r) => [r.key, r.inbound])).toEqual([
        ['2026-11-02', 7],
        ['2026-11-09', 1],
      ])
      const months = await getMetrics(handle.db, { ...period(), groupBy: 'month' })
      expect(months.rows).toHaveLength(1)
      expect(months.rows[0]).toMatchObject({ key: '2026-11-01', inbound: 10, posts: 2 })
      // Two posts in a 30-day month.
      expect(months.rows[0]!.postsPerWeek).toBeCloseTo((2 * 7) / 30, 12)
      // A UTC practice over a UTC week has exactly seven day buckets.
      const bravoDays = await getMetrics(handle.db, {
        ...period(),
        practiceIds: [world.practices.bravo],
        groupBy: 'day',
      })
      expect(bravoDays.rows.map((r) => r.key)).toEqual([
        '2026-11-02',
        '2026-11-03',
        '2026-11-04',
        '2026-11-05',
        '2026-11-06',
        '2026-11-07',
        '2026-11-08',
      ])
      expect(bravoDays.rows.map((r) => r.inbound)).toEqual([0, 0, 1, 0, 0, 0, 1])
    })

    it('applies channel, platform and category filters', async () => {
      const instagram = await getMetrics(handle.db, {
        ...period(),
        channelIds: [world.channels.alphaInstagram],
      })
      expect(instagram.total).toMatchObject({ inbound: 2, outbound: 1, posts: 1 })
      const google = await getMetrics(handle.db, {
        ...period(),
        platforms: ['google'],
        groupBy: 'practice',
      })
      expect(google.total).toMatchObject({ inbound: 2, met: 1, breached: 1 })
      expect(google.rows.map((r) => r.inbound)).toEqual([0, 2, 0, 0])
      const complaints = await getMetrics(handle.db, { ...period(), categories: ['complaint'] })
      expect(complaints.total).toMatchObject({ inbound: 2, missed: 2, outbound: 8 })
      expect(complaints.total.compliance).toBe(0)
    })

    it('evaluates statuses at the given now', async () => {
      // At 5 Nov 01:45Z m5 (due 02:00, at risk 01:30) is at risk; m7 and m8 (not yet created then) count as pending: status depends only on the link and now.
      const early = await getMetrics(handle.db, {
        ...period(),
        now: new Date('2026-11-05T01:45:00Z'),
        practiceIds: [world.practices.alpha],
      })
      expect(early.total).toMatchObject({ breached: 0, atRisk: 1, pending: 2 })
      expect(early.total.oldestOpenAgeSeconds).toBe(105 * 60)
    })

    it('never reads another tenant', async () => {
      const mine = await getMetrics(handle.db, { ...period(), groupBy: 'practice' })
      expect(mine.rows.map((r) => r.label)).not.toContain('Alpha Dental (other tenant)')
      expect(mine.total.inbound).toBe(10)
      const theirs = await getMetrics(handle.db, {
        organisationId: other.organisationId,
        from: FROM,
        to: TO,
        now: NOW,
        groupBy: 'practice',
      })
      expect(theirs.rows).toHaveLength(1)
      expect(theirs.total).toMatchObject({ inbound: 2, breached: 2, posts: 1 })
      expect(theirs.total.sentimentMean).toBe(-1)
      // Naming another tenant's practice id does not reach its rows.
      const foreign = await getMetrics(handle.db, {
        organisationId: other.organisationId,
        practiceIds: ['bravo'],
        from: FROM,
        to: TO,
        now: NOW,
        groupBy: 'practice',
      })
      expect(foreign.rows).toEqual([])
      expect(foreign.total.inbound).toBe(0)
    })

    it('treats an empty practice list as no access', async () => {
      const none = await getMetrics(handle.db, {
        ...period(),
        practiceIds: [],
        groupBy: 'practice',
      })
      expect(none.rows).toEqual([])
      expect(none.total).toMatchObject({ inbound: 0, outbound: 0, lastPostAt: null })
    })

    it('rejects an empty or inverted period and an unknown grouping', async () => {
      await expect(
        getMetrics(handle.db, { ...period(), from: TO, to: FROM }),
      ).rejects.toBeInstanceOf(EarshotError)
      await expect(getMetrics(handle.db, { ...period(), to: FROM })).rejects.toThrow(/before/)
      // @ts-expect-error: checking the runtime guard
      await expect(getMetrics(handle.db, { ...period(), groupBy: 'year' })).rejects.toThrow(
        /groupBy/,
      )
      await expect(
        getMetrics(handle.db, { ...period(), from: new Date('nonsense') }),
      ).rejects.toThrow(/valid date/)
      await expect(
        getMetrics(handle.db, {
          ...period(),
          from: new Date('1990-01-01T00:00:00Z'),
          groupBy: 'day',
        }),
      ).rejects.toThrow(/too many days/)
    })

    it('reads the rollups only for whole local days: auto falls back to the raw rows, rollups refuses', async () => {
      // FROM and TO are UTC midnights: whole days for Bravo (UTC), not for Alpha (Sydney).
      const bravo = { ...period(), practiceIds: [world.practices.bravo], groupBy: 'day' as const }
      expect(await getMetrics(handle.db, { ...bravo, source: 'auto' })).toEqual(
        await getMetrics(handle.db, { ...bravo, source: 'rollups' }),
      )
      for (const practiceIds of [[world.practices.alpha], undefined]) {
        const q = {
          ...period(),
          ...(practiceIds ? { practiceIds } : {}),
          groupBy: 'channel' as const,
        }
        expect(await getMetrics(handle.db, { ...q, source: 'auto' })).toEqual(
          await getMetrics(handle.db, { ...q, source: 'raw' }),
        )
        await expect(getMetrics(handle.db, { ...q, source: 'rollups' })).rejects.toThrow(
          /local midnight/,
        )
      }
      // @ts-expect-error: checking the runtime guard
      await expect(getMetrics(handle.db, { ...period(), source: 'cache' })).rejects.toThrow(
        /unknown metrics source/,
      )
    })
  })
}
