import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { histogramPercentile, parseBucketText } from './rollup-histogram.js'

/** percentile_cont over the expanded multiset of bucket values, as PostgreSQL computes it. */
function expandedPercentile(values: number[], p: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const rank = p * (sorted.length - 1)
  const lo = Math.floor(rank)
  const hi = Math.ceil(rank)
  return sorted[lo]! + (rank - lo) * (sorted[hi]! - sorted[lo]!)
}

describe('practice-day histogram text', () => {
  it('reads the days of a practice back as one list sorted by bucket', () => {
    expect(parseBucketText('-2,3,7;1,2,1|-1,3;4,1')).toEqual({
      buckets: [-2, -1, 3, 3, 7],
      counts: [1, 4, 2, 1, 1],
    })
    expect(parseBucketText(null)).toEqual({ buckets: [], counts: [] })
  })

  it('gives percentile_cont of the expanded values, for any days and counts', () => {
    const day = fc.uniqueArray(fc.integer({ min: -2, max: 60 }), { minLength: 1, maxLength: 6 })
    fc.assert(
      fc.property(
        fc.array(
          day.chain((buckets) =>
            fc.tuple(
              fc.constant(buckets.sort((a, b) => a - b)),
              fc.array(fc.integer({ min: 1, max: 4 }), {
                minLength: buckets.length,
                maxLength: buckets.length,
              }),
            ),
          ),
          { maxLength: 20 }, // past 64 entries: the index sort as well as insertion
        ),
        fc.constantFrom(0.5, 0.9),
        (days, p) => {
          const text = days.map(([b, n]) => `${b.join(',')};${n.join(',')}`).join('|')
          const value = (b: number) => 1000 * 1.02 ** b
          const expanded = days.flatMap(([b, n]) => b.flatMap((x, i) => Array(n[i]).fill(value(x))))
          expect(histogramPercentile(parseBucketText(text), p, value)).toBe(
            expandedPercentile(expanded, p),
          )
        },
      ),
    )
  })
})
