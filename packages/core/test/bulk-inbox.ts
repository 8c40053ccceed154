/**
 * @module Bulk SQL for inbox volume tests and the inbox bench: thousands of open mentions with
 * their response links in two statements, with heavy ties on every sort key but the id.
 *
 * The two inserts run with row triggers and statement triggers off (`session_replication_role =
 * replica`, local to the transaction) and the daily rollups of the touched days are refreshed
 * once afterwards: the link trigger's key lookup is quadratic in the size of one statement
 * times the organisation's links (docs/performance.md § Inbox), which turned a 10,000-row seed
 * into two minutes on PGlite. Foreign keys are not checked either; the rows are built valid.
 */
import { type Kysely, sql } from 'kysely'
import type { Database } from '../src/storage/database.js'

/**
 * Inserts `count` open inbound mentions and their links in two statements. Due times repeat every
 * 97 rows and creation times every 50, so thousands of rows tie on every key but the id.
 * Row i is urgent when i % 41 = 0, breached when i % 3 = 0 (due before `now`), at risk when
 * i % 3 = 1, pending otherwise; every 500th has no due time.
 */
export async function bulkOpenInbox(
  db: Kysely<Database>,
  now: Date,
  org: string,
  practice: string,
  channel: string,
  prefix: string,
  count: number,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await sql`set local session_replication_role = replica`.execute(tx)
    await insertRows(tx, now, org, practice, channel, prefix, count)
    await sql`set local session_replication_role = origin`.execute(tx)
    await sql`
      select earshot_refresh_rollups(array_agg(k.o), array_agg(k.p), array_agg(k.d))
      from (select distinct m.organisation_id as o, m.practice_id as p,
              (m.created_at at time zone pr.time_zone)::date as d
            from mentions m join practices pr
              on pr.organisation_id = m.organisation_id and pr.id = m.practice_id
            where m.organisation_id = ${org} and m.practice_id = ${practice}
              and m.id like ${`${prefix}%`}) k`.execute(tx)
  })
}

async function insertRows(
  db: Kysely<Database>,
  now: Date,
  org: string,
  practice: string,
  channel: string,
  prefix: string,
  count: number,
): Promise<void> {
  await sql`
    insert into mentions (organisation_id, practice_id, channel_id, id, platform, external_id, kind,
      direction, thread_key, text, created_at, content_hash, urgent, privacy, category, needs_reply)
    select ${org}, ${practice}, ${channel}, ${prefix} || lpad(i::text, 6, '0'), 'facebook',
      ${prefix} || i, 'comment', 'inbound', ${prefix} || i, 'question ' || i,
      ${now.toISOString()}::timestamptz - interval '1 minute' * (i % 50) - interval '1 day',
      'h' || i, i % 41 = 0, i % 7 = 0, case when i % 2 = 0 then 'question' else 'complaint' end, true
    from generate_series(1, ${count}) as i`.execute(db)
  await sql`
    insert into response_links (organisation_id, practice_id, channel_id, inbound_id, needs_reply,
      category, clock_started_at, due_at, at_risk_at, explanation, evaluated_at)
    select ${org}, ${practice}, ${channel}, ${prefix} || lpad(i::text, 6, '0'), true, 'question',
      ${now.toISOString()}::timestamptz - interval '1 day',
      case when i % 500 = 0 then null
        when i % 3 = 0 then ${now.toISOString()}::timestamptz - interval '1 hour' * (1 + i % 97)
        else ${now.toISOString()}::timestamptz + interval '1 hour' * (1 + i % 97) end,
      case when i % 500 = 0 then null
        when i % 3 = 1 then ${now.toISOString()}::timestamptz - interval '1 minute'
        else ${now.toISOString()}::timestamptz + interval '1 hour' * (200 + i % 97) end,
      '{}'::jsonb, ${now.toISOString()}::timestamptz
    from generate_series(1, ${count}) as i`.execute(db)
}
