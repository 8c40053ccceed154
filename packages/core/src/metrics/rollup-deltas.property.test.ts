/**
 * The rollups maintained by deltas (migration 2026-12-04-0300) equal a recompute from scratch
 * (`rebuildRollups`) after random sequences of raw writes: multi-row mention inserts (inbound,
 * outbound, posts, tombstones, over local midnights in two zones), mention updates and deletions,
 * response-link upserts, updates (including a changed key) and deletions — links pointing at
 * missing mentions, several links answered by one reply, links written before their mention —
 * and time-zone changes, each batch either in one deferred window (defer … flush, as the thread
 * pass does) or statement by statement. Compared after every batch, row for row, both tables:
 * every count exactly, `sentiment_sum` to 1e-9 (a float sum). `mention_practice_days`
 * (migration 2026-12-05-0100, kept by triggers on the two rollup tables) must equal the rollups
 * summed per practice and day, computed here, both as maintained and after the rebuild.
 */
import fc from 'fast-check'
import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshOrganisation, testDatabases } from '../../test/databases.js'
import { practiceDaysExpectedAndActual, splitSums } from '../../test/practice-days.js'
import { deferRollups, flushRollups } from '../pipeline/rollup-deferral.js'
import type { Database } from '../storage/database.js'
import type { EarshotDatabase } from '../storage/open-database.js'
import { rebuildRollups } from './rebuild-rollups.js'

const BASE = Date.parse('2026-11-23T10:00:00Z')
const HOUR = 3_600_000
// Response times that land in every bucket, and null.
const TIMES = [null, 0, 500, 30 * 60_000, 2 * HOUR, 5 * HOUR, 9 * HOUR, 30 * HOUR]

type Op =
  | {
      t: 'mentions'
      rows: Array<{
        inbound: boolean
        kind: number
        hour: number
        channel: number
        category: number
        sentiment: number
        tombstone: boolean
      }>
    }
  | { t: 'updateMention'; of: number; what: number; value: number }
  | { t: 'deleteMention'; of: number }
  | {
      t: 'links'
      rows: Array<{
        inbound: number
        outbound: number
        needsReply: boolean
        exempt: boolean
        outcome: number
        wall: number
        business: number
      }>
    }
  | { t: 'updateLinks'; of: number[]; outcome: number; wall: number; outbound: number }
  | { t: 'deleteLinks'; of: number[] }
  | { t: 'moveLink'; from: number; to: number }
  | { t: 'timeZone'; practice: number }

const small = (max: number) => fc.integer({ min: 0, max })
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('mentions' as const),
      rows: fc.array(
        fc.record({
          inbound: fc.boolean(),
          kind: small(2),
          hour: fc.integer({ min: -30, max: 80 }),
          channel: small(3),
          category: small(3),
          sentiment: small(4),
          tombstone: small(5).map((n) => n === 0),
        }),
        { minLength: 1, maxLength: 5 },
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('updateMention' as const),
      of: fc.nat(),
      what: small(5),
      value: small(7),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('deleteMention' as const), of: fc.nat() }) },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('links' as const),
      rows: fc.array(
        fc.record({
          inbound: fc.nat(),
          outbound: fc.nat(),
          needsReply: fc.boolean(),
          exempt: small(3).map((n) => n === 0),
          outcome: small(2),
          wall: small(TIMES.length - 1),
          business: small(TIMES.length - 1),
        }),
        { minLength: 1, maxLength: 5 },
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('updateLinks' as const),
      of: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
      outcome: small(2),
      wall: small(TIMES.length - 1),
      outbound: fc.nat(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('deleteLinks' as const),
      of: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('moveLink' as const), from: fc.nat(), to: fc.nat() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('timeZone' as const), practice: small(1) }),
  },
)
const batch = fc.record({
  deferred: fc.boolean(),
  ops: fc.array(op, { minLength: 1, maxLength: 5 }),
})

const ZONES = ['Australia/Sydney', 'Europe/London', 'America/Los_Angeles', 'UTC']

describe.each(testDatabases())('rollup deltas on $name', (database) => {
  let handle: EarshotDatabase
  beforeAll(async () => {
    handle = await database.open()
  })
  afterAll(async () => {
    await handle.close()
  })

  async function snapshot(db: Kysely<Database>, org: string) {
    const r = await sql<{ j: Record<string, unknown>; s: number }>`
      select to_jsonb(r) - 'sentiment_sum' as j, sentiment_sum as s from mention_rollups r
      where organisation_id = ${org} order by practice_id, day, channel_id, category`.execute(db)
    const h = await sql<{ j: Record<string, unknown> }>`
      select to_jsonb(h) as j from mention_rollup_histograms h where organisation_id = ${org}
      order by practice_id, day, channel_id, category, clock, bucket`.execute(db)
    return {
      rows: r.rows.map((x) => x.j),
      sums: r.rows.map((x) => x.s),
      hist: h.rows.map((x) => x.j),
    }
  }

  it('equal a rebuild from scratch after any sequence of inserts, updates and deletions', async () => {
    // So the property cannot pass vacuously.
    let sawReplies = false
    let sawOutcomes = false
    let sawHistograms = false
    let sawPracticeDays = false
    await fc.assert(
      fc.asyncProperty(fc.array(batch, { minLength: 1, maxLength: 6 }), async (batches) => {
        const db = handle.db
        const org = (await freshOrganisation(db)).id
        const practices = [`${org}-p0`, `${org}-p1`]
        const zone = [0, 1]
        for (const [i, p] of practices.entries())
          await sql`insert into practices (organisation_id, id, name, slug, time_zone)
            values (${org}, ${p}, ${p}, ${p}, ${ZONES[i]!})`.execute(db)
        // Channels 0, 1 in practice 0 (facebook, instagram), 2, 3 in practice 1.
        const channels = [0, 1, 2, 3].map((c) => ({
          id: `${org}-c${c}`,
          practice: practices[c >> 1]!,
          platform: c % 2 ? 'instagram' : 'facebook',
        }))
        for (const c of channels)
          await sql`insert into channels (organisation_id, practice_id, id, platform, external_account_id, name)
            values (${org}, ${c.practice}, ${c.id}, ${c.platform}, ${c.id}, ${c.id})`.execute(db)
        const ids: string[] = []
        // An existing id, or the id the next inserted mention will get (a link before its mention).
        const pick = (n: number) => ids[n % (ids.length + 1)] ?? `${org}-m${ids.length}`

        const run = async (trx: Kysely<Database>, o: Op) => {
          if (o.t === 'mentions') {
            const rows = o.rows.map((r) => {
              const id = `${org}-m${ids.length}`
              ids.push(id)
              const c = channels[r.channel]!
              const score = [null, 0.25, -0.5, 0.1, 0.8][r.sentiment]!
              return {
                organisation_id: org,
                practice_id: c.practice,
                channel_id: c.id,
                id,
                platform: c.platform,
                external_id: id,
                kind: ['comment', 'post', 'reply'][r.kind]!,
                direction: r.inbound ? 'inbound' : 'outbound',
                thread_key: id,
                text: 'x',
                created_at: new Date(BASE + r.hour * HOUR),
                content_hash: id,
                sentiment_score: score,
                sentiment_label:
                  score === null
                    ? null
                    : score < -0.3
                      ? 'negative'
                      : score > 0.3
                        ? 'positive'
                        : 'neutral',
                needs_reply: r.inbound,
                category: [null, 'question', 'booking', 'chatter'][r.category]!,
                is_tombstone: r.tombstone,
                updated_at: new Date(BASE),
              }
            })
            await trx
              .insertInto('mentions')
              .values(rows as never)
              .execute()
          } else if (o.t === 'updateMention') {
            const id = pick(o.of)
            const v = o.value
            const set =
              o.what === 0
                ? sql`category = ${[null, 'question', 'booking', 'chatter'][v % 4]!}`
                : o.what === 1
                  ? sql`sentiment_score = ${[null, 0.3, -0.7][v % 3]!}, sentiment_label = ${['neutral', 'negative', null][v % 3]!}`
                  : o.what === 2
                    ? sql`created_at = created_at + make_interval(hours => ${v * 5 - 15})`
                    : o.what === 3
                      ? sql`is_tombstone = not is_tombstone`
                      : o.what === 4
                        ? sql`text = text || 'y'`
                        : sql`kind = ${['comment', 'post', 'reply'][v % 3]!}, direction = ${v % 2 ? 'inbound' : 'outbound'}`
            await sql`update mentions set ${set} where organisation_id = ${org} and id = ${id}`.execute(
              trx,
            )
          } else if (o.t === 'deleteMention') {
            const id = pick(o.of)
            await sql`delete from mentions where organisation_id = ${org} and id = ${id}`.execute(
              trx,
            )
          } else if (o.t === 'links') {
            const seen = new Set<string>()
            const rows = o.rows.flatMap((r) => {
              const inbound = pick(r.inbound)
              if (seen.has(inbound)) return []
              seen.add(inbound)
              const outcome = [null, 'met', 'missed'][r.outcome]!
              return [
                {
                  organisation_id: org,
                  practice_id: practices[0]!,
                  channel_id: channels[0]!.id,
                  inbound_id: inbound,
                  outbound_id: r.outbound % 3 === 0 ? null : pick(r.outbound),
                  needs_reply: r.needsReply,
                  exempt_reason: r.exempt ? 'auto reply' : null,
                  outcome,
                  wall_ms: outcome ? TIMES[r.wall]! : null,
                  business_ms: outcome ? TIMES[r.business]! : null,
                  explanation: JSON.stringify({}),
                  evaluated_at: new Date(BASE),
                },
              ]
            })
            if (!rows.length) return
            await trx
              .insertInto('response_links')
              .values(rows as never)
              .onConflict((c) =>
                c.columns(['organisation_id', 'inbound_id']).doUpdateSet((eb) => ({
                  outbound_id: eb.ref('excluded.outbound_id'),
                  needs_reply: eb.ref('excluded.needs_reply'),
                  exempt_reason: eb.ref('excluded.exempt_reason'),
                  outcome: eb.ref('excluded.outcome'),
                  wall_ms: eb.ref('excluded.wall_ms'),
                  business_ms: eb.ref('excluded.business_ms'),
                })),
              )
              .execute()
          } else if (o.t === 'updateLinks') {
            const of = o.of.map(pick)
            const outcome = [null, 'met', 'missed'][o.outcome]!
            await sql`update response_links set outcome = ${outcome},
                wall_ms = ${outcome ? TIMES[o.wall]! : null}, business_ms = ${outcome ? TIMES[o.wall]! : null},
                outbound_id = ${o.outbound % 2 ? pick(o.outbound) : null}
              where organisation_id = ${org} and inbound_id in (${sql.join(of)})`.execute(trx)
          } else if (o.t === 'deleteLinks') {
            const of = o.of.map(pick)
            await sql`delete from response_links where organisation_id = ${org}
                and inbound_id in (${sql.join(of)})`.execute(trx)
          } else if (o.t === 'moveLink') {
            const from = pick(o.from)
            const to = pick(o.to)
            await sql`update response_links set inbound_id = ${to}
                where organisation_id = ${org} and inbound_id = ${from}
                  and not exists (select 1 from response_links x where x.organisation_id = ${org} and x.inbound_id = ${to})`.execute(
              trx,
            )
          } else {
            zone[o.practice] = (zone[o.practice]! + 1) % ZONES.length
            await sql`update practices set time_zone = ${ZONES[zone[o.practice]!]!}
              where organisation_id = ${org} and id = ${practices[o.practice]!}`.execute(trx)
          }
        }

        for (const b of batches) {
          await db.transaction().execute(async (trx) => {
            if (b.deferred) await deferRollups(trx)
            for (const o of b.ops) await run(trx, o)
            if (b.deferred) await flushRollups(trx)
          })
          const maintained = await snapshot(db, org)
          const days = await practiceDaysExpectedAndActual(db, org)
          await rebuildRollups(db, { organisationId: org })
          const daysRebuilt = await practiceDaysExpectedAndActual(db, org)
          for (const d of [days, daysRebuilt]) {
            const want = splitSums(d.expected)
            const got = splitSums(d.actual)
            expect(got.rows).toEqual(want.rows)
            for (const [i, s] of want.sums.entries())
              expect(Math.abs(got.sums[i]! - s)).toBeLessThan(1e-9)
          }
          // Several rollup rows summed into one practice-day, and histograms carried.
          sawPracticeDays ||=
            maintained.rows.length > days.expected.length &&
            days.expected.some((r) => r.wall.length > 0)
          const rebuilt = await snapshot(db, org)
          expect(maintained.rows).toEqual(rebuilt.rows)
          expect(maintained.hist).toEqual(rebuilt.hist)
          for (const [i, s] of rebuilt.sums.entries())
            expect(Math.abs(maintained.sums[i]! - s)).toBeLessThan(1e-9)
          sawReplies ||= rebuilt.rows.some((r) => Number(r.replies_sent) > 0)
          sawOutcomes ||= rebuilt.rows.some((r) => Number(r.met) + Number(r.missed) > 0)
          sawHistograms ||= rebuilt.hist.length > 0
        }
      }),
      { numRuns: 25, seed: 20261204, endOnFailure: true },
    )
    expect([sawReplies, sawOutcomes, sawHistograms, sawPracticeDays]).toEqual([
      true,
      true,
      true,
      true,
    ])
  })
})
