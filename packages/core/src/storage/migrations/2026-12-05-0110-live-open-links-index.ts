/**
 * @module The open backlog's live part (docs/performance.md § Rollups): the rollup statement
 * reads, per organisation, the open links not yet due (`due_at > now or due_at is null`) to
 * split the open count into pending and at risk. The inbox's partial indexes on open links also
 * leave out hidden mentions (`not mention_hidden`), which the metrics count, so the planner fell
 * back to `response_links_open_idx` (every unanswered link of the organisation, 182,820 rows at
 * 1M mentions) and filtered them on the heap: 120–160 ms of the agency comparison. This index
 * holds the open links in due order; the two halves of the condition are two range probes.
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

export async function up(db: AnyDb): Promise<void> {
  await sql`create index response_links_live_open_idx on response_links
    (organisation_id, due_at) include (practice_id, at_risk_at)
    where outcome is null and exempt_reason is null and needs_reply`.execute(db)
}

export async function down(db: AnyDb): Promise<void> {
  await sql`drop index if exists response_links_live_open_idx`.execute(db)
}
