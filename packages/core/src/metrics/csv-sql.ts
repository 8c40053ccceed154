/**
 * @module The CSV encoder of `to-csv.ts` written in SQL, cell type by cell type, so PostgreSQL
 * can produce export lines itself (one `COPY` streams them with no per-row work in JavaScript).
 * Each function yields the exact text `csvCell` gives the value the `pg` driver would return:
 * formula starts (`=`, `+`, `-`, `@`, tab, CR) prefixed with `'`, RFC 4180 quoting, ISO 8601
 * instants truncated to milliseconds, JavaScript's number formatting, `true`/`false`, and the
 * empty string for NULL. `csv-sql.test.ts` compares both encoders on hostile values.
 */
import { type RawBuilder, sql } from 'kysely'

// E-strings, so the control characters reach PostgreSQL as characters, not escapes.
const NEEDS_QUOTES = sql.raw(`E'[",\\r\\n]'`)
const FORMULA_START = sql.raw(`array['=', '+', '-', '@', E'\\t', E'\\r']`)

/** A text cell: neutralised, then quoted if it holds a quote, comma or line break. */
export function csvTextSql(value: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`(case when ${value} is null then ''
    when left(${value}, 1) = any (${FORMULA_START}) then
      case when ${value} ~ ${NEEDS_QUOTES} then '"''' || replace(${value}, '"', '""') || '"' else '''' || ${value} end
    when ${value} ~ ${NEEDS_QUOTES} then '"' || replace(${value}, '"', '""') || '"'
    else ${value} end)`
}

/** A boolean cell. */
export function csvBooleanSql(value: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`(case when ${value} then 'true' when not ${value} then 'false' else '' end)`
}

/** An integer cell. */
export function csvIntegerSql(value: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`coalesce(${value}::text, '')`
}

/** An instant as `Date#toISOString` prints what `pg` parses (microseconds truncated). */
export function csvTimestampSql(value: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`(case when ${value} is null or not isfinite(${value}) then ''
    else to_char(${value} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') end)`
}

/**
 * A double as JavaScript's `String(number)` prints it. Below 1e16 in magnitude both print the
 * same shortest digits that read back to the double (checked on 50,000 random doubles from
 * 1e-30 to 1e23); they differ only in when they switch to exponent notation (PostgreSQL below
 * 1e-4 and from 1e15, JavaScript below 1e-6 and from 1e21) and in the exponent's leading zeros,
 * which the rare branch rewrites. From 1e16 PostgreSQL sometimes prints 17 digits where
 * JavaScript prints fewer (the same double either way); no exported column gets there (1e16 ms
 * is 300,000 years; sentiment is within ±1). NaN and ±Infinity are empty, as `csvCell` makes
 * them; −0 is `0`.
 */
export function csvDoubleSql(value: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`(case when ${value} is null or ${value} = 'NaN'::float8
      or ${value} in ('Infinity'::float8, '-Infinity'::float8) then ''
    when ${value} = 0 then '0'
    when abs(${value}) >= 1e-4 and abs(${value}) < 1e15 then ${value}::text
    else (select case
        when x.e >= 21 or x.e <= -7 then x.s || x.d || coalesce('.' || x.f, '') || 'e'
          || case when x.e > 0 then '+' else '-' end || abs(x.e)::text
        when x.e >= 0 then x.s || case when length(x.g) <= x.e + 1 then rpad(x.g, x.e + 1, '0')
          else substr(x.g, 1, x.e + 1) || '.' || substr(x.g, x.e + 2) end
        else x.s || '0.' || repeat('0', -x.e - 1) || x.g end
      from (select r[1] as s, r[2] as d, r[3] as f, r[2] || coalesce(r[3], '') as g, r[4]::int as e
        from regexp_match(${value}::text, '^(-?)([0-9])(?:\\.([0-9]+))?e([-+][0-9]+)$') as r) as x)
    end)`
}

/** The CSV line (cells joined by commas, ending in CRLF) of the given cell expressions. */
export function csvLineSql(cells: readonly RawBuilder<string>[]): RawBuilder<string> {
  return sql<string>`(${sql.join(cells, sql` || ',' || `)} || E'\\r\\n')`
}
