/**
 * @module Fixtures for the privacy tests: rows that hang off a mention (an alert with a delivery
 * and a read, an inbox assignment, a reply draft, an override with a note, a quarantined copy)
 * and a snapshot of an organisation's rollups to compare.
 */
import { type Kysely, sql } from 'kysely'
import { mentionId } from '../pipeline/normalise.js'
import type { Database } from '../storage/database.js'

export async function seedDependants(
  db: Kysely<Database>,
  target: {
    organisationId: string
    practiceId: string
    channelId: string
    externalId: string
    at: Date
  },
): Promise<string> {
  const { organisationId: org, practiceId, channelId, at } = target
  const id = mentionId(org, channelId, 'facebook', target.externalId)
  const alertId = `alert-${target.externalId}`
  await sql`insert into alerts (organisation_id, id, practice_id, rule, subject_key, mention_id, channel_id, created_at)
    values (${org}, ${alertId}, ${practiceId}, 'breached', ${id}, ${id}, ${channelId}, ${at})`.execute(
    db,
  )
  await sql`insert into alert_deliveries (organisation_id, alert_id, endpoint_id, status, next_attempt_at, created_at)
    values (${org}, ${alertId}, 'ep-1', 'sent', ${at}, ${at})`.execute(db)
  await sql`insert into alert_reads (organisation_id, user_id, alert_id, read_at)
    values (${org}, 'user-1', ${alertId}, ${at})`.execute(db)
  await db
    .insertInto('inbox_assignments')
    .values({
      organisation_id: org,
      mention_id: id,
      practice_id: practiceId,
      user_id: 'user-1',
      assigned_by: null,
      assigned_at: at,
    })
    .execute()
  await sql`insert into inbox_notes (organisation_id, id, practice_id, mention_id, user_id, text, created_at)
    values (${org}, ${`note-${target.externalId}`}, ${practiceId}, ${id}, 'user-1', 'Sam says the results are late', ${at})`.execute(
    db,
  )
  await db
    .insertInto('reply_outbox')
    .values({
      organisation_id: org,
      id: `outbox-${target.externalId}`,
      practice_id: practiceId,
      channel_id: channelId,
      mention_id: id,
      user_id: null,
      text: 'Hi Sam, your results are in',
      visibility: 'private',
      status: 'sent',
      failure_kind: null,
      failure_reason: null,
      lint_warnings: '[]',
      override_reason: null,
      outbound_external_id: null,
      outbound_mention_id: null,
      attempts: 1,
      created_at: at,
      updated_at: at,
      sent_at: at,
    })
    .execute()
  await db
    .insertInto('overrides')
    .values({
      organisation_id: org,
      practice_id: practiceId,
      id: `ov-${target.externalId}`,
      mention_id: id,
      action: 'handled_elsewhere',
      handled_at: at,
      note: 'rang Sam on 0412 345 678',
      actor: 'user-1',
      created_at: at,
    })
    .execute()
  await db
    .insertInto('quarantine')
    .values({
      organisation_id: org,
      channel_id: channelId,
      source: 'webhook:facebook',
      reason: 'test',
      payload: JSON.stringify({ from: { id: `user-${target.externalId}` } }),
      created_at: at,
    })
    .execute()
  return id
}

/** The organisation's rollup rows, days as ISO dates, in a stable order. */
export async function rollupSnapshot(db: Kysely<Database>, organisationId: string) {
  const r = await sql<{
    day: string
    inbound: number
    outbound: number
    replies_sent: number
    met: number
    missed: number
    open: number
    unlinked: number
  }>`
    select to_char(day, 'YYYY-MM-DD') as day, channel_id, category, inbound, unlinked, exempt, met, missed, open,
      outbound, replies_sent, posts, wall_b1, wall_b2, wall_b3, wall_b4, wall_b5, sentiment_scored
    from mention_rollups where organisation_id = ${organisationId}
    order by day, channel_id, category`.execute(db)
  return r.rows
}
