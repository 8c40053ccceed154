/**
 * @module What the inbox's channel, category and assignee filters test, carried on the response
 * link beside the flags of migration 2026-12-04-0100 (docs/performance.md § Inbox). A filtered
 * page joined every open link of the scope to its mention (or its assignment) until the page was
 * full, and its count joined all of them: a filter that matches little cost the whole backlog.
 * Now on `response_links`:
 *
 * - `mention_channel_id`, `mention_category`: the inbound mention's `channel_id` and `category`
 *   (null when the mention is missing; such links are hidden anyway). Not `rl.channel_id` /
 *   `rl.category`: those are what the SLA was evaluated with and nothing keeps them equal to the
 *   mention's (a reclassification changes the mention);
 * - `assignee_id`: the `user_id` of the mention's row in `inbox_assignments`, or null.
 *
 * Kept exact by the same triggers as the flags, extended (their behaviour for the flags is
 * unchanged): the row trigger before a link is inserted reads the mention `for share` as before
 * and the assignment `for share`; the statement triggers on `mentions` compare and copy the two
 * mention columns with the flags; new statement triggers after insert, update and delete on
 * `inbox_assignments` (transition tables, set-wise, writing only links that differ) set or clear
 * `assignee_id`, skipping an organisation that is being deleted. All `enable always`.
 *
 * The backfill rewrites every link once (the columns have no cheap default).
 *
 * Indexes, partial over open, visible links like those of 0100 (small however long the history),
 * each keyed by its filter column then the due time and id, so a filtered segment is one range of
 * its index read in order with `LIMIT page + 1`, and its count reads only the matching entries:
 * channel (organisation-wide: a channel belongs to one practice), category and assignee (for one
 * practice and organisation-wide, for a scope of many practices). Every carried column is
 * included, so a count can be an index-only scan.
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

const OPEN = 'outcome is null and exempt_reason is null and needs_reply'
const VISIBLE = `${OPEN} and not mention_hidden`
const CARRIED = 'mention_urgent, mention_privacy, mention_channel_id, mention_category, assignee_id'

/** A mention row's carried columns, in the order of the link's columns below. */
const MENTION = (r: string) =>
  `${r}.urgent, ${r}.deleted_at is not null or ${r}.is_tombstone, ${r}.privacy, ${r}.channel_id, ${r}.category`
const LINK_MENTION =
  'rl.mention_urgent, rl.mention_hidden, rl.mention_privacy, rl.mention_channel_id, rl.mention_category'

const INDEXES: [string, string][] = [
  [
    'response_links_inbox_channel_idx',
    `(organisation_id, mention_channel_id, due_at, inbound_id) include (practice_id, at_risk_at, ${CARRIED})`,
  ],
  [
    'response_links_inbox_category_practice_idx',
    `(organisation_id, practice_id, mention_category, due_at, inbound_id) include (at_risk_at, ${CARRIED})`,
  ],
  [
    'response_links_inbox_category_org_idx',
    `(organisation_id, mention_category, due_at, inbound_id) include (practice_id, at_risk_at, ${CARRIED})`,
  ],
  [
    'response_links_inbox_assignee_practice_idx',
    `(organisation_id, practice_id, assignee_id, due_at, inbound_id) include (at_risk_at, ${CARRIED})`,
  ],
  [
    'response_links_inbox_assignee_org_idx',
    `(organisation_id, assignee_id, due_at, inbound_id) include (practice_id, at_risk_at, ${CARRIED})`,
  ],
]

export async function up(db: AnyDb): Promise<void> {
  await sql`alter table response_links
    add column mention_channel_id text,
    add column mention_category text,
    add column assignee_id text`.execute(db)

  // The link trigger of 0100, with the two mention columns and the assignment. The mention is
  // read first (`for share`, as before), then the assignment `for share`: a concurrent change or
  // removal of an existing assignment is waited for, then seen.
  await sql
    .raw(`
create or replace function earshot_inbox_flags_link() returns trigger language plpgsql as $fn$
begin
  select m.urgent, m.deleted_at is not null or m.is_tombstone, m.privacy, m.channel_id, m.category
    into new.mention_urgent, new.mention_hidden, new.mention_privacy, new.mention_channel_id,
      new.mention_category
    from mentions m where m.organisation_id = new.organisation_id and m.id = new.inbound_id
    for share;
  if not found then
    new.mention_urgent := false;
    new.mention_hidden := true;
    new.mention_privacy := false;
    new.mention_channel_id := null;
    new.mention_category := null;
  end if;
  new.assignee_id := (select a.user_id from inbox_assignments a
    where a.organisation_id = new.organisation_id and a.mention_id = new.inbound_id for share);
  return new;
end $fn$`)
    .execute(db)

  // The mention triggers of 0100, comparing and copying the two mention columns with the flags.
  const setFrom = (rows: string) => `
  update response_links rl
    set mention_urgent = n.urgent, mention_hidden = n.deleted_at is not null or n.is_tombstone,
        mention_privacy = n.privacy, mention_channel_id = n.channel_id, mention_category = n.category
    from ${rows} n
    where rl.organisation_id = n.organisation_id and rl.inbound_id = n.id
      and (${LINK_MENTION}) is distinct from (${MENTION('n')});`
  const hideFrom = (rows: string) => `
  update response_links rl set mention_urgent = false, mention_hidden = true, mention_privacy = false,
      mention_channel_id = null, mention_category = null
    from ${rows} x
    where rl.organisation_id = x.organisation_id and rl.inbound_id = x.id
      and (${LINK_MENTION}) is distinct from (false, true, false, null::text, null::text);`
  const bodies = {
    insert: setFrom('new_rows'),
    delete: hideFrom(`(select x.* from old_rows x
      where exists (select 1 from organisations g where g.id = x.organisation_id))`),
    update:
      setFrom(`(select n.* from new_rows n left join old_rows x using (organisation_id, id)
      where x.id is null or (${MENTION('x')}) is distinct from (${MENTION('n')}))`) +
      hideFrom(`(select x.* from old_rows x left join new_rows n using (organisation_id, id)
      where n.id is null)`),
  }
  for (const op of ['insert', 'update', 'delete'] as const)
    await sql
      .raw(`
create or replace function earshot_inbox_flags_mentions_${op}() returns trigger language plpgsql as $fn$
begin
  ${bodies[op]}
  return null;
end $fn$`)
      .execute(db)

  // Assignments onto their links: the current assignee of each key that appeared or changed,
  // null for keys that disappeared (an unassign, or a reassign as delete + insert).
  const assign = (rows: string) => `
  update response_links rl set assignee_id = n.user_id
    from ${rows} n
    where rl.organisation_id = n.organisation_id and rl.inbound_id = n.mention_id
      and rl.assignee_id is distinct from n.user_id;`
  const unassign = (rows: string) => `
  update response_links rl set assignee_id = null
    from ${rows} x
    where rl.organisation_id = x.organisation_id and rl.inbound_id = x.mention_id
      and rl.assignee_id is not null
      and not exists (select 1 from inbox_assignments a
        where a.organisation_id = x.organisation_id and a.mention_id = x.mention_id);`
  const assignmentBodies = {
    insert: assign('new_rows'),
    delete: unassign(`(select x.* from old_rows x
      where exists (select 1 from organisations g where g.id = x.organisation_id))`),
    update:
      assign(`(select n.* from new_rows n left join old_rows x using (organisation_id, mention_id)
      where x.mention_id is null or x.user_id is distinct from n.user_id)`) +
      unassign(`(select x.* from old_rows x left join new_rows n using (organisation_id, mention_id)
      where n.mention_id is null)`),
  }
  // The live inbox's change feed (migration 230) already records the assignment itself; the
  // copy onto the link is marked (transaction-local) so it does not add a 'links' change.
  await sql
    .raw(`
create or replace function earshot_inbox_changes_response_links_update() returns trigger language plpgsql as $fn$
begin
  if current_setting('earshot.inbox_assignee_sync', true) = 'on' then return null; end if;
  insert into inbox_changes (organisation_id, practice_id, kind)
    select distinct organisation_id, practice_id, 'links' from new_rows;
  return null;
end $fn$`)
    .execute(db)
  for (const op of ['insert', 'update', 'delete'] as const) {
    await sql
      .raw(`
create function earshot_inbox_assignee_${op}() returns trigger language plpgsql as $fn$
begin
  perform set_config('earshot.inbox_assignee_sync', 'on', true);
  ${assignmentBodies[op]}
  perform set_config('earshot.inbox_assignee_sync', 'off', true);
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
      .raw(`create trigger inbox_assignments_assignee_${op} after ${op} on inbox_assignments
        referencing ${referencing} for each statement execute function earshot_inbox_assignee_${op}()`)
      .execute(db)
    await sql
      .raw(`alter table inbox_assignments enable always trigger inbox_assignments_assignee_${op}`)
      .execute(db)
  }

  // Backfill: every link gets its mention's channel and category, assigned ones their assignee.
  await sql`update response_links rl set mention_channel_id = m.channel_id, mention_category = m.category
    from mentions m where m.organisation_id = rl.organisation_id and m.id = rl.inbound_id`.execute(
    db,
  )
  await sql`update response_links rl set assignee_id = a.user_id
    from inbox_assignments a
    where a.organisation_id = rl.organisation_id and a.mention_id = rl.inbound_id`.execute(db)

  for (const [name, spec] of INDEXES)
    await sql.raw(`create index ${name} on response_links ${spec} where ${VISIBLE}`).execute(db)
}

export async function down(db: AnyDb): Promise<void> {
  for (const [name] of INDEXES) await sql.raw(`drop index if exists ${name}`).execute(db)
  for (const op of ['insert', 'update', 'delete']) {
    await sql
      .raw(`drop trigger if exists inbox_assignments_assignee_${op} on inbox_assignments`)
      .execute(db)
    await sql.raw(`drop function if exists earshot_inbox_assignee_${op}()`).execute(db)
  }
  await sql
    .raw(`
create or replace function earshot_inbox_changes_response_links_update() returns trigger language plpgsql as $fn$
begin
  insert into inbox_changes (organisation_id, practice_id, kind)
    select distinct organisation_id, practice_id, 'links' from new_rows;
  return null;
end $fn$`)
    .execute(db)
  // 0100's functions as they were.
  await sql
    .raw(`
create or replace function earshot_inbox_flags_link() returns trigger language plpgsql as $fn$
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
  const FLAGS = (r: string) =>
    `${r}.urgent, ${r}.deleted_at is not null or ${r}.is_tombstone, ${r}.privacy`
  const setFrom = (rows: string) => `
  update response_links rl
    set mention_urgent = n.urgent, mention_hidden = n.deleted_at is not null or n.is_tombstone,
        mention_privacy = n.privacy
    from ${rows} n
    where rl.organisation_id = n.organisation_id and rl.inbound_id = n.id
      and (rl.mention_urgent, rl.mention_hidden, rl.mention_privacy) is distinct from (${FLAGS('n')});`
  const hideFrom = (rows: string) => `
  update response_links rl set mention_urgent = false, mention_hidden = true, mention_privacy = false
    from ${rows} x
    where rl.organisation_id = x.organisation_id and rl.inbound_id = x.id
      and (rl.mention_urgent, rl.mention_hidden, rl.mention_privacy) is distinct from (false, true, false);`
  const bodies = {
    insert: setFrom('new_rows'),
    delete: hideFrom(`(select x.* from old_rows x
      where exists (select 1 from organisations g where g.id = x.organisation_id))`),
    update:
      setFrom(`(select n.* from new_rows n left join old_rows x using (organisation_id, id)
      where x.id is null or (${FLAGS('x')}) is distinct from (${FLAGS('n')}))`) +
      hideFrom(`(select x.* from old_rows x left join new_rows n using (organisation_id, id)
      where n.id is null)`),
  }
  for (const op of ['insert', 'update', 'delete'] as const)
    await sql
      .raw(`
create or replace function earshot_inbox_flags_mentions_${op}() returns trigger language plpgsql as $fn$
begin
  ${bodies[op]}
  return null;
end $fn$`)
      .execute(db)
  await sql`alter table response_links drop column mention_channel_id, drop column mention_category,
    drop column assignee_id`.execute(db)
}
