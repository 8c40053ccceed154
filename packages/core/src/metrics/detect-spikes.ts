/**
 * @module Crisis alerts: the last 24 hours of negative (or all) inbound mentions against the
 * trailing seven days. A spike needs both a statistical jump (above mean + k·stddev of the
 * seven previous 24-hour windows) and a floor on the count, so a quiet page does not alarm on
 * two posts.
 */
import { type Kysely, type SqlBool, sql } from 'kysely'
import { EarshotError } from '../errors.js'
import type { Database } from '../storage/database.js'
import { assertDate, timestampParam } from './query-helpers.js'

export interface DetectSpikesQuery {
  organisationId: string
  /** One practice; absent: every practice of the organisation. */
  practiceId?: string
  /** The end of the last 24-hour window (default: now). */
  now?: Date
  /** Standard deviations above the trailing mean (default 3). */
  k?: number
  /** The last 24 hours must hold at least this many mentions (default 5). */
  minCount?: number
  /** `negative`: mentions labelled negative; `total`: all inbound mentions. */
  kind: 'negative' | 'total'
}

export interface SpikeResult {
  practiceId: string
  practiceName: string
  kind: 'negative' | 'total'
  /** Start of the last 24 hours. */
  windowStart: Date
  windowEnd: Date
  /** Mentions in the last 24 hours. */
  count: number
  /** Counts of the seven previous 24-hour windows, most recent first. */
  baseline: number[]
  baselineMean: number
  /** Sample standard deviation of the baseline. */
  baselineStddev: number
  /** mean + k · stddev. */
  threshold: number
  /** count > threshold and count ≥ minCount. */
  isSpike: boolean
}

/**
 * Evaluates the spike rule for one practice or every practice of an organisation, in SQL.
 *
 * @example
 * const alerts = (await detectSpikes(db, { organisationId, kind: 'negative' })).filter((s) => s.isSpike)
 */
export async function detectSpikes(
  db: Kysely<Database>,
  query: DetectSpikesQuery,
): Promise<SpikeResult[]> {
  const now = query.now ?? new Date()
  assertDate('now', now)
  const k = query.k ?? 3
  const minCount = query.minCount ?? 5
  if (!Number.isFinite(k) || k < 0)
    throw new EarshotError('INVALID_INPUT', '`k` must be a non-negative number')
  if (!Number.isFinite(minCount) || minCount < 0)
    throw new EarshotError('INVALID_INPUT', '`minCount` must be a non-negative number')
  if (query.kind !== 'negative' && query.kind !== 'total')
    throw new EarshotError('INVALID_INPUT', `unknown spike kind ${String(query.kind)}`)
  const at = timestampParam(now)
  const practiceScope =
    query.practiceId === undefined ? sql<SqlBool>`true` : sql<SqlBool>`p.id = ${query.practiceId}`
  const kindScope =
    query.kind === 'negative' ? sql<SqlBool>`m.sentiment_label = 'negative'` : sql<SqlBool>`true`
  // Window 0 is the last 24 hours; windows 1–7 the trailing week. Counting per (practice, window)
  // from one range scan, then joining onto every (practice, window) pair, keeps empty windows as zeros.
  const result = await sql<{
    practice_id: string
    practice_name: string
    current: number
    baseline: number[]
    mean: number
    stddev: number | null
  }>`
with sp as (
  select p.id, p.name from practices p where p.organisation_id = ${query.organisationId} and ${practiceScope}
),
counts as (
  select m.practice_id, floor(extract(epoch from ${at} - m.created_at) / 86400)::int as w, count(*)::int as n
  from mentions m
  join sp on sp.id = m.practice_id
  where m.organisation_id = ${query.organisationId} and m.direction = 'inbound' and not m.is_tombstone
    and m.created_at > ${at} - interval '8 days' and m.created_at <= ${at} and ${kindScope}
  group by 1, 2
),
windows as (
  select sp.id, sp.name, w.w, coalesce(c.n, 0) as n
  from sp cross join generate_series(0, 7) as w(w)
  left join counts c on c.practice_id = sp.id and c.w = w.w
)
select id as practice_id, name as practice_name,
  max(n) filter (where w = 0)::int as current,
  array_agg(n order by w) filter (where w > 0) as baseline,
  avg(n) filter (where w > 0)::float8 as mean,
  stddev_samp(n) filter (where w > 0)::float8 as stddev
from windows
group by id, name
order by name, id`.execute(db)
  const windowStart = new Date(now.getTime() - 86_400_000)
  return result.rows.map((r) => {
    const count = Number(r.current)
    const mean = Number(r.mean)
    const stddev = r.stddev === null ? 0 : Number(r.stddev)
    const threshold = mean + k * stddev
    return {
      practiceId: r.practice_id,
      practiceName: r.practice_name,
      kind: query.kind,
      windowStart,
      windowEnd: now,
      count,
      baseline: (r.baseline ?? []).map(Number),
      baselineMean: mean,
      baselineStddev: stddev,
      threshold,
      isSpike: count >= minCount && count > threshold,
    }
  })
}
