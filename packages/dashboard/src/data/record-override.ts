/**
 * @module The contract of the function that records a person's decision about an inbound mention
 * ("handled elsewhere" at a time, "no reply needed", or back to "needs reply"). By default the
 * dashboard uses core's `recordOverride`, which also re-links the thread.
 */
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
  /** The practices the caller may touch: core refuses a mention outside them. */
  practiceIds?: string[]
  now?: Date
}

/** The signature of core's `recordOverride`. */
export type RecordOverride = (db: Kysely<Database>, input: OverrideInput) => Promise<unknown>
