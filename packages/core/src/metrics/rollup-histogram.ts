/**
 * @module The response-time histogram the rollups keep (migration 700's `earshot_rt_bucket`):
 * bucket −2 holds times ≤ 0, −1 holds (0, 1 s), and bucket i ≥ 0 holds
 * [1 s·γ^i, 1 s·γ^(i+1)) with γ = 1.02. Each bucket is read back as its midpoint, so a value is
 * off by at most 1 % of itself (0.5 s in bucket −1), and a percentile interpolated between two
 * such values by at most 1 % of the exact percentile plus 0.5 s.
 */
import { type RawBuilder, sql } from 'kysely'

/** Bucket ratio; must equal the migration's. */
export const HISTOGRAM_GAMMA = 1.02

/** The stated bound: |estimate − exact| ≤ relative · exact + absoluteMs. */
export const PERCENTILE_ERROR_BOUND = { relative: (HISTOGRAM_GAMMA - 1) / 2, absoluteMs: 500 }

/** The bucket of a non-negative time, as `earshot_rt_bucket` computes it. */
export function histogramBucket(ms: number): number {
  if (ms <= 0) return -2
  if (ms < 1000) return -1
  return Math.floor(Math.log(ms / 1000) / Math.log(HISTOGRAM_GAMMA))
}

/** The value a bucket is read back as. */
export function bucketRepresentative(bucket: number): number {
  if (bucket === -2) return 0
  if (bucket === -1) return 500
  return 1000 * HISTOGRAM_GAMMA ** bucket * ((1 + HISTOGRAM_GAMMA) / 2)
}

/** {@link bucketRepresentative} in SQL. */
export function bucketRepresentativeSql(bucket: RawBuilder<unknown>): RawBuilder<number> {
  return sql<number>`(case when ${bucket} = -2 then 0::float8 when ${bucket} = -1 then 500::float8
    else 1000 * power(${sql.lit(HISTOGRAM_GAMMA)}::float8, ${bucket}) * ${sql.lit((1 + HISTOGRAM_GAMMA) / 2)}::float8 end)`
}

/** A merged histogram: bucket → count. */
export type BucketCounts = Map<number, number>

/**
 * Adds histograms written as the practice-day statement writes them (rollup-metrics-sql.ts):
 * per practice-day `b,b,…;n,n,…` (bucket numbers, then their counts), days joined by `|`.
 */
export function addBucketText(into: BucketCounts, text: string | null): BucketCounts {
  if (!text) return into
  for (const day of text.split('|')) {
    const [buckets, counts] = day.split(';')
    if (!buckets || !counts) continue
    const b = buckets.split(',')
    const n = counts.split(',')
    for (let i = 0; i < b.length; i++) {
      const k = Number(b[i])
      into.set(k, (into.get(k) ?? 0) + Number(n[i]))
    }
  }
  return into
}

/**
 * Percentile `p` of a merged histogram, each bucket read back as `value(bucket)`, by the same
 * arithmetic as the SQL of the histogram path (rollup-metrics-sql.ts `percentileSql`, itself
 * `percentile_cont` over the expanded multiset): the values at ranks floor and ceil of
 * p·(total − 1) and the fraction between them. The bucket values must come from the database
 * (its `power()`: JavaScript's differs in the last bit for about one bucket in ten), so the
 * figures equal the histogram path's exactly. Null when the histogram is empty.
 */
export function histogramPercentile(
  counts: BucketCounts,
  p: number,
  value: (bucket: number) => number,
): number | null {
  let total = 0
  for (const n of counts.values()) total += n
  if (total <= 0) return null
  const rank = p * (total - 1)
  const lo = Math.floor(rank)
  const hi = Math.ceil(rank)
  let before = 0
  let atLo: number | null = null
  let atHi: number | null = null
  for (const b of [...counts.keys()].sort((x, y) => x - y)) {
    const n = counts.get(b)!
    if (n <= 0) continue
    if (atLo === null && lo >= before && lo < before + n) atLo = value(b)
    if (atHi === null && hi >= before && hi < before + n) atHi = value(b)
    if (atHi !== null) break
    before += n
  }
  if (atLo === null || atHi === null) return null
  return atLo + (rank - lo) * (atHi - atLo)
}
