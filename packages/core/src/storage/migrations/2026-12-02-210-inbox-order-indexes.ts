/**
 * @module Indexes for the inbox order (docs/performance.md § Inbox). The inbox reads open links
 * (not answered, not exempt, needing a reply) one segment of its order at a time in due-time
 * order, so each segment is a range scan of a partial index that holds open links only — small
 * however long the history — instead of a sort of every open item. One index serves a page
 * scoped to one practice, the other a page over many (an agency's practices), where an index
 * led by the practice would need a sort across practices. `at_risk_at` rides along so the
 * status of a row is known without a heap visit.
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

const OPEN = sql`outcome is null and exempt_reason is null and needs_reply`

export async function up(db: AnyDb): Promise<void> {
  await sql`create index response_links_inbox_practice_idx on response_links
    (organisation_id, practice_id, due_at, inbound_id) include (at_risk_at) where ${OPEN}`.execute(
    db,
  )
  await sql`create index response_links_inbox_org_idx on response_links
    (organisation_id, due_at, inbound_id) include (practice_id, at_risk_at) where ${OPEN}`.execute(
    db,
  )
}

export async function down(db: AnyDb): Promise<void> {
  await sql`drop index if exists response_links_inbox_org_idx`.execute(db)
  await sql`drop index if exists response_links_inbox_practice_idx`.execute(db)
}
