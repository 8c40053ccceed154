/**
 * @module Timestamps as SQL parameters, the same on PGlite and node-postgres.
 */
import { type RawBuilder, sql } from 'kysely'

/**
 * A timestamptz parameter. Dates travel as ISO strings with an explicit cast, so PGlite and
 * node-postgres (which would otherwise serialise a Date in the process's local offset) bind
 * the same instant.
 */
export function timestampParam(value: Date): RawBuilder<Date> {
  return sql<Date>`cast(${value.toISOString()} as timestamptz)`
}
