/**
 * @module Row-level export: every mention in scope with every SLA column (the audit trail in
 * tabular form), streamed page by page with keyset pagination so an export of a million rows
 * never holds more than one page in memory.
 */
import { type Kysely, type SqlBool, sql } from 'kysely'
import type { SlaStatus } from '../model/vocabulary.js'
import { LINK_EVALUATION_COLUMNS } from '../sla/link-columns.js'
import type { Database } from '../storage/database.js'
import { type MentionFilters, mentionFilterSql } from './mention-filters.js'
import { exactTimestampText } from './query-helpers.js'
import { slaStatusSql } from './sla-status.js'
import { csvLines } from './to-csv.js'

/** One exported mention: flat, CSV-ready, snake_case keys that double as the CSV header. */
export interface MentionExportRow {
  mention_id: string
  practice_id: string
  practice_name: string
  channel_id: string
  channel_name: string
  platform: string
  direction: string
  kind: string
  thread_key: string
  created_at: Date
  deleted_at: Date | null
  author_name: string | null
  author_handle: string | null
  text: string
  permalink: string | null
  category: string | null
  needs_reply: boolean | null
  sentiment_score: number | null
  sentiment_label: string | null
  privacy: boolean
  urgent: boolean
  /** SLA status at the export's `now`. */
  status: SlaStatus | null
  exempt_reason: string | null
  response_source: string | null
  outbound_id: string | null
  responded_at: Date | null
  target_name: string | null
  clock: string | null
  target_ms: number | null
  clock_started_at: Date | null
  due_at: Date | null
  at_risk_at: Date | null
  wall_ms: number | null
  business_ms: number | null
  outcome: string | null
  schedule_version: number | null
  promise_version: number | null
  /** The explanation's one-line reason (why included or excluded). */
  reason: string | null
  /** The whole explanation as JSON text. */
  explanation: string | null
}

/** The export's columns, in CSV order. */
export const MENTION_EXPORT_COLUMNS = [
  'mention_id',
  'practice_id',
  'practice_name',
  'channel_id',
  'channel_name',
  'platform',
  'direction',
  'kind',
  'thread_key',
  'created_at',
  'deleted_at',
  'author_name',
  'author_handle',
  'text',
  'permalink',
  'category',
  'needs_reply',
  'sentiment_score',
  'sentiment_label',
  'privacy',
  'urgent',
  'status',
  'exempt_reason',
  'response_source',
  'outbound_id',
  'responded_at',
  ...LINK_EVALUATION_COLUMNS,
  'reason',
  'explanation',
] as const satisfies readonly (keyof MentionExportRow)[]

export interface ExportMentionsQuery extends MentionFilters {
  /** Rows fetched per round trip (default 1000). */
  pageSize?: number
}

/**
 * Yields every mention matching the filters, oldest first, with its SLA columns. Deleted
 * mentions are included by default (they still count in the metrics); tombstones never are.
 *
 * @example
 * for await (const row of exportMentionRows(db, { organisationId, from, to })) write(row)
 */
export async function* exportMentionRows(
  db: Kysely<Database>,
  query: ExportMentionsQuery,
): AsyncGenerator<MentionExportRow> {
  const now = query.now ?? new Date()
  const size = Math.max(1, Math.min(query.pageSize ?? 1000, 10_000))
  const where = mentionFilterSql(query, now, true)
  let after: { created: string; id: string } | undefined
  for (;;) {
    let q = db
      .selectFrom('mentions as m')
      .leftJoin('response_links as rl', (j) =>
        j.onRef('rl.organisation_id', '=', 'm.organisation_id').onRef('rl.inbound_id', '=', 'm.id'),
      )
      .innerJoin('channels as c', (j) =>
        j.onRef('c.organisation_id', '=', 'm.organisation_id').onRef('c.id', '=', 'm.channel_id'),
      )
      .innerJoin('practices as p', (j) =>
        j.onRef('p.organisation_id', '=', 'm.organisation_id').onRef('p.id', '=', 'm.practice_id'),
      )
      .where(where)
      .select([
        'm.id as mention_id',
        'm.practice_id',
        'p.name as practice_name',
        'm.channel_id',
        'c.name as channel_name',
        'm.platform',
        'm.direction',
        'm.kind',
        'm.thread_key',
        'm.created_at',
        'm.deleted_at',
        'm.author_name',
        'm.author_handle',
        'm.text',
        'm.permalink',
        'm.category',
        'm.needs_reply',
        'm.sentiment_score',
        'm.sentiment_label',
        'm.privacy',
        'm.urgent',
        slaStatusSql(now, 'rl').as('status'),
        'rl.exempt_reason',
        'rl.response_source',
        'rl.outbound_id',
        'rl.responded_at',
        'rl.target_name',
        'rl.clock',
        'rl.target_ms',
        'rl.clock_started_at',
        'rl.due_at',
        'rl.at_risk_at',
        'rl.wall_ms',
        'rl.business_ms',
        'rl.outcome',
        'rl.schedule_version',
        'rl.promise_version',
        sql<string | null>`rl.explanation ->> 'reason'`.as('reason'),
        sql<string | null>`rl.explanation::text`.as('explanation'),
        exactTimestampText('m.created_at').as('created_key'),
      ])
      .orderBy('m.created_at')
      .orderBy('m.id')
      .limit(size)
    if (after)
      q = q.where(
        sql<SqlBool>`(m.created_at, m.id) > (cast(${after.created} as timestamptz), ${after.id})`,
      )
    const rows = await q.execute()
    for (const { created_key: _k, ...row } of rows) yield row
    const last = rows.at(-1)
    if (!last || rows.length < size) return
    after = { created: last.created_key, id: last.mention_id }
  }
}

/**
 * The export as CSV lines (header first), ready to pipe to a response or a file.
 *
 * @example
 * Readable.from(exportMentionsCsv(db, { organisationId })).pipe(res)
 */
export function exportMentionsCsv(
  db: Kysely<Database>,
  query: ExportMentionsQuery,
): AsyncGenerator<string> {
  return csvLines(exportMentionRows(db, query), MENTION_EXPORT_COLUMNS)
}
