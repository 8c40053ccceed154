/**
 * @module Small SQL building blocks shared by the metric queries: typed timestamp parameters,
 * `IN` lists, LIKE escaping and opaque keyset cursors.
 */
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely'
import { EarshotError } from '../errors.js'

export { timestampParam } from '../util/sql-time.js'

/** `ref in (v1, v2, …)`; an empty list matches nothing (never everything). */
export function inList(ref: string, values: readonly (string | number)[]): RawBuilder<SqlBool> {
  if (values.length === 0) return sql<SqlBool>`false`
  return sql<SqlBool>`${sql.ref(ref)} in (${sql.join(values.map((v) => sql`${v}`))})`
}

/** AND of the given conditions (`true` when there are none). */
export function allOf(conditions: readonly Expression<SqlBool>[]): RawBuilder<SqlBool> {
  if (conditions.length === 0) return sql<SqlBool>`true`
  return sql<SqlBool>`(${sql.join(conditions, sql` and `)})`
}

/**
 * Escapes `%`, `_` and the escape character itself so user text matches literally inside an
 * ILIKE pattern (used with `escape '\'`).
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`)
}

/**
 * A timestamptz rendered by Postgres with full microsecond precision. Keyset cursors carry
 * this text rather than a JS Date, which would drop the microseconds and skip or repeat rows.
 */
export function exactTimestampText(ref: string): RawBuilder<string> {
  return sql<string>`to_char(${sql.ref(ref)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`
}

/** Encodes a keyset position as an opaque URL-safe string. */
export function encodeCursor(values: readonly (string | null)[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url')
}

/** Decodes a cursor made by {@link encodeCursor}; throws INVALID_INPUT for anything else. */
export function decodeCursor(cursor: string, arity: number): (string | null)[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    throw new EarshotError('INVALID_INPUT', 'invalid cursor')
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== arity ||
    !parsed.every((v) => v === null || typeof v === 'string')
  ) {
    throw new EarshotError('INVALID_INPUT', 'invalid cursor')
  }
  return parsed as (string | null)[]
}

/** Throws INVALID_INPUT unless `value` is a valid Date (a bad query string must not become a 500). */
export function assertDate(name: string, value: unknown): asserts value is Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime()))
    throw new EarshotError('INVALID_INPUT', `\`${name}\` must be a valid date`)
}

/** Throws INVALID_INPUT unless `from` is strictly before `to` and both are valid dates. */
export function assertPeriod(from: Date, to: Date): void {
  assertDate('from', from)
  assertDate('to', to)
  if (from.getTime() >= to.getTime())
    throw new EarshotError('INVALID_INPUT', '`from` must be before `to`')
}

/** Clamps a page size to 1…max (default when absent). */
export function pageSize(limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined) return fallback
  if (!Number.isFinite(limit) || limit < 1)
    throw new EarshotError('INVALID_INPUT', '`limit` must be ≥ 1')
  return Math.min(Math.floor(limit), max)
}
