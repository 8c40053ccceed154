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
