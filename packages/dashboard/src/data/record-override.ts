/**
 * @module Recording a person's decision about an inbound mention ("handled elsewhere" at a time,
 * "no reply needed", or back to "needs reply"). The dashboard calls the function given in its
 * options; this file holds the contract and a stand-in used until core's `recordOverride` (which
 * also re-links the whole thread) is exported from '@earshot/core'.
 */
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database } from '../core.js'

/** What a person recorded. `actor` is who did it (the user's e-mail). */
export interface OverrideInput {
  organisationId: string
  mentionId: string
  action: 'handled_elsewhere' | 'no_reply_needed' | 'needs_reply'
  handledAt?: Date
  note?: string
  actor: string
}

/** The signature of core's `recordOverride`. */
export type RecordOverride = (db: Kysely<Database>, input: OverrideInput) => Promise<unknown>

/**
 * Stand-in for core's `recordOverride`: stores the override and updates the mention's response
 * link in place (it does not re-run the thread linking, so business time is left unset).
 */
export const recordOverrideFallback: RecordOverride = async (db, input) => {
  await db.transaction().execute(async (trx) => {
    const mention = await trx
      .selectFrom('mentions')
      .select(['practice_id'])
      .where('organisation_id', '=', input.organisationId)
      .where('id', '=', input.mentionId)
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('overrides')
      .values({
        organisation_id: input.organisationId,
        practice_id: mention.practice_id,
        id: randomUUID(),
        mention_id: input.mentionId,
        action: input.action,
        handled_at: input.handledAt ?? null,
        note: input.note ?? null,
        actor: input.actor,
      })
      .execute()
    const link = await trx
      .selectFrom('response_links')
      .selectAll()
      .where('organisation_id', '=', input.organisationId)
      .where('inbound_id', '=', input.mentionId)
      .executeTakeFirst()
    if (!link) return
    const scope = (q: ReturnType<typeof trx.updateTable<'response_links'>>) =>
      q
        .where('organisation_id', '=', input.organisationId)
        .where('inbound_id', '=', input.mentionId)
    if (input.action === 'no_reply_needed') {
      await scope(
        trx
          .updateTable('response_links')
          .set({ exempt_reason: `marked "no reply needed" by ${input.actor}` }),
      ).execute()
    } else if (input.action === 'handled_elsewhere') {
      const at = input.handledAt ?? new Date()
      const created = await trx
        .selectFrom('mentions')
        .select('created_at')
        .where('organisation_id', '=', input.organisationId)
        .where('id', '=', input.mentionId)
        .executeTakeFirstOrThrow()
      const outcome =
        link.due_at && at.getTime() > new Date(link.due_at).getTime() ? 'missed' : 'met'
      await scope(
        trx.updateTable('response_links').set({
          responded_at: at,
          response_source: 'manual',
          outcome: link.needs_reply ? outcome : null,
          wall_ms: Math.max(0, at.getTime() - new Date(created.created_at).getTime()),
        }),
      ).execute()
    } else {
      await scope(
        trx.updateTable('response_links').set({ exempt_reason: null, needs_reply: true }),
      ).execute()
    }
  })
}
