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
  /**
   * The instant at which `durationMs` of open time has elapsed since `start`. A clock started
   * while closed runs from the next opening. A due time can fall exactly on a closing time
   * (2h from 16:00 with an 18:00 close is 18:00). `addBusinessTime(t, 0)` is `t` when open and
   * `nextOpening(t)` when closed. Throws EarshotError `INVALID_CONFIGURATION` ("schedule never
   * opens") when the search horizon passes with no open time, `INVALID_INPUT` for a negative or
   * non-finite duration.
   */
  addBusinessTime(start: Date | number, durationMs: number): Date
  /** Open time in [a, b] (0 when b ≤ a). */
  businessTimeBetween(a: Date | number, b: Date | number): number
  /** Number-only variant of addBusinessTime for hot loops (epoch ms in, epoch ms out). */
  addBusinessMs(startMs: number, durationMs: number): number
  /**
   * The due time of `days` business days from `start`: the same local time on the `days`-th
   * next open day. The clock starts at the next opening (a question on Saturday counts from
   * Monday's opening); that moment belongs to the date of the session it is in (a
   * past-midnight session belongs to the date it starts on). On the target day, a local time in
   * a break or after the close gives the last open moment before it (the close of the session
   * before), one before the day's first opening gives that opening, and one the clocks skip
   * gives the end of the gap. Tuesday 10:00 + 1 → Wednesday 10:00; Friday 17:45 + 1 → Monday
   * 17:45, or Monday's close when Monday closes earlier. `days = 0` is `nextOpening(start)`.
   * Throws EarshotError `INVALID_INPUT` unless `days` is a whole number from 0 to 3660, and
   * `INVALID_CONFIGURATION` ("schedule never opens") when no open day comes within the horizon.
   */
  addBusinessDays(start: Date | number, days: number): Date
  /** Number-only variant of addBusinessDays for hot loops (epoch ms in, epoch ms out). */
  addBusinessDaysMs(startMs: number, days: number): number
  /**
   * Open intervals overlapping [from, to), as epoch-ms pairs, in order, clipped to [from, to).
   * Touching or overlapping sessions come back merged.
   */
  openIntervals(from: Date | number, to: Date | number): Array<[number, number]>
}
