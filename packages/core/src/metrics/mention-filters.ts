/**
 * @module The filters shared by mention search and row-level export, compiled to one SQL
 * condition over `mentions m` left-joined to `response_links rl`.
 */
import { type RawBuilder, type SqlBool, sql } from 'kysely'
import { EarshotError } from '../errors.js'
import type { Direction, SentimentLabel, SlaStatus } from '../model/vocabulary.js'
import { allOf, assertDate, escapeLike, inList, timestampParam } from './query-helpers.js'
import { slaStatusSql } from './sla-status.js'

export interface MentionFilters {
  /** The tenant. Always applied first. */
  organisationId: string
  /** Restrict to these practices (an empty list matches none). */
  practiceIds?: readonly string[]
  /** Case-insensitive substring of the text or the author's name or handle; `%` and `_` match literally. */
  q?: string
  /** Restrict to these channels (empty or absent: all). */
  channelIds?: readonly string[]
  /** Restrict to these platforms (empty or absent: all). */
  platforms?: readonly string[]
  /** Triage categories (empty or absent: all). */
  categories?: readonly string[]
  /** Sentiment labels (empty or absent: all). */
  sentiment?: readonly SentimentLabel[]
  /** SLA statuses at `now` (empty or absent: all). Outbound mentions have no status. */
  status?: readonly SlaStatus[]
  direction?: Direction
  /** Created at or after. */
  from?: Date
  /** Created before. */
  to?: Date
  /** Include mentions their authors deleted (default false for search, true for export). */
  includeDeleted?: boolean
  /** The instant statuses are evaluated at (default: now). */
  now?: Date
}

/** The WHERE condition for `filters` over `mentions m` left-joined to `response_links rl`. */
export function mentionFilterSql(
  filters: MentionFilters,
  now: Date,
  includeDeletedByDefault: boolean,
): RawBuilder<SqlBool> {
  assertDate('now', now)
  if (filters.from !== undefined) assertDate('from', filters.from)
  if (filters.to !== undefined) assertDate('to', filters.to)
  const c: RawBuilder<SqlBool>[] = [
    sql<SqlBool>`m.organisation_id = ${filters.organisationId}`,
    sql<SqlBool>`not m.is_tombstone`,
  ]
  if (filters.practiceIds !== undefined) c.push(inList('m.practice_id', filters.practiceIds))
  if (filters.channelIds?.length) c.push(inList('m.channel_id', filters.channelIds))
  if (filters.platforms?.length) c.push(inList('m.platform', filters.platforms))
  if (filters.categories?.length) c.push(inList('m.category', filters.categories))
  if (filters.sentiment?.length) c.push(inList('m.sentiment_label', filters.sentiment))
  if (filters.status?.length) {
    c.push(
      sql<SqlBool>`${slaStatusSql(now, 'rl')} in (${sql.join(filters.status.map((s) => sql`${s}`))})`,
    )
  }
  if (filters.direction !== undefined) {
    if (filters.direction !== 'inbound' && filters.direction !== 'outbound') {
      throw new EarshotError('INVALID_INPUT', `unknown direction ${String(filters.direction)}`)
    }
    c.push(sql<SqlBool>`m.direction = ${filters.direction}`)
  }
  if (filters.from !== undefined)
    c.push(sql<SqlBool>`m.created_at >= ${timestampParam(filters.from)}`)
  if (filters.to !== undefined) c.push(sql<SqlBool>`m.created_at < ${timestampParam(filters.to)}`)
  if (!(filters.includeDeleted ?? includeDeletedByDefault))
    c.push(sql<SqlBool>`m.deleted_at is null`)
  const q = filters.q?.trim()
  if (q) {
    const pattern = `%${escapeLike(q)}%`
    c.push(
      sql<SqlBool>`(m.text ilike ${pattern} escape '\\' or m.author_name ilike ${pattern} escape '\\' or m.author_handle ilike ${pattern} escape '\\')`,
    )
  }
  return allOf(c)
}
