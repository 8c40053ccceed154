import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../../test/databases.js'
import { comment, keywordEnricher, linkRows, sydneyPractice } from '../../test/ingest-fixtures.js'
import { ingest } from '../pipeline/ingest.js'
import { reevaluatePractice } from '../pipeline/reevaluate.js'
import type { EarshotDatabase } from '../storage/open-database.js'
import { monthsBefore, savePrivacySettings } from './privacy-settings.js'
import { rollupSnapshot, seedDependants } from './privacy-test-helpers.js'
import { purgeExpiredData } from './purge-expired-data.js'

const NOW = new Date('2026-12-01T00:00:00Z')

describe('monthsBefore', () => {
  it('counts calendar months back and clamps the day to the month’s end', () => {
    expect(monthsBefore(NOW, 12).toISOString()).toBe('2025-12-01T00:00:00.000Z')
    expect(monthsBefore(new Date('2026-03-31T10:00:00Z'), 1).toISOString()).toBe(
      '2026-02-28T10:00:00.000Z',
    )
    expect(monthsBefore(new Date('2026-01-15T00:00:00Z'), 13).toISOString()).toBe(
      '2024-12-15T00:00:00.000Z',
    )
  })
})

for (const database of testDatabases()) {
  describe(`${database.name}: purgeExpiredData`, () => {
    let handle: EarshotDatabase
    beforeAll(async () => {
      handle = await database.open()
    })
    afterAll(async () => {
      await handle?.close()
    })

    /** A practice with an old answered thread, a thread straddling the cutoff, and recent ones. */
    async function world() {
      const db = handle.db
      const { org, practice, channel } = await sydneyPractice(db)
      const raw = (id: string) => ({ raw: { id, from: { name: 'Sam Patient' } } })
      await ingest(
        db,
        [
          // Old thread, wholly past a 12-month retention: question and the page's answer.
          {
            ...comment(channel.id, 'old', '2025-06-02T00:00:00Z', 'is my test back?'),
            ...raw('old'),
          },
          comment(channel.id, 'old-r', '2025-06-02T01:00:00Z', 'we will call', {
            thread: 'old',
            byPage: true,
          }),
          // Straddles: asked before the cutoff, answered after it.
          comment(channel.id, 'edge', '2025-11-30T22:00:00Z', 'open on sunday?'),
          comment(channel.id, 'edge-r', '2025-12-01T22:00:00Z', 'yes 9 to 1', {
            thread: 'edge',
            byPage: true,
          }),
          // Inside retention, payload older than 3 months.
          {
            ...comment(channel.id, 'mid', '2026-06-01T00:00:00Z', 'please call me'),
            ...raw('mid'),
          },
          // Recent: everything stays.
          { ...comment(channel.id, 'new', '2026-11-20T00:00:00Z', 'thanks!'), ...raw('new') },
        ],
        { enricher: keywordEnricher, now: NOW },
      )
      await seedDependants(db, {
        organisationId: org.id,
        practiceId: practice.id,
        channelId: channel.id,
        externalId: 'old',
        at: new Date('2025-06-03T00:00:00Z'),
      })
      return { org, practice, channel }
    }

    async function mentions(organisationId: string) {
      return handle.db
        .selectFrom('mentions')
        .select(['external_id', 'text', 'author_id', 'author_name', 'raw'])
        .where('organisation_id', '=', organisationId)
        .orderBy('external_id')
        .execute()
    }

    it('deletes mentions past retention with what hangs off them, clears old payloads, and keeps rollups and links exact', async () => {
      const db = handle.db
      const { org, practice } = await world()
      await savePrivacySettings(
        db,
        org.id,
        { mentionRetentionMonths: 12, rawRetentionMonths: 3 },
        NOW,
      )
      const result = await purgeExpiredData(db, {
        organisationId: org.id,
        now: NOW,
        batchSize: 2,
        enricher: keywordEnricher,
      })
      expect(result).toMatchObject({
        mentionCutoff: '2025-12-01T00:00:00.000Z',
        rawCutoff: '2026-09-01T00:00:00.000Z',
        mentionsDeleted: 3,
        mentionsRedacted: 0,
        alertsDeleted: 1,
        replyOutboxDeleted: 1,
        inboxAssignmentsDeleted: 1,
        inboxNotesDeleted: 1,
        rawPayloadsCleared: 1,
        quarantineDeleted: 1,
      })
      expect((await mentions(org.id)).map((m) => [m.external_id, m.raw !== null])).toEqual([
        ['edge-r', false],
        ['mid', false],
        ['new', true],
      ])
      for (const table of [
        'alerts',
        'alert_deliveries',
        'inbox_assignments',
        'inbox_notes',
        'reply_outbox',
        'overrides',
        'quarantine',
      ])
        expect(await countRows(table, org.id), table).toBe(0)

      // What the triggers maintained equals a recomputation from the remaining rows …
      const maintained = await rollupSnapshot(db, org.id)
      await sql`select earshot_refresh_rollups(array_agg(organisation_id), array_agg(practice_id),
        array_agg(day)) from (select distinct organisation_id, practice_id, day from mention_rollups
        where organisation_id = ${org.id}) k`.execute(db)
      expect(await rollupSnapshot(db, org.id)).toEqual(maintained)
      // … the reply whose question went no longer counts as a reply sent …
      expect(maintained.map((r) => [r.day, r.inbound, r.outbound, r.replies_sent])).toEqual([
        ['2025-12-02', 0, 1, 0],
        ['2026-06-01', 1, 0, 0],
        ['2026-11-20', 1, 0, 0],
      ])
      // … and links equal a full re-evaluation.
      const links = await linkRows(db, org.id)
      await reevaluatePractice(db, org.id, practice.id, { enricher: keywordEnricher, now: NOW })
      expect(await linkRows(db, org.id)).toEqual(links)
      expect(links.map((l) => l.inbound)).toEqual(['mid', 'new'])
    })

    it('finds nothing more to do when run again', async () => {
      const db = handle.db
      const { org } = await world()
      await savePrivacySettings(
        db,
        org.id,
        { mentionRetentionMonths: 12, rawRetentionMonths: 3 },
        NOW,
      )
      await purgeExpiredData(db, { organisationId: org.id, now: NOW, enricher: keywordEnricher })
      const before = await mentions(org.id)
      const again = await purgeExpiredData(db, {
        organisationId: org.id,
        now: NOW,
        enricher: keywordEnricher,
      })
      expect(Object.values(again).filter((v) => typeof v === 'number' && v > 0)).toEqual([])
      expect(await mentions(org.id)).toEqual(before)
    })

    it('redacts instead of deleting when asked: the figures stay, the text and author go', async () => {
      const db = handle.db
      const { org } = await world()
      await savePrivacySettings(
        db,
        org.id,
        { mentionRetentionMonths: 12, mentionRetentionAction: 'redact' },
        NOW,
      )
      const rollupsBefore = await rollupSnapshot(db, org.id)
      const linksBefore = await linkRows(db, org.id)
      const result = await purgeExpiredData(db, {
        organisationId: org.id,
        now: NOW,
        enricher: keywordEnricher,
      })
      expect(result).toMatchObject({
        mentionsDeleted: 0,
        mentionsRedacted: 3,
        rawPayloadsCleared: 0,
      })
      const rows = await mentions(org.id)
      expect(rows.filter((m) => ['old', 'old-r', 'edge'].includes(m.external_id))).toEqual(
        ['edge', 'old', 'old-r'].map((external_id) => ({
          external_id,
          text: '',
          author_id: null,
          author_name: null,
          raw: null,
        })),
      )
      expect(rows.find((m) => m.external_id === 'mid')?.text).toBe('please call me')
      expect(await rollupSnapshot(db, org.id)).toEqual(rollupsBefore)
      expect(await linkRows(db, org.id)).toEqual(linksBefore)
      const notes = await db
        .selectFrom('overrides')
        .select('note')
        .where('organisation_id', '=', org.id)
        .execute()
      expect(notes).toEqual([{ note: null }])
      const again = await purgeExpiredData(db, {
        organisationId: org.id,
        now: NOW,
        enricher: keywordEnricher,
      })
      expect(again.mentionsRedacted).toBe(0)
    })

    it('does nothing with the default settings (keep everything)', async () => {
      const { org } = await world()
      const before = await mentions(org.id)
      const result = await purgeExpiredData(handle.db, { organisationId: org.id, now: NOW })
      expect(result).toMatchObject({
        mentionCutoff: null,
        rawCutoff: null,
        mentionsDeleted: 0,
        rawPayloadsCleared: 0,
      })
      expect(await mentions(org.id)).toEqual(before)
    })

    it('touches no other organisation', async () => {
      const db = handle.db
      const mine = await world()
      const other = await world()
      await savePrivacySettings(
        db,
        mine.org.id,
        { mentionRetentionMonths: 1, rawRetentionMonths: 1 },
        NOW,
      )
      const before = await mentions(other.org.id)
      await purgeExpiredData(db, {
        organisationId: mine.org.id,
        now: NOW,
        enricher: keywordEnricher,
      })
      expect(await mentions(other.org.id)).toEqual(before)
      expect(await countRows('quarantine', other.org.id)).toBe(1)
      expect(await countRows('alerts', other.org.id)).toBe(1)
    })

    async function countRows(table: string, organisationId: string): Promise<number> {
      const r = await sql<{
        n: number
      }>`select count(*)::int as n from ${sql.table(table)} where organisation_id = ${organisationId}`.execute(
        handle.db,
      )
      return r.rows[0]!.n
    }
  })
}
