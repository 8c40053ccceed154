/**
 * @module Row-level export of inbound mentions with every SLA column (the audit trail in a
 * spreadsheet) and the aggregate export (one row per practice).
 */
import type { Kysely } from 'kysely'
import type { Database, PracticeRow } from '../core.js'
import type { Scope } from './mention-queries.js'
import { getPracticeSummaries, type Period } from './practice-metrics.js'
import { slaStatusSql } from './sla-status.js'
import { toCsvText } from './to-csv.js'

/** Columns of the row-level export, in order. */
export const MENTION_EXPORT_COLUMNS = [
  'mention_id',
  'practice',
  'channel',
  'platform',
  'kind',
  'created_at',
  'author',
  'text',
  'permalink',
  'category',
  'sentiment_label',
  'sentiment_score',
  'privacy',
  'urgent',
  'needs_reply',
  'exempt_reason',
  'status',
  'target_index',
  'target_name',
  'clock',
  'target_ms',
  'clock_started_at',
  'at_risk_at',
  'due_at',
  'responded_at',
  'response_source',
  'outbound_id',
  'wall_ms',
  'business_ms',
  'outcome',
  'schedule_version',
  'promise_version',
  'explanation',
] as const

/** CSV of every inbound mention created in the period in scope (optionally one practice). */
export async function exportMentionsCsv(
  db: Kysely<Database>,
  scope: Scope,
  period: Period,
): Promise<string> {
  const rows = await db
    .selectFrom('mentions as m')
    .innerJoin('practices as p', (j) =>
      j.onRef('p.organisation_id', '=', 'm.organisation_id').onRef('p.id', '=', 'm.practice_id'),
    )
    .innerJoin('channels as ch', (j) =>
      j.onRef('ch.organisation_id', '=', 'm.organisation_id').onRef('ch.id', '=', 'm.channel_id'),
    )
    .leftJoin('response_links as rl', (j) =>
      j.onRef('rl.organisation_id', '=', 'm.organisation_id').onRef('rl.inbound_id', '=', 'm.id'),
    )
    .where('m.organisation_id', '=', scope.organisationId)
    .where(
      'm.practice_id',
      'in',
      scope.practiceIds.length ? [...scope.practiceIds] : ['\u0000none'],
    )
    .where('m.direction', '=', 'inbound')
    .where('m.is_tombstone', '=', false)
    .where('m.created_at', '>=', period.from)
    .where('m.created_at', '<', period.to)
    .select([
      'm.id',
      'p.name as practice',
      'ch.name as channel',
      'm.platform',
      'm.kind',
      'm.created_at',
      'm.author_name',
      'm.text',
      'm.permalink',
      'm.category',
      'm.sentiment_label',
      'm.sentiment_score',
      'm.privacy',
      'm.urgent',
      'rl.needs_reply',
      'rl.exempt_reason',
      slaStatusSql(period.now).as('status'),
      'rl.target_index',
      'rl.target_name',
      'rl.clock',
      'rl.target_ms',
      'rl.clock_started_at',
      'rl.at_risk_at',
      'rl.due_at',
      'rl.responded_at',
      'rl.response_source',
      'rl.outbound_id',
      'rl.wall_ms',
      'rl.business_ms',
      'rl.outcome',
      'rl.schedule_version',
      'rl.promise_version',
      'rl.explanation',
    ])
    .orderBy('m.created_at')
    .orderBy('m.id')
    .execute()
  const d = (v: Date | string | null) => (v === null ? null : new Date(v))
  return toCsvText(
    MENTION_EXPORT_COLUMNS,
    rows.map((r) => [
      r.id,
      r.practice,
      r.channel,
      r.platform,
      r.kind,
      d(r.created_at),
      r.author_name,
      r.text,
      r.permalink,
      r.category,
      r.sentiment_label,
      r.sentiment_score,
      r.privacy,
      r.urgent,
      r.needs_reply,
      r.exempt_reason,
      r.status,
      r.target_index,
      r.target_name,
      r.clock,
      r.target_ms,
      d(r.clock_started_at),
      d(r.at_risk_at),
      d(r.due_at),
      d(r.responded_at),
      r.response_source,
      r.outbound_id,
      r.wall_ms,
      r.business_ms,
      r.outcome,
      r.schedule_version,
      r.promise_version,
      r.explanation,
    ]),
  )
}

/** CSV with one row per practice: the overview's figures for the period. */
export async function exportAggregateCsv(
  db: Kysely<Database>,
  organisationId: string,
  practices: readonly PracticeRow[],
  period: Period,
): Promise<string> {
  const summaries = await getPracticeSummaries(
    db,
    organisationId,
    practices.map((p) => p.id),
    period,
  )
  const names = new Map(practices.map((p) => [p.id, p.name]))
  return toCsvText(
    [
      'practice',
      'period_from',
      'period_to',
      'needing_reply',
      'answered',
      'response_rate',
      'met',
      'missed',
      'breached',
      'compliance',
      'median_business_ms',
      'p90_business_ms',
      'median_wall_ms',
      'p90_wall_ms',
      'backlog',
      'oldest_open_at',
      'inbound',
      'sentiment_mean',
      'negative_share',
      'neutral_share',
      'positive_share',
      'posts_in_period',
      'posts_per_week',
      'last_post_at',
      'days_since_last_post',
    ],
    summaries.map((s) => [
      names.get(s.practiceId),
      period.from,
      period.to,
      s.needingReply,
      s.answered,
      s.responseRate,
      s.met,
      s.missed,
      s.breached,
      s.compliance,
      s.medianBusinessMs,
      s.p90BusinessMs,
      s.medianWallMs,
      s.p90WallMs,
      s.backlog,
      s.oldestOpenAt,
      s.inbound,
      s.sentimentMean,
      s.sentimentShares.negative,
      s.sentimentShares.neutral,
      s.sentimentShares.positive,
      s.postsInPeriod,
      s.postsPerWeek,
      s.lastPostAt,
      s.daysSinceLastPost,
    ]),
  )
}
