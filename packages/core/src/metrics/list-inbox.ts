/**
 * @module The inbox: inbound mentions that still need a reply, most urgent (earliest due) first,
 * with a countdown. Keyset-paginated, so a page is as fast on the thousandth page as the first.
 */
import { type Kysely, type SqlBool, sql } from 'kysely'
import type { Database } from '../storage/database.js'
import { mentionSummarySelection } from './mention-summary.js'
import {
  assertDate,
  decodeCursor,
  encodeCursor,
  exactTimestampText,
  inList,
  pageSize,
  timestampParam,
} from './query-helpers.js'
import type { MentionSummary } from './search-mentions.js'
import { slaStatusSql } from './sla-status.js'

export interface InboxQuery {
  organisationId: string
  /** Restrict to these practices (an empty list matches none). */
  practiceIds?: readonly string[]
  /** The instant statuses and countdowns are computed at (default: now). */
  now?: Date
  /** Page size (default 50, at most 500). */
  limit?: number
  /** `nextCursor` of the previous page. */
  cursor?: string
}

/** One open inbound mention: a mention as every list shows it, with its countdown. */
export interface InboxItem extends MentionSummary {
  /** The same as `id` (kept for callers written before the inbox shared the list shape). */
  mentionId: string
  status: 'pending' | 'at_risk' | 'breached'
  atRiskAt: Date | null
  /** Seconds from `now` to the due time; negative once overdue; `null` without a due time. */
  secondsUntilDue: number | null
  /** The patient disclosed health details in public: the reply should take it private. */
  privacy: boolean
}

export interface InboxPage {
  items: InboxItem[]
  /** Pass as `cursor` for the next page; `null` on the last page. */
  nextCursor: string | null
}

/**
 * Lists open inbound mentions (needing a reply, unanswered, not exempt, not deleted) ordered by
 * due time (mentions without a due time last), then id.
 *
 * @example
 * let page = await listInbox(db, { organisationId, limit: 20 })
 * while (page.nextCursor) page = await listInbox(db, { organisationId, cursor: page.nextCursor })
 */
export async function listInbox(db: Kysely<Database>, query: InboxQuery): Promise<InboxPage> {
  const now = query.now ?? new Date()
  assertDate('now', now)
  const limit = pageSize(query.limit, 50, 500)
  const dueKey = sql<Date>`coalesce(rl.due_at, 'infinity'::timestamptz)`
  let q = db
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
    .where('rl.organisation_id', '=', query.organisationId)
    // Implied by the status below, but spelled out so the partial "open" index applies.
    .where('rl.outcome', 'is', null)
    .where('rl.exempt_reason', 'is', null)
    .where(sql<SqlBool>`${slaStatusSql(now, 'rl')} in ('pending', 'at_risk', 'breached')`)
    .where('m.deleted_at', 'is', null)
    .where('m.is_tombstone', '=', false)
  if (query.practiceIds !== undefined) q = q.where(inList('rl.practice_id', query.practiceIds))
  if (query.cursor !== undefined) {
    const [due, id] = decodeCursor(query.cursor, 2)
    q = q.where(
      sql<SqlBool>`(${dueKey}, rl.inbound_id) > (cast(${due ?? 'infinity'} as timestamptz), ${id ?? ''})`,
    )
  }
  const rows = await q
    .select([
      ...mentionSummarySelection(now),
      'm.id as mentionId',
      'rl.at_risk_at as atRiskAt',
      sql<number | null>`extract(epoch from rl.due_at - ${timestampParam(now)})::float8`.as(
        'secondsUntilDue',
      ),
      sql<string | null>`${exactTimestampText('rl.due_at')}`.as('dueKey'),
    ])
    .orderBy(dueKey)
    .orderBy('rl.inbound_id')
    .limit(limit + 1)
    .execute()
  const more = rows.length > limit
  const page = more ? rows.slice(0, limit) : rows
  const last = page.at(-1)
  const items = page.map(({ dueKey: _k, status, ...r }) => ({
    ...r,
    status: status as InboxItem['status'],
    secondsUntilDue: r.secondsUntilDue === null ? null : Number(r.secondsUntilDue),
  }))
  return { items, nextCursor: more && last ? encodeCursor([last.dueKey, last.mentionId]) : null }
}
