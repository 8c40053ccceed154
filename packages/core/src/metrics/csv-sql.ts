/**
 * @module The CSV encoder of `to-csv.ts` written in SQL, cell type by cell type, so PostgreSQL
 * can produce export cells itself (one `COPY` streams them with no per-cell work in JavaScript).
 * Each function yields the exact text `csvCell` gives the value the `pg` driver would return:
 * formula starts (`=`, `+`, `-`, `@`, tab, CR) prefixed with `'`, RFC 4180 quoting, ISO 8601
 * instants truncated to milliseconds, JavaScript's number formatting, `true`/`false`, and the
 * empty string for NULL. `export-mentions-csv.test.ts` compares them with the JavaScript
 * encoder on hostile values, in both forms (`CsvCellForm`).
 */
import { type RawBuilder, sql } from 'kysely'

// E-strings, so the control characters reach PostgreSQL as characters, not escapes.
const NEEDS_QUOTES = sql.raw(`E'[",\\r\\n]'`)
// The code points of `=`, `+`, `-`, `@`, tab and CR: `ascii()` of the first character is one
// integer test, where `left(v, 1) = any (array[…])` built a string per cell.
const FORMULA_START = sql.raw('(61, 43, 45, 64, 9, 13)')

/**
 * How a cell is finished. `line` (the default): quoted where needed and `''` for no value, for
 * a whole line built in SQL (`csvLineSql`). `copy`: neutralised but not quoted, NULL for no
 * value, for one column per cell of a `COPY … (format csv)`, whose C code then quotes exactly
 * as `csvCell` does (a field holding `"`, `,`, CR or LF, inner `"` doubled) and writes NULL as
 * an empty field (an empty string would become `""`, so empty text is NULL in this form). COPY
 * ends each row with LF, not CRLF; the reader of the stream adds the CR.
 */
export type CsvCellForm = 'line' | 'copy'

const noValue = (form: CsvCellForm) => sql.raw(form === 'copy' ? 'null' : "''")

/** A text cell: neutralised, then (in the `line` form) quoted if it holds a quote, comma or line break. */
export function csvTextSql(
  value: RawBuilder<unknown>,
  form: CsvCellForm = 'line',
): RawBuilder<string> {
  if (form === 'copy')
    return sql<string>`(case when ascii(${value}) in ${FORMULA_START} then '''' || ${value}
      else nullif(${value}, '') end)`
  return sql<string>`(case when ${value} is null then ''
    when ascii(${value}) in ${FORMULA_START} then
      case when ${value} ~ ${NEEDS_QUOTES} then '"''' || replace(${value}, '"', '""') || '"' else '''' || ${value} end
    when ${value} ~ ${NEEDS_QUOTES} then '"' || replace(${value}, '"', '""') || '"'
    else ${value} end)`
}

/** A boolean cell. */
export function csvBooleanSql(
  value: RawBuilder<unknown>,
  form: CsvCellForm = 'line',
): RawBuilder<string> {
  return sql<string>`(case when ${value} then 'true' when not ${value} then 'false' else ${noValue(form)} end)`
}

/** An integer cell. */
export function csvIntegerSql(
  value: RawBuilder<unknown>,
  form: CsvCellForm = 'line',
): RawBuilder<string> {
  if (form === 'copy') return sql<string>`(${value})::text`
  return sql<string>`coalesce(${value}::text, '')`
}

/** An instant as `Date#toISOString` prints what `pg` parses (microseconds truncated). */
export function csvTimestampSql(
  value: RawBuilder<unknown>,
  form: CsvCellForm = 'line',
): RawBuilder<string> {
  return sql<string>`(case when ${value} is null or not isfinite(${value}) then ${noValue(form)}
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
export function csvDoubleSql(
  value: RawBuilder<unknown>,
  form: CsvCellForm = 'line',
): RawBuilder<string> {
  return sql<string>`(case when ${value} is null or ${value} = 'NaN'::float8
      or ${value} in ('Infinity'::float8, '-Infinity'::float8) then ${noValue(form)}
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
