/**
 * The inbox's channel, category and assignee filters read the mention's channel and category and
 * the assignee as carried on the response link (migration 2026-12-05-0400), each served in order
 * by its own index. On random data, changed after the links exist with plain SQL (a mention
 * reclassified or moved, reassigned, unassigned, deleted and restored, a link re-inserted), every
 * filtered page sequence — walked through cursors in every order — and its totals equal the
 * straightforward computation: every open link joined to its mention and its assignment, sorted
 * in memory. And no carried column differs from its source.
 */
import fc from 'fast-check'
import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshTwoPracticeScope, testDatabases } from '../../test/databases.js'
import { NOW } from '../../test/metrics-world.js'
import type { Database } from '../storage/database.js'
import type { EarshotDatabase } from '../storage/open-database.js'
import {
  INBOX_ORDERS,
  type InboxFilters,
  type InboxOrder,
  type InboxTotals,
  listInbox,
} from './list-inbox.js'

const H = 3_600_000

interface Row {
  id: string
  urgent: boolean
  due: number | null
  risk: number | null
  created: number
}

for (const database of testDatabases()) {
  describe(`${database.name}: inbox filters carried on links`, () => {
    let handle: EarshotDatabase
    let db: Kysely<Database>

    beforeAll(async () => {
      handle = await database.open()
      db = handle.db
    })
    afterAll(async () => {
      await handle?.close()
    })

    it('pages and counts every filter exactly as the straightforward join does, on random data', async () => {
      const item = fc.record({
        channel: fc.integer({ min: 0, max: 3 }),
        urgent: fc.boolean(),
        deleted: fc.constantFrom(false, false, false, true),
        privacy: fc.boolean(),
        category: fc.constantFrom('question', 'complaint', 'review', null),
        author: fc.constantFrom('Ann', 'Bob', null),
        state: fc.constantFrom('open', 'open', 'open', 'open', 'met', 'exempt'),
        dueH: fc.option(fc.integer({ min: -6, max: 6 }), { nil: null }),
        riskH: fc.option(fc.integer({ min: -6, max: 6 }), { nil: null }),
        createdH: fc.integer({ min: 1, max: 6 }),
        assignee: fc.constantFrom(null, null, 'u-1', 'u-2'),
      })
      const change = fc.record({
        of: fc.nat(),
        what: fc.constantFrom(
          'category',
          'channel',
          'urgent',
          'delete-restore',
          'remove',
          'assign',
          'unassign',
          'reassign-update',
          'relink',
        ),
        to: fc.nat(),
      })
      await fc.assert(
        fc.asyncProperty(
          fc.array(item, { minLength: 1, maxLength: 30 }),
          fc.array(change, { maxLength: 10 }),
          async (items, changes) => {
            const { org, practices, channels } = await freshTwoPracticeScope(db)
            const id = (i: number) => `${org}-m${String(i).padStart(2, '0')}`
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
              author_name: it.author,
              created_at: new Date(NOW.getTime() - it.createdH * H),
              content_hash: id(i),
              urgent: it.urgent,
              privacy: it.privacy,
              category: it.category,
              deleted_at: it.deleted ? NOW : null,
              updated_at: NOW,
            }))
            await db.insertInto('mentions').values(mentions).execute()
            const assigned = items.flatMap((it, i) => (it.assignee ? [i] : []))
            // Some assignments exist before their links (the link trigger reads them).
            const early = assigned.filter((i) => i % 2 === 0)
            const assign = (is: number[]) =>
              is.length
                ? db
                    .insertInto('inbox_assignments')
                    .values(
                      is.map((i) => ({
                        organisation_id: org,
                        mention_id: id(i),
                        practice_id: mentions[i]!.practice_id,
                        user_id: items[i]!.assignee!,
                        assigned_by: null,
                        assigned_at: NOW,
                      })),
                    )
                    .execute()
                : Promise.resolve()
            await assign(early)
            await db
              .insertInto('response_links')
              .values(
                items.map((it, i) => ({
                  organisation_id: org,
                  practice_id: mentions[i]!.practice_id,
                  channel_id: mentions[i]!.channel_id,
                  inbound_id: id(i),
                  needs_reply: true,
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
            await assign(assigned.filter((i) => i % 2 === 1))

            const where = (i: number) => sql`organisation_id = ${org} and id = ${id(i)}`
            const whereA = (i: number) => sql`organisation_id = ${org} and mention_id = ${id(i)}`
            for (const c of changes) {
              const i = c.of % items.length
              const m = mentions[i]!
              switch (c.what) {
                case 'category':
                  await sql`update mentions set category = ${['question', 'complaint', null][c.to % 3]!}
                    where ${where(i)}`.execute(db)
                  break
                case 'channel': {
                  // To the other channel of the same practice.
                  const other = m.channel_id.endsWith('c1')
                    ? m.channel_id.replace(/c1$/, 'c2')
                    : m.channel_id.replace(/c2$/, 'c1')
                  await sql`update mentions set channel_id = ${other} where ${where(i)}`.execute(db)
                  break
                }
                case 'urgent':
                  await sql`update mentions set urgent = not urgent where ${where(i)}`.execute(db)
                  break
                case 'delete-restore': {
                  const row = await sql<
                    Record<string, unknown>
                  >`select * from mentions where ${where(i)}`.execute(db)
                  await sql`delete from mentions where ${where(i)}`.execute(db)
                  if (row.rows[0] && c.to % 2 === 0)
                    await db.insertInto('mentions').values(writable(row.rows[0])).execute()
                  break
                }
                case 'remove':
                  await sql`delete from inbox_assignments where ${whereA(i)}`.execute(db)
                  break
                case 'assign':
                case 'unassign': {
                  // As the dashboard does it: delete, then insert the new assignee (if any).
                  await sql`delete from inbox_assignments where ${whereA(i)}`.execute(db)
                  if (c.what === 'assign')
                    await sql`insert into inbox_assignments (organisation_id, mention_id, practice_id, user_id, assigned_at)
                      values (${org}, ${id(i)}, ${m.practice_id}, ${c.to % 2 ? 'u-1' : 'u-2'}, ${NOW.toISOString()}::timestamptz)`.execute(
                      db,
                    )
                  break
                }
                case 'reassign-update':
                  await sql`update inbox_assignments set user_id = case when user_id = 'u-1' then 'u-2' else 'u-1' end
                    where ${whereA(i)}`.execute(db)
                  break
                case 'relink': {
                  // The link deleted and written again (its mention and assignment already there).
                  const link = await sql<Record<string, unknown>>`select * from response_links
                    where organisation_id = ${org} and inbound_id = ${id(i)}`.execute(db)
                  await sql`delete from response_links where organisation_id = ${org} and inbound_id = ${id(i)}`.execute(
                    db,
                  )
                  const row = link.rows[0]
                  if (row)
                    await sql`insert into response_links select * from json_populate_record(null::response_links, ${JSON.stringify(
                      { ...row, mention_channel_id: 'stale', assignee_id: 'stale' },
                    )}::json)`.execute(db)
                  break
                }
              }
            }

            const filters: Omit<InboxFilters, 'organisationId'>[] = [
              {},
              { channelIds: [channels[0]!] },
              { channelIds: [channels[1]!, channels[2]!] },
              { channelIds: [channels[3]!], practiceIds: [practices[1]!] },
              { categories: ['complaint'] },
              { categories: ['question', 'review'], practiceIds: [practices[0]!] },
              { categories: ['review'], practiceIds: practices },
              { assignee: { userId: 'u-1' } },
              { assignee: { userId: 'u-2' }, practiceIds: [practices[0]!] },
              { assignee: 'unassigned' },
              { assignee: 'unassigned', practiceIds: practices, urgent: false },
              { channelIds: [channels[0]!], categories: ['question'], assignee: 'unassigned' },
              { categories: ['complaint'], status: ['breached'] },
              { assignee: { userId: 'u-1' }, status: ['pending', 'at_risk'], privacy: true },
              { q: '1' },
              { q: 'bob', categories: ['question'] },
              { q: 'zz' },
              { q: 'question', status: ['breached', 'pending'] },
              { q: 'ann', assignee: 'unassigned', practiceIds: [practices[0]!], urgent: true },
            ]
            for (const f of filters) {
              const expected = await straightforward(db, org, f)
              for (const order of INBOX_ORDERS) {
                const ids: string[] = []
                let cursor: string | undefined
                let totals: InboxTotals | undefined
                do {
                  const page = await listInbox(db, {
                    organisationId: org,
                    now: NOW,
                    limit: 2,
                    ...f,
                    ...(cursor ? { cursor } : { order }),
                    withTotals: cursor === undefined,
                  })
                  totals ??= page.totals
                  ids.push(...page.items.map((x) => x.mentionId))
                  for (const x of page.items)
                    expect(x.assigneeId).toBe(expected.assignee.get(x.mentionId) ?? null)
                  cursor = page.nextCursor ?? undefined
                  // A cursor that does not advance would repeat pages for ever.
                  expect(ids.length).toBeLessThanOrEqual(items.length)
                } while (cursor)
                expect(totals).toEqual(expected.totals)
                expect(ids).toEqual(sortRows(expected.rows, order))
              }
            }

            const drift = await sql<{ n: string }>`
              select count(*) as n from response_links rl
              left join mentions m on m.organisation_id = rl.organisation_id and m.id = rl.inbound_id
              left join inbox_assignments a on a.organisation_id = rl.organisation_id and a.mention_id = rl.inbound_id
              where rl.organisation_id = ${org}
                and (rl.mention_channel_id, rl.mention_category, rl.assignee_id) is distinct from
                    (m.channel_id, m.category, a.user_id)`.execute(db)
            expect(Number(drift.rows[0]!.n)).toBe(0)
          },
        ),
        { numRuns: database.name === 'pglite' ? 10 : 20 },
      )
    })
  })
}

/** The order's sequence, computed in memory from its definition (list-inbox.ts). */
function sortRows(rows: Row[], order: InboxOrder): string[] {
  const now = NOW.getTime()
  const byId = (a: Row, b: Row) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  const rank = (r: Row): number => {
    if (order === 'due') return r.due === null ? 1 : 0
    if (r.urgent) return r.due === null ? 1 : 0
    if (r.due === null) return 3
    return r.due > now ? 2 : 4
  }
  const sorted = [...rows].sort((a, b) => {
    if (order === 'newest' || order === 'oldest') {
      const d = order === 'newest' ? b.created - a.created : a.created - b.created
      return d !== 0 ? d : order === 'newest' ? -byId(a, b) : byId(a, b)
    }
    const ra = rank(a)
    const rb = rank(b)
    if (ra !== rb) return ra - rb
    if (order === 'saveable' && ra === 4) return b.due! - a.due! || -byId(a, b)
    if (a.due !== null && b.due !== null && a.due !== b.due) return a.due - b.due
    return byId(a, b)
  })
  return sorted.map((r) => r.id)
}

/**
 * Every open link joined to its mention, channel, practice and assignment, filtered on the
 * mention's and the assignment's own columns; status from the due and at-risk times in memory.
 */
async function straightforward(
  db: Kysely<Database>,
  org: string,
  f: Omit<InboxFilters, 'organisationId'>,
): Promise<{ totals: InboxTotals; rows: Row[]; assignee: Map<string, string> }> {
  const { rows } = await sql<{
    id: string
    urgent: boolean
    privacy: boolean
    channel_id: string
    category: string | null
    practice_id: string
    text: string
    author_name: string | null
    author_handle: string | null
    due_at: Date | string | null
    at_risk_at: Date | string | null
    created_at: Date | string
    user_id: string | null
  }>`
    select m.id, m.urgent, m.privacy, m.channel_id, m.category, rl.practice_id, m.text,
      m.author_name, m.author_handle, rl.due_at, rl.at_risk_at, m.created_at, a.user_id
    from response_links rl
    join mentions m on m.organisation_id = rl.organisation_id and m.id = rl.inbound_id
    join channels ch on ch.organisation_id = m.organisation_id and ch.id = m.channel_id
    join practices p on p.organisation_id = m.organisation_id and p.id = m.practice_id
    left join inbox_assignments a on a.organisation_id = rl.organisation_id and a.mention_id = rl.inbound_id
    where rl.organisation_id = ${org} and rl.outcome is null and rl.exempt_reason is null
      and rl.needs_reply and m.deleted_at is null and not m.is_tombstone`.execute(db)
  const now = NOW.getTime()
  const t = (v: Date | string | null) => (v === null ? null : new Date(v).getTime())
  const status = (r: (typeof rows)[number]) => {
    const due = t(r.due_at)
    const risk = t(r.at_risk_at)
    return due !== null && now >= due
      ? 'breached'
      : risk !== null && now >= risk
        ? 'at_risk'
        : 'pending'
  }
  const q = f.q?.trim().toLowerCase()
  const matching = rows.filter(
    (r) =>
      (f.practiceIds === undefined || f.practiceIds.includes(r.practice_id)) &&
      (!f.channelIds?.length || f.channelIds.includes(r.channel_id)) &&
      (!f.categories?.length || (r.category !== null && f.categories.includes(r.category))) &&
      (f.urgent === undefined || r.urgent === f.urgent) &&
      (f.privacy === undefined || r.privacy === f.privacy) &&
      (f.assignee === undefined ||
        (f.assignee === 'unassigned' ? r.user_id === null : r.user_id === f.assignee.userId)) &&
      (!q || [r.text, r.author_name, r.author_handle].some((s) => s?.toLowerCase().includes(q))),
  )
  const byStatus = { pending: 0, at_risk: 0, breached: 0 }
  for (const r of matching) byStatus[status(r)]++
  const listed = matching.filter((r) => !f.status?.length || f.status.includes(status(r)))
  return {
    totals: { total: listed.length, byStatus, urgent: listed.filter((r) => r.urgent).length },
    rows: listed.map((r) => ({
      id: r.id,
      urgent: r.urgent,
      due: t(r.due_at),
      risk: t(r.at_risk_at),
      created: t(r.created_at)!,
    })),
    assignee: new Map(rows.flatMap((r) => (r.user_id ? [[r.id, r.user_id] as const] : []))),
  }
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
