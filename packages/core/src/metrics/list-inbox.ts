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
import { assertDate, escapeLike, inList, pageSize, timestampParam } from './query-helpers.js'
import type { MentionSummary } from './search-mentions.js'
import { OPEN_STATUSES, slaStatusSql } from './sla-status.js'

/** An open SLA status: the inbox lists nothing else. */
export type InboxStatus = (typeof OPEN_STATUSES)[number]

/**
 * - `saveable` (default): urgent pinned on top (by due time), then at risk and pending by due
 *   time (no due time last), then breached, most recently breached first.
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
  v: z.literal(1),
  order: z.enum(INBOX_ORDERS),
  asOf: z.iso.datetime(),
  keys: z.array(z.string()).min(2).max(3),
})

function encodeInboxCursor(order: InboxOrder, asOf: Date, keys: string[]): string {
  return Buffer.from(
    JSON.stringify({ v: 1, order, asOf: asOf.toISOString(), keys }),
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

/** Far beyond any real epoch: sorts mentions without a due time after every dated one. */
const NO_DUE = sql`1e12::numeric`

/**
 * The sort keys of an order (all compared in one direction, the last always the mention id, so
 * the order is total) as SQL expressions over `rl` and `m`, evaluated at `asOf`.
 */
function orderKeys(order: InboxOrder, asOf: Date): { keys: RawBuilder<unknown>[]; desc: boolean } {
  // Exact numeric epochs (microseconds kept), so a cursor never skips or repeats a row.
  const due = sql`coalesce(extract(epoch from rl.due_at), ${NO_DUE})`
  const created = sql`extract(epoch from m.created_at)`
  const id = sql`rl.inbound_id`
  switch (order) {
    case 'saveable': {
      const status = slaStatusSql(asOf, 'rl')
      const rank = sql`(case when m.urgent then 0 when ${status} = 'breached' then 2 else 1 end)`
      // Breached: most recently breached first (negated so the whole tuple stays ascending).
      const when = sql`(case when not m.urgent and ${status} = 'breached' then -${due} else ${due} end)`
      return { keys: [rank, when, id], desc: false }
    }
    case 'due':
      return { keys: [due, id], desc: false }
    case 'newest':
      return { keys: [created, id], desc: true }
    case 'oldest':
      return { keys: [created, id], desc: false }
  }
}

/** The filter conditions, without or with the status filter. */
function filterConditions(
  query: InboxFilters,
  asOf: Date,
  withStatus: boolean,
): Expression<SqlBool>[] {
  const status = slaStatusSql(asOf, 'rl')
  const c: RawBuilder<SqlBool>[] = [
    sql<SqlBool>`rl.organisation_id = ${query.organisationId}`,
    // Implied by the status below, but spelled out so the partial "open" index applies.
    sql<SqlBool>`rl.outcome is null`,
    sql<SqlBool>`rl.exempt_reason is null`,
    sql<SqlBool>`${status} in ('pending', 'at_risk', 'breached')`,
    sql<SqlBool>`m.deleted_at is null`,
    sql<SqlBool>`not m.is_tombstone`,
  ]
  if (query.practiceIds !== undefined) c.push(inList('rl.practice_id', query.practiceIds))
  if (query.channelIds?.length) c.push(inList('m.channel_id', query.channelIds))
  if (query.categories?.length) c.push(inList('m.category', query.categories))
  if (withStatus && query.status?.length) {
    for (const s of query.status) {
      if (!(OPEN_STATUSES as readonly string[]).includes(s))
        throw new EarshotError('INVALID_INPUT', `not an inbox status: ${String(s)}`)
    }
    c.push(sql<SqlBool>`${status} in (${sql.join(query.status.map((s) => sql`${s}`))})`)
  }
  if (query.urgent !== undefined) c.push(sql<SqlBool>`m.urgent = ${query.urgent}`)
  if (query.privacy !== undefined) c.push(sql<SqlBool>`m.privacy = ${query.privacy}`)
  if (query.assignee === 'unassigned') c.push(sql<SqlBool>`ia.user_id is null`)
  else if (query.assignee !== undefined) c.push(sql<SqlBool>`ia.user_id = ${query.assignee.userId}`)
  const q = query.q?.trim()
  if (q) {
    const pattern = `%${escapeLike(q)}%`
    c.push(
      sql<SqlBool>`(m.text ilike ${pattern} escape '\\' or m.author_name ilike ${pattern} escape '\\' or m.author_handle ilike ${pattern} escape '\\')`,
    )
  }
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
    .leftJoin('inbox_assignments as ia', (j) =>
      j
        .onRef('ia.organisation_id', '=', 'rl.organisation_id')
        .onRef('ia.mention_id', '=', 'rl.inbound_id'),
    )
}

/** True totals of the filtered inbox at `asOf`: one grouped count, no cap. */
export async function countInbox(
  db: Kysely<Database>,
  query: InboxFilters,
  asOf: Date,
): Promise<InboxTotals> {
  assertDate('asOf', asOf)
  const rows = await baseQuery(db)
    .where((eb) => eb.and(filterConditions(query, asOf, false)))
    .select([
      slaStatusSql(asOf, 'rl').as('status'),
      sql<string>`count(*)`.as('n'),
      sql<string>`count(*) filter (where m.urgent)`.as('urgent'),
    ])
    .groupBy(sql`1`)
    .execute()
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
/** The page query of {@link listInbox} (exported for the bench's EXPLAIN). */
export function inboxPageSql(db: Kysely<Database>, query: InboxQuery) {
  return inboxPageQuery(db, query).q.compile()
}

function inboxPageQuery(db: Kysely<Database>, query: InboxQuery) {
  const cursor = query.cursor === undefined ? undefined : decodeInboxCursor(query.cursor)
  const asOf = cursor ? new Date(cursor.asOf) : (query.now ?? new Date())
  assertDate('now', asOf)
  const order = cursor?.order ?? query.order ?? 'saveable'
  if (!(INBOX_ORDERS as readonly string[]).includes(order))
    throw new EarshotError('INVALID_INPUT', `unknown inbox order ${String(order)}`)
  if (query.order !== undefined && cursor && query.order !== cursor.order)
    throw new EarshotError('INVALID_INPUT', 'the cursor belongs to another order')
  const limit = pageSize(query.limit, 50, 500)
  const { keys, desc } = orderKeys(order, asOf)
  const conditions = filterConditions(query, asOf, true)
  if (cursor) {
    if (cursor.keys.length !== keys.length)
      throw new EarshotError('INVALID_INPUT', 'invalid cursor')
    const numeric = cursor.keys.slice(0, -1)
    if (!numeric.every((k) => /^-?\d+(\.\d+)?$/.test(k)))
      throw new EarshotError('INVALID_INPUT', 'invalid cursor')
    const after = [...numeric.map((k) => sql`cast(${k} as numeric)`), sql`${cursor.keys.at(-1)}`]
    conditions.push(
      sql<SqlBool>`(${sql.join(keys)}) ${sql.raw(desc ? '<' : '>')} (${sql.join(after)})`,
    )
  }
  let q = baseQuery(db)
    .where((eb) => eb.and(conditions))
    .select([
      ...mentionSummarySelection(asOf),
      'm.id as mentionId',
      'rl.at_risk_at as atRiskAt',
      'ia.user_id as assigneeId',
      sql<number | null>`extract(epoch from rl.due_at - ${timestampParam(asOf)})::float8`.as(
        'secondsUntilDue',
      ),
      ...keys.map((k, i) => sql<string>`(${k})::text`.as(`k${i}`)),
    ])
  for (const k of keys) q = q.orderBy(k, desc ? 'desc' : 'asc')
  return { q: q.limit(limit + 1), keys, asOf, order, limit }
}

export async function listInbox(db: Kysely<Database>, query: InboxQuery): Promise<InboxPage> {
  const { q, keys, asOf, order, limit } = inboxPageQuery(db, query)
  const [rows, totals] = await Promise.all([
    q.execute(),
    query.withTotals === false ? undefined : countInbox(db, query, asOf),
  ])
  const more = rows.length > limit
  const page = more ? rows.slice(0, limit) : rows
  const last = page.at(-1) as Record<string, unknown> | undefined
  const items = page.map((row) => {
    const { status, secondsUntilDue, ...r } = row as typeof row & Record<string, unknown>
    for (let i = 0; i < keys.length; i++) delete (r as Record<string, unknown>)[`k${i}`]
    return {
      ...r,
      status: status as InboxStatus,
      secondsUntilDue: secondsUntilDue === null ? null : Number(secondsUntilDue),
    } as InboxItem
  })
  const nextCursor =
    more && last
      ? encodeInboxCursor(
          order,
          asOf,
          keys.map((_, i) => String(last[`k${i}`])),
        )
      : null
  return { items, nextCursor, asOf, order, ...(totals ? { totals } : {}) }
}
