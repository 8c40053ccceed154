/**
 * @module The contract of the function that records a person's decision about an inbound mention
 * ("handled elsewhere" at a time, "no reply needed", or back to "needs reply"). By default the
 * dashboard uses core's `recordOverride`, which also re-links the thread.
 */
import type { OverrideInput } from '@earshot/core'
import type { Kysely } from 'kysely'
import type { Database } from '../core.js'

export type { OverrideInput }

/** The signature of core's `recordOverride` (tests swap in a recorder). */
export type RecordOverride = (db: Kysely<Database>, input: OverrideInput) => Promise<unknown>

/** Who records a decision: the signed-in user, within the practices they may touch. */
export interface OverrideActor {
  organisationId: string
  user: { email: string }
  practices: readonly { id: string }[]
}

/**
 * The override a user's decision becomes, from a form or the API alike. Core validates it
 * (handledAt not in the future, not before the mention), so neither route checks it again.
 */
export function overrideByUser(
  actor: OverrideActor,
  mentionId: string,
  decision: Pick<OverrideInput, 'action' | 'handledAt' | 'note'>,
  now: Date,
): OverrideInput {
  const note = typeof decision.note === 'string' ? decision.note.trim() : undefined
  return {
    organisationId: actor.organisationId,
    mentionId,
    action: decision.action,
    handledAt: decision.handledAt,
    note: note || undefined,
    actor: actor.user.email,
    practiceIds: actor.practices.map((p) => p.id),
    now,
  }
}
