/**
 * @module A version of each organisation's set of practices, bumped in the writing transaction
 * by every statement that inserts, updates or deletes practices (docs/performance.md § HTTP
 * load). Every authenticated dashboard request read all of its organisation's practices (2,000
 * rows for an agency, ≈ 7 ms and 2,000 parsed rows per request); `earshot serve` now keeps the
 * list per organisation in memory and reloads it only when this number differs from the one the
 * request reads with the organisation's name — so processes stay stateless (each checks the
 * database on every request) and a practice created, renamed or deleted by any process, the CLI
 * or plain SQL is seen by the next request.
 *
 * Statement triggers (transition tables, one per event), `enable always` so bulk loads with
 * `session_replication_role = replica` bump it too. An organisation being deleted has no row
 * left to bump.
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

export async function up(db: AnyDb): Promise<void> {
  await sql`alter table organisations add column practices_version bigint not null default 0`.execute(
    db,
  )
  for (const op of ['insert', 'update', 'delete'] as const) {
    const rows =
      op === 'delete'
        ? 'old_rows'
        : op === 'insert'
          ? 'new_rows'
          : '(select organisation_id from old_rows union select organisation_id from new_rows)'
    await sql
      .raw(`
create function earshot_practices_version_${op}() returns trigger language plpgsql as $fn$
begin
  update organisations o set practices_version = o.practices_version + 1
    where o.id in (select organisation_id from ${rows} x);
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
      .raw(`create trigger practices_version_${op} after ${op} on practices
        referencing ${referencing} for each statement execute function earshot_practices_version_${op}()`)
      .execute(db)
    await sql.raw(`alter table practices enable always trigger practices_version_${op}`).execute(db)
  }
}

export async function down(db: AnyDb): Promise<void> {
  for (const op of ['insert', 'update', 'delete']) {
    await sql.raw(`drop trigger if exists practices_version_${op} on practices`).execute(db)
    await sql.raw(`drop function if exists earshot_practices_version_${op}()`).execute(db)
  }
  await sql`alter table organisations drop column practices_version`.execute(db)
}
