/**
 * @module Rebuilds the daily rollups (docs/performance.md § Rollups) from the raw rows, set-wise,
 * for a whole organisation or every organisation. For loads that bypass the rollup triggers —
 * a bulk COPY with `session_replication_role = replica`, a restore — where maintaining rollups
 * row by row would cost far more than recomputing them once. It goes through the same recompute
 * the triggers call (`earshot_refresh_rollups`), so the figures are the triggers' figures, in
 * chunks of practices, each chunk its own statement: the advisory locks a refresh takes per key
 * stay bounded, and concurrent writers are serialised per key as usual.
 *
 * Chunks are packed by row count, not only by number of practices: practice sizes are skewed
 * (at 10M mentions the 50 busiest practices of the bench hold 345,000 rows, the 50 quietest a few
 * hundred), and a fixed 50-practice chunk ran into the 30 s statement limit. Each chunk runs in its
 * own transaction without that limit — this is a maintenance operation whose size is the data's,
 * not a request — while the row budget keeps each transaction (and the locks it holds) short.
 * `mention_practice_days` (migration 2026-12-05-0100) is recomputed for the same keys afterwards,
 * so it equals the rebuilt rollups even where a bypassing write left it alone.
 */
import { type Kysely, sql } from 'kysely'
import type { Database } from '../storage/database.js'
import { withoutStatementLimit } from '../storage/without-statement-limit.js'

export interface RebuildRollupsOptions {
  /** Only this organisation; every organisation when omitted. */
  organisationId?: string
  /** At most this many practices recomputed per statement (default 20). */
  practicesPerChunk?: number
  /**
   * A chunk takes further practices only while its mentions stay under this many rows
   * (default 100,000); a practice bigger than that is a chunk of its own.
   */
  rowsPerChunk?: number
}

/**
 * Recomputes every (practice, local day) that has mentions or a rollup row; days whose mentions
 * are gone lose their rows. Returns the number of practices and keys refreshed.
 */
export async function rebuildRollups(
  db: Kysely<Database>,
  options: RebuildRollupsOptions = {},
): Promise<{ practices: number; keys: number }> {
  const org = options.organisationId
  // Row counts through the (organisation, practice, created_at) index; a left join keeps
  // practices without mentions (their stale rollup days must still go). A full count, so it
  // too runs without the statement limit.
  const practices = await withoutStatementLimit(db, (trx) =>
    sql<{ organisation_id: string; id: string; n: string }>`
select pr.organisation_id, pr.id, coalesce(c.n, 0) as n from practices pr
left join (select organisation_id, practice_id, count(*) as n from mentions
  ${org === undefined ? sql`` : sql`where organisation_id = ${org}`}
  group by organisation_id, practice_id) c
  on c.organisation_id = pr.organisation_id and c.practice_id = pr.id
${org === undefined ? sql`` : sql`where pr.organisation_id = ${org}`}
order by pr.organisation_id, pr.id`.execute(trx),
  )
  let keys = 0
  for (const chunk of packChunks(practices.rows, options)) {
    const orgs = chunk.map((p) => p.organisation_id)
    const ids = chunk.map((p) => p.id)
    keys += await withoutStatementLimit(db, async (trx) => {
      // The practice-day triggers stand aside for this transaction: every key is recomputed
      // once below (migration 2026-12-05-0100).
      await sql`select set_config('earshot.practice_days', 'deferred', true)`.execute(trx)
      const result = await sql<{ n: number; o: string[]; p: string[]; d: string[] }>`
with scope as (
  select s.o, s.p, pr.time_zone
  from unnest(${orgs}::text[], ${ids}::text[]) as s(o, p)
  join practices pr on pr.organisation_id = s.o and pr.id = s.p
),
k as (
  select m.organisation_id as o, m.practice_id as p, (m.created_at at time zone scope.time_zone)::date as d
  from scope join mentions m on m.organisation_id = scope.o and m.practice_id = scope.p
  union
  select r.organisation_id, r.practice_id, r.day
  from scope join mention_rollups r on r.organisation_id = scope.o and r.practice_id = scope.p
  union
  select h.organisation_id, h.practice_id, h.day
  from scope join mention_rollup_histograms h on h.organisation_id = scope.o and h.practice_id = scope.p
  union
  select x.organisation_id, x.practice_id, x.day
  from scope join mention_practice_days x on x.organisation_id = scope.o and x.practice_id = scope.p
)
select count(*)::int as n, array_agg(o) as o, array_agg(p) as p, array_agg(d::text) as d,
  earshot_refresh_rollups(array_agg(o), array_agg(p), array_agg(d))::text as done
from k`.execute(trx)
      // mention_practice_days for every key, so a rebuild also repairs a practice-day row whose
      // rollups did not change (same transaction, under the refresh's per-practice locks).
      const keys = result.rows[0]
      if (keys && keys.n > 0)
        await sql`select earshot_refresh_practice_days(${keys.o}::text[], ${keys.p}::text[], ${keys.d}::date[])::text`.execute(
          trx,
        )
      return keys?.n ?? 0
    })
  }
  return { practices: practices.rows.length, keys }
}

/** Consecutive practices, at most `practicesPerChunk` and about `rowsPerChunk` rows a chunk. */
export function packChunks<P extends { n: string | number }>(
  practices: readonly P[],
  options: Pick<RebuildRollupsOptions, 'practicesPerChunk' | 'rowsPerChunk'> = {},
): P[][] {
  const maxPractices = Math.max(1, options.practicesPerChunk ?? 20)
  const maxRows = Math.max(1, options.rowsPerChunk ?? 100_000)
  const chunks: P[][] = []
  let chunk: P[] = []
  let rows = 0
  for (const p of practices) {
    const n = Number(p.n)
    if (chunk.length > 0 && (chunk.length >= maxPractices || rows + n > maxRows)) {
      chunks.push(chunk)
      chunk = []
      rows = 0
    }
    chunk.push(p)
    rows += n
  }
  if (chunk.length > 0) chunks.push(chunk)
  return chunks
}
