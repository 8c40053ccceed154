/**
 * @module Exports: the row-level mention CSV comes straight from core's `exportMentionsCsv`
 * (every SLA column, formula-safe, streamed); the aggregate CSV is one row per practice of the
 * overview's figures, encoded with core's `toCsv`.
 */
import {
  exportMentionsCsv,
  exportMentionsCsvBytes,
  MENTION_EXPORT_COLUMNS,
  toCsv,
} from '@earshot/core'
import type { Kysely } from 'kysely'
import type { Database, PracticeRow } from '../core.js'
import type { Scope } from './mention-queries.js'
import { getPracticeSummaries, type Period } from './practice-metrics.js'

export { MENTION_EXPORT_COLUMNS }

const mentionExportQuery = (scope: Scope, period: Period) => ({
  organisationId: scope.organisationId,
  practiceIds: scope.practiceIds,
  from: period.from,
  to: period.to,
  now: period.now,
  direction: 'inbound' as const,
})

/** CSV lines of every inbound mention created in the period in scope, header first. */
export function exportMentionLines(
  db: Kysely<Database>,
  scope: Scope,
  period: Period,
): AsyncGenerator<string> {
  return exportMentionsCsv(db, mentionExportQuery(scope, period))
}

/** The same CSV as UTF-8 bytes, for a response body (no decoding and encoding again). */
export function exportMentionBytes(
  db: Kysely<Database>,
  scope: Scope,
  period: Period,
): AsyncGenerator<Uint8Array> {
  return exportMentionsCsvBytes(db, mentionExportQuery(scope, period))
}

/** Columns of the aggregate export. */
export const AGGREGATE_COLUMNS = [
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
] as const

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
  const rows = summaries.map((s) => ({
    practice: names.get(s.practiceId) ?? s.practiceId,
    period_from: period.from,
    period_to: period.to,
    needing_reply: s.needingReply,
    answered: s.answered,
    response_rate: s.responseRate,
    met: s.met,
    missed: s.missed,
    breached: s.breached,
    compliance: s.compliance,
    median_business_ms: s.medianBusinessMs,
    p90_business_ms: s.p90BusinessMs,
    median_wall_ms: s.medianWallMs,
    p90_wall_ms: s.p90WallMs,
    backlog: s.backlog,
    oldest_open_at: s.oldestOpenAt,
    inbound: s.inbound,
    sentiment_mean: s.sentimentMean,
    negative_share: s.sentimentShares.negative,
    neutral_share: s.sentimentShares.neutral,
    positive_share: s.sentimentShares.positive,
    posts_in_period: s.postsInPeriod,
    posts_per_week: s.postsPerWeek,
    last_post_at: s.lastPostAt,
    days_since_last_post: s.daysSinceLastPost,
  }))
  return toCsv(rows, [...AGGREGATE_COLUMNS])
}
