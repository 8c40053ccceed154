/**
 * @module One tolerant time parser for every platform's format: RFC 3339 (with up to nine
 * fractional digits), Graph's `+0000` offsets, RFC 822 (RSS), and Unix seconds or milliseconds.
 */

/** Parses a platform timestamp into a Date, or returns undefined when it is not a time. */
export function parseTime(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    // Meta sends seconds in feed webhooks and milliseconds in messaging webhooks.
    return new Date(value < 1e12 ? value * 1000 : value)
  }
  if (typeof value !== 'string' || value.trim() === '') return undefined
  let text = value.trim()
  if (/^\d+$/.test(text)) return parseTime(Number(text))
  // `+0000` is accepted by V8 but not guaranteed by ECMAScript: normalise to `+00:00`.
  text = text.replace(/([T\d:.]\d)([+-])(\d{2})(\d{2})$/, '$1$2$3:$4')
  // Keep milliseconds only: Google sends up to nine fractional digits.
  text = text.replace(/(\.\d{3})\d+/, '$1')
  const ms = Date.parse(text)
  return Number.isNaN(ms) ? undefined : new Date(ms)
}

/** Like {@link parseTime} but throws a readable error naming the field. */
export function requireTime(value: unknown, field: string): Date {
  const date = parseTime(value)
  if (!date) throw new Error(`${field} is not a valid time: ${JSON.stringify(value)}`)
  return date
}
