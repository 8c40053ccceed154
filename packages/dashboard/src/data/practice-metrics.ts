/**
 * @module The per-practice figures and chart series the overview pages show, read through
 * core's `getMetrics` (one SQL definition of every metric and status for the whole product)
 * and shaped for the pages: one summary per practice, and weekly, per-channel and bucketed
 * series for a practice's charts.
 */
import {
  BENCHMARKED_METRICS,
  type BenchmarkedMetric,
  getMetrics,
  getOrganisationRanking,
  type MetricsRow,
} from '@earshot/core'
import type { Kysely } from 'kysely'
import type { Database } from '../core.js'

/** A period: `from` inclusive, `to` exclusive; `now` decides what is overdue. */
export interface Period {
  from: Date
  to: Date
  now: Date
}

/** One practice's figures over a period. Rates are 0..1 or null when there is nothing to rate. */
export interface PracticeSummary {
  practiceId: string
  needingReply: number
  answered: number
  met: number
  missed: number
  breached: number
  atRisk: number
  pending: number
  responseRate: number | null
  compliance: number | null
  medianBusinessMs: number | null
  p90BusinessMs: number | null
  medianWallMs: number | null
  p90WallMs: number | null
  /** Open (unanswered, not exempt) mentions created in the period. */
  backlog: number
  oldestOpenAt: Date | null
  inbound: number
  outbound: number
  sentimentMean: number | null
  sentimentShares: { negative: number; neutral: number; positive: number }
  postsInPeriod: number
  postsPerWeek: number
  lastPostAt: Date | null
  /** Whole days since the practice's last own post (all time), null if it never posted. */
  daysSinceLastPost: number | null
}

function toSummary(practiceId: string, row: MetricsRow | undefined, now: Date): PracticeSummary {
  return {
    practiceId,
    needingReply: row?.needingReply ?? 0,
    answered: row?.answered ?? 0,
    met: row?.met ?? 0,
    missed: row?.missed ?? 0,
    breached: row?.breached ?? 0,
    atRisk: row?.atRisk ?? 0,
    pending: row?.pending ?? 0,
    responseRate: row?.responseRate ?? null,
    compliance: row?.compliance ?? null,
    medianBusinessMs: row?.medianBusinessMs ?? null,
    p90BusinessMs: row?.p90BusinessMs ?? null,
    medianWallMs: row?.medianWallMs ?? null,
    p90WallMs: row?.p90WallMs ?? null,
    backlog: row?.openCount ?? 0,
    oldestOpenAt:
      row?.oldestOpenAgeSeconds == null
        ? null
        : new Date(now.getTime() - row.oldestOpenAgeSeconds * 1000),
    inbound: row?.inbound ?? 0,
    outbound: row?.outbound ?? 0,
    sentimentMean: row?.sentimentMean ?? null,
    sentimentShares: {
      negative: row?.negativeShare ?? 0,
      neutral: row?.neutralShare ?? 0,
      positive: row?.positiveShare ?? 0,
    },
    postsInPeriod: row?.posts ?? 0,
    postsPerWeek: row?.postsPerWeek ?? 0,
    lastPostAt: row?.lastPostAt ?? null,
    daysSinceLastPost: row?.daysSinceLastPost == null ? null : Math.floor(row.daysSinceLastPost),
  }
}

/**
 * Figures for each of `practiceIds` (which the caller has already checked belong to the user),
 * in the given order; practices without any mention get empty figures.
 */
export async function getPracticeSummaries(
  db: Kysely<Database>,
  organisationId: string,
  practiceIds: readonly string[],
  period: Period,
): Promise<PracticeSummary[]> {
  if (practiceIds.length === 0) return []
  const result = await getMetrics(db, {
    organisationId,
    practiceIds,
    from: period.from,
    to: period.to,
    now: period.now,
    groupBy: 'practice',
    // Daily rollups when the period is whole local days (design § Scale), raw rows otherwise.
    source: 'auto',
  })
  const byPractice = new Map(result.rows.map((r) => [r.key, r]))
  return practiceIds.map((id) => toSummary(id, byPractice.get(id), period.now))
}

/** Response-time distribution buckets (design § Distribution), in display order. */
export const RESPONSE_BUCKETS = [
  { key: 'under1h', label: 'under 1h' },
  { key: 'from1to4h', label: '1–4h' },
  { key: 'from4to8h', label: '4–8h' },
  { key: 'from8to24h', label: '8–24h' },
  { key: 'over24h', label: 'over 24h' },
] as const

/** The series behind a practice overview's charts. */
export interface PracticeCharts {
  buckets: { labels: string[]; business: number[]; wall: number[] }
  complianceByWeek: { week: string; compliance: number | null; counted: number }[]
  sentimentByWeek: {
    week: string
    mean: number | null
    negative: number
    neutral: number
    positive: number
  }[]
  volumeByChannel: { channelId: string; channel: string; inbound: number; outbound: number }[]
}

/** Chart series for one practice (weeks in the practice's time zone, Monday first). */
export async function getPracticeCharts(
  db: Kysely<Database>,
  organisationId: string,
  practiceId: string,
  period: Period,
): Promise<PracticeCharts> {
  const query = {
    organisationId,
    practiceIds: [practiceId],
    from: period.from,
    to: period.to,
    now: period.now,
    source: 'auto' as const,
  }
  const [weeks, channels] = await Promise.all([
    getMetrics(db, { ...query, groupBy: 'week' }),
    getMetrics(db, { ...query, groupBy: 'channel' }),
  ])
  const total = weeks.total
  const shareCount = (row: MetricsRow, share: number | null) =>
    Math.round((share ?? 0) * row.sentimentLabelled)
  return {
    buckets: {
      labels: RESPONSE_BUCKETS.map((b) => b.label),
      business: RESPONSE_BUCKETS.map((b) => total.businessBuckets[b.key]),
      wall: RESPONSE_BUCKETS.map((b) => total.wallBuckets[b.key]),
    },
    complianceByWeek: weeks.rows.map((r) => ({
      week: r.key ?? '',
      compliance: r.compliance,
      counted: r.met + r.missed + r.breached,
    })),
    sentimentByWeek: weeks.rows.map((r) => ({
      week: r.key ?? '',
      mean: r.sentimentMean,
      negative: shareCount(r, r.negativeShare),
      neutral: shareCount(r, r.neutralShare),
      positive: shareCount(r, r.positiveShare),
    })),
    volumeByChannel: channels.rows.map((r) => ({
      channelId: r.key ?? '',
      channel: r.label ?? r.key ?? '',
      inbound: r.inbound,
      outbound: r.outbound,
    })),
  }
}

/** Metrics that get a benchmark position on the overview, with their display labels. */
export const BENCHMARK_LABELS = {
  compliance: 'Compliance',
  responseRate: 'Response rate',
  medianBusinessMs: 'Median response (business)',
  openCount: 'Backlog',
  sentimentMean: 'Sentiment',
  daysSinceLastPost: 'Liveness',
} as const satisfies Partial<Record<BenchmarkedMetric, string>>

/** One practice's place among the others. */
export interface RankedSummary {
  practiceId: string
  /** 1 = best compliance; ties share a rank; null without a compliance figure. */
  rank: number | null
  summary: PracticeSummary
  /** Percentile rank among the organisation's practices per metric: 1 best, 0 worst, null unknown. */
  benchmark: Record<BenchmarkedMetric, number | null>
}

/** Summaries of `practiceIds` with their rank and benchmark positions (core's `getOrganisationRanking`), best first. */
export async function getPracticeRanking(
  db: Kysely<Database>,
  organisationId: string,
  practiceIds: readonly string[],
  period: Period,
): Promise<RankedSummary[]> {
  if (practiceIds.length === 0) return []
  const ranking = await getOrganisationRanking(db, {
    organisationId,
    practiceIds,
    from: period.from,
    to: period.to,
    now: period.now,
  })
  const seen = new Set(ranking.practices.map((p) => p.practiceId))
  const ranked: RankedSummary[] = ranking.practices.map((p) => ({
    practiceId: p.practiceId,
    rank: p.rank,
    summary: toSummary(p.practiceId, p.metrics, period.now),
    benchmark: p.benchmark,
  }))
  // A practice without a single row still belongs on the board (empty figures, no rank).
  for (const id of practiceIds)
    if (!seen.has(id))
      ranked.push({
        practiceId: id,
        rank: null,
        summary: toSummary(id, undefined, period.now),
        benchmark: emptyBenchmark(),
      })
  return ranked
}

function emptyBenchmark(): Record<BenchmarkedMetric, number | null> {
  return Object.fromEntries(Object.keys(BENCHMARKED_METRICS).map((k) => [k, null])) as Record<
    BenchmarkedMetric,
    number | null
  >
}
