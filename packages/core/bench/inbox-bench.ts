/**
 * @module Benchmark of the inbox at volume: seeds 10,000+ open mentions (bulk SQL) in one
 * practice beside a history of answered ones (EARSHOT_BENCH_HISTORY, default 100,000, so the
 * open ones are a minority of the table as in real use), then times the first page in the
 * default order with true totals, the first page alone, a deep page (the tenth, reached through
 * cursors) and the count alone, and prints EXPLAIN (ANALYZE, BUFFERS) of the first page's
 * segment queries and of the count.
 *
 * Run: cd packages/core && node --conditions=@earshot/source --import tsx bench/inbox-bench.ts
 * Uses EARSHOT_BENCH_DATABASE_URL or EARSHOT_TEST_DATABASE_URL when set, else in-memory PGlite.
 * Prints `METRIC inbox.first_page_ms <median>` (with totals), `METRIC inbox.page_ms <median>`
 * (without), `METRIC inbox.deep_page_ms <median>` and `METRIC inbox.count_ms <median>`; as
 * same-run references `inbox.join_count_ms` (the count joining every open link to its mention,
 * as the inbox did before it carried the mention's flags on the link) and `inbox.totals_agree`
 * (1 when both counts are equal); and the cost of keeping the flags at write time:
 * `inbox.link_insert_ms` for 10,000 link inserts with the flags trigger and
 * `inbox.link_insert_reference_ms` for the same without it (rolled back); and first pages with a
 * filter (`inbox.filtered_urgent_ms`, `…_privacy_ms`, `…_no_match_ms`).
 *
 * Filters carried on the link (migration 2026-12-05-0400): a second channel with 200 open items,
 * 100 items recategorised `review`, every 20th item assigned to one user; for each of the
 * channel, category, assignee and text filters (matching few, many or none) it prints
 * `METRIC inbox.filter_<name>_first_ms` (first page of 50 with true totals) and
 * `…_later_ms` (the fourth page, reached through cursors, with totals — as the dashboard asks),
 * `…_join_count_ms` (the same totals joining every open link to its mention and assignment, the
 * computation before the columns were carried), `inbox.filters_agree` (1 when every filtered
 * count equals that join's and every page sequence walked to its end has `total` items), and the
 * plans of the first page's largest segment and of the count for each filter
 * (EARSHOT_BENCH_EXPLAIN=0 to skip them).
 */
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { sql } from 'kysely'
import {
  countInbox,
  countInboxSql,
  type InboxFilters,
  type InboxTotals,
  inboxPageSql,
  inboxTextPageSql,
  listInbox,
} from '../src/metrics/list-inbox.js'
import { slaStatusSql } from '../src/metrics/sla-status.js'
import { openDatabase } from '../src/storage/open-database.js'
import { withoutStatementLimit } from '../src/storage/without-statement-limit.js'
import { bulkOpenInbox } from '../test/bulk-inbox.js'

const OPEN = Number(process.env.EARSHOT_BENCH_INBOX ?? 10_210)
const RUNS = Number(process.env.EARSHOT_BENCH_RUNS ?? 7)
const HISTORY = Number(process.env.EARSHOT_BENCH_HISTORY ?? 100_000)
/** Open items in a second channel, for a channel filter that matches few. */
const SMALL_CHANNEL = 200
const NOW = new Date('2026-11-10T00:00:00Z')
/** Thrown to roll a measuring transaction back. */
class RolledBack extends Error {}

const url = process.env.EARSHOT_BENCH_DATABASE_URL ?? process.env.EARSHOT_TEST_DATABASE_URL
const { db, kind, close } = await openDatabase(url ? { url } : {})
const org = `bench-${randomUUID()}`

async function median(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now()
    await run()
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]!
}

try {
  await db.insertInto('organisations').values({ id: org, name: 'Inbox bench' }).execute()
  const practice = `p-${randomUUID()}`
  await db
    .insertInto('practices')
    .values({
      organisation_id: org,
      id: practice,
      name: 'Bench Dental',
      slug: `bench-${practice.slice(-6)}`,
      time_zone: 'UTC',
      holiday_region: null,
    })
    .execute()
  const channel = `c-${randomUUID()}`
  await db
    .insertInto('channels')
    .values({
      organisation_id: org,
      practice_id: practice,
      id: channel,
      platform: 'facebook',
      external_account_id: `acct-${channel}`,
      name: 'Bench on Facebook',
      own_identities: '[]',
      config: '{}',
    })
    .execute()
  const channel2 = `c-${randomUUID()}`
  await db
    .insertInto('channels')
    .values({
      organisation_id: org,
      practice_id: practice,
      id: channel2,
      platform: 'google',
      external_account_id: `acct-${channel2}`,
      name: 'Bench on Google',
      own_identities: '[]',
      config: '{}',
    })
    .execute()
  const seedStart = performance.now()
  await bulkOpenInbox(db, NOW, org, practice, channel, 'b', OPEN)
  await bulkOpenInbox(db, NOW, org, practice, channel2, 'c', SMALL_CHANNEL)
  // Through the triggers that keep the carried columns (as the dashboard and a reclassification write).
  await sql`update mentions set category = 'review' where organisation_id = ${org}
    and id in (select 'b' || lpad((i * 97)::text, 6, '0') from generate_series(1, 100) i)`.execute(
    db,
  )
  await sql`insert into inbox_assignments (organisation_id, mention_id, practice_id, user_id, assigned_at)
    select ${org}, 'b' || lpad(i::text, 6, '0'), ${practice}, 'u-bench', ${NOW.toISOString()}::timestamptz
    from generate_series(20, ${OPEN}, 20) i`.execute(db)
  await answeredHistory(org, practice, channel, HISTORY)
  await sql`analyze`.execute(db)
  console.log(
    `# ${kind}: seeded ${OPEN} open and ${HISTORY} answered mentions in ${Math.round(performance.now() - seedStart)} ms`,
  )

  const query = { organisationId: org, practiceIds: [practice], now: NOW, limit: 50 }
  const first = await listInbox(db, query)
  if (first.totals?.total !== OPEN + SMALL_CHANNEL)
    throw new Error(`total ${first.totals?.total} ≠ ${OPEN + SMALL_CHANNEL}`)
  let cursor = first.nextCursor!
  for (let i = 1; i < 9; i++) cursor = (await listInbox(db, { ...query, cursor })).nextCursor!

  console.log(`METRIC inbox.first_page_ms ${(await median(() => listInbox(db, query))).toFixed(1)}`)
  console.log(
    `METRIC inbox.page_ms ${(await median(() => listInbox(db, { ...query, withTotals: false }))).toFixed(1)}`,
  )
  console.log(
    `METRIC inbox.deep_page_ms ${(await median(() => listInbox(db, { ...query, cursor, withTotals: false }))).toFixed(1)}`,
  )
  console.log(
    `METRIC inbox.count_ms ${(await median(() => countInbox(db, query, NOW))).toFixed(1)}`,
  )

  // Filtered first pages (with totals): on the link (urgent), on the mention (privacy, every 7th),
  // and one that matches nothing (an assignee with no items: every open link is read).
  for (const [name, f] of [
    ['urgent', { urgent: true }],
    ['privacy', { privacy: true }],
    ['no_match', { assignee: { userId: 'nobody' } }],
  ] as const)
    console.log(
      `METRIC inbox.filtered_${name}_ms ${(await median(() => listInbox(db, { ...query, ...f }))).toFixed(1)}`,
    )

  // Filters carried on the link: first page and a later page (both with totals), the
  // straightforward join count as the same-run reference, and agreement of the figures.
  const filterCases: [string, Partial<InboxFilters>][] = [
    ['channel_small', { channelIds: [channel2] }],
    ['channel_large', { channelIds: [channel] }],
    ['channel_both', { channelIds: [channel, channel2] }],
    ['category_rare', { categories: ['review'] }],
    ['category_half', { categories: ['complaint'] }],
    ['assignee_mine', { assignee: { userId: 'u-bench' } }],
    ['assignee_none', { assignee: { userId: 'nobody' } }],
    ['unassigned', { assignee: 'unassigned' }],
    ['combined', { channelIds: [channel], categories: ['review'], assignee: 'unassigned' }],
    ['text_rare', { q: 'question 123' }],
    ['text_none', { q: 'zzz' }],
    ['text_common', { q: 'question' }],
  ]
  let agree = 1
  for (const [name, f] of filterCases) {
    const fq = { ...query, ...f }
    const head = await listInbox(db, fq)
    let later: string | null = head.nextCursor
    for (let i = 1; i < 3 && later; i++)
      later = (await listInbox(db, { ...fq, cursor: later, withTotals: false })).nextCursor
    console.log(
      `METRIC inbox.filter_${name}_first_ms ${(await median(() => listInbox(db, fq))).toFixed(1)}`,
    )
    if (later)
      console.log(
        `METRIC inbox.filter_${name}_later_ms ${(await median(() => listInbox(db, { ...fq, cursor: later! }))).toFixed(1)}`,
      )
    console.log(
      `METRIC inbox.filter_${name}_join_count_ms ${(await median(() => joinCount(org, practice, f))).toFixed(1)}`,
    )
    const [ours, theirs] = [await countInbox(db, fq, NOW), await joinCount(org, practice, f)]
    let walked = head.items.length
    for (let c = head.nextCursor; c; ) {
      const page = await listInbox(db, { ...fq, cursor: c, withTotals: false, limit: 500 })
      walked += page.items.length
      c = page.nextCursor
    }
    if (JSON.stringify(ours) !== JSON.stringify(theirs) || walked !== ours.total) {
      agree = 0
      console.log(
        `# ${name}: ${JSON.stringify(ours)} ≠ ${JSON.stringify(theirs)} or walked ${walked}`,
      )
    } else console.log(`# ${name}: total ${ours.total}`)
    if (process.env.EARSHOT_BENCH_EXPLAIN !== '0') {
      if (f.q) {
        const text = inboxTextPageSql(db, fq)
        console.log(`# ${name}: the text statement of the first page`)
        await explain(text.sql, text.parameters)
        continue
      }
      const segments = inboxPageSql(db, fq)
      console.log(`# ${name}: segment 2 of the first page`)
      await explain(segments[2]!.sql, segments[2]!.parameters)
      const counted = countInboxSql(db, fq, NOW)
      console.log(`# ${name}: count`)
      await explain(counted.sql, counted.parameters)
    }
  }
  console.log(`METRIC inbox.filters_agree ${agree}`)

  // Same-run reference: the count as it was computed before the flags were on the link.
  const joined = () => joinCount(org, practice)
  console.log(`METRIC inbox.join_count_ms ${(await median(joined)).toFixed(1)}`)
  const [ours, theirs] = [await countInbox(db, query, NOW), await joined()]
  console.log(
    `METRIC inbox.totals_agree ${JSON.stringify(ours) === JSON.stringify(theirs) ? 1 : 0}`,
  )
  // Interleaved, median of three each (the machine's load moves between runs).
  const withFlags: number[] = []
  const without: number[] = []
  for (let i = 0; i < 3; i++) {
    withFlags.push(await linkInsertMs(org, true))
    without.push(await linkInsertMs(org, false))
  }
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[1]!
  console.log(`METRIC inbox.link_insert_ms ${mid(withFlags).toFixed(1)}`)
  console.log(`METRIC inbox.link_insert_reference_ms ${mid(without).toFixed(1)}`)

  // The plans, for docs/performance.md: each segment of the first page, then the count.
  for (const [n, compiled] of inboxPageSql(db, query).entries()) {
    console.log(`# segment ${n}`)
    await explain(compiled.sql, compiled.parameters)
  }
  console.log('# count')
  const counted = countInboxSql(db, query, NOW)
  await explain(counted.sql, counted.parameters)
  // Once (auto)vacuum has set the visibility map, the count needs no heap page either.
  await sql`vacuum response_links`.execute(db)
  console.log('# count after vacuum response_links')
  await explain(counted.sql, counted.parameters)
  console.log(
    `METRIC inbox.count_vacuumed_ms ${(await median(() => countInbox(db, query, NOW))).toFixed(1)}`,
  )
} finally {
  // Bulk rows out with triggers off too (the link trigger is quadratic); rollups by hand.
  await withoutStatementLimit(db, async (tx) => {
    await sql`set local session_replication_role = replica`.execute(tx)
    for (const table of [
      'inbox_assignments',
      'response_links',
      'mentions',
      'mention_rollup_histograms',
      'mention_rollups',
      'channels',
      'practices',
    ] as const)
      await sql`delete from ${sql.table(table)} where organisation_id = ${org}`.execute(tx)
    await sql`delete from organisations where id = ${org}`.execute(tx)
  })
  await close()
}

async function explain(text: string, parameters: readonly unknown[]): Promise<void> {
  const bound = text.replace(/\$(\d+)/g, (_, n) => literal(parameters[Number(n) - 1]))
  const plan = await sql.raw(`explain (analyze, buffers) ${bound}`).execute(db)
  for (const row of plan.rows as Record<string, string>[]) console.log(`# ${Object.values(row)[0]}`)
}

/** Answered inbound mentions (a reply linked, SLA met) spread over the last year. */
async function answeredHistory(org: string, practice: string, channel: string, count: number) {
  if (count <= 0) return
  await withoutStatementLimit(db, async (tx) => {
    // Triggers off for the bulk insert, as in bulkOpenInbox; no 30 s limit (1M rows).
    await sql`set local session_replication_role = replica`.execute(tx)
    await sql`
      insert into mentions (organisation_id, practice_id, channel_id, id, platform, external_id,
        kind, direction, thread_key, text, created_at, content_hash, urgent, privacy, category,
        needs_reply)
      select ${org}, ${practice}, ${channel}, 'h' || lpad(i::text, 7, '0'), 'facebook', 'h' || i,
        'comment', 'inbound', 'h' || i, 'answered ' || i,
        ${NOW.toISOString()}::timestamptz - interval '5 minutes' * i, 'hh' || i, i % 41 = 0,
        false, 'question', true
      from generate_series(1, ${count}) as i`.execute(tx)
    await sql`
      insert into response_links (organisation_id, practice_id, channel_id, inbound_id,
        needs_reply, category, clock_started_at, due_at, at_risk_at, responded_at, outcome,
        wall_ms, explanation, evaluated_at)
      select ${org}, ${practice}, ${channel}, 'h' || lpad(i::text, 7, '0'), true, 'question',
        ${NOW.toISOString()}::timestamptz - interval '5 minutes' * i,
        ${NOW.toISOString()}::timestamptz - interval '5 minutes' * i + interval '2 hours',
        ${NOW.toISOString()}::timestamptz - interval '5 minutes' * i + interval '90 minutes',
        ${NOW.toISOString()}::timestamptz - interval '5 minutes' * i + interval '1 hour', 'met',
        3600000, '{}'::jsonb, ${NOW.toISOString()}::timestamptz
      from generate_series(1, ${count}) as i`.execute(tx)
  })
}

/**
 * The inbox's totals joining every open link to its mention (the computation before 0100), and
 * to its assignment, with the filters on the mention's and the assignment's own columns.
 */
async function joinCount(
  org: string,
  practice: string,
  f: Partial<InboxFilters> = {},
): Promise<InboxTotals> {
  const extra = [sql`true`]
  if (f.channelIds?.length) extra.push(sql`m.channel_id in (${sql.join(f.channelIds)})`)
  if (f.categories?.length) extra.push(sql`m.category in (${sql.join(f.categories)})`)
  if (f.assignee === 'unassigned') extra.push(sql`ia.user_id is null`)
  else if (f.assignee) extra.push(sql`ia.user_id = ${f.assignee.userId}`)
  if (f.q) {
    const p = `%${f.q}%`
    extra.push(sql`(m.text ilike ${p} or m.author_name ilike ${p} or m.author_handle ilike ${p})`)
  }
  const { rows } = await sql<{ status: 'pending' | 'at_risk' | 'breached'; n: string; u: string }>`
    select ${slaStatusSql(NOW, 'rl')} as status, count(*) as n, count(*) filter (where m.urgent) as u
    from response_links rl
    join mentions m on m.organisation_id = rl.organisation_id and m.id = rl.inbound_id
    join channels c on c.organisation_id = m.organisation_id and c.id = m.channel_id
    join practices p on p.organisation_id = m.organisation_id and p.id = m.practice_id
    left join inbox_assignments ia on ia.organisation_id = rl.organisation_id and ia.mention_id = rl.inbound_id
    where rl.organisation_id = ${org} and rl.practice_id = ${practice}
      and rl.outcome is null and rl.exempt_reason is null and rl.needs_reply
      and m.deleted_at is null and not m.is_tombstone and ${sql.join(extra, sql` and `)}
    group by 1`.execute(db)
  const totals: InboxTotals = {
    total: 0,
    byStatus: { pending: 0, at_risk: 0, breached: 0 },
    urgent: 0,
  }
  for (const r of rows) {
    totals.byStatus[r.status] = Number(r.n)
    totals.total += Number(r.n)
    totals.urgent += Number(r.u)
  }
  return totals
}

/**
 * Milliseconds to re-insert 10,000 of the answered links (deleted first) in one statement, with
 * or without the row trigger that reads the mention's flags onto each new link; rolled back.
 */
async function linkInsertMs(org: string, withTrigger: boolean): Promise<number> {
  let ms = 0
  await db
    .transaction()
    .execute(async (tx) => {
      await sql`set local session_replication_role = replica`.execute(tx)
      if (!withTrigger)
        await sql`alter table response_links disable trigger response_links_inbox_flags`.execute(tx)
      await sql`create temp table bench_links on commit drop as
        select * from response_links where organisation_id = ${org} and outcome = 'met'
        order by inbound_id limit 10000`.execute(tx)
      await sql`delete from response_links rl using bench_links b
        where rl.organisation_id = b.organisation_id and rl.inbound_id = b.inbound_id`.execute(tx)
      const start = performance.now()
      await sql`insert into response_links select * from bench_links`.execute(tx)
      ms = performance.now() - start
      throw new RolledBack()
    })
    .catch((e: unknown) => {
      if (!(e instanceof RolledBack)) throw e
    })
  return ms
}

function literal(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  const text = v instanceof Date ? v.toISOString() : String(v)
  return `'${text.replace(/'/g, "''")}'`
}
