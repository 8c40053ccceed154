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

/** A histogram as parallel lists, buckets ascending (a bucket may repeat: its counts add). */
export interface BucketList {
  buckets: number[]
  counts: number[]
}

/**
 * Reads histograms written as the practice-day statement writes them (rollup-metrics-sql.ts):
 * per practice-day `b,b,…;n,n,…` (bucket numbers, then their counts), days joined by `|`. One
 * pass over the characters (splitting into strings cost 30–90 ms for 2,000 practices at 1M
 * mentions); the result is sorted by bucket unless `sorted` is false.
 */
export function parseBucketText(text: string | null | undefined, sorted = true): BucketList {
  const buckets: number[] = []
  const counts: number[] = []
  if (!text) return { buckets, counts }
  let dayStart = 0 // index in `buckets` where the current day's buckets began
  let inCounts = false
  let k = 0 // next count's index
  let value = 0
  let negative = false
  let digits = false
  const end = text.length
  for (let i = 0; i <= end; i++) {
    const c = i < end ? text.charCodeAt(i) : 124 // a final '|'
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48)
      digits = true
      continue
    }
    if (c === 45) {
      negative = true
      continue
    }
    if (digits) {
      const v = negative ? -value : value
      if (inCounts) counts[k++] = v
      else buckets.push(v)
    }
    value = 0
    negative = false
    digits = false
    if (c === 59) {
      inCounts = true // ';'
      k = dayStart
    } else if (c === 124) {
      inCounts = false // '|'
      dayStart = buckets.length
    }
  }
  // Days are each ascending; the merged lists are sorted in place — by insertion for the tens
  // of entries of a practice, through an index sort for longer ones.
  const n = buckets.length
  if (!sorted) return { buckets, counts }
  if (n <= 64) {
    for (let i = 1; i < n; i++) {
      const b = buckets[i]!
      const c = counts[i]!
      let j = i - 1
      while (j >= 0 && buckets[j]! > b) {
        buckets[j + 1] = buckets[j]!
        counts[j + 1] = counts[j]!
        j--
      }
      buckets[j + 1] = b
      counts[j + 1] = c
    }
    return { buckets, counts }
  }
  const order = buckets.map((_, i) => i).sort((a, b) => buckets[a]! - buckets[b]!)
  return { buckets: order.map((i) => buckets[i]!), counts: order.map((i) => counts[i]!) }
}

/**
 * Percentile `p` of a histogram, each bucket read back as `value(bucket)`, by the same
 * arithmetic as the SQL of the histogram path (rollup-metrics-sql.ts `percentileSql`, itself
 * `percentile_cont` over the expanded multiset): the values at ranks floor and ceil of
 * p·(total − 1) and the fraction between them. The bucket values must come from the database
 * (its `power()`: JavaScript's differs in the last bit for about one bucket in ten), so the
 * figures equal the histogram path's exactly. Null when the histogram is empty.
 */
export function histogramPercentile(
  list: BucketList,
  p: number,
  value: (bucket: number) => number,
): number | null {
  const { buckets, counts } = list
  let total = 0
  for (const n of counts) total += n
  if (total <= 0) return null
  const rank = p * (total - 1)
  const lo = Math.floor(rank)
  const hi = Math.ceil(rank)
  let before = 0
  let atLo: number | null = null
  let atHi: number | null = null
  for (let i = 0; i < buckets.length && atHi === null; i++) {
    const n = counts[i]!
    if (atLo === null && lo >= before && lo < before + n) atLo = value(buckets[i]!)
    if (hi >= before && hi < before + n) atHi = value(buckets[i]!)
    before += n
  }
  if (atLo === null || atHi === null) return null
  return atLo + (rank - lo) * (atHi - atLo)
}
