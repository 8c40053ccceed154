/**
 * @module A fast seed for the export benchmark: one organisation of `practices` practices with
 * `rows` mentions over a year, written by `generate_series` inside PostgreSQL (the export reads
 * raw rows only, so the rollup triggers are switched off for the session while seeding — a
 * superuser-only setting, fine on the throw-away server of scripts/with-postgres.mjs). One row in
 * fifty carries hostile text (formula starts, quotes, commas, line breaks).
 */

import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import type { Database } from '../src/storage/database.js'

export async function seedExportOrganisation(
  db: Kysely<Database>,
  org: string,
  rows: number,
  practices = 200,
): Promise<void> {
  await db.connection().execute(async (c) => {
    await sql`set session_replication_role = replica`.execute(c)
    try {
      await c.insertInto('organisations').values({ id: org, name: org }).execute()
      await sql`insert into practices (organisation_id, id, name, slug, time_zone)
        select ${org}, ${org} || '-p' || i, 'Practice ' || i, ${org} || '-p' || i, 'UTC'
        from generate_series(0, ${practices - 1}) i`.execute(c)
      await sql`insert into channels (organisation_id, practice_id, id, platform, external_account_id, name)
        select ${org}, ${org} || '-p' || i, ${org} || '-p' || i || '-fb', 'facebook', 'acct-' || ${org} || i, 'Facebook ' || i
        from generate_series(0, ${practices - 1}) i`.execute(c)
      await sql`insert into mentions (organisation_id, practice_id, channel_id, id, platform, external_id, kind,
          direction, thread_key, text, author_name, author_handle, created_at, content_hash,
          sentiment_score, sentiment_label, needs_reply, category, updated_at)
        select ${org}, ${org} || '-p' || (i % ${practices}), ${org} || '-p' || (i % ${practices}) || '-fb',
          'm' || i, 'facebook', 'x' || i, case when i % 7 = 0 then 'reply' else 'comment' end,
          case when i % 5 = 0 then 'outbound' else 'inbound' end, 't' || (i / 3),
          case when i % 50 = 1 then '=HYPERLINK("http://x", "a, b")' || chr(10) || 'second line'
               when i % 50 = 2 then '-2+3' when i % 50 = 3 then '@here' || chr(13) || chr(10) || 'ok'
               else 'Mention number ' || i || ' about an appointment' end,
          case when i % 3 = 0 then null else 'Author ' || (i % 997) end,
          case when i % 50 = 4 then '+44 "handle"' else 'h' || (i % 991) end,
          timestamptz '2025-12-01 00:00:00+00' + (i::float8 / ${rows}) * interval '365 days',
          'h' || i, round(((i % 201) / 100.0 - 1)::numeric, 2)::float8,
          case when i % 3 = 0 then 'negative' when i % 3 = 1 then 'neutral' else 'positive' end,
          i % 4 <> 3, (array['question','booking','complaint','chatter'])[i % 4 + 1],
          timestamptz '2025-12-01 00:00:00+00' + (i::float8 / ${rows}) * interval '365 days'
        from generate_series(0, ${rows - 1}) i`.execute(c)
      await sql`insert into response_links (organisation_id, practice_id, channel_id, inbound_id, outbound_id,
          response_source, responded_at, needs_reply, exempt_reason, category, target_name, clock, target_ms,
          clock_started_at, due_at, at_risk_at, wall_ms, business_ms, outcome, schedule_version,
          promise_version, explanation, evaluated_at)
        select m.organisation_id, m.practice_id, m.channel_id, m.id,
          case when n % 4 < 2 then 'o' || n end, case when n % 4 < 2 then 'reply' end,
          case when n % 4 < 2 then m.created_at + (n % 17) * interval '1 hour' end,
          m.needs_reply, case when not m.needs_reply then 'no reply needed' end, m.category,
          'default', 'business', 14400000, m.created_at, m.created_at + interval '4 hours',
          m.created_at + interval '3 hours',
          case when n % 4 < 2 then (n % 17) * 3600000.0 + 0.25 end,
          case when n % 4 < 2 then (n % 17) * 1620000.0 / 3 end,
          case when n % 4 < 2 then case when n % 17 <= 4 then 'met' else 'missed' end end, 1, 1,
          jsonb_build_object('reason', case when m.needs_reply then 'a question, within hours' else 'chatter, no reply needed' end, 'target', 'default'),
          m.created_at
        from (select m.*, substr(m.id, 2)::int as n from mentions m
              where m.organisation_id = ${org} and m.direction = 'inbound') m`.execute(c)
    } finally {
      await sql`set session_replication_role = origin`.execute(c)
    }
  })
  await sql`analyze mentions`.execute(db)
  await sql`analyze response_links`.execute(db)
}
