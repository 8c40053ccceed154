/**
 * @module Validation at the library's boundary: zod errors become one readable EarshotError.
 */
import type { z } from 'zod'
import { EarshotError } from '../errors.js'

/** Parses `value` or throws INVALID_INPUT naming every failing path ("schedule.weekly.mon.0.start: expected HH:MM"). */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  throw new EarshotError(
    'INVALID_INPUT',
    `invalid ${what}: ${formatZodIssues(result.error.issues)}`,
    { details: result.error.issues },
  )
}

/** Formats zod issues as `path: message; path: message`. */
export function formatZodIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((i) => {
      const path = i.path.map(String).join('.')
      return path ? `${path}: ${i.message}` : i.message
    })
    .join('; ')
}
