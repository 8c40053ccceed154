/**
 * @module CSV encoding for exports (RFC 4180 quoting) with spreadsheet formula-injection
 * neutralised: a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is
 * prefixed with `'` so Excel, LibreOffice and Google Sheets show it as text instead of running it.
 */

/** A value a CSV cell can hold. Dates become ISO 8601; objects become JSON. */
export type CsvValue = string | number | boolean | bigint | Date | null | undefined | object

const FORMULA_START = /^[=+\-@\t\r]/
const NEEDS_QUOTES = /[",\r\n]/

/** Encodes one cell: neutralises formulas in text, then quotes if needed. Numbers are never prefixed. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return ''
  let text: string
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value)
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString()
  if (typeof value === 'string') text = value
  else text = JSON.stringify(value)
  if (FORMULA_START.test(text)) text = `'${text}`
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** Encodes one line (without its line break). */
export function csvLine(values: readonly CsvValue[]): string {
  return values.map(csvCell).join(',')
}

/**
 * Encodes rows as CSV text with a header line; lines end with CRLF as RFC 4180 says.
 * `columns` defaults to the keys of the first row.
 *
 * @example
 * toCsv([{ a: 1, b: '=HYPERLINK("x")' }]) // 'a,b\r\n1,"\'=HYPERLINK(""x"")"\r\n'
 */
export function toCsv<T extends object>(
  rows: readonly T[],
  columns?: readonly (keyof T & string)[],
): string {
  const cols = columns ?? (rows[0] ? (Object.keys(rows[0]) as (keyof T & string)[]) : [])
  let out = `${csvLine(cols)}\r\n`
  for (const row of rows) out += `${csvLine(cols.map((c) => row[c] as CsvValue))}\r\n`
  return out
}

/**
 * Streams CSV lines (header first, each ending in CRLF) from an async iterable of rows, for
 * exports too large to hold in memory.
 */
export async function* csvLines<T extends object>(
  rows: AsyncIterable<T>,
  columns: readonly (keyof T & string)[],
): AsyncGenerator<string> {
  yield `${csvLine(columns)}\r\n`
  for await (const row of rows) yield `${csvLine(columns.map((c) => row[c] as CsvValue))}\r\n`
}
