/**
 * @module A change feed for live inboxes: one row per (organisation, practice, kind) each time
 * a statement changes response links (new items, status changes, answers, exemptions) or
 * assignments. Statement-level triggers write it inside the writing transaction, so every
 * writer — ingest, webhooks, replies, overrides, any serve process — feeds it without knowing,
 * and each open `/inbox/events` stream polls it by sequence number. Rows are short-lived: the
 * readers prune what is older than an hour.
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

const SOURCES = [
  { table: 'response_links', kind: 'links' },
  { table: 'inbox_assignments', kind: 'assignments' },
] as const

export async function up(db: AnyDb): Promise<void> {
  await sql`
create table inbox_changes (
  seq bigint generated always as identity primary key,
  organisation_id text not null,
  practice_id text not null,
  kind text not null,
  created_at timestamptz not null default now()
)`.execute(db)
  await sql`create index inbox_changes_org_seq_idx on inbox_changes (organisation_id, seq)`.execute(
    db,
  )
  for (const { table, kind } of SOURCES) {
    for (const op of ['insert', 'update', 'delete'] as const) {
      const rows = op === 'delete' ? 'old_rows' : 'new_rows'
      await sql
        .raw(`
create function earshot_inbox_changes_${table}_${op}() returns trigger language plpgsql as $fn$
begin
  insert into inbox_changes (organisation_id, practice_id, kind)
    select distinct organisation_id, practice_id, '${kind}' from ${rows};
  return null;
end $fn$`)
        .execute(db)
      const referencing =
        op === 'insert'
          ? 'new table as new_rows'
          : op === 'delete'
            ? 'old table as old_rows'
            : 'old table as old_rows new table as new_rows'
      await sql
        .raw(`create trigger ${table}_inbox_changes_${op} after ${op} on ${table}
          referencing ${referencing} for each statement
          execute function earshot_inbox_changes_${table}_${op}()`)
        .execute(db)
    }
  }
}

export async function down(db: AnyDb): Promise<void> {
  for (const { table } of SOURCES) {
    for (const op of ['insert', 'update', 'delete']) {
      await sql.raw(`drop trigger if exists ${table}_inbox_changes_${op} on ${table}`).execute(db)
      await sql.raw(`drop function if exists earshot_inbox_changes_${table}_${op}()`).execute(db)
    }
  }
  await sql`drop table if exists inbox_changes`.execute(db)
}
