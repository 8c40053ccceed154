/**
 * @module The agency view: every practice of an organisation side by side, ranked by compliance,
 * with each metric's percentile rank among the organisation's practices. Practices with no
 * mentions at all are included: a page that is "set up but dead" is a finding.
 */
import type { Kysely } from 'kysely'
import type { Database } from '../storage/database.js'
import { getMetrics, type MetricsRow, type MetricsSource } from './get-metrics.js'

/** Metrics that get a benchmark position, and whether a higher value is better. */
export const BENCHMARKED_METRICS = {
  responseRate: 'higher',
  compliance: 'higher',
  medianWallMs: 'lower',
  p90WallMs: 'lower',
  medianBusinessMs: 'lower',
  p90BusinessMs: 'lower',
  openCount: 'lower',
  oldestOpenAgeSeconds: 'lower',
  sentimentMean: 'higher',
  inbound: 'higher',
  postsPerWeek: 'higher',
  daysSinceLastPost: 'lower',
} as const satisfies Partial<Record<keyof MetricsRow, 'higher' | 'lower'>>
export type BenchmarkedMetric = keyof typeof BENCHMARKED_METRICS

export interface OrganisationRankingQuery {
  organisationId: string
  /** Restrict to these practices (an empty list matches none). */
  practiceIds?: readonly string[]
  from: Date
  to: Date
  now?: Date
  /** Where the figures come from (getMetrics' `source`); default `auto`: rollups when they cover the period. */
  source?: MetricsSource
}

export interface RankedPractice {
  /** 1-based position by compliance (best first; practices without a compliance figure last). Ties share a rank. */
  rank: number | null
  practiceId: string
  name: string
  metrics: MetricsRow
  /**
   * Percentile rank of each metric among the practices that have a value for it: 1 = best,
   * 0 = worst, `null` when the practice has no value or it is the only one with a value.
   * Computed as (practices strictly worse + ½ · other practices tied) / (practices with a value − 1).
   */
  benchmark: Record<BenchmarkedMetric, number | null>
}

export interface OrganisationRanking {
  from: Date
  to: Date
  now: Date
  practices: RankedPractice[]
  /** The organisation as a whole. */
  total: MetricsRow
}

/**
 * Ranks every practice of an organisation on the period's metrics.
 *
 * @example
 * const { practices } = await getOrganisationRanking(db, { organisationId, from, to })
 * for (const p of practices) console.log(p.rank, p.name, p.metrics.compliance, p.benchmark.compliance)
 */
export async function getOrganisationRanking(
  db: Kysely<Database>,
  query: OrganisationRankingQuery,
): Promise<OrganisationRanking> {
  const result = await getMetrics(db, {
    organisationId: query.organisationId,
    ...(query.practiceIds !== undefined ? { practiceIds: query.practiceIds } : {}),
    from: query.from,
    to: query.to,
    ...(query.now !== undefined ? { now: query.now } : {}),
    groupBy: 'practice',
    // An agency-wide comparison is what the rollups are for (design § Scale).
    source: query.source ?? 'auto',
  })
  // The aggregation is done in SQL; this only orders one row per practice.
  const rows = result.rows
  const benchmarks = rows.map(() => ({}) as Record<BenchmarkedMetric, number | null>)
  // Sorted once per metric and binary-searched: comparing every practice with every other was
  // quadratic (2,000 practices × 2,000 values × each metric: ~400 ms, more than the SQL).
  for (const metric of Object.keys(BENCHMARKED_METRICS) as BenchmarkedMetric[]) {
    const direction = BENCHMARKED_METRICS[metric]
    const values = rows.map((r) => r[metric])
    const sorted = values.filter((v): v is number => v !== null).sort((a, b) => a - b)
    values.forEach((v, i) => {
      benchmarks[i]![metric] = percentileRankSorted(v, sorted, direction)
    })
  }
  const ranked = rows.map((metrics, i) => ({
    practiceId: metrics.key!,
    name: metrics.label ?? metrics.key!,
    metrics,
    benchmark: benchmarks[i]!,
    rank: null as number | null,
  }))
  ranked.sort(
    (a, b) =>
      compareDesc(a.metrics.compliance, b.metrics.compliance) ||
      compareDesc(a.metrics.responseRate, b.metrics.responseRate) ||
      byName(a.name, b.name),
  )
  const compliances = ranked
    .map((p) => p.metrics.compliance)
    .filter((c): c is number => c !== null)
    .sort((a, b) => a - b)
  for (const p of ranked) {
    const c = p.metrics.compliance
    if (c === null) continue
    // 1 + how many practices have a strictly higher compliance.
    p.rank = 1 + compliances.length - upperBound(compliances, c)
  }
  return {
    from: result.from,
    to: result.to,
    now: result.now,
    practices: ranked,
    total: result.total,
  }
}

/**
 * `String.prototype.localeCompare` with the default locale, as one collator: the same order
 * (both are specified by the same Intl.Collator algorithm), without building a collator on each
 * of the ~22,000 comparisons that sort 2,000 practices.
 */
const byName = new Intl.Collator().compare

/** Nulls last, larger first. */
function compareDesc(a: number | null, b: number | null): number {
  if (a === b) return 0
  if (a === null) return 1
  if (b === null) return -1
  return b - a
}

/** First index whose value is ≥ `v` in an ascending array. */
function lowerBound(sorted: readonly number[], v: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! < v) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** First index whose value is > `v` in an ascending array. */
function upperBound(sorted: readonly number[], v: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]! <= v) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** {@link percentileRank} over values sorted ascending, in O(log n). */
function percentileRankSorted(
  value: number | null,
  sorted: readonly number[],
  direction: 'higher' | 'lower',
): number | null {
  if (value === null || sorted.length < 2) return null
  const below = lowerBound(sorted, value)
  const above = sorted.length - upperBound(sorted, value)
  const tied = sorted.length - below - above - 1 // the value itself is in the list
  const worse = direction === 'higher' ? below : above
  return (worse + tied / 2) / (sorted.length - 1)
}

/** See {@link RankedPractice.benchmark}. */
export function percentileRank(
  value: number | null,
  values: readonly number[],
  direction: 'higher' | 'lower',
): number | null {
  return percentileRankSorted(
    value,
    [...values].sort((a, b) => a - b),
    direction,
  )
}
