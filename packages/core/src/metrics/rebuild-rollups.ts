/**
 * @module Rebuilds the daily rollups (docs/performance.md § Rollups) from the raw rows, set-wise,
 * for a whole organisation or every organisation. For loads that bypass the rollup triggers —
 * a bulk COPY with `session_replication_role = replica`, a restore — where maintaining rollups
 * row by row would cost far more than recomputing them once. It goes through the same recompute
 * the triggers call (`earshot_refresh_rollups`), so the figures are the triggers' figures, in
 * chunks of practices, each chunk its own statement: the advisory locks a refresh takes per key
 * stay bounded, and concurrent writers are serialised per key as usual.
 */
import { type Kysely, sql } from 'kysely'
import type { Database } from '../storage/database.js'

export interface RebuildRollupsOptions {
  /** Only this organisation; every organisation when omitted. */
  organisationId?: string
  /** Practices recomputed per statement (default 20). */
  practicesPerChunk?: number
}

/**
 * Recomputes every (practice, local day) that has mentions or a rollup row; days whose mentions
 * are gone lose their rows. Returns the number of practices and keys refreshed.
 */
export async function rebuildRollups(
  db: Kysely<Database>,
  options: RebuildRollupsOptions = {},
): Promise<{ practices: number; keys: number }> {
  const chunkSize = Math.max(1, options.practicesPerChunk ?? 20)
  const org = options.organisationId
  const practices = await sql<{ organisation_id: string; id: string }>`
select organisation_id, id from practices
${org === undefined ? sql`` : sql`where organisation_id = ${org}`}
order by organisation_id, id`.execute(db)
  let keys = 0
  for (let i = 0; i < practices.rows.length; i += chunkSize) {
    const chunk = practices.rows.slice(i, i + chunkSize)
    const orgs = chunk.map((p) => p.organisation_id)
    const ids = chunk.map((p) => p.id)
    const result = await sql<{ n: number }>`
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
)
select count(*)::int as n, earshot_refresh_rollups(array_agg(o), array_agg(p), array_agg(d))::text as done
from k`.execute(db)
    keys += result.rows[0]?.n ?? 0
  }
  return { practices: practices.rows.length, keys }
}
