/**
 * `mention_practice_days` as it should be: the organisation's `mention_rollups` rows summed per
 * (practice, day) and its `mention_rollup_histograms` rows merged per (practice, day, clock,
 * bucket) — computed here in JavaScript, independently of the migration's SQL — next to what the
 * table holds, both in the same shape for `toEqual`.
 */
import { type Kysely, sql } from 'kysely'
import type { Database } from '../src/storage/database.js'
// The column list is schema, not logic: the sums and merges below stay independent of the SQL.
import { COUNTERS } from '../src/storage/migrations/2026-12-05-0100-practice-day-rollups.js'

export interface PracticeDayRow {
  key: string
  counters: Record<string, number>
  sentimentSum: number
  wall: [number, number][]
  business: [number, number][]
}

export async function practiceDaysExpectedAndActual(
  db: Kysely<Database>,
  org: string,
): Promise<{ expected: PracticeDayRow[]; actual: PracticeDayRow[] }> {
  const rollups = await sql<Record<string, unknown>>`
    select practice_id, day::text as day, ${sql.raw(COUNTERS.join(', '))}, sentiment_sum
    from mention_rollups where organisation_id = ${org}`.execute(db)
  const hist = await sql<{
    practice_id: string
    day: string
    clock: string
    bucket: number
    n: number
  }>`
    select practice_id, day::text as day, clock, bucket, n from mention_rollup_histograms
    where organisation_id = ${org}`.execute(db)
  const byKey = new Map<string, PracticeDayRow>()
  const wall = new Map<string, Map<number, number>>()
  const business = new Map<string, Map<number, number>>()
  for (const r of rollups.rows) {
    const key = `${r.practice_id}/${r.day}`
    const row = byKey.get(key) ?? {
      key,
      counters: Object.fromEntries(COUNTERS.map((c) => [c, 0])),
      sentimentSum: 0,
      wall: [],
      business: [],
    }
    for (const c of COUNTERS) row.counters[c]! += Number(r[c])
    row.sentimentSum += Number(r.sentiment_sum)
    byKey.set(key, row)
  }
  for (const h of hist.rows) {
    const key = `${h.practice_id}/${h.day}`
    const m = h.clock === 'wall' ? wall : business
    const buckets = m.get(key) ?? new Map<number, number>()
    buckets.set(Number(h.bucket), (buckets.get(Number(h.bucket)) ?? 0) + Number(h.n))
    m.set(key, buckets)
  }
  const sorted = (m: Map<number, number> | undefined): [number, number][] =>
    [...(m ?? new Map<number, number>())].sort((a, b) => a[0] - b[0])
  const expected = [...byKey.values()]
    .map((r) => ({ ...r, wall: sorted(wall.get(r.key)), business: sorted(business.get(r.key)) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))

  const table = await sql<Record<string, unknown>>`
    select practice_id, day::text as day, ${sql.raw(COUNTERS.join(', '))}, sentiment_sum,
      wall_buckets, wall_counts, business_buckets, business_counts
    from mention_practice_days where organisation_id = ${org}`.execute(db)
  const pairs = (b: unknown, n: unknown): [number, number][] =>
    (b as number[]).map((x, i) => [Number(x), Number((n as number[])[i])])
  const actual = table.rows
    .map((r) => ({
      key: `${r.practice_id}/${r.day}`,
      counters: Object.fromEntries(COUNTERS.map((c) => [c, Number(r[c])])),
      sentimentSum: Number(r.sentiment_sum),
      wall: pairs(r.wall_buckets, r.wall_counts),
      business: pairs(r.business_buckets, r.business_counts),
    }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  return { expected, actual }
}

/** Both sides without the float sum (compared to 1e-9 by the caller), and the sums apart. */
export function splitSums(rows: PracticeDayRow[]): {
  rows: Omit<PracticeDayRow, 'sentimentSum'>[]
  sums: number[]
} {
  return {
    rows: rows.map(({ sentimentSum: _, ...rest }) => rest),
    sums: rows.map((r) => r.sentimentSum),
  }
}
