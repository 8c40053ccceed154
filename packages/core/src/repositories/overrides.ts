/**
 * @module Manual decisions about inbound mentions: "handled elsewhere" (a phone call, the front
 * desk) and "no reply needed", each recorded with who and when. Recording one re-links the
 * mention's thread so statuses and metrics follow at once.
 */
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { createDefaultEnricher } from '../enrich/index.js'
import { EarshotError } from '../errors.js'
import { loadThreadMentions, runThreadPass } from '../ingest/thread-state.js'
import { OVERRIDE_ACTIONS } from '../model/vocabulary.js'
import type { Database, OverrideRow } from '../storage/database.js'
import { parseOrThrow } from '../util/parse-or-throw.js'

export const overrideInputSchema = z.object({
  organisationId: z.string().min(1),
  mentionId: z.string().min(1),
  action: z.enum(OVERRIDE_ACTIONS),
  /** For `handled_elsewhere`: when the response happened (default: now). */
  handledAt: z.coerce.date().optional(),
  note: z.string().max(2000).optional(),
  /** Who decided (user e-mail or id). */
  actor: z.string().min(1).max(320),
  /** Restrict to these practices (the caller's permissions); omitted = any practice of the organisation. */
  practiceIds: z.array(z.string()).optional(),
  now: z.date().optional(),
})
export type OverrideInput = z.input<typeof overrideInputSchema>

/**
 * Records a manual decision and re-evaluates the thread. Throws NOT_FOUND when the mention is
 * not an inbound mention visible to the caller.
 */
export async function recordOverride(
  db: Kysely<Database>,
  input: OverrideInput,
): Promise<OverrideRow> {
  const o = parseOrThrow(overrideInputSchema, input, 'override')
  const now = o.now ?? new Date()
  if (o.handledAt && o.handledAt.getTime() > now.getTime() + 60_000) {
    throw new EarshotError('INVALID_INPUT', 'invalid override: handledAt is in the future')
  }
  return db.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom('mentions')
      .select(['id', 'practice_id', 'channel_id', 'thread_key', 'direction', 'created_at'])
      .where('organisation_id', '=', o.organisationId)
      .where('id', '=', o.mentionId)
    if (o.practiceIds?.length === 0)
      throw new EarshotError('NOT_FOUND', `no inbound mention ${o.mentionId}`)
    if (o.practiceIds) q = q.where('practice_id', 'in', o.practiceIds)
    const mention = await q.executeTakeFirst()
    if (mention?.direction !== 'inbound')
      throw new EarshotError('NOT_FOUND', `no inbound mention ${o.mentionId}`)
    if (
      o.handledAt?.getTime() !== undefined &&
      o.handledAt.getTime() < new Date(mention.created_at).getTime()
    ) {
      throw new EarshotError(
        'INVALID_INPUT',
        'invalid override: handledAt is before the mention was written',
      )
    }
    const row = await trx
      .insertInto('overrides')
      .values({
        organisation_id: o.organisationId,
        practice_id: mention.practice_id,
        id: randomUUID(),
        mention_id: mention.id,
        action: o.action,
        handled_at: o.action === 'handled_elsewhere' ? (o.handledAt ?? now) : null,
        note: o.note ?? null,
        actor: o.actor,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    const threads = await loadThreadMentions(trx, [
      {
        organisationId: o.organisationId,
        channelId: mention.channel_id,
        threadKey: mention.thread_key,
      },
    ])
    await runThreadPass(trx, threads, {
      enricher: createDefaultEnricher(),
      now,
      stored: snapshot(threads),
    })
    return row
  })
}

/** Every decision recorded about a mention, oldest first. */
export async function listOverrides(
  db: Kysely<Database>,
  organisationId: string,
  mentionId: string,
): Promise<OverrideRow[]> {
  return db
    .selectFrom('overrides')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('mention_id', '=', mentionId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
}

function snapshot<T extends { id: string }>(threads: Map<string, T[]>): Map<string, T> {
  const map = new Map<string, T>()
  for (const list of threads.values()) for (const m of list) map.set(m.id, { ...m })
  return map
}
