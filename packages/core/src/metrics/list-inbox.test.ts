import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../../test/databases.js'
import {
  type MetricsWorld,
  NOW,
  seedMetricsWorld,
  seedOtherTenant,
} from '../../test/metrics-world.js'
import type { EarshotDatabase } from '../storage/open-database.js'
import { listInbox } from './list-inbox.js'

for (const database of testDatabases()) {
  describe(`${database.name}: listInbox`, () => {
    let handle: EarshotDatabase
    let world: MetricsWorld

    beforeAll(async () => {
      handle = await database.open()
      await seedOtherTenant(handle.db)
      world = await seedMetricsWorld(handle.db)
    })
    afterAll(async () => {
      await handle?.close()
    })

    it('lists open mentions by due time with status and countdown', async () => {
      const { items, nextCursor } = await listInbox(handle.db, {
        organisationId: world.organisationId,
        order: 'due',
        now: NOW,
      })
      expect(nextCursor).toBeNull()
      // d1 is deleted, m6 exempt, answered ones and the tombstone are gone; n1 has no due time so comes last.
      expect(items.map((i) => [i.mentionId, i.status])).toEqual([
        ['m5', 'breached'],
        ['r2', 'breached'],
        ['m8', 'at_risk'],
        ['m7', 'pending'],
        ['n1', 'pending'],
      ])
      const [m5, r2, m8, m7, n1] = items
      // m5 was due 2026-11-05T02:00Z: 4 days 22 hours before now.
      expect(m5!.secondsUntilDue).toBe(-(4 * 86_400 + 22 * 3_600))
      expect(m5).toMatchObject({
        privacy: true,
        urgent: false,
        category: 'question',
        channelName: 'Alpha on Facebook',
        platform: 'facebook',
        practiceName: 'Alpha Dental',
        text: 'My test results?',
      })
      expect(r2).toMatchObject({ urgent: true, platform: 'google', text: 'Terrible' })
      expect(m8!.secondsUntilDue).toBe(6 * 3_600)
      expect(m7!.secondsUntilDue).toBe(2 * 86_400)
      expect(m7!.dueAt?.toISOString()).toBe('2026-11-12T00:00:00.000Z')
      expect(n1).toMatchObject({ dueAt: null, secondsUntilDue: null })
    })

    it('pages with a keyset cursor without gaps or repeats', async () => {
      const seen: string[] = []
      let cursor: string | undefined
      let pages = 0
      do {
        const page = await listInbox(handle.db, {
          organisationId: world.organisationId,
          now: NOW,
          limit: 2,
          ...(cursor ? { cursor } : {}),
        })
        seen.push(...page.items.map((i) => i.mentionId))
        cursor = page.nextCursor ?? undefined
        pages++
      } while (cursor)
      expect(pages).toBe(3)
      // Urgent r2 pinned, then what can still be saved by due time (n1 has none), then breached.
      expect(seen).toEqual(['r2', 'm8', 'm7', 'n1', 'm5'])
    })

    it('carries the as-of time in the cursor so a page sequence agrees with itself', async () => {
      const first = await listInbox(handle.db, {
        organisationId: world.organisationId,
        now: NOW,
        limit: 2,
      })
      // A day later m7 would be at risk and m8 breached; the second page still reads as of NOW.
      const second = await listInbox(handle.db, {
        organisationId: world.organisationId,
        now: new Date(NOW.getTime() + 86_400_000),
        limit: 2,
        cursor: first.nextCursor!,
      })
      expect(second.asOf).toEqual(NOW)
      expect(second.items.map((i) => [i.mentionId, i.status])).toEqual([
        ['m7', 'pending'],
        ['n1', 'pending'],
      ])
      await expect(
        listInbox(handle.db, {
          organisationId: world.organisationId,
          order: 'newest',
          cursor: first.nextCursor!,
        }),
      ).rejects.toThrow(/another order/)
    })

    it('counts true totals per status', async () => {
      const { totals } = await listInbox(handle.db, {
        organisationId: world.organisationId,
        now: NOW,
        limit: 1,
      })
      expect(totals).toEqual({
        total: 5,
        byStatus: { pending: 2, at_risk: 1, breached: 2 },
        urgent: 1,
      })
    })

    it('filters by channel, status, category, flags, text and assignee', async () => {
      const ids = async (f: Partial<Parameters<typeof listInbox>[1]>) =>
        (
          await listInbox(handle.db, { organisationId: world.organisationId, now: NOW, ...f })
        ).items.map((i) => i.mentionId)
      expect(await ids({ channelIds: [world.channels.bravoGoogle] })).toEqual(['r2', 'n1'])
      expect(await ids({ status: ['breached'] })).toEqual(['r2', 'm5'])
      expect(await ids({ categories: ['booking'] })).toEqual(['m7'])
      expect(await ids({ urgent: true })).toEqual(['r2'])
      expect(await ids({ privacy: true })).toEqual(['m5'])
      expect(await ids({ q: 'TEST result' })).toEqual(['m5'])
      expect(await ids({ q: '%' })).toEqual([])
      await handle.db
        .insertInto('inbox_assignments')
        .values({
          organisation_id: world.organisationId,
          mention_id: 'm7',
          practice_id: world.practices.alpha,
          user_id: 'u-ann',
          assigned_by: null,
          assigned_at: NOW,
        })
        .execute()
      expect(await ids({ assignee: { userId: 'u-ann' } })).toEqual(['m7'])
      expect(await ids({ assignee: 'unassigned' })).toEqual(['r2', 'm8', 'n1', 'm5'])
      await expect(ids({ status: ['met' as 'pending'] })).rejects.toThrow(/inbox status/)
    })

    it('scopes to practices and tenants', async () => {
      const bravo = await listInbox(handle.db, {
        organisationId: world.organisationId,
        practiceIds: [world.practices.bravo],
        now: NOW,
      })
      expect(bravo.items.map((i) => i.mentionId)).toEqual(['r2', 'n1'])
      const none = await listInbox(handle.db, {
        organisationId: world.organisationId,
        practiceIds: [],
        now: NOW,
      })
      expect(none.items).toEqual([])
      expect(
        (await listInbox(handle.db, { organisationId: 'no-such-org', now: NOW })).items,
      ).toEqual([])
    })

    it('rejects a forged cursor', async () => {
      await expect(
        listInbox(handle.db, { organisationId: world.organisationId, cursor: 'not-a-cursor' }),
      ).rejects.toThrow(/cursor/)
    })
  })
}
