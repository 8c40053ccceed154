/**
 * @module An index on a practice's channels. The metrics statements list the channels of the
 * practices in scope (the channel rows of the overview, one "last post" probe per channel); with
 * only (organisation, id) and a global id index, one practice's overview read every channel of
 * every organisation (7,920 rows at bench:scale's 1M set: 0.5–12 ms of a statement that otherwise
 * runs in about 1.5 ms; docs/performance.md § Agency comparison and practice overview).
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

export async function up(db: AnyDb): Promise<void> {
  await sql`create index if not exists channels_practice_idx on channels (organisation_id, practice_id)`.execute(
    db,
  )
}

export async function down(db: AnyDb): Promise<void> {
  await sql`drop index if exists channels_practice_idx`.execute(db)
}
