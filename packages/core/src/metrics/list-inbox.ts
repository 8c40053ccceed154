/**
 * @module The inbox: inbound mentions that still need a reply, in the order that answers "what
 * can still be saved" (or another order on request), filtered, keyset-paginated with true totals
 * and no cap. A page sequence is read "as of" one instant carried in the cursor, so statuses (and
 * with them the default order) cannot shift under a reader paging through 10,000 items.
 */
import { type Expression, type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely'
import { z } from 'zod'
import { EarshotError } from '../errors.js'
import type { Database } from '../storage/database.js'
import { mentionSummarySelection } from './mention-summary.js'
import {
  assertDate,
  escapeLike,
  exactTimestampText,
  inList,
  pageSize,
  timestampParam,
} from './query-helpers.js'
import type { MentionSummary } from './search-mentions.js'
import { OPEN_STATUSES, slaStatusSql } from './sla-status.js'

/** An open SLA status: the inbox lists nothing else. */
export type InboxStatus = (typeof OPEN_STATUSES)[number]

/**
 * - `saveable` (default): urgent pinned on top (by due time), then at risk and pending by due
 *   time (no due time last), then breached, most recently breached first.
 * Ties on the due or posting time go by mention id in the same direction.
 * - `due`: by due time, earliest first (no due time last).
 * - `newest` / `oldest`: by when the mention was posted.
 */
export const INBOX_ORDERS = ['saveable', 'due', 'newest', 'oldest'] as const
export type InboxOrder = (typeof INBOX_ORDERS)[number]

export interface InboxFilters {
  organisationId: string
  /** Restrict to these practices (an empty list matches none). */
  practiceIds?: readonly string[]
  /** Channels (empty or absent: all). */
  channelIds?: readonly string[]
  /** Open statuses (empty or absent: all three). */
  status?: readonly InboxStatus[]
  /** Triage categories (empty or absent: all). */
  categories?: readonly string[]
  /** Only urgent (true) or only non-urgent (false) mentions. */
  urgent?: boolean
  /** Only mentions with (true) or without (false) the privacy flag. */
  privacy?: boolean
  /** `unassigned`, or the id of the staff member they are assigned to ("mine" is the caller's id). */
  assignee?: { userId: string } | 'unassigned'
  /** Case-insensitive substring of the text or the author's name or handle (matched literally). */
  q?: string
}

export interface InboxQuery extends InboxFilters {
  order?: InboxOrder
  /**
   * The instant statuses and countdowns are computed at (default: now). Ignored when a cursor is
   * given: the cursor carries the as-of time of its first page.
   */
  now?: Date
  /** Page size (default 50, at most 500 per page; every item is reachable through cursors). */
  limit?: number
  /** `nextCursor` of the previous page. */
  cursor?: string
  /** Skip the count query (a caller that already has the totals of this page sequence). */
  withTotals?: boolean
}

/** One open inbound mention: a mention as every list shows it, with its countdown. */
export interface InboxItem extends MentionSummary {
  /** The same as `id` (kept for callers written before the inbox shared the list shape). */
  mentionId: string
  status: InboxStatus
  atRiskAt: Date | null
  /** Seconds from the as-of time to the due time; negative once overdue; `null` without a due time. */
  secondsUntilDue: number | null
  /** The patient disclosed health details in public: the reply should take it private. */
  privacy: boolean
  /** The staff member it is assigned to, or null. */
  assigneeId: string | null
}

/** True counts of the filtered inbox (every filter but `status` for the per-status figures). */
export interface InboxTotals {
  /** Items matching every filter, status included: the length of the whole page sequence. */
  total: number
  byStatus: Record<InboxStatus, number>
  /** Urgent items among `total`. */
  urgent: number
}

export interface InboxPage {
  items: InboxItem[]
  /** Pass as `cursor` for the next page; `null` on the last page. */
  nextCursor: string | null
  /** The instant this page sequence is evaluated at. */
  asOf: Date
  order: InboxOrder
  /** Omitted when `withTotals` is false. */
  totals?: InboxTotals
}

const cursorSchema = z.object({
  v: z.literal(2),
  order: z.enum(INBOX_ORDERS),
  asOf: z.iso.datetime(),
  /** The segment of the order the last item was in. */
  seg: z.number().int().min(0).max(8),
  /** Its sort keys in that segment: an exact timestamp text then the id, or the id alone. */
  keys: z.array(z.string().max(200)).min(1).max(2),
})

function encodeInboxCursor(order: InboxOrder, asOf: Date, seg: number, keys: string[]): string {
  return Buffer.from(
    JSON.stringify({ v: 2, order, asOf: asOf.toISOString(), seg, keys }),
    'utf8',
  ).toString('base64url')
}

function decodeInboxCursor(cursor: string): z.infer<typeof cursorSchema> {
  let raw: unknown
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw new EarshotError('INVALID_INPUT', 'invalid cursor')
  }
  const parsed = cursorSchema.safeParse(raw)
  if (!parsed.success) throw new EarshotError('INVALID_INPUT', 'invalid cursor')
  return parsed.data
}

/**
 * One run of an order that an index can read in sequence: its own condition, its keys (a
 * timestamp column then the id, or the id alone) and direction. An order is its segments one
 * after the other, so no sort key depends on the as-of instant and a page reads at most
 * `limit + 1` index entries per segment instead of sorting every open item
 * (docs/performance.md § Inbox).
 */
interface Segment {
  where: RawBuilder<SqlBool>
  time?: 'rl.due_at' | 'm.created_at'
  id: 'rl.inbound_id'
  desc: boolean
}

/** The segments of an order at `asOf`, in order. */
function orderSegments(order: InboxOrder, asOf: Date): Segment[] {
  const at = timestampParam(asOf)
  const id = 'rl.inbound_id' as const
  const dated = (where: RawBuilder<SqlBool>, desc = false): Segment => ({
    where,
    time: 'rl.due_at',
    id,
    desc,
  })
  const undated = (where: RawBuilder<SqlBool>): Segment => ({ where, id, desc: false })
  switch (order) {
    case 'saveable':
      return [
        // Urgent pinned on top by due time (no due time last), whatever their status.
        // (The mention's flag as carried on its link: the urgent segment is a range of its own
        // small index instead of a mention probe per open link.)
        dated(sql<SqlBool>`rl.mention_urgent and rl.due_at is not null`),
        undated(sql<SqlBool>`rl.mention_urgent and rl.due_at is null`),
        // Still saveable (pending, at risk): by due time, no due time last.
        dated(sql<SqlBool>`not rl.mention_urgent and rl.due_at > ${at}`),
        undated(sql<SqlBool>`not rl.mention_urgent and rl.due_at is null`),
        // Breached: most recently breached first.
        dated(sql<SqlBool>`not rl.mention_urgent and rl.due_at <= ${at}`, true),
      ]
    case 'due':
      return [dated(sql<SqlBool>`rl.due_at is not null`), undated(sql<SqlBool>`rl.due_at is null`)]
    case 'newest':
      return [{ where: sql<SqlBool>`true`, time: 'm.created_at', id, desc: true }]
    case 'oldest':
      return [{ where: sql<SqlBool>`true`, time: 'm.created_at', id, desc: false }]
  }
}

/** The text filter on the mention `m`, or undefined without one. */
function textCondition(query: InboxFilters): RawBuilder<SqlBool> | undefined {
  const q = query.q?.trim()
  if (!q) return undefined
  const pattern = `%${escapeLike(q)}%`
  return sql<SqlBool>`(m.text ilike ${pattern} escape '\\' or m.author_name ilike ${pattern} escape '\\' or m.author_handle ilike ${pattern} escape '\\')`
}

/** The filter conditions, without or with the status filter (and the text filter unless told). */
function filterConditions(
  query: InboxFilters,
  asOf: Date,
  withStatus: boolean,
  withText = true,
): Expression<SqlBool>[] {
  const status = slaStatusSql(asOf, 'rl')
  const c: RawBuilder<SqlBool>[] = [
    sql<SqlBool>`rl.organisation_id = ${query.organisationId}`,
    // Open: the status is pending, at risk or breached. Spelled out on the columns (not as a
    // test of the status expression) so the partial "open" indexes apply and the planner
    // estimates the row count instead of guessing a fraction of it.
    sql<SqlBool>`rl.outcome is null`,
    sql<SqlBool>`rl.exempt_reason is null`,
    sql<SqlBool>`rl.needs_reply`,
    // Not deleted by its author, not a tombstone, and the mention exists: the mention's state as
    // carried on its link, kept exact by triggers (migration 2026-12-04-0100).
    sql<SqlBool>`not rl.mention_hidden`,
  ]
  if (query.practiceIds !== undefined) c.push(inList('rl.practice_id', query.practiceIds))
  // The mention's channel and category and the assignee as carried on the link (migration
  // 2026-12-05-0400): each filter is a range of its own open-links index, in due order.
  if (query.channelIds?.length) c.push(inList('rl.mention_channel_id', query.channelIds))
  if (query.categories?.length) c.push(inList('rl.mention_category', query.categories))
  if (withStatus && query.status?.length) {
    for (const s of query.status) {
      if (!(OPEN_STATUSES as readonly string[]).includes(s))
        throw new EarshotError('INVALID_INPUT', `not an inbox status: ${String(s)}`)
    }
    c.push(sql<SqlBool>`${status} in (${sql.join(query.status.map((s) => sql`${s}`))})`)
  }
  if (query.urgent !== undefined) c.push(sql<SqlBool>`rl.mention_urgent = ${query.urgent}`)
  if (query.privacy !== undefined) c.push(sql<SqlBool>`rl.mention_privacy = ${query.privacy}`)
  if (query.assignee === 'unassigned') c.push(sql<SqlBool>`rl.assignee_id is null`)
  else if (query.assignee !== undefined)
    c.push(sql<SqlBool>`rl.assignee_id = ${query.assignee.userId}`)
  const text = withText ? textCondition(query) : undefined
  if (text) c.push(text)
  return c
}

function baseQuery(db: Kysely<Database>) {
  return db
    .selectFrom('response_links as rl')
    .innerJoin('mentions as m', (j) =>
      j.onRef('m.organisation_id', '=', 'rl.organisation_id').onRef('m.id', '=', 'rl.inbound_id'),
    )
    .innerJoin('channels as c', (j) =>
      j.onRef('c.organisation_id', '=', 'm.organisation_id').onRef('c.id', '=', 'm.channel_id'),
    )
    .innerJoin('practices as p', (j) =>
      j.onRef('p.organisation_id', '=', 'm.organisation_id').onRef('p.id', '=', 'm.practice_id'),
    )
}

/**
 * The status of an open link at `asOf`: {@link slaStatusSql} for a row known to be open (not
 * exempt, needing a reply, no outcome), written on `due_at` and `at_risk_at` alone so the count
 * can be an index-only scan of the open-links index (which includes both).
 */
function openStatusSql(asOf: Date): RawBuilder<InboxStatus> {
  const at = timestampParam(asOf)
  return sql<InboxStatus>`(case when ${at} >= rl.due_at then 'breached' when ${at} >= rl.at_risk_at then 'at_risk' else 'pending' end)`
}

/**
 * The grouped count. It reads `response_links` alone unless the text filter needs the mention:
 * the open, visible, urgent, privacy, channel, category and assignee tests are on the link.
 * Without a mention join nothing is lost: a visible link has its mention, and a mention has its
 * channel and practice (foreign keys; a practice's deletion removes its mentions).
 */
function countQuery(db: Kysely<Database>, query: InboxFilters, asOf: Date) {
  let q = db.selectFrom('response_links as rl')
  if (query.q?.trim())
    q = q.innerJoin('mentions as m', (j) =>
      j.onRef('m.organisation_id', '=', 'rl.organisation_id').onRef('m.id', '=', 'rl.inbound_id'),
    )
  return q
    .where((eb) => eb.and(filterConditions(query, asOf, false)))
    .select([
      openStatusSql(asOf).as('status'),
      sql<string>`count(*)`.as('n'),
      sql<string>`count(*) filter (where rl.mention_urgent)`.as('urgent'),
    ])
    .groupBy(sql`1`)
}

/** The count query of {@link countInbox} (for the bench's EXPLAIN). */
export function countInboxSql(db: Kysely<Database>, query: InboxFilters, asOf: Date) {
  return countQuery(db, query, asOf).compile()
}

/** True totals of the filtered inbox at `asOf`: one grouped count, no cap. */
export async function countInbox(
  db: Kysely<Database>,
  query: InboxFilters,
  asOf: Date,
): Promise<InboxTotals> {
  assertDate('asOf', asOf)
  const rows = await countQuery(db, query, asOf).execute()
  const byStatus: Record<InboxStatus, number> = { pending: 0, at_risk: 0, breached: 0 }
  const wanted = query.status?.length ? new Set<string>(query.status) : undefined
  let total = 0
  let urgent = 0
  for (const row of rows) {
    const s = row.status as InboxStatus
    byStatus[s] = Number(row.n)
    if (!wanted || wanted.has(s)) {
      total += Number(row.n)
      urgent += Number(row.urgent)
    }
  }
  return { total, byStatus, urgent }
}

/**
 * Lists open inbound mentions (needing a reply, unanswered, not exempt, not deleted) matching the
 * filters, in `order` (default `saveable`), one keyset page at a time, with true totals.
 *
 * @example
 * let page = await listInbox(db, { organisationId, limit: 20 })
 * while (page.nextCursor) page = await listInbox(db, { organisationId, cursor: page.nextCursor })
 */
export async function listInbox(db: Kysely<Database>, query: InboxQuery): Promise<InboxPage> {
  const plan = planInboxPage(query)
  if (query.q?.trim()) return listInboxByText(db, query, plan)
  const totals = query.withTotals === false ? undefined : countInbox(db, query, plan.asOf)
  // The count runs beside the page queries. If a page query fails first, this function rejects
  // before awaiting the count, and the count's own failure would be an unhandled rejection —
  // which ends the Node process (it took `earshot serve` down). Observed here; still thrown
  // to the caller by the `await` below when the pages succeed.
  totals?.catch(() => undefined)
  // Segments are read one after the other until the page (and one more item) is full; most
  // first pages touch the urgent segment and the next one.
  const rows: { seg: number; row: Record<string, unknown> }[] = []
  let after = plan.after
  for (let seg = plan.seg; seg < plan.segments.length && rows.length <= plan.limit; seg++) {
    const part = await segmentQuery(
      db,
      query,
      plan,
      seg,
      after,
      plan.limit + 1 - rows.length,
    ).q.execute()
    for (const row of part) rows.push({ seg, row: row as Record<string, unknown> })
    after = undefined
  }
  const more = rows.length > plan.limit
  const page = more ? rows.slice(0, plan.limit) : rows
  const last = page.at(-1)
  const items = page.map(({ row }) => {
    const { status, secondsUntilDue, k0: _k0, k1: _k1, ...r } = row
    return {
      ...r,
      status: status as InboxStatus,
      secondsUntilDue: secondsUntilDue === null ? null : Number(secondsUntilDue),
    } as unknown as InboxItem
  })
  const nextCursor =
    more && last
      ? encodeInboxCursor(
          plan.order,
          plan.asOf,
          last.seg,
          [last.row.k0, last.row.k1].filter((k): k is string => typeof k === 'string'),
        )
      : null
  return {
    items,
    nextCursor,
    asOf: plan.asOf,
    order: plan.order,
    ...(totals ? { totals: await totals } : {}),
  }
}

/** The page queries of {@link listInbox}'s first page, one per segment (for the bench's EXPLAIN). */
export function inboxPageSql(db: Kysely<Database>, query: InboxQuery) {
  const plan = planInboxPage(query)
  return plan.segments.map((_, seg) =>
    segmentQuery(
      db,
      query,
      plan,
      seg,
      seg === plan.seg ? plan.after : undefined,
      plan.limit + 1,
    ).q.compile(),
  )
}

interface PagePlan {
  asOf: Date
  order: InboxOrder
  limit: number
  segments: Segment[]
  /** The segment to start in, and the keys to start after in it. */
  seg: number
  after: string[] | undefined
}

function planInboxPage(query: InboxQuery): PagePlan {
  const cursor = query.cursor === undefined ? undefined : decodeInboxCursor(query.cursor)
  const asOf = cursor ? new Date(cursor.asOf) : (query.now ?? new Date())
  assertDate('now', asOf)
  const order = cursor?.order ?? query.order ?? 'saveable'
  if (!(INBOX_ORDERS as readonly string[]).includes(order))
    throw new EarshotError('INVALID_INPUT', `unknown inbox order ${String(order)}`)
  if (query.order !== undefined && cursor && query.order !== cursor.order)
    throw new EarshotError('INVALID_INPUT', 'the cursor belongs to another order')
  const limit = pageSize(query.limit, 50, 500)
  const segments = orderSegments(order, asOf)
  if (cursor) {
    const segment = segments[cursor.seg]
    if (!segment || cursor.keys.length !== (segment.time ? 2 : 1))
      throw new EarshotError('INVALID_INPUT', 'invalid cursor')
    if (segment.time && !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(cursor.keys[0]!))
      throw new EarshotError('INVALID_INPUT', 'invalid cursor')
  }
  return { asOf, order, limit, segments, seg: cursor?.seg ?? 0, after: cursor?.keys }
}

function segmentQuery(
  db: Kysely<Database>,
  query: InboxQuery,
  plan: PagePlan,
  seg: number,
  after: string[] | undefined,
  limit: number,
) {
  const segment = plan.segments[seg]!
  const conditions = [...filterConditions(query, plan.asOf, true), segment.where]
  const cmp = sql.raw(segment.desc ? '<' : '>')
  if (after && segment.time) {
    conditions.push(
      sql<SqlBool>`(${sql.ref(segment.time)}, ${sql.ref(segment.id)}) ${cmp} (cast(${after[0]} as timestamptz), ${after[1]})`,
    )
  } else if (after) {
    conditions.push(sql<SqlBool>`${sql.ref(segment.id)} ${cmp} ${after[0]}`)
  }
  const direction = segment.desc ? 'desc' : 'asc'
  let q = baseQuery(db)
    .where((eb) => eb.and(conditions))
    .select([
      ...mentionSummarySelection(plan.asOf),
      'm.id as mentionId',
      'rl.at_risk_at as atRiskAt',
      sql<string | null>`rl.assignee_id`.as('assigneeId'),
      sql<number | null>`extract(epoch from rl.due_at - ${timestampParam(plan.asOf)})::float8`.as(
        'secondsUntilDue',
      ),
      segment.time
        ? exactTimestampText(segment.time).as('k0')
        : sql<string>`${sql.ref(segment.id)}`.as('k0'),
      segment.time ? sql<string>`${sql.ref(segment.id)}`.as('k1') : sql<null>`null`.as('k1'),
    ])
  if (segment.time) q = q.orderBy(sql.ref(segment.time), direction)
  q = q.orderBy(sql.ref(segment.id), direction)
  return { q: q.limit(limit) }
}

/**
 * A page with the text filter. No index serves a substring of the text (search-mentions.ts uses
 * the same `ilike`), so the matches are found by one probe of `mentions` per open link of the
 * scope (the other filters first narrow the links on their own columns) — once per request: one
 * statement materialises the matching links' keys, counts them and picks the page's keys in the
 * order's segments, and a second reads the page's ≤ `limit` mentions. Bounded by the open items
 * of the scope, not by the mentions' history; the same cursors as the other pages.
 */
async function listInboxByText(
  db: Kysely<Database>,
  query: InboxQuery,
  plan: PagePlan,
): Promise<InboxPage> {
  const wanted = query.status?.length ? query.status : undefined
  const { rows } = await textPageQuery(query, plan).execute(db)
  const keys = rows.filter((r) => r.part === 1).sort((a, b) => Number(a.rn) - Number(b.rn))
  const more = keys.length > plan.limit
  const pageKeys = more ? keys.slice(0, plan.limit) : keys
  const ids = pageKeys.map((k) => k.id!)
  const summaries = ids.length
    ? await baseQuery(db)
        .where('rl.organisation_id', '=', query.organisationId)
        .where(inList('rl.inbound_id', ids))
        .select([
          ...mentionSummarySelection(plan.asOf),
          'm.id as mentionId',
          'rl.at_risk_at as atRiskAt',
          sql<string | null>`rl.assignee_id`.as('assigneeId'),
          sql<
            number | null
          >`extract(epoch from rl.due_at - ${timestampParam(plan.asOf)})::float8`.as(
            'secondsUntilDue',
          ),
        ])
        .execute()
    : []
  const byId = new Map(summaries.map((r) => [r.mentionId, r as Record<string, unknown>]))
  // (A mention removed between the two statements is left out of the page.)
  const items = ids.flatMap((id) => {
    const row = byId.get(id)
    if (!row) return []
    const { status: st, secondsUntilDue, ...r } = row
    return [
      {
        ...r,
        status: st as InboxStatus,
        secondsUntilDue: secondsUntilDue === null ? null : Number(secondsUntilDue),
      } as unknown as InboxItem,
    ]
  })
  const last = pageKeys.at(-1)
  const nextCursor =
    more && last
      ? encodeInboxCursor(
          plan.order,
          plan.asOf,
          last.seg!,
          [last.k0, last.k1].filter((k): k is string => typeof k === 'string'),
        )
      : null
  let totals: InboxTotals | undefined
  if (query.withTotals !== false) {
    const byStatus: Record<InboxStatus, number> = { pending: 0, at_risk: 0, breached: 0 }
    let total = 0
    let urgent = 0
    for (const r of rows) {
      if (r.part !== 0) continue
      const st = r.status as InboxStatus
      byStatus[st] = Number(r.n)
      if (!wanted || wanted.includes(st)) {
        total += Number(r.n)
        urgent += Number(r.urgent)
      }
    }
    totals = { total, byStatus, urgent }
  }
  return { items, nextCursor, asOf: plan.asOf, order: plan.order, ...(totals ? { totals } : {}) }
}

/** The first statement of a text-filtered page: its matches' totals and the page's keys. */
function textPageQuery(query: InboxQuery, plan: PagePlan) {
  const status = openStatusSql(plan.asOf)
  const segs = plan.segments
  const segExpr = sql<number>`(case ${sql.join(
    segs.map((g, i) => sql`when ${g.where} then ${sql.lit(i)}`),
    sql` `,
  )} end)`
  // One order over all segments: the segment, then its time key and id in its own direction.
  const keyed = (i: number, g: Segment, desc: boolean, ref: string) =>
    g.desc === desc && (ref !== 'time' || g.time)
      ? sql`when ${sql.lit(i)} then ${sql.ref(ref === 'time' ? g.time! : g.id)}`
      : undefined
  const orderKey = (desc: boolean, ref: 'time' | 'id') => {
    const arms = segs.flatMap((g, i) => keyed(i, g, desc, ref) ?? [])
    return arms.length
      ? sql`(case s.seg ${sql.join(arms, sql` `)} end) ${sql.raw(desc ? 'desc' : 'asc')}`
      : undefined
  }
  const order = [
    sql`s.seg`,
    ...[
      orderKey(false, 'time'),
      orderKey(true, 'time'),
      orderKey(false, 'id'),
      orderKey(true, 'id'),
    ].filter((o) => o !== undefined),
  ]
  const keyText = (ref: 'k0' | 'k1') =>
    sql`(case s.seg ${sql.join(
      segs.map((g, i) =>
        ref === 'k0'
          ? sql`when ${sql.lit(i)} then ${g.time ? exactTimestampText(g.time) : sql.ref(g.id)}`
          : sql`when ${sql.lit(i)} then ${g.time ? sql.ref(g.id) : sql`null`}`,
      ),
      sql` `,
    )} end)`
  let after = sql<SqlBool>`true`
  if (plan.after) {
    const g = segs[plan.seg]!
    const cmp = sql.raw(g.desc ? '<' : '>')
    const inside = g.time
      ? sql<SqlBool>`(${sql.ref(g.time)}, ${sql.ref(g.id)}) ${cmp} (cast(${plan.after[0]} as timestamptz), ${plan.after[1]})`
      : sql<SqlBool>`${sql.ref(g.id)} ${cmp} ${plan.after[0]}`
    after = sql<SqlBool>`(s.seg > ${plan.seg} or (s.seg = ${plan.seg} and ${inside}))`
  } else if (plan.seg > 0) after = sql<SqlBool>`s.seg >= ${plan.seg}`
  const wanted = query.status?.length ? query.status : undefined
  if (wanted)
    for (const st of wanted)
      if (!(OPEN_STATUSES as readonly string[]).includes(st))
        throw new EarshotError('INVALID_INPUT', `not an inbox status: ${String(st)}`)
  const statusCond = wanted
    ? sql<SqlBool>`${status} in (${sql.join(wanted.map((x) => sql`${x}`))})`
    : sql<SqlBool>`true`
  const linkConds = filterConditions(query, plan.asOf, false, false)
  // `offset 0` keeps the lateral subquery a parameterised primary-key probe per open link (a
  // plain join lets the planner scan every mention of the organisation for the pattern).
  return sql<{
    part: number
    status: InboxStatus | null
    n: string | null
    urgent: string | null
    id: string | null
    seg: number | null
    k0: string | null
    k1: string | null
    rn: string | null
  }>`
    with hits as materialized (
      select rl.inbound_id, rl.due_at, rl.at_risk_at, rl.mention_urgent, t.created_at
      from response_links rl
      cross join lateral (select m.created_at from mentions m
        where m.organisation_id = rl.organisation_id and m.id = rl.inbound_id
          and ${textCondition(query)!} offset 0) t
      where ${sql.join(linkConds, sql` and `)}
    ),
    ordered as (
      select s.inbound_id as id, s.seg, ${keyText('k0')} as k0, ${keyText('k1')} as k1,
        row_number() over (order by ${sql.join(order)}) as rn
      from (select s.* from (select rl.*, ${segExpr} as seg
              from hits rl cross join lateral (select rl.created_at) m
              where ${statusCond}) s
            cross join lateral (select s.inbound_id, s.due_at) rl
            cross join lateral (select s.created_at) m
            where ${after}
            order by ${sql.join(order)}
            limit ${plan.limit + 1}) s
      cross join lateral (select s.inbound_id, s.due_at) rl
      cross join lateral (select s.created_at) m
    )
    select 0 as part, ${status} as status, count(*) as n,
        count(*) filter (where rl.mention_urgent) as urgent,
        null as id, null::int as seg, null as k0, null as k1, null::bigint as rn
      from hits rl group by 2
    union all
    select 1, null, null, null, id, seg, k0, k1, rn from ordered`
}

/** The statement of a text-filtered page (for the bench's EXPLAIN). */
export function inboxTextPageSql(db: Kysely<Database>, query: InboxQuery) {
  return textPageQuery(query, planInboxPage(query)).compile(db)
}
