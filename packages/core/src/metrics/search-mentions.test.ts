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
import { getMentionDetail, searchMentions } from './search-mentions.js'

for (const database of testDatabases()) {
  describe(`${database.name}: searchMentions and getMentionDetail`, () => {
    let handle: EarshotDatabase
    let world: MetricsWorld
    let other: { organisationId: string }
    const org = () => ({ organisationId: world.organisationId, now: NOW })

    beforeAll(async () => {
      handle = await database.open()
      other = await seedOtherTenant(handle.db)
      world = await seedMetricsWorld(handle.db)
      await handle.db
        .insertInto('overrides')
        .values([
          {
            organisation_id: world.organisationId,
            practice_id: world.practices.alpha,
            id: 'ov2',
            mention_id: 'm5',
            action: 'handled_elsewhere',
            handled_at: '2026-11-09T10:00:00Z',
            note: 'called the patient',
            actor: 'manager@example.org',
            created_at: '2026-11-09T10:05:00Z',
          },
          {
            organisation_id: world.organisationId,
            practice_id: world.practices.alpha,
            id: 'ov1',
            mention_id: 'm5',
            action: 'needs_reply',
            note: null,
            actor: 'manager@example.org',
            created_at: '2026-11-09T09:00:00Z',
          },
        ])
        .execute()
    })
    afterAll(async () => {
      await handle?.close()
    })

    it('matches text case-insensitively with % and _ taken literally', async () => {
      expect(
        (await searchMentions(handle.db, { ...org(), q: 'BULK bill' })).rows.map((r) => r.id),
      ).toEqual(['m1'])
      // "100%" must not match "1000 thanks"; "rude_" must not match "rudeXstaff".
      expect(
        (await searchMentions(handle.db, { ...org(), q: '100%' })).rows.map((r) => r.id),
      ).toEqual(['m1'])
      expect(
        (await searchMentions(handle.db, { ...org(), q: 'rude_' })).rows.map((r) => r.id),
      ).toEqual(['m3'])
      expect(
        (await searchMentions(handle.db, { ...org(), q: 'rude' })).rows.map((r) => r.id),
      ).toEqual(['m4', 'm3'])
      expect((await searchMentions(handle.db, { ...org(), q: '\\' })).total).toBe(0)
      // Author names are searched too.
      expect(
        (await searchMentions(handle.db, { ...org(), q: 'pat' })).rows.map((r) => r.id),
      ).toEqual(['m1'])
    })

    it('filters by status, sentiment, category, channel, direction and period', async () => {
      const breached = await searchMentions(handle.db, { ...org(), status: ['breached'] })
      // d1 is breached too, but deleted by its author: search leaves deleted mentions out by default.
      expect(breached.rows.map((r) => [r.id, r.status])).toEqual([
        ['r2', 'breached'],
        ['m5', 'breached'],
      ])
      const withDeleted = await searchMentions(handle.db, {
        ...org(),
        status: ['breached'],
        includeDeleted: true,
      })
      expect(withDeleted.rows.map((r) => r.id)).toEqual(['r2', 'm5', 'd1'])
      const negative = await searchMentions(handle.db, {
        ...org(),
        sentiment: ['negative'],
        from: FROM,
        to: TO,
      })
      expect(negative.rows.map((r) => r.id)).toEqual(['r2', 'm8', 'm4', 'm3'])
      const complaintsOnFacebook = await searchMentions(handle.db, {
        ...org(),
        categories: ['complaint'],
        channelIds: [world.channels.alphaFacebook],
      })
      expect(complaintsOnFacebook.total).toBe(2)
      const outbound = await searchMentions(handle.db, {
        ...org(),
        direction: 'outbound',
        from: FROM,
        to: TO,
      })
      expect(outbound.total).toBe(8)
      expect(outbound.rows.every((r) => r.status === null)).toBe(true)
      const bravo = await searchMentions(handle.db, {
        ...org(),
        practiceIds: [world.practices.bravo],
      })
      expect(bravo.rows.map((r) => r.id)).toEqual(['r2', 'or1', 'r1', 'n1'])
    })

    it('pages by offset and by cursor consistently, with the total of all pages', async () => {
      const all = await searchMentions(handle.db, { ...org(), limit: 500 })
      // 24 rows in org A, minus the tombstone and the deleted d1.
      expect(all.total).toBe(22)
      expect(all.rows).toHaveLength(22)
      expect(all.nextCursor).toBeNull()
      const byOffset = await searchMentions(handle.db, { ...org(), limit: 5, offset: 5 })
      expect(byOffset.rows.map((r) => r.id)).toEqual(all.rows.slice(5, 10).map((r) => r.id))
      expect(byOffset.total).toBe(22)
      const ids: string[] = []
      let cursor: string | undefined
      do {
        const page = await searchMentions(handle.db, {
          ...org(),
          limit: 4,
          ...(cursor ? { cursor } : {}),
        })
        ids.push(...page.rows.map((r) => r.id))
        cursor = page.nextCursor ?? undefined
      } while (cursor)
      expect(ids).toEqual(all.rows.map((r) => r.id))
      // Newest first.
      const times = all.rows.map((r) => r.createdAt.getTime())
      expect([...times].sort((a, b) => b - a)).toEqual(times)
    })

    it('never returns another tenant', async () => {
      const mine = await searchMentions(handle.db, { ...org(), q: 'other tenant' })
      expect(mine.total).toBe(0)
      const theirs = await searchMentions(handle.db, {
        organisationId: other.organisationId,
        now: NOW,
      })
      expect(theirs.rows.map((r) => r.id).sort()).toEqual(['m1', 'm2', 'x1'])
    })

    it('returns a mention with its thread, link, status, explanation and overrides', async () => {
      const detail = await getMentionDetail(handle.db, world.organisationId, 'm1', NOW)
      expect(detail).toBeDefined()
      expect(detail!.mention).toMatchObject({
        id: 'm1',
        text: 'Do you bulk bill? 100% sure',
        channelName: 'Alpha on Facebook',
        practiceName: 'Alpha Dental',
      })
      expect(detail!.thread.map((m) => [m.id, m.status])).toEqual([
        ['m1', 'met'],
        ['o1', null],
      ])
      expect(detail!.link).toMatchObject({
        inbound_id: 'm1',
        outbound_id: 'o1',
        outcome: 'met',
        status: 'met',
        wall_ms: 1_800_000,
      })
      expect(detail!.link!.explanation).toEqual({ target: 'default' })
      expect(detail!.overrides).toEqual([])

      const m5 = await getMentionDetail(handle.db, world.organisationId, 'm5', NOW)
      expect(m5!.link!.status).toBe('breached')
      expect(m5!.overrides.map((o) => [o.id, o.action])).toEqual([
        ['ov1', 'needs_reply'],
        ['ov2', 'handled_elsewhere'],
      ])
      const outbound = await getMentionDetail(handle.db, world.organisationId, 'p1', NOW)
      expect(outbound!.link).toBeNull()
    })

    it("does not find another tenant's mention", async () => {
      // m1 exists in both tenants; each sees only its own.
      const theirs = await getMentionDetail(handle.db, other.organisationId, 'm1', NOW)
      expect(theirs!.mention.text).toBe('Do you bulk bill? other tenant')
      expect(theirs!.thread).toHaveLength(1)
      expect(await getMentionDetail(handle.db, other.organisationId, 'r1', NOW)).toBeUndefined()
    })
  })
}
