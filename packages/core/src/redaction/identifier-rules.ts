/**
 * @module The identifier definitions of `data/identifiers.json`, validated on load, and the
 * checks that confirm a candidate span really is one: Medicare and NHS check digits, a date that
 * exists, a phone number's digit count. Checking keeps false positives low: a ten-digit order
 * number passes the NHS check only one time in eleven.
 */
import { z } from 'zod'
import identifierData from './data/identifiers.json' with { type: 'json' }

/** Longest shape accepted: short sources, several per identifier, rather than one long line. */
const Source = z.string().min(1).max(200)

const IdentifierRecordSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  token: z.string().regex(/^\[[A-Za-z ]+\]$/),
  triageRule: z.string().min(1),
  check: z.enum(['medicare', 'nhs', 'date', 'phone']),
  context: Source.optional(),
  shapes: z.array(Source).min(1),
  examples: z.array(z.tuple([z.string(), z.string()])).min(1),
  counterexamples: z.array(z.string()).min(1),
})
export type IdentifierRecord = z.infer<typeof IdentifierRecordSchema>

const IdentifierFileSchema = z.object({
  $comment: z.string().optional(),
  identifiers: z.array(IdentifierRecordSchema).min(1),
})

/** Every identifier, in the order they claim spans. */
export const IDENTIFIERS: readonly IdentifierRecord[] =
  IdentifierFileSchema.parse(identifierData).identifiers

/** Confirms a candidate span by its identifier's check. */
export const IDENTIFIER_CHECKS: Record<IdentifierRecord['check'], (span: string) => boolean> = {
  medicare: isMedicareNumber,
  nhs: isNhsNumber,
  date: isDate,
  phone: (span) => {
    const n = digitsOf(span).length
    return n >= 9 && n <= 13
  },
}

/**
 * Medicare card number: 10 digits (an 11th, the card's issue/reference number, may follow),
 * first 2–6; the ninth is the check digit, Σ digit × (1, 3, 7, 9, 1, 3, 7, 9) mod 10.
 */
export function isMedicareNumber(span: string): boolean {
  const d = digitsOf(span)
  if (d.length !== 10 && d.length !== 11) return false
  if (d[0]! < 2 || d[0]! > 6) return false
  const weights = [1, 3, 7, 9, 1, 3, 7, 9]
  const sum = weights.reduce((s, w, i) => s + w * d[i]!, 0)
  return sum % 10 === d[8]
}

/** NHS number: 10 digits; Σ digit × (10 … 2) over the first nine, 11 − (Σ mod 11), 11 → 0, 10 never issued. */
export function isNhsNumber(span: string): boolean {
  const d = digitsOf(span)
  if (d.length !== 10) return false
  const sum = d.slice(0, 9).reduce((s, v, i) => s + v * (10 - i), 0)
  const check = (11 - (sum % 11)) % 11
  return check !== 10 && check === d[9]
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']

/** A calendar date that exists, day-first or month-first, with a two- or four-digit year. */
export function isDate(span: string): boolean {
  const lower = span.toLowerCase()
  const month = MONTHS.findIndex((m) => lower.includes(m)) + 1
  const numbers = (lower.match(/\d+/g) ?? []).map(Number)
  if (month > 0) {
    const [day, year] = numbers
    return day !== undefined && year !== undefined && exists(year, month, day)
  }
  const [a, b, y] = numbers
  if (a === undefined || b === undefined || y === undefined) return false
  const year = y < 100 ? y + (y > 30 ? 1900 : 2000) : y
  return exists(year, b, a) || exists(year, a, b)
}

function exists(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate()
}

function digitsOf(span: string): number[] {
  return [...span.replace(/^\+\d\d/, '0')].filter((c) => c >= '0' && c <= '9').map(Number)
}
