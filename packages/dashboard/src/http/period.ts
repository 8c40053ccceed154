/**
 * @module The reporting period of a page or API call: `days` back from now (7, 30 or 90 on pages),
 * or explicit `from`/`to` on the API.
 */
import type { Period } from '../data/practice-metrics.js'

/** A period of `days` days ending now. */
export function lastDays(days: number, now: Date): Period {
  return { from: new Date(now.getTime() - days * 86_400_000), to: now, now }
}

/** The `days` query value when it is one of the offered choices, else 30. */
export function daysParam(value: string | undefined): number {
  const n = Number(value)
  return n === 7 || n === 30 || n === 90 ? n : 30
}
