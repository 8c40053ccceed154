/**
 * @module Long value lists as one json parameter. `x in ($1 … $1000)` makes the server plan a
 * thousand parameters on every call; `x in (select json_array_elements_text($1))` plans one,
 * and works the same on PGlite and PostgreSQL (unlike array parameters).
 */
import { type RawBuilder, sql } from 'kysely'

/** A subquery yielding `values` as text rows, for the right-hand side of `in`. */
export function jsonList(values: readonly string[]): RawBuilder<string> {
  return sql<string>`(select json_array_elements_text(${JSON.stringify(values)}::json))`
}
