/**
 * @module Mention search (filters, text match, SLA status) and the detail of one mention: its
 * thread, its response link with status and explanation, and the manual overrides on it.
 */
import { type Kysely, type SqlBool, sql } from 'kysely'
import { EarshotError } from '../errors.js'
import type { Direction, MentionKind, Platform, SlaStatus } from '../model/vocabulary.js'
import { listOverrides } from '../repositories/overrides.js'
import type { Database, MentionRow, OverrideRow, ResponseLinkRow } from '../storage/database.js'
import { type MentionFilters, mentionFilterSql } from './mention-filters.js'
import { mentionSummarySelection } from './mention-summary.js'
import { decodeCursor, encodeCursor, exactTimestampText, pageSize } from './query-helpers.js'
import { slaStatusSql } from './sla-status.js'

export interface SearchMentionsQuery extends MentionFilters {
  /** Page size (default 50, at most 500). */
  limit?: number
  /** Skip this many rows (ignored when `cursor` is given). */
  offset?: number
  /** `nextCursor` of the previous page (keyset: stable while new mentions arrive). */
  cursor?: string
}

/** One mention in a result list. */
export interface MentionSummary {
  id: string
  practiceId: string
  practiceName: string
  channelId: string
  channelName: string
  platform: Platform
  kind: MentionKind
  direction: Direction
  threadKey: string
  createdAt: Date
  deletedAt: Date | null
  authorName: string | null
  authorHandle: string | null
  text: string
  permalink: string | null
  category: string | null
  needsReply: boolean | null
  sentimentScore: number | null
  sentimentLabel: string | null
  privacy: boolean
  urgent: boolean
  /** Star rating, for reviews. */
  rating: number | null
  /** SLA status at `now`; `null` for outbound mentions and unevaluated inbound ones. */
  status: SlaStatus | null
  dueAt: Date | null
  respondedAt: Date | null
  /** The promise target that applies, for inbound mentions that need a reply. */
  targetName: string | null
}

export interface SearchMentionsResult {
  rows: MentionSummary[]
  /** Matches across all pages. */
  total: number
  /** Pass as `cursor` for the next page; `null` on the last page. */
  nextCursor: string | null
}

/**
 * Searches an organisation's mentions, newest first.
 *
 * @example
 * const { rows, total } = await searchMentions(db, { organisationId, q: 'bulk bill', status: ['breached'] })
 */
export async function searchMentions(
  db: Kysely<Database>,
  query: SearchMentionsQuery,
): Promise<SearchMentionsResult> {
  const now = query.now ?? new Date()
  const limit = pageSize(query.limit, 50, 500)
  const offset = query.offset ?? 0
  if (!Number.isInteger(offset) || offset < 0)
    throw new EarshotError('INVALID_INPUT', '`offset` must be a non-negative integer')
  const where = mentionFilterSql(query, now, false)
  const base = db
    .selectFrom('mentions as m')
    .leftJoin('response_links as rl', (j) =>
      j.onRef('rl.organisation_id', '=', 'm.organisation_id').onRef('rl.inbound_id', '=', 'm.id'),
    )
    .where(where)

  let page = base
    .innerJoin('channels as c', (j) =>
      j.onRef('c.organisation_id', '=', 'm.organisation_id').onRef('c.id', '=', 'm.channel_id'),
    )
    .innerJoin('practices as p', (j) =>
      j.onRef('p.organisation_id', '=', 'm.organisation_id').onRef('p.id', '=', 'm.practice_id'),
    )
    .select([...mentionSummarySelection(now), exactTimestampText('m.created_at').as('createdKey')])
    .orderBy('m.created_at', 'desc')
    .orderBy('m.id', 'desc')
    .limit(limit + 1)
  if (query.cursor !== undefined) {
    const [created, id] = decodeCursor(query.cursor, 2)
    if (created === null || id === null) throw new EarshotError('INVALID_INPUT', 'invalid cursor')
    page = page.where(sql<SqlBool>`(m.created_at, m.id) < (cast(${created} as timestamptz), ${id})`)
  } else if (offset > 0) {
    page = page.offset(offset)
  }

  const [rows, count] = await Promise.all([
    page.execute(),
    base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ])
  const more = rows.length > limit
  const kept = more ? rows.slice(0, limit) : rows
  const last = kept.at(-1)
  return {
    rows: kept.map(({ createdKey: _k, ...r }) => r),
    total: Number(count.n),
    nextCursor: more && last ? encodeCursor([last.createdKey, last.id]) : null,
  }
}

/** A mention of a thread, with its status when it is inbound. */
export type ThreadMention = MentionRow & { status: SlaStatus | null }

export interface MentionDetail {
  mention: MentionRow & { channelName: string; practiceName: string }
  /** Every mention of the same thread on the same channel, oldest first (the mention included). */
  thread: ThreadMention[]
  /** The SLA evaluation of an inbound mention, with its status at `now`; `null` for outbound or unevaluated mentions. */
  link: (ResponseLinkRow & { status: SlaStatus | null }) | null
  /** Manual actions on the mention, oldest first. */
  overrides: OverrideRow[]
}

/**
 * One mention with everything needed to explain its figures, or `undefined` when it does not
 * exist in the organisation.
 */
export async function getMentionDetail(
  db: Kysely<Database>,
  organisationId: string,
  mentionId: string,
  now: Date = new Date(),
): Promise<MentionDetail | undefined> {
  const mention = await db
    .selectFrom('mentions as m')
    .innerJoin('channels as c', (j) =>
      j.onRef('c.organisation_id', '=', 'm.organisation_id').onRef('c.id', '=', 'm.channel_id'),
    )
    .innerJoin('practices as p', (j) =>
      j.onRef('p.organisation_id', '=', 'm.organisation_id').onRef('p.id', '=', 'm.practice_id'),
    )
    .selectAll('m')
    .select(['c.name as channelName', 'p.name as practiceName'])
    .where('m.organisation_id', '=', organisationId)
    .where('m.id', '=', mentionId)
    .executeTakeFirst()
  if (!mention) return undefined
  const [thread, link, overrides] = await Promise.all([
    db
      .selectFrom('mentions as m')
      .leftJoin('response_links as rl', (j) =>
        j.onRef('rl.organisation_id', '=', 'm.organisation_id').onRef('rl.inbound_id', '=', 'm.id'),
      )
      .selectAll('m')
      .select(slaStatusSql(now, 'rl').as('status'))
      .where('m.organisation_id', '=', organisationId)
      .where('m.channel_id', '=', mention.channel_id)
      .where('m.thread_key', '=', mention.thread_key)
      .orderBy('m.created_at')
      .orderBy('m.id')
      .execute(),
    db
      .selectFrom('response_links as rl')
      .selectAll('rl')
      .select(slaStatusSql(now, 'rl').as('status'))
      .where('rl.organisation_id', '=', organisationId)
      .where('rl.inbound_id', '=', mentionId)
      .executeTakeFirst(),
    listOverrides(db, organisationId, mentionId),
  ])
  return { mention, thread, link: link ?? null, overrides }
}
