import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../../test/databases.js'
import { comment, keywordEnricher, sydneyPractice } from '../../test/ingest-fixtures.js'
import { ingest } from '../pipeline/ingest.js'
import type { Database } from '../storage/database.js'
import { deletePractice, KEPT_AFTER_PRACTICE_DELETION } from './practice-deletion.js'

const now = new Date('2026-12-02T01:00:00Z')

/** Every table with a `practice_id` column, and how many rows in it name `practiceId`. */
async function rowsNaming(db: Kysely<Database>, organisationId: string, practiceId: string) {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.columns
    where column_name = 'practice_id' and table_schema = current_schema()`.execute(db)
  const counts: Record<string, number> = {}
  for (const { table_name } of tables.rows) {
    const r = await sql<{ n: string }>`select count(*) as n from ${sql.table(table_name)}
      where organisation_id = ${organisationId} and practice_id = ${practiceId}`.execute(db)
    counts[table_name] = Number(r.rows[0]?.n ?? 0)
  }
  return counts
}

for (const target of testDatabases()) {
  describe(`deletePractice (${target.name})`, () => {
    let db: Kysely<Database>
    let close: () => Promise<void>
    beforeAll(async () => {
      ;({ db, close } = await target.open())
    })
    afterAll(() => close())

    async function practiceWithThread() {
      const world = await sydneyPractice(db)
      await ingest(
        db,
        [
          comment(world.channel.id, 'c1', '2026-12-01T23:00:00Z', 'Can I book for Friday?'),
          comment(world.channel.id, 'c2', '2026-12-01T23:30:00Z', 'Yes, see you then', {
            thread: 'c1',
            byPage: true,
          }),
        ],
        { enricher: keywordEnricher, now },
      )
      return world
    }

    it('leaves no row naming the practice in any table but the action log', async () => {
      const { org, practice } = await practiceWithThread()
      await db
        .insertInto('quarantine')
        .values({
          organisation_id: org.id,
          channel_id: (
            await db
              .selectFrom('channels')
              .select('id')
              .where('practice_id', '=', practice.id)
              .executeTakeFirstOrThrow()
          ).id,
          source: 'test',
          reason: 'bad item',
          payload: JSON.stringify({}),
        })
        .execute()
      const before = await rowsNaming(db, org.id, practice.id)
      expect(before.mentions).toBe(2)
      expect(before.response_links).toBe(1)

      const deleted = await deletePractice(db, org.id, practice.id)
      expect(deleted).toEqual({ practiceId: practice.id, channels: 1, mentions: 2 })

      const after = await rowsNaming(db, org.id, practice.id)
      const left = Object.entries(after).filter(
        ([table, n]) =>
          n > 0 && !(KEPT_AFTER_PRACTICE_DELETION as readonly string[]).includes(table),
      )
      expect(left).toEqual([])
      const practices = await db
        .selectFrom('practices')
        .select('id')
        .where('id', '=', practice.id)
        .execute()
      expect(practices).toEqual([])
      const quarantined = await db
        .selectFrom('quarantine')
        .select('id')
        .where('organisation_id', '=', org.id)
        .execute()
      expect(quarantined).toEqual([])
    })

    it('touches nothing of another practice, and refuses another organisation', async () => {
      const a = await practiceWithThread()
      const b = await practiceWithThread()
      await expect(deletePractice(db, b.org.id, a.practice.id)).rejects.toMatchObject({
        code: 'NOT_FOUND',
      })
      await deletePractice(db, a.org.id, a.practice.id)
      const kept = await rowsNaming(db, b.org.id, b.practice.id)
      expect(kept.mentions).toBe(2)
      expect(kept.response_links).toBe(1)
    })
  })
}
