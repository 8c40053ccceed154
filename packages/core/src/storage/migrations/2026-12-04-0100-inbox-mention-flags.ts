/**
 * @module The inbound mention's inbox flags carried on its response link (docs/performance.md
 * § Inbox). Every inbox query reads, besides the link, only two facts about the inbound mention
 * to decide whether and where a link is listed and counted: `urgent`, and whether it is hidden
 * (deleted by its author, a tombstone, or missing). Reading them from `mentions` cost one
 * primary-key probe per open link — ≈ 4,500 for the urgent segment of a first page and 10,000
 * for the true totals of a practice with 10,000 open items. They are now columns of
 * `response_links`:
 *
 * - `mention_urgent` = the mention's `urgent` (false when the mention is missing);
 * - `mention_privacy` = the mention's `privacy` (false when missing), for the inbox's privacy
 *   filter, whose count otherwise joins every open link to its mention again;
 * - `mention_hidden` = `deleted_at is not null or is_tombstone`, true when there is no mention
 *   (links have no foreign key to mentions; the inbox's inner join dropped such links).
 *
 * They are kept exact by the database, not by the writers, because mentions change outside the
 * thread pass too (deletion webhooks, overrides, redaction, manual SQL):
 *
 * - a row trigger before a link is inserted (or its keys change) reads its mention `for share`
 *   — so a concurrent, uncommitted change of that mention is waited for, not missed — and sets
 *   both columns;
 * - statement triggers after insert, update and delete on `mentions` (transition tables, as the
 *   rollup triggers of migrations 700 and 1300) copy the flags of every mention that appeared or
 *   changed one of them onto its link, and hide the links of mentions that disappeared, updating
 *   only the links whose flags differ. An update that changes neither (nearly every ingest upsert) returns
 *   after comparing the transition tables.
 *
 * The triggers are `enable always`: bulk loads that turn triggers off with
 * `session_replication_role = replica` (the seeds of the volume tests and benches) must still
 * get exact flags, as with a generated column.
 *
 * Indexes: the two open-link indexes of migration 210 are replaced by the same keys over open,
 * not hidden links, with `mention_urgent` and `mention_privacy` included (the true totals become an index-only scan of
 * one of them), and two small ones hold open, visible, urgent links only (the urgent segment
 * reads exactly its rows).
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

const OPEN = 'outcome is null and exempt_reason is null and needs_reply'

/** The flags of mention `m` (null columns when it is missing). */
const URGENT = 'coalesce(m.urgent, false)'
const HIDDEN = 'coalesce(m.deleted_at is not null or m.is_tombstone, true)'
const PRIVACY = 'coalesce(m.privacy, false)'
/** A mention row's flags, in the order of the columns. */
const FLAGS = (r: string) =>
  `${r}.urgent, ${r}.deleted_at is not null or ${r}.is_tombstone, ${r}.privacy`

export async function up(db: AnyDb): Promise<void> {
  // Defaults are the flags of a visible, non-urgent mention: adding the columns rewrites nothing,
  // and the backfill below writes only the links that differ from them.
  await sql`alter table response_links
    add column mention_urgent boolean not null default false,
    add column mention_hidden boolean not null default false,
    add column mention_privacy boolean not null default false`.execute(db)

  // Before insert (or a change of the link's keys): the flags of its inbound mention as of now.
  await sql
    .raw(`
create function earshot_inbox_flags_link() returns trigger language plpgsql as $fn$
begin
  select m.urgent, m.deleted_at is not null or m.is_tombstone, m.privacy
    into new.mention_urgent, new.mention_hidden, new.mention_privacy
    from mentions m where m.organisation_id = new.organisation_id and m.id = new.inbound_id
    for share;
  if not found then
    new.mention_urgent := false;
    new.mention_hidden := true;
    new.mention_privacy := false;
  end if;
  return new;
end $fn$`)
    .execute(db)
  await sql`create trigger response_links_inbox_flags before insert or update of organisation_id, inbound_id
    on response_links for each row execute function earshot_inbox_flags_link()`.execute(db)

  // The mention triggers, set-wise from the transition tables (the planner is told their size,
  // so a 500-row ingest statement probes the links' primary key and an organisation's deletion
  // hashes). Writes only links whose flags differ.
  const setFrom = (rows: string) => `
  update response_links rl
    set mention_urgent = n.urgent, mention_hidden = n.deleted_at is not null or n.is_tombstone,
        mention_privacy = n.privacy
    from ${rows} n
    where rl.organisation_id = n.organisation_id and rl.inbound_id = n.id
      and (rl.mention_urgent, rl.mention_hidden, rl.mention_privacy) is distinct from (${FLAGS('n')});`
  // Links of mentions that no longer exist: hidden.
  const hideFrom = (rows: string) => `
  update response_links rl set mention_urgent = false, mention_hidden = true, mention_privacy = false
    from ${rows} x
    where rl.organisation_id = x.organisation_id and rl.inbound_id = x.id
      and (rl.mention_urgent, rl.mention_hidden, rl.mention_privacy) is distinct from (false, true, false);`
  const bodies = {
    insert: setFrom('new_rows'),
    // Not when the organisation itself is being deleted (its cascade would first rewrite every
    // link of the organisation, 1M in bench:scale's clean-up, past the 30 s statement limit).
    delete: hideFrom(`(select x.* from old_rows x
      where exists (select 1 from organisations g where g.id = x.organisation_id))`),
    // Mentions whose flags changed or whose key appeared; keys that disappeared.
    update:
      setFrom(`(select n.* from new_rows n left join old_rows x using (organisation_id, id)
      where x.id is null or (${FLAGS('x')}) is distinct from (${FLAGS('n')}))`) +
      hideFrom(`(select x.* from old_rows x left join new_rows n using (organisation_id, id)
      where n.id is null)`),
  }
  for (const op of ['insert', 'update', 'delete'] as const) {
    await sql
      .raw(`
create function earshot_inbox_flags_mentions_${op}() returns trigger language plpgsql as $fn$
begin
  ${bodies[op]}
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
      .raw(`create trigger mentions_inbox_flags_${op} after ${op} on mentions
        referencing ${referencing} for each statement execute function earshot_inbox_flags_mentions_${op}()`)
      .execute(db)
    await sql
      .raw(`alter table mentions enable always trigger mentions_inbox_flags_${op}`)
      .execute(db)
  }
  await sql`alter table response_links enable always trigger response_links_inbox_flags`.execute(db)

  // Backfill: only links whose mention is urgent, private, hidden or missing differ from the
  // defaults.
  await sql
    .raw(`
update response_links rl
  set mention_urgent = s.urgent, mention_hidden = s.hidden, mention_privacy = s.privacy
  from (select l.organisation_id, l.inbound_id, ${URGENT} as urgent, ${HIDDEN} as hidden,
          ${PRIVACY} as privacy
        from response_links l left join mentions m
          on m.organisation_id = l.organisation_id and m.id = l.inbound_id
        where m.id is null or m.urgent or m.privacy or m.deleted_at is not null or m.is_tombstone) s
  where rl.organisation_id = s.organisation_id and rl.inbound_id = s.inbound_id`)
    .execute(db)

  await sql`drop index if exists response_links_inbox_practice_idx`.execute(db)
  await sql`drop index if exists response_links_inbox_org_idx`.execute(db)
  await sql
    .raw(`create index response_links_inbox_practice_idx on response_links
    (organisation_id, practice_id, due_at, inbound_id) include (at_risk_at, mention_urgent, mention_privacy)
    where ${OPEN} and not mention_hidden`)
    .execute(db)
  await sql
    .raw(`create index response_links_inbox_org_idx on response_links
    (organisation_id, due_at, inbound_id) include (practice_id, at_risk_at, mention_urgent, mention_privacy)
    where ${OPEN} and not mention_hidden`)
    .execute(db)
  await sql
    .raw(`create index response_links_inbox_urgent_practice_idx on response_links
    (organisation_id, practice_id, due_at, inbound_id) include (at_risk_at)
    where ${OPEN} and not mention_hidden and mention_urgent`)
    .execute(db)
  await sql
    .raw(`create index response_links_inbox_urgent_org_idx on response_links
    (organisation_id, due_at, inbound_id) include (practice_id, at_risk_at)
    where ${OPEN} and not mention_hidden and mention_urgent`)
    .execute(db)
}

export async function down(db: AnyDb): Promise<void> {
  for (const op of ['insert', 'update', 'delete']) {
    await sql.raw(`drop trigger if exists mentions_inbox_flags_${op} on mentions`).execute(db)
    await sql.raw(`drop function if exists earshot_inbox_flags_mentions_${op}()`).execute(db)
  }
  await sql`drop trigger if exists response_links_inbox_flags on response_links`.execute(db)
  await sql`drop function if exists earshot_inbox_flags_link()`.execute(db)
  await sql`drop index if exists response_links_inbox_urgent_practice_idx`.execute(db)
  await sql`drop index if exists response_links_inbox_urgent_org_idx`.execute(db)
  await sql`drop index if exists response_links_inbox_practice_idx`.execute(db)
  await sql`drop index if exists response_links_inbox_org_idx`.execute(db)
  await sql`alter table response_links drop column mention_urgent, drop column mention_hidden,
    drop column mention_privacy`.execute(db)
  // Migration 210's indexes.
  await sql
    .raw(`create index response_links_inbox_practice_idx on response_links
    (organisation_id, practice_id, due_at, inbound_id) include (at_risk_at) where ${OPEN}`)
    .execute(db)
  await sql
    .raw(`create index response_links_inbox_org_idx on response_links
    (organisation_id, due_at, inbound_id) include (practice_id, at_risk_at) where ${OPEN}`)
    .execute(db)
}
