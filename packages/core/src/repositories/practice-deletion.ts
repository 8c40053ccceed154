/**
 * @module Deleting a practice and everything Earshot holds for it: a clinic that leaves an agency
 * expects its patients' messages gone, not hidden (health data is kept only while it is needed).
 * Tables keyed to the practice by a foreign key go with it (`ON DELETE CASCADE`: channels and so
 * mentions, schedules, promises, rollups, badges, report schedules, saved replies, OAuth
 * connections); the tables below hold a practice or channel id without one, so they are cleared
 * here, in the same transaction. The user-action log is kept on purpose: it records that the
 * practice was deleted, and by whom. A test walks `information_schema` so a new table with a
 * `practice_id` that is neither cascaded nor listed here fails it.
 */
import { type Kysely, sql } from 'kysely'
import { EarshotError } from '../errors.js'
import type { Database } from '../storage/database.js'

/**
 * Tables with a `practice_id` but no cascading foreign key to `practices`. Plain names rather
 * than `keyof Database`: several are the dashboard's (alerts, inbox), typed there.
 */
const BY_PRACTICE = [
  'alert_endpoints',
  'alert_preferences',
  'alert_rules',
  'alerts',
  'inbox_assignments',
  'inbox_changes',
  'inbox_notes',
  'reply_outbox',
  'response_links',
] as const

/** Tables holding only a channel id (no practice id, no foreign key). */
const BY_CHANNEL = ['quarantine'] as const satisfies readonly (keyof Database)[]

/** Tables that keep a deleted practice's id on purpose. */
export const KEPT_AFTER_PRACTICE_DELETION = ['user_actions'] as const

export interface DeletedPractice {
  practiceId: string
  channels: number
  mentions: number
}

/**
 * Deletes one practice of an organisation with its channels, mentions and every row about them.
 * Throws NOT_FOUND for an unknown practice or another organisation's. Runs in one transaction
 * (the caller's, when given one).
 */
export async function deletePractice(
  db: Kysely<Database>,
  organisationId: string,
  practiceId: string,
): Promise<DeletedPractice> {
  const run = async (trx: Kysely<Database>): Promise<DeletedPractice> => {
    const practice = await trx
      .selectFrom('practices')
      .select('id')
      .where('organisation_id', '=', organisationId)
      .where('id', '=', practiceId)
      .forUpdate()
      .executeTakeFirst()
    if (!practice) throw new EarshotError('NOT_FOUND', 'no such practice')
    const channelIds = (
      await trx
        .selectFrom('channels')
        .select('id')
        .where('organisation_id', '=', organisationId)
        .where('practice_id', '=', practiceId)
        .execute()
    ).map((c) => c.id)
    const mentions = await trx
      .selectFrom('mentions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('organisation_id', '=', organisationId)
      .where('practice_id', '=', practiceId)
      .executeTakeFirstOrThrow()
    for (const table of BY_PRACTICE)
      await sql`delete from ${sql.table(table)}
        where organisation_id = ${organisationId} and practice_id = ${practiceId}`.execute(trx)
    if (channelIds.length)
      for (const table of BY_CHANNEL)
        await trx
          .deleteFrom(table)
          .where('organisation_id', '=', organisationId)
          .where('channel_id', 'in', channelIds)
          .execute()
    await trx
      .deleteFrom('practices')
      .where('organisation_id', '=', organisationId)
      .where('id', '=', practiceId)
      .execute()
    // Deleting mentions writes "removed" rows to the live inbox's change feed (its trigger);
    // nobody can be watching a deleted practice's inbox, so they go too.
    await sql`delete from inbox_changes
      where organisation_id = ${organisationId} and practice_id = ${practiceId}`.execute(trx)
    return { practiceId, channels: channelIds.length, mentions: Number(mentions.n) }
  }
  return db.isTransaction ? run(db) : db.transaction().execute(run)
}
