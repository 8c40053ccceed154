/**
 * The inbox reads the inbound mention's `urgent` and hidden (deleted, tombstone, missing) state
 * from flags carried on its response link (migration 2026-12-04-0100). These tests change
 * mentions after their links exist, outside the thread pass (plain SQL, as a deletion webhook,
 * an override or an operator would), and check the inbox follows; and on random data that the
 * counts equal the computation the inbox made before, joining every open link to its mention.
 */
import fc from 'fast-check'
import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshTwoPracticeScope, testDatabases } from '../../test/databases.js'
import { comment, keywordEnricher, sydneyPractice } from '../../test/ingest-fixtures.js'
import { type MetricsWorld, NOW, seedMetricsWorld } from '../../test/metrics-world.js'
import type { Enricher } from '../enrich/enricher.js'
import { ingest } from '../pipeline/ingest.js'
import type { Database } from '../storage/database.js'
import type { EarshotDatabase } from '../storage/open-database.js'
import { type InboxFilters, type InboxTotals, listInbox } from './list-inbox.js'
import { slaStatusSql } from './sla-status.js'

const H = 3_600_000

for (const database of testDatabases()) {
  describe(`${database.name}: inbox flags carried on links`, () => {
    let handle: EarshotDatabase
    let world: MetricsWorld
    let db: Kysely<Database>

    beforeAll(async () => {
      handle = await database.open()
      db = handle.db
      world = await seedMetricsWorld(db)
    })
    afterAll(async () => {
      await handle?.close()
    })

    const inbox = async (f: Partial<InboxFilters> = {}) => {
      const page = await listInbox(db, { organisationId: world.organisationId, now: NOW, ...f })
      return { ids: page.items.map((i) => i.mentionId), totals: page.totals! }
    }
    const setMention = (id: string, set: Record<string, unknown>) =>
      db
        .updateTable('mentions')
        .set(set)
        .where('organisation_id', '=', world.organisationId)
        .where('id', '=', id)
        .execute()

    it('pins a mention marked urgent after its link exists, and unpins it again', async () => {
      expect((await inbox()).ids).toEqual(['r2', 'm8', 'm7', 'n1', 'm5'])
      await setMention('m7', { urgent: true })
      const urgent = await inbox()
      // Urgent by due time: r2 (due 9 Nov) then m7 (due 12 Nov).
      expect(urgent.ids).toEqual(['r2', 'm7', 'm8', 'n1', 'm5'])
      expect(urgent.totals.urgent).toBe(2)
      expect((await inbox({ urgent: true })).ids).toEqual(['r2', 'm7'])
      await setMention('m7', { urgent: false })
      const back = await inbox()
      expect(back.ids).toEqual(['r2', 'm8', 'm7', 'n1', 'm5'])
      expect(back.totals.urgent).toBe(1)
    })

    it('filters on a privacy flag set or cleared after the link exists', async () => {
      expect((await inbox({ privacy: true })).ids).toEqual(['m5'])
      await setMention('m7', { privacy: true })
      await setMention('m5', { privacy: false })
      const flipped = await inbox({ privacy: true })
      expect(flipped.ids).toEqual(['m7'])
      expect(flipped.totals.total).toBe(1)
      expect((await inbox({ privacy: false })).totals.total).toBe(4)
      await setMention('m7', { privacy: false })
      await setMention('m5', { privacy: true })
      expect((await inbox({ privacy: true })).ids).toEqual(['m5'])
    })

    it('drops a mention its author deleted or that became a tombstone, and brings it back when undone', async () => {
      await setMention('m8', { deleted_at: NOW })
      await setMention('m5', { is_tombstone: true })
      const hidden = await inbox()
      expect(hidden.ids).toEqual(['r2', 'm7', 'n1'])
      expect(hidden.totals).toEqual({
        total: 3,
        byStatus: { pending: 2, at_risk: 0, breached: 1 },
        urgent: 1,
      })
      await setMention('m8', { deleted_at: null })
      await setMention('m5', { is_tombstone: false })
      // d1 was deleted when seeded; restoring it lists it (breached since 1 Nov).
      await setMention('d1', { deleted_at: null })
      const restored = await inbox()
      expect(restored.ids).toEqual(['r2', 'm8', 'm7', 'n1', 'm5', 'd1'])
      expect(restored.totals.total).toBe(6)
      await setMention('d1', { deleted_at: new Date('2026-11-01T01:00:00Z') })
      expect((await inbox()).ids).toEqual(['r2', 'm8', 'm7', 'n1', 'm5'])
    })

    it('drops a link whose mention row is gone, and takes it back when the mention returns', async () => {
      const row = await db
        .selectFrom('mentions')
        .selectAll()
        .where('organisation_id', '=', world.organisationId)
        .where('id', '=', 'm7')
        .executeTakeFirstOrThrow()
      await db
        .deleteFrom('mentions')
        .where('organisation_id', '=', world.organisationId)
        .where('id', '=', 'm7')
        .execute()
      const gone = await inbox()
      expect(gone.ids).toEqual(['r2', 'm8', 'n1', 'm5'])
      expect(gone.totals.total).toBe(4)
      await db.insertInto('mentions').values(writable(row)).execute()
      expect((await inbox()).ids).toEqual(['r2', 'm8', 'm7', 'n1', 'm5'])
    })

    it('gives a link written after its mention changed the mention’s current flags', async () => {
      await setMention('m7', { urgent: true })
      const link = await db
        .selectFrom('response_links')
        .selectAll()
        .where('organisation_id', '=', world.organisationId)
        .where('inbound_id', '=', 'm7')
        .executeTakeFirstOrThrow()
      await db
        .deleteFrom('response_links')
        .where('organisation_id', '=', world.organisationId)
        .where('inbound_id', '=', 'm7')
        .execute()
      // Written the way a bulk load writes it (triggers off) and with wrong flags: the link's
      // trigger still runs and takes the mention's.
      const columns = {
        ...link,
        mention_urgent: false,
        mention_hidden: true,
        mention_privacy: true,
      }
      await db.transaction().execute(async (tx) => {
        await sql`set local session_replication_role = replica`.execute(tx)
        await tx.insertInto('response_links').values(writable(columns)).execute()
      })
      expect((await inbox()).ids).toEqual(['r2', 'm7', 'm8', 'n1', 'm5'])
      expect((await inbox({ privacy: true })).ids).toEqual(['m5'])
      await setMention('m7', { urgent: false })
      const back = await inbox()
      expect(back.ids).toEqual(['r2', 'm8', 'm7', 'n1', 'm5'])
      expect(back.totals.urgent).toBe(1)
    })

    it('follows the thread pass: an urgent question, an edit that makes one urgent, a deletion', async () => {
      // Keyword triage, plus "urgent" in the text marks the mention urgent.
      const enricher: Enricher = {
        name: 'test-urgent',
        version: '1',
        enrich: async (inputs) =>
          (await keywordEnricher.enrich(inputs)).map((e, k) => ({
            ...e,
            urgent: /urgent/i.test(inputs[k]!.text),
          })),
      }
      const { org, channel } = await sydneyPractice(db)
      // Friday 27 November 2026, 10:00 in Sydney.
      const now = new Date('2026-11-26T23:00:00Z')
      const options = { enricher, now }
      await ingest(
        db,
        [
          comment(channel.id, 'a', '2026-11-26T21:00:00Z', 'open today?'),
          comment(channel.id, 'b', '2026-11-26T22:00:00Z', 'urgent: swelling after my extraction?'),
        ],
        options,
      )
      const page = async () => {
        const p = await listInbox(db, { organisationId: org.id, now })
        return {
          texts: p.items.map((i) => i.text),
          urgent: p.totals!.urgent,
          total: p.totals!.total,
        }
      }
      expect(await page()).toEqual({
        texts: ['urgent: swelling after my extraction?', 'open today?'],
        urgent: 1,
        total: 2,
      })
      await ingest(
        db,
        [
          {
            ...comment(channel.id, 'a', '2026-11-26T21:00:00Z', 'urgent, open today?'),
            editedAt: '2026-11-26T22:30:00Z',
          },
        ],
        options,
      )
      expect(await page()).toEqual({
        texts: ['urgent, open today?', 'urgent: swelling after my extraction?'],
        urgent: 2,
        total: 2,
      })
      await ingest(
        db,
        [{ channelId: channel.id, externalId: 'b', deleted: true, deletedAt: now.toISOString() }],
        options,
      )
      expect(await page()).toEqual({ texts: ['urgent, open today?'], urgent: 1, total: 1 })
      const drift = await sql<{ n: string }>`
        select count(*) as n from response_links rl
        left join mentions m on m.organisation_id = rl.organisation_id and m.id = rl.inbound_id
        where rl.organisation_id = ${org.id}
          and (rl.mention_urgent, rl.mention_hidden, rl.mention_privacy) is distinct from
              (coalesce(m.urgent, false), coalesce(m.deleted_at is not null or m.is_tombstone, true),
               coalesce(m.privacy, false))`.execute(db)
      expect(Number(drift.rows[0]!.n)).toBe(0)
    })

    // Two connections: PostgreSQL only (PGlite has one).
    it.skipIf(database.name !== 'postgres')(
      'keeps the flags exact when a link is written while another transaction changes its mention',
      async () => {
        const org = world.organisationId
        const link = await db
          .selectFrom('response_links')
          .selectAll()
          .where('organisation_id', '=', org)
          .where('inbound_id', '=', 'm7')
          .executeTakeFirstOrThrow()
        const dropLink = () =>
          db
            .deleteFrom('response_links')
            .where('organisation_id', '=', org)
            .where('inbound_id', '=', 'm7')
            .execute()
        const insertLink = (x: Kysely<Database>) =>
          x.insertInto('response_links').values(writable(link)).execute()
        const markUrgent = (x: Kysely<Database>, urgent: boolean) =>
          x
            .updateTable('mentions')
            .set({ urgent })
            .where('organisation_id', '=', org)
            .where('id', '=', 'm7')
            .execute()
        /** Runs `first` in a transaction held open until `second` (another connection) waits on it. */
        const race = async (
          first: (tx: Kysely<Database>) => Promise<unknown>,
          second: () => Promise<unknown>,
        ) => {
          let release!: () => void
          const held = new Promise<void>((r) => {
            release = r
          })
          let started!: () => void
          const begun = new Promise<void>((r) => {
            started = r
          })
          let pid = 0
          const t1 = db.transaction().execute(async (tx) => {
            pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(tx)).rows[0]!
              .pid
            await first(tx)
            started()
            await held
          })
          await begun
          let done = false
          const t2 = second().finally(() => {
            done = true
          })
          // Until the second statement waits for the first transaction (or, were it not to
          // wait, has finished).
          for (;;) {
            const { rows } = await sql<{ n: string }>`select count(*) as n from pg_stat_activity
              where ${pid} = any(pg_blocking_pids(pid))`.execute(db)
            if (Number(rows[0]!.n) > 0 || done) break
            await new Promise((r) => setTimeout(r, 20))
          }
          release()
          await Promise.all([t1, t2])
        }
        const pinned = async () => (await inbox()).ids[1] === 'm7'

        // The mention changes first; the link is written before that commits.
        await dropLink()
        await race(
          (tx) => markUrgent(tx, true),
          () => insertLink(db),
        )
        expect(await pinned()).toBe(true)
        await markUrgent(db, false)
        expect(await pinned()).toBe(false)

        // The link is written first; the mention changes before that commits.
        await dropLink()
        await race(
          (tx) => insertLink(tx),
          () => markUrgent(db, true),
        )
        expect(await pinned()).toBe(true)
        await markUrgent(db, false)
        expect((await inbox()).ids).toEqual(['r2', 'm8', 'm7', 'n1', 'm5'])
      },
    )

    it('counts exactly what joining every open link to its mention counts, on random data', async () => {
      const item = fc.record({
        channel: fc.integer({ min: 0, max: 3 }),
        urgent: fc.boolean(),
        deleted: fc.boolean(),
        tombstone: fc.boolean(),
        privacy: fc.boolean(),
        category: fc.constantFrom('question', 'complaint', 'review'),
        // The link: open, answered or exempt, and when it is due relative to now.
        state: fc.constantFrom('open', 'open', 'open', 'met', 'exempt', 'no_reply'),
        dueH: fc.option(fc.integer({ min: -48, max: 48 }), { nil: null }),
        riskH: fc.option(fc.integer({ min: -48, max: 48 }), { nil: null }),
        assigned: fc.boolean(),
      })
      // Changes made after the links exist: flags flipped, mentions removed or put back.
      const change = fc.record({
        of: fc.nat(),
        what: fc.constantFrom('urgent', 'privacy', 'deleted', 'tombstone', 'remove', 'restore'),
      })
      await fc.assert(
        fc.asyncProperty(
          fc.array(item, { minLength: 1, maxLength: 25 }),
          fc.array(change, { maxLength: 10 }),
          async (items, changes) => {
            const { org, practices, channels } = await freshTwoPracticeScope(db)
            const id = (i: number) => `${org}-m${i}`
            const mentions = items.map((it, i) => ({
              organisation_id: org,
              practice_id: channels[it.channel]!.slice(0, -3),
              channel_id: channels[it.channel]!,
              id: id(i),
              platform: 'facebook' as const,
              external_id: id(i),
              kind: 'comment' as const,
              direction: 'inbound' as const,
              thread_key: id(i),
              text: `question ${i}`,
              created_at: new Date(NOW.getTime() - (i + 1) * H),
              content_hash: id(i),
              urgent: it.urgent,
              privacy: it.privacy,
              category: it.category,
              deleted_at: it.deleted ? NOW : null,
              is_tombstone: it.tombstone,
              updated_at: NOW,
            }))
            await db.insertInto('mentions').values(mentions).execute()
            await db
              .insertInto('response_links')
              .values(
                items.map((it, i) => ({
                  organisation_id: org,
                  practice_id: mentions[i]!.practice_id,
                  channel_id: mentions[i]!.channel_id,
                  inbound_id: id(i),
                  needs_reply: it.state !== 'no_reply',
                  exempt_reason: it.state === 'exempt' ? 'person' : null,
                  outcome: it.state === 'met' ? ('met' as const) : null,
                  category: it.category,
                  due_at: it.dueH === null ? null : new Date(NOW.getTime() + it.dueH * H),
                  at_risk_at: it.riskH === null ? null : new Date(NOW.getTime() + it.riskH * H),
                  explanation: '{}',
                  evaluated_at: NOW,
                })),
              )
              .execute()
            const assigned = items.flatMap((it, i) => (it.assigned ? [i] : []))
            if (assigned.length)
              await db
                .insertInto('inbox_assignments')
                .values(
                  assigned.map((i) => ({
                    organisation_id: org,
                    mention_id: id(i),
                    practice_id: mentions[i]!.practice_id,
                    user_id: 'u-1',
                    assigned_by: null,
                    assigned_at: NOW,
                  })),
                )
                .execute()
            for (const c of changes) {
              const i = c.of % items.length
              const m = mentions[i]!
              if (c.what === 'remove' || c.what === 'restore') {
                await db
                  .deleteFrom('mentions')
                  .where('organisation_id', '=', org)
                  .where('id', '=', m.id)
                  .execute()
                if (c.what === 'restore') await db.insertInto('mentions').values(m).execute()
                continue
              }
              const column =
                c.what === 'urgent' || c.what === 'privacy'
                  ? c.what
                  : c.what === 'deleted'
                    ? 'deleted_at'
                    : 'is_tombstone'
              if (column === 'deleted_at')
                await sql`update mentions set deleted_at = case when deleted_at is null then ${NOW.toISOString()}::timestamptz end
                  where organisation_id = ${org} and id = ${m.id}`.execute(db)
              else
                await sql`update mentions set ${sql.ref(column)} = not ${sql.ref(column)}
                  where organisation_id = ${org} and id = ${m.id}`.execute(db)
            }
            const filters: Omit<InboxFilters, 'organisationId'>[] = [
              {},
              { practiceIds: [practices[0]!] },
              { practiceIds: practices },
              { urgent: true },
              { urgent: false, practiceIds: [practices[1]!] },
              { channelIds: [channels[1]!] },
              { categories: ['complaint', 'review'] },
              { privacy: true },
              { assignee: 'unassigned' },
              { assignee: { userId: 'u-1' } },
              { status: ['breached'] },
              { status: ['pending', 'at_risk'], urgent: true },
            ]
            for (const f of filters) {
              const expected = await oldInbox(db, org, f)
              // A text filter takes the count through the mention join; every text matches it.
              for (const q of [undefined, 'question']) {
                const page = await listInbox(db, {
                  organisationId: org,
                  now: NOW,
                  limit: 500,
                  ...f,
                  ...(q ? { q } : {}),
                })
                expect(page.totals).toEqual(expected.totals)
                expect(page.items.map((x) => x.mentionId).sort()).toEqual(expected.items)
              }
            }
            // The carried flags equal the mention's (hidden when there is none).
            const drift = await sql<{ n: string }>`
              select count(*) as n from response_links rl
              left join mentions m on m.organisation_id = rl.organisation_id and m.id = rl.inbound_id
              where rl.organisation_id = ${org}
                and (rl.mention_urgent, rl.mention_hidden, rl.mention_privacy) is distinct from
                    (coalesce(m.urgent, false), coalesce(m.deleted_at is not null or m.is_tombstone, true),
                     coalesce(m.privacy, false))`.execute(db)
            expect(Number(drift.rows[0]!.n)).toBe(0)
          },
        ),
        { numRuns: database.name === 'pglite' ? 12 : 25 },
      )
    })
  })
}

/** A selected row ready to insert again: json columns as text. */
function writable(row: Record<string, unknown>): never {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [
      k,
      v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v,
    ]),
  ) as never
}

/**
 * The inbox's items and totals as computed before the flags were carried: every open link
 * joined to its mention (and its channel and practice) for the deleted, tombstone and urgent
 * tests, the status from {@link slaStatusSql}.
 */
async function oldInbox(
  db: Kysely<Database>,
  org: string,
  f: Omit<InboxFilters, 'organisationId'>,
): Promise<{ totals: InboxTotals; items: string[] }> {
  const status = slaStatusSql(NOW, 'rl')
  const c = [
    sql`rl.organisation_id = ${org}`,
    sql`rl.outcome is null and rl.exempt_reason is null and rl.needs_reply`,
    sql`m.deleted_at is null and not m.is_tombstone`,
  ]
  if (f.practiceIds) c.push(sql`rl.practice_id in (${sql.join(f.practiceIds)})`)
  if (f.channelIds?.length) c.push(sql`m.channel_id in (${sql.join(f.channelIds)})`)
  if (f.categories?.length) c.push(sql`m.category in (${sql.join(f.categories)})`)
  if (f.urgent !== undefined) c.push(sql`m.urgent = ${f.urgent}`)
  if (f.privacy !== undefined) c.push(sql`m.privacy = ${f.privacy}`)
  if (f.assignee === 'unassigned') c.push(sql`ia.user_id is null`)
  else if (f.assignee) c.push(sql`ia.user_id = ${f.assignee.userId}`)
  const from = sql`from response_links rl
    join mentions m on m.organisation_id = rl.organisation_id and m.id = rl.inbound_id
    join channels ch on ch.organisation_id = m.organisation_id and ch.id = m.channel_id
    join practices p on p.organisation_id = m.organisation_id and p.id = m.practice_id
    left join inbox_assignments ia on ia.organisation_id = rl.organisation_id and ia.mention_id = rl.inbound_id
    where ${sql.join(c, sql` and `)}`
  const grouped = await sql<{ status: string; n: string; urgent: string }>`
    select ${status} as status, count(*) as n, count(*) filter (where m.urgent) as urgent
    ${from} group by 1`.execute(db)
  const byStatus = { pending: 0, at_risk: 0, breached: 0 }
  let total = 0
  let urgent = 0
  const wanted = f.status?.length ? new Set<string>(f.status) : undefined
  for (const r of grouped.rows) {
    byStatus[r.status as keyof typeof byStatus] = Number(r.n)
    if (!wanted || wanted.has(r.status)) {
      total += Number(r.n)
      urgent += Number(r.urgent)
    }
  }
  const statusFilter = wanted ? sql` and ${status} in (${sql.join([...wanted])})` : sql``
  const ids = await sql<{ id: string }>`select rl.inbound_id as id ${from}${statusFilter}
    order by 1`.execute(db)
  return { totals: { total, byStatus, urgent }, items: ids.rows.map((r) => r.id).sort() }
}
