import fc from 'fast-check'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../../test/databases.js'
import type { EarshotDatabase } from '../storage/open-database.js'
import { type SlaStatusFields, slaStatusAt, slaStatusSql } from './sla-status.js'

const BASE = Date.parse('2026-11-23T00:00:00Z')
const instant = fc.integer({ min: 0, max: 10 * 24 * 60 }).map((m) => new Date(BASE + m * 60_000))

/** Any row a link table could hold, including ones the thread pass never writes. */
const fieldsArb: fc.Arbitrary<SlaStatusFields> = fc.record({
  needsReply: fc.boolean(),
  exemptReason: fc.option(fc.constantFrom('triage: no reply needed (chatter)', 'deleted'), {
    freq: 3,
  }),
  outcome: fc.option(fc.constantFrom('met' as const, 'missed' as const), { freq: 2 }),
  dueAt: fc.option(instant, { freq: 4 }),
  atRiskAt: fc.option(instant, { freq: 4 }),
})

for (const database of testDatabases()) {
  describe(`${database.name}: SLA status`, () => {
    let handle: EarshotDatabase
    beforeAll(async () => {
      handle = await database.open()
    })
    afterAll(async () => {
      await handle?.close()
    })

    async function statusesInSql(rows: readonly SlaStatusFields[], now: Date) {
      const t = (d: Date | null) => (d ? d.toISOString() : null)
      const values = rows.map(
        (r, i) =>
          sql`(${`m${i}`}::text, ${i}::int, ${r.needsReply}::boolean, ${r.exemptReason}::text, ${r.outcome}::text, cast(${t(r.dueAt)} as timestamptz), cast(${t(r.atRiskAt)} as timestamptz))`,
      )
      const result = await sql<{
        status: string | null
      }>`select ${slaStatusSql(now, 'rl')} as status
        from (values ${sql.join(values)}) as rl(inbound_id, n, needs_reply, exempt_reason, outcome, due_at, at_risk_at)
        order by rl.n`.execute(handle.db)
      return result.rows.map((r) => r.status)
    }

    it('is the same in SQL and in JavaScript for every row and instant', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fieldsArb, { minLength: 1, maxLength: 40 }),
          instant,
          async (rows, now) => {
            expect(await statusesInSql(rows, now)).toEqual(rows.map((r) => slaStatusAt(r, now)))
          },
        ),
        { numRuns: 60 },
      )
    })

    it('treats a link that needs no reply as exempt even without a reason, in both', async () => {
      const row: SlaStatusFields = {
        needsReply: false,
        exemptReason: null,
        outcome: null,
        dueAt: new Date(BASE),
        atRiskAt: new Date(BASE),
      }
      const now = new Date(BASE + 3_600_000)
      expect(slaStatusAt(row, now)).toBe('exempt')
      expect(await statusesInSql([row], now)).toEqual(['exempt'])
    })
  })
}
