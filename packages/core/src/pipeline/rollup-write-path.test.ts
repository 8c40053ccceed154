/**
 * The write path's rollup and policy costs (issue 12), checked by behaviour, not by time:
 * - a single statement writing many response links whose mentions lie on several days (and whose
 *   replies lie on other days) leaves every touched day's rollups equal to the raw rows — the
 *   trigger's key lookup was rewritten from a VALUES join to an equality join (migration 1300);
 * - a deferred batch (the thread pass) recomputes every day it touched exactly once at the end;
 * - a batch spanning many practices looks their policies up in one statement.
 */
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshOrganisation } from '../../test/databases.js'
import {
  comment,
  keywordEnricher,
  SYDNEY_WEEKDAYS,
  sydneyPractice,
} from '../../test/ingest-fixtures.js'
import { getMetrics, type MetricsRow } from '../metrics/get-metrics.js'
import { createChannel } from '../repositories/channels.js'
import { createPractice } from '../repositories/organisations.js'
import { type EarshotDatabase, openDatabase } from '../storage/open-database.js'
import { ingest } from './ingest.js'

// Local midnights in Sydney (UTC+11): Monday 23 to Monday 30 November 2026.
const FROM = new Date('2026-11-22T13:00:00Z')
const TO = new Date('2026-11-29T13:00:00Z')
const NOW = new Date('2026-12-01T00:00:00Z')
const HOUR = 3_600_000

const COUNTS = [
  'inbound',
  'outbound',
  'repliesSent',
  'needingReply',
  'answered',
  'exempt',
  'met',
  'missed',
  'breached',
  'pending',
  'openCount',
] as const
const counts = (r: MetricsRow) =>
  Object.fromEntries(COUNTS.map((k) => [k, r[k]])) as Record<(typeof COUNTS)[number], number>

const url = process.env.EARSHOT_TEST_DATABASE_URL?.trim()
const targets = [
  { name: 'pglite', url: undefined },
  ...(url ? [{ name: 'postgres', url }] : []),
] as const

for (const target of targets) {
  describe(`rollups and policies on the write path (${target.name})`, () => {
    let database: EarshotDatabase
    const statements: string[] = []
    beforeAll(async () => {
      database = await openDatabase({
        ...(target.url ? { url: target.url, poolSize: 4 } : {}),
        statementTimeoutMs: 0,
        acquireTimeoutMs: 0,
        log: (e) => {
          if (e.level === 'query') statements.push(e.query.sql)
        },
      })
    })
    afterAll(async () => {
      await database?.close()
    })

    /**
     * Questions on Monday, Wednesday and Friday, half answered by the page the next day — so the
     * replies lie on days with no question of their own — in one batch.
     */
    async function threeDaysOfThreads() {
      const { db } = database
      const { org, practice, channel } = await sydneyPractice(db)
      const items = []
      for (const day of [0, 2, 4])
        for (let n = 0; n < 12; n++) {
          const at = FROM.getTime() + day * 24 * HOUR + (9 + n * 0.5) * HOUR
          const id = `q-${day}-${n}`
          items.push(comment(channel.id, id, new Date(at).toISOString(), 'can I book please?'))
          if (n % 2 === 0)
            items.push(
              comment(channel.id, `a-${day}-${n}`, new Date(at + 25 * HOUR).toISOString(), 'yes', {
                thread: id,
                byPage: true,
              }),
            )
        }
      await ingest(db, items, { organisationId: org.id, enricher: keywordEnricher, now: NOW })
      return { org, practice }
    }

    async function byDay(organisationId: string, practiceId: string, source: 'raw' | 'rollups') {
      const m = await getMetrics(database.db, {
        organisationId,
        practiceIds: [practiceId],
        from: FROM,
        to: TO,
        now: NOW,
        groupBy: 'day',
        source,
      })
      return { total: counts(m.total), rows: m.rows.map((r) => ({ label: r.label, ...counts(r) })) }
    }

    it('a deferred batch over several days recomputes every touched day exactly', async () => {
      const { org, practice } = await threeDaysOfThreads()
      const raw = await byDay(org.id, practice.id, 'raw')
      expect(raw.total.inbound).toBe(36)
      expect(raw.total.repliesSent).toBe(18)
      expect(await byDay(org.id, practice.id, 'rollups')).toEqual(raw)
    })

    it('one statement writing many links over several days updates every touched day exactly', async () => {
      const { db } = database
      const { org, practice } = await threeDaysOfThreads()
      const before = await byDay(org.id, practice.id, 'raw')
      await sql`create temp table saved_links as select * from response_links where organisation_id = ${org.id}`.execute(
        db,
      )
      // One statement removes every link (all days unlinked), one puts them all back.
      await sql`delete from response_links where organisation_id = ${org.id}`.execute(db)
      const unlinked = await byDay(org.id, practice.id, 'raw')
      expect(unlinked.total.met + unlinked.total.missed).toBe(0)
      expect(await byDay(org.id, practice.id, 'rollups')).toEqual(unlinked)
      await sql`insert into response_links select * from saved_links`.execute(db)
      await sql`drop table saved_links`.execute(db)
      const rolled = await byDay(org.id, practice.id, 'rollups')
      expect(rolled).toEqual(before)
      // The replies' days (no questions of their own) count them as sent; the questions' days
      // count the outcomes.
      expect(rolled.rows.filter((r) => r.repliesSent > 0).map((r) => r.label)).toHaveLength(3)
      expect(rolled.rows.filter((r) => r.met + r.missed > 0)).toHaveLength(3)
    })

    it('a batch spanning many practices looks their policies up in one statement', async () => {
      const { db } = database
      const org = await freshOrganisation(db)
      const channels: string[] = []
      for (let i = 0; i < 6; i++) {
        const practice = await createPractice(db, {
          organisationId: org.id,
          name: `Practice ${i}`,
          schedule: SYDNEY_WEEKDAYS,
          promise: { targets: [{ duration: `${i + 1} business hours` }] },
        })
        const channel = await createChannel(db, {
          organisationId: org.id,
          practiceId: practice.id,
          platform: 'facebook',
          externalAccountId: `page-${i}`,
          name: `Page ${i}`,
        })
        channels.push(channel.id)
      }
      statements.length = 0
      const result = await ingest(
        db,
        channels.flatMap((c, i) => [
          comment(c, `q${i}`, '2026-11-24T00:00:00Z', 'can I book please?'),
          comment(c, `r${i}`, '2026-11-24T02:00:00Z', 'yes', { thread: `q${i}` }),
        ]),
        { organisationId: org.id, enricher: keywordEnricher, now: NOW },
      )
      expect(result.inserted).toBe(12)
      const policyLookups = statements.filter((s) => /\b(schedules|promises)\b/.test(s))
      expect(policyLookups).toHaveLength(1)
      // Each practice was evaluated under its own promise.
      const targets = await db
        .selectFrom('response_links')
        .select(['practice_id', 'target_ms'])
        .where('organisation_id', '=', org.id)
        .where('needs_reply', '=', true)
        .execute()
      expect(new Set(targets.map((t) => t.target_ms)).size).toBe(6)
    })
  })
}
