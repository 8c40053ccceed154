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
import {
  exportMentionRows,
  exportMentionsCsv,
  MENTION_EXPORT_COLUMNS,
  type MentionExportRow,
} from './export-mention-rows.js'
import { searchMentions } from './search-mentions.js'

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}

for (const database of testDatabases()) {
  describe(`${database.name}: exportMentionRows`, () => {
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

    it('streams every row oldest first across pages, with every SLA column', async () => {
      const rows = await collect(
        exportMentionRows(handle.db, {
          organisationId: world.organisationId,
          now: NOW,
          pageSize: 3,
        }),
      )
      // 24 rows minus the tombstone; the deleted d1 is exported (it is part of the audit trail).
      expect(rows).toHaveLength(23)
      expect(new Set(rows.map((r) => r.mention_id)).size).toBe(23)
      expect(rows.map((r) => r.mention_id)).toContain('d1')
      const times = rows.map((r) => r.created_at.getTime())
      expect([...times].sort((a, b) => a - b)).toEqual(times)
      for (const row of rows)
        expect(Object.keys(row).sort()).toEqual([...MENTION_EXPORT_COLUMNS].sort())

      const m4 = rows.find((r) => r.mention_id === 'm4') as MentionExportRow
      expect(m4).toMatchObject({
        practice_name: 'Alpha Dental',
        channel_name: 'Alpha on Facebook',
        status: 'missed',
        outcome: 'missed',
        outbound_id: 'o4',
        response_source: 'reply',
        wall_ms: 30 * 3_600_000,
        business_ms: 9 * 3_600_000,
        target_name: 'default',
        clock: 'business',
        schedule_version: 1,
        promise_version: 1,
      })
      expect(m4.due_at?.toISOString()).toBe('2026-11-04T02:00:00.000Z')
      expect(JSON.parse(m4.explanation!)).toEqual({ target: 'default' })
      const m6 = rows.find((r) => r.mention_id === 'm6')!
      expect(m6).toMatchObject({ status: 'exempt', exempt_reason: 'no reply needed' })
      const p1 = rows.find((r) => r.mention_id === 'p1')!
      expect(p1).toMatchObject({ direction: 'outbound', status: null, outcome: null })
    })

    it('applies the same filters as search', async () => {
      const filters = {
        organisationId: world.organisationId,
        now: NOW,
        from: FROM,
        to: TO,
        direction: 'inbound' as const,
        includeDeleted: false,
      }
      const exported = await collect(exportMentionRows(handle.db, { ...filters, pageSize: 2 }))
      const searched = await searchMentions(handle.db, { ...filters, limit: 500 })
      expect(exported.map((r) => r.mention_id).sort()).toEqual(
        searched.rows.map((r) => r.id).sort(),
      )
      expect(exported).toHaveLength(10)
      const breached = await collect(
        exportMentionRows(handle.db, { ...filters, status: ['breached'] }),
      )
      expect(breached.map((r) => r.mention_id)).toEqual(['m5', 'r2'])
    })

    it('writes CSV with a header and neutralised formulas', async () => {
      let csv = ''
      for await (const line of exportMentionsCsv(handle.db, {
        organisationId: world.organisationId,
        now: NOW,
        from: FROM,
        to: TO,
        practiceIds: [world.practices.alpha],
        direction: 'inbound',
      }))
        csv += line
      const lines = csv.split('\r\n')
      expect(lines[0]).toBe(MENTION_EXPORT_COLUMNS.join(','))
      // Header, eight inbound mentions, and the empty string after the final CRLF.
      expect(lines).toHaveLength(10)
      const m2 = lines.find((l) => l.startsWith('m2,'))!
      // No comma or quote in it, so it is not quoted; the apostrophe makes it inert text.
      expect(m2).toContain(`,'=cmd|' /C calc'!A0,`)
      expect(m2).not.toMatch(/,=cmd/)
    })
  })
}
