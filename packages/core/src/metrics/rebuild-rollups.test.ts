import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../../test/databases.js'
import { comment, keywordEnricher, sydneyPractice } from '../../test/ingest-fixtures.js'
import { practiceDaysExpectedAndActual } from '../../test/practice-days.js'
import { ingest } from '../pipeline/ingest.js'
import type { EarshotDatabase } from '../storage/open-database.js'
import { getMetrics } from './get-metrics.js'
import { packChunks, rebuildRollups } from './rebuild-rollups.js'

// Local midnights in Sydney (UTC+11 in November): Monday 23 to Monday 30 November.
const FROM = new Date('2026-11-22T13:00:00Z')
const TO = new Date('2026-11-29T13:00:00Z')
const NOW = new Date('2026-12-01T00:00:00Z')

describe.each(testDatabases())('rebuildRollups on $name', (database) => {
  let handle: EarshotDatabase
  beforeAll(async () => {
    handle = await database.open()
  })
  afterAll(async () => {
    await handle.close()
  })

  it('makes the rollups equal the raw rows again after writes that bypassed the triggers', async () => {
    const db = handle.db
    const { org, channel } = await sydneyPractice(db)
    const options = { enricher: keywordEnricher, now: NOW }
    await ingest(
      db,
      [
        comment(channel.id, 'q1', '2026-11-23T22:00:00Z', 'open today?'),
        comment(channel.id, 'q2', '2026-11-24T23:00:00Z', 'can I book?'),
        comment(channel.id, 'q3', '2026-11-25T01:00:00Z', 'thanks'),
      ],
      options,
    )
    await ingest(
      db,
      [comment(channel.id, 'r1', '2026-11-23T23:30:00Z', 'yes', { thread: 'q1', byPage: true })],
      options,
    )
    // A trigger-less load: with replication role "replica" no trigger fires, so the rollups
    // lose rows and keep a stale day.
    await db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx)
      await sql`update mentions set created_at = created_at + interval '2 days'
        where organisation_id = ${org.id} and external_id = 'q2'`.execute(trx)
      await sql`delete from mention_rollup_histograms where organisation_id = ${org.id}`.execute(
        trx,
      )
      await sql`delete from mention_rollups where organisation_id = ${org.id}
        and day = (select min(day) from mention_rollups where organisation_id = ${org.id})`.execute(
        trx,
      )
    })
    const q = { organisationId: org.id, from: FROM, to: TO, now: NOW, groupBy: 'day' as const }
    const raw = await getMetrics(db, { ...q, source: 'raw' })
    const stale = await getMetrics(db, { ...q, source: 'rollups' })
    const figures = (r: typeof raw) =>
      [r.total, ...r.rows].map((x) => [x.key, x.inbound, x.answered, x.medianWallMs !== null])
    expect(figures(stale)).not.toEqual(figures(raw))

    const done = await rebuildRollups(db, { organisationId: org.id, practicesPerChunk: 1 })
    expect(done.practices).toBe(1)
    const rebuilt = await getMetrics(db, { ...q, source: 'rollups' })
    expect(figures(rebuilt)).toEqual(figures(raw))
    expect(rebuilt.total.inbound).toBe(3)
    expect(rebuilt.total.medianWallMs).not.toBeNull()
  })

  it('repairs mention_practice_days where the rollups themselves are right', async () => {
    const db = handle.db
    const { org, practice, channel } = await sydneyPractice(db)
    const options = { enricher: keywordEnricher, now: NOW }
    await ingest(
      db,
      [
        comment(channel.id, 'q1', '2026-11-23T22:00:00Z', 'open today?'),
        comment(channel.id, 'q2', '2026-11-24T23:00:00Z', 'can I book?'),
      ],
      options,
    )
    await ingest(
      db,
      [comment(channel.id, 'r1', '2026-11-23T23:30:00Z', 'yes', { thread: 'q1', byPage: true })],
      options,
    )
    const before = await practiceDaysExpectedAndActual(db, org.id)
    expect(before.actual).toEqual(before.expected)
    expect(before.expected.some((r) => r.wall.length > 0)).toBe(true)
    // Only the practice-day table goes wrong (triggers off): a changed count, emptied
    // histograms, a lost day and a stray one.
    await db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx)
      await sql`update mention_practice_days set inbound = inbound + 5, wall_buckets = '{}', wall_counts = '{}'
        where organisation_id = ${org.id}`.execute(trx)
      await sql`delete from mention_practice_days where organisation_id = ${org.id}
        and day = (select max(day) from mention_practice_days where organisation_id = ${org.id})`.execute(
        trx,
      )
      await sql`insert into mention_practice_days
        select organisation_id, practice_id, day + 100, inbound, unlinked, exempt, met, missed, open,
          wall_b1, wall_b2, wall_b3, wall_b4, wall_b5, business_b1, business_b2, business_b3,
          business_b4, business_b5, sentiment_sum, sentiment_scored, negative, neutral, positive,
          outbound, replies_sent, posts, wall_buckets, wall_counts, business_buckets, business_counts
        from mention_practice_days where organisation_id = ${org.id} and practice_id = ${practice.id}
        limit 1`.execute(trx)
    })
    const broken = await practiceDaysExpectedAndActual(db, org.id)
    expect(broken.actual).not.toEqual(broken.expected)
    await rebuildRollups(db, { organisationId: org.id })
    const after = await practiceDaysExpectedAndActual(db, org.id)
    expect(after.actual).toEqual(after.expected)
    expect(after.expected).toEqual(before.expected)
  })
})

describe('packChunks', () => {
  it('packs consecutive practices up to the row budget and the practice limit', () => {
    const ps = [5, 5, 5, 20, 1, 1, 1, 1].map((n, i) => ({ id: `p${i}`, n }))
    const ids = (chunks: { id: string }[][]) => chunks.map((c) => c.map((p) => p.id))
    expect(ids(packChunks(ps, { rowsPerChunk: 10, practicesPerChunk: 3 }))).toEqual([
      ['p0', 'p1'],
      ['p2'],
      ['p3'],
      ['p4', 'p5', 'p6'],
      ['p7'],
    ])
  })

  it('keeps every practice exactly once, in order, whatever the sizes', () => {
    const ps = Array.from({ length: 200 }, (_, i) => ({ id: i, n: (i * 7919) % 97 }))
    const chunks = packChunks(ps, { rowsPerChunk: 150, practicesPerChunk: 6 })
    expect(chunks.flat()).toEqual(ps)
    for (const c of chunks) {
      expect(c.length).toBeGreaterThan(0)
      expect(c.length).toBeLessThanOrEqual(6)
      if (c.length > 1) expect(c.reduce((s, p) => s + p.n, 0)).toBeLessThanOrEqual(150)
    }
  })
})
