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
