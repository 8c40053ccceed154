/**
 * @module Contract of the business calendar (implementation: create-business-calendar.ts).
 */

/** Answers business-time questions for one schedule. All durations are milliseconds. */
export interface BusinessCalendar {
  readonly timeZone: string
  /** Is the practice open at `t`? Sessions are half-open: [start, end). */
  isOpen(t: Date | number): boolean
  /** `t` itself when open, else the start of the next session; null if none within the search horizon. */
  nextOpening(t: Date | number): Date | null
  /** The instant at which `durationMs` of open time has elapsed since `start`. */
  addBusinessTime(start: Date | number, durationMs: number): Date
  /** Open time in [a, b] (0 when b ≤ a). */
  businessTimeBetween(a: Date | number, b: Date | number): number
  /** Number-only variant of addBusinessTime for hot loops (epoch ms in, epoch ms out). */
  addBusinessMs(startMs: number, durationMs: number): number
  /** Open intervals overlapping [from, to), as epoch-ms pairs, in order. */
  openIntervals(from: Date | number, to: Date | number): Array<[number, number]>
}
