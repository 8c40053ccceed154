import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bulkOpenInbox } from '../../test/bulk-inbox.js'
import { freshOrganisation, testDatabases } from '../../test/databases.js'
import { seedChannel, seedPractice } from '../../test/seed-mentions.js'
import type { EarshotDatabase } from '../storage/open-database.js'
import { type InboxItem, type InboxOrder, listInbox } from './list-inbox.js'

const NOW = new Date('2026-11-10T00:00:00Z')
const OPEN = 10_250

async function readAll(
  handle: EarshotDatabase,
  org: string,
  order: InboxOrder,
  limit: number,
  between?: (page: number) => Promise<void>,
): Promise<{ items: InboxItem[]; totals: number; pages: number }> {
  const items: InboxItem[] = []
  let cursor: string | undefined
  let pages = 0
  let totals = -1
  do {
    const page = await listInbox(handle.db, {
      organisationId: org,
      order,
      now: NOW,
      limit,
      withTotals: pages === 0,
      ...(cursor ? { cursor } : {}),
    })
    if (pages === 0) totals = page.totals?.total ?? -1
    items.push(...page.items)
    cursor = page.nextCursor ?? undefined
    pages++
    await between?.(pages)
    // PGlite answers through microtasks only: yield a turn of the event loop between pages so
    // the test runner's own messages get through during a long walk.
    await new Promise((resolve) => setImmediate(resolve))
  } while (cursor)
  return { items, totals, pages }
}

/** Rank of an item in the default order: urgent, then still saveable, then breached. */
const rank = (i: InboxItem) => (i.urgent ? 0 : i.status === 'breached' ? 2 : 1)
const dueMs = (i: InboxItem) => (i.dueAt ? i.dueAt.getTime() : Number.POSITIVE_INFINITY)

for (const database of testDatabases()) {
  describe(`${database.name}: listInbox with ${OPEN} open items`, () => {
    let handle: EarshotDatabase
    let org: string
    let practice: string
    let channel: string

    beforeAll(async () => {
      handle = await database.open()
      org = (await freshOrganisation(handle.db)).id
      practice = await seedPractice(handle.db, org, { name: 'Volume Dental' })
      channel = await seedChannel(handle.db, org, practice, { name: 'Volume on Facebook' })
      await bulkOpenInbox(handle.db, NOW, org, practice, channel, 'v', OPEN)
    })
    afterAll(async () => {
      await handle?.close()
    })

    it('reaches every item exactly once in the default order, urgent, then by due time, then breached (latest first)', async () => {
      const { items, totals, pages } = await readAll(handle, org, 'saveable', 500)
      expect(totals).toBe(OPEN)
      expect(items).toHaveLength(OPEN)
      expect(new Set(items.map((i) => i.id)).size).toBe(OPEN)
      expect(pages).toBe(Math.ceil(OPEN / 500))
      for (let n = 1; n < items.length; n++) {
        const [a, b] = [items[n - 1]!, items[n]!]
        expect(rank(a)).toBeLessThanOrEqual(rank(b))
        if (rank(a) !== rank(b)) continue
        const [da, db] = rank(a) === 2 ? [-dueMs(a), -dueMs(b)] : [dueMs(a), dueMs(b)]
        expect(da).toBeLessThanOrEqual(db)
        // Ties go by id in the direction of the due time (breached: both descending).
        if (da === db) expect(rank(a) === 2 ? a.id > b.id : a.id < b.id).toBe(true)
      }
      expect(items[0]!.urgent).toBe(true)
      expect(items.at(-1)!.status).toBe('breached')
    })

    it('reaches every item exactly once in the newest order', async () => {
      const { items, totals } = await readAll(handle, org, 'newest', 500)
      expect(totals).toBe(OPEN)
      expect(new Set(items.map((i) => i.id)).size).toBe(OPEN)
      expect(items).toHaveLength(OPEN)
      for (let n = 1; n < items.length; n++)
        expect(items[n - 1]!.createdAt >= items[n]!.createdAt).toBe(true)
    })

    it('gives per-status totals that add up', async () => {
      const page = await listInbox(handle.db, { organisationId: org, now: NOW, limit: 1 })
      const t = page.totals!
      expect(t.byStatus.pending + t.byStatus.at_risk + t.byStatus.breached).toBe(OPEN)
      // i % 3 = 0 with a due time → breached.
      let breached = 0
      for (let i = 1; i <= OPEN; i++) if (i % 3 === 0 && i % 500 !== 0) breached++
      expect(t.byStatus.breached).toBe(breached)
      const onlyBreached = await listInbox(handle.db, {
        organisationId: org,
        now: NOW,
        status: ['breached'],
        limit: 1,
      })
      expect(onlyBreached.totals!.total).toBe(breached)
    })

    it('stays stable when mentions arrive while a reader pages: nothing repeats or goes missing', async () => {
      const oldest = (await readAll(handle, org, 'oldest', 500)).items.map((i) => i.id)
      const before = new Set(oldest)
      expect(before.size).toBe(OPEN)
      expect(oldest).toHaveLength(OPEN)
      let added = 0
      const { items } = await readAll(handle, org, 'due', 500, async (page) => {
        if (page % 5 !== 0) return
        added++
        await bulkOpenInbox(handle.db, NOW, org, practice, channel, `late${added}-`, 300)
      })
      const ids = items.map((i) => i.id)
      expect(new Set(ids).size).toBe(ids.length)
      const seen = new Set(ids)
      expect([...before].filter((id) => !seen.has(id))).toEqual([])
      expect(added).toBeGreaterThan(0)
    })
  })
}
