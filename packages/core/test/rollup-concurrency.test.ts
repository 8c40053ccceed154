/**
 * Concurrent ingests into one practice and day on a real PostgreSQL (two workers polling two of
 * its channels at once) must both succeed, and the rollups must equal the raw rows afterwards
 * (and `mention_practice_days` the rollups).
 * Before migration 710 the second transaction failed on `mention_rollups_pk`.
 * PGlite is one connection, so there is nothing concurrent to test there.
 */
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getMetrics } from '../src/metrics/get-metrics.js'
import { rebuildRollups } from '../src/metrics/rebuild-rollups.js'
import { ingest } from '../src/pipeline/ingest.js'
import { deferRollups, flushRollups } from '../src/pipeline/rollup-deferral.js'
import { createChannel } from '../src/repositories/channels.js'
import type { EarshotDatabase } from '../src/storage/open-database.js'
import { testDatabases } from './databases.js'
import { keywordEnricher, sydneyPractice } from './ingest-fixtures.js'
import { practiceDaysExpectedAndActual } from './practice-days.js'

const postgres = testDatabases().find((d) => d.name === 'postgres')
const NOW = new Date('2026-12-02T03:00:00Z')

describe.skipIf(!postgres)('rollups under concurrent ingestion (postgres)', () => {
  let database: EarshotDatabase
  beforeAll(async () => {
    database = await postgres!.open()
  })
  afterAll(async () => {
    await database?.close()
  })

  it('lets concurrent ingests into one practice and day both commit, and the rollups count them all', async () => {
    const { db } = database
    const { org, practice, channel } = await sydneyPractice(db)
    const channels = [channel]
    for (let n = 2; n <= 4; n++)
      channels.push(
        await createChannel(db, {
          organisationId: org.id,
          practiceId: practice.id,
          platform: 'facebook',
          externalAccountId: `page-${n}`,
          name: `Page ${n}`,
        }),
      )
    for (let round = 0; round < 5; round++) {
      const results = await Promise.allSettled(
        channels.map((c, i) =>
          ingest(
            db,
            [
              {
                channelId: c.id,
                externalId: `r${round}-c${i}`,
                kind: 'comment',
                author: { id: `patient-${round}-${i}`, name: 'A Patient' },
                text: 'Can I book a flu shot please?',
                createdAt: new Date(NOW.getTime() - (round * 4 + i + 1) * 60_000).toISOString(),
              },
            ],
            { organisationId: org.id, enricher: keywordEnricher, now: NOW },
          ),
        ),
      )
      const failed = results.filter((r) => r.status === 'rejected')
      expect(failed.map((r) => String((r as PromiseRejectedResult).reason))).toEqual([])
    }
    const day = { from: new Date('2026-12-01T13:00:00Z'), to: new Date('2026-12-02T13:00:00Z') }
    const query = { organisationId: org.id, practiceIds: [practice.id], ...day, now: NOW }
    const raw = await getMetrics(db, { ...query, source: 'raw' })
    const rolled = await getMetrics(db, { ...query, source: 'rollups' })
    expect(raw.total.inbound).toBe(20)
    expect(rolled.total.inbound).toBe(raw.total.inbound)
    expect(rolled.total.openCount).toBe(raw.total.openCount)
    // The four channels' rollup rows meet in one practice-day row (migration 2026-12-05-0100),
    // recomputed by each transaction under the practice's lock.
    const days = await practiceDaysExpectedAndActual(db, org.id)
    expect(days.actual).toEqual(days.expected)
    expect(days.expected.reduce((s, r) => s + r.counters.inbound!, 0)).toBe(20)
  })

  it('counts one reply answering questions of concurrent transactions once (rollup deltas)', async () => {
    // Four transactions each link another question to the same page reply. "Replies sent" counts
    // the reply once: each delta must see the links the others committed before it (computed
    // after the practice's lock), or every one of them would add 1.
    const { db } = database
    const { org, practice, channel } = await sydneyPractice(db)
    const at = new Date('2026-12-01T23:00:00Z')
    const row = (id: string, direction: 'inbound' | 'outbound') => ({
      organisation_id: org.id,
      practice_id: practice.id,
      channel_id: channel.id,
      id,
      platform: 'facebook',
      external_id: id,
      kind: 'comment',
      direction,
      thread_key: 't',
      text: 'x',
      created_at: at,
      content_hash: id,
      updated_at: at,
    })
    await db
      .insertInto('mentions')
      .values([
        row('reply', 'outbound'),
        ...[0, 1, 2, 3].map((i) => row(`q${i}`, 'inbound')),
      ] as never)
      .execute()
    await Promise.all(
      [0, 1, 2, 3].map((i) =>
        db.transaction().execute(async (trx) => {
          await deferRollups(trx)
          await sql`insert into response_links (organisation_id, practice_id, channel_id, inbound_id,
              outbound_id, needs_reply, outcome, wall_ms, business_ms, explanation, evaluated_at)
            values (${org.id}, ${practice.id}, ${channel.id}, ${`q${i}`}, 'reply', true, 'met',
              60000, 60000, '{}', ${at})`.execute(trx)
          await sql`select pg_sleep(0.2)`.execute(trx)
          await flushRollups(trx)
        }),
      ),
    )
    const rollups = () =>
      sql<{ j: unknown }>`select to_jsonb(r) as j from mention_rollups r
        where organisation_id = ${org.id} order by day, channel_id, category`.execute(db)
    const maintained = (await rollups()).rows
    await rebuildRollups(db, { organisationId: org.id })
    expect(maintained).toEqual((await rollups()).rows)
    expect(maintained.map((r) => (r.j as { replies_sent: number }).replies_sent)).toContain(1)
    const days = await practiceDaysExpectedAndActual(db, org.id)
    expect(days.actual).toEqual(days.expected)
  })
})
