/**
 * @module The command behind a person's decision about an inbound mention: "handled elsewhere"
 * (a phone call, the front desk), "no reply needed", or back to "needs reply". It validates the
 * decision, records it with who and when, and re-runs the thread pass so statuses and metrics
 * follow at once — all in one transaction. Callers (dashboard forms, the API) validate nothing
 * of their own: they translate the INVALID_INPUT error, whose `details` name the field.
 */
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Enricher } from '../enrich/enricher.js'
import { EarshotError } from '../errors.js'
import { OVERRIDE_ACTIONS } from '../model/vocabulary.js'
import type { Database, OverrideRow } from '../storage/database.js'
import { parseOrThrow } from '../util/parse-or-throw.js'
import { reevaluateThreads } from './reevaluate.js'

/** How far in the future `handledAt` may lie (clocks of phones and servers disagree a little). */
export const HANDLED_AT_TOLERANCE_MS = 5 * 60_000

/** Where an invalid override is wrong, as `details` of its INVALID_INPUT error. */
export interface OverrideIssue {
  path: 'handledAt'
  message: string
}

function invalidHandledAt(message: string): EarshotError {
  return new EarshotError('INVALID_INPUT', `invalid override: handledAt ${message}`, {
    details: [{ path: 'handledAt', message } satisfies OverrideIssue],
  })
}

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
  /** The enricher that re-reads the thread if it must (default: the built-in rules). */
  enricher: z.custom<Enricher>().optional(),
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
  if (o.handledAt && o.handledAt.getTime() > now.getTime() + HANDLED_AT_TOLERANCE_MS)
    throw invalidHandledAt('cannot be in the future')
  return db.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom('mentions')
      .select(['id', 'practice_id', 'channel_id', 'thread_key', 'direction', 'created_at'])
      .where('organisation_id', '=', o.organisationId)
      .where('id', '=', o.mentionId)
    if (o.practiceIds?.length === 0)
      throw new EarshotError('NOT_FOUND', `no inbound mention ${o.mentionId}`)
    if (o.practiceIds) q = q.where('practice_id', 'in', o.practiceIds)
    // The row lock serialises decisions on one mention, so the timestamp below stays increasing.
    const mention = await q.forUpdate().executeTakeFirst()
    if (mention?.direction !== 'inbound')
      throw new EarshotError('NOT_FOUND', `no inbound mention ${o.mentionId}`)
    if (o.handledAt && o.handledAt.getTime() < new Date(mention.created_at).getTime())
      throw invalidHandledAt('before the mention was written')
    // The latest decision wins, so two on one mention must never share a created_at (a tie
    // would fall to the random id): each is at least 1 ms after the one before.
    const previous = await trx
      .selectFrom('overrides')
      .select((eb) => eb.fn.max('created_at').as('last'))
      .where('organisation_id', '=', o.organisationId)
      .where('mention_id', '=', mention.id)
      .executeTakeFirst()
    const last = previous?.last ? new Date(previous.last).getTime() : Number.NEGATIVE_INFINITY
    const createdAt = new Date(Math.max(now.getTime(), last + 1))
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
        created_at: createdAt,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await reevaluateThreads(
      trx,
      [
        {
          organisationId: o.organisationId,
          channelId: mention.channel_id,
          threadKey: mention.thread_key,
        },
      ],
      { now, ...(o.enricher ? { enricher: o.enricher } : {}) },
    )
    return row
  })
}
