/**
 * @module CSV writing (RFC 4180) that is safe to open in a spreadsheet: cells a spreadsheet would
 * run as a formula (=, +, -, @, tab, CR) are prefixed with an apostrophe.
 */

/** One CSV cell. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return ''
  let text =
    value instanceof Date
      ? value.toISOString()
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value)
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** A whole CSV document with a header row, CRLF line endings. */
export function toCsvText(
  header: readonly string[],
  rows: readonly (readonly unknown[])[],
): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n'
}
