/**
 * @module Wall-clock → instant conversion for one IANA zone, with explicit rules for the two DST
 * edge cases (a local time that never happens, and one that happens twice).
 */
import { IANAZone } from 'luxon'

const MINUTE = 60_000
const DAY = 86_400_000

/** The slice of luxon's zone we use: its offset from UTC, in minutes, at an instant. */
export interface ZoneOffsets {
  offset(epochMs: number): number
}

/** Loads an IANA zone from luxon's tz database; null when the name is unknown. */
export function loadZone(timeZone: string): IANAZone | null {
  const zone = IANAZone.create(timeZone)
  return zone.isValid ? zone : null
}

/**
 * "Naive" local milliseconds of a wall-clock reading: the epoch ms the reading would have if the
 * zone were UTC. Years 0–99 need setUTCFullYear because Date.UTC maps them onto 1900–1999.
 */
export function naiveLocalMs(year: number, month: number, day: number, minutes = 0): number {
  const d = new Date(Date.UTC(2000, month - 1, day))
  d.setUTCFullYear(year)
  return d.getTime() + minutes * MINUTE
}

/** The wall-clock reading at `epochMs`, as naive local milliseconds. */
export function toNaiveLocal(zone: ZoneOffsets, epochMs: number): number {
  return epochMs + zone.offset(epochMs) * MINUTE
}

/**
 * The instant at which the clocks in `zone` first show the naive local time `localMs`.
 *
 * - Ambiguous (fall-back) readings resolve to the EARLIER instant: the first time the clock shows it.
 * - Readings inside a spring-forward gap never appear on the clock; they resolve to the first valid
 *   instant after the gap (the transition itself), which is the first moment the clock shows a
 *   time at or after the requested one.
 */
export function localToUtc(zone: ZoneOffsets, localMs: number): number {
  // NOTE: the offsets a day either side bracket any single transition near this reading.
  const offsets = [zone.offset(localMs - DAY), zone.offset(localMs), zone.offset(localMs + DAY)]
  let best = Number.POSITIVE_INFINITY
  for (const o of offsets) {
    const candidate = localMs - o * MINUTE
    if (candidate < best && zone.offset(candidate) === o) best = candidate
  }
  if (best !== Number.POSITIVE_INFINITY) return best

  // Gap: find the smallest instant whose wall clock reads at or after localMs.
  let lo = localMs - Math.max(...offsets) * MINUTE
  let hi = localMs - Math.min(...offsets) * MINUTE
  if (toNaiveLocal(zone, lo) >= localMs) return lo
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2)
    if (toNaiveLocal(zone, mid) >= localMs) hi = mid
    else lo = mid
  }
  return hi
}

/**
 * A zone's offsets, memoised by UTC day: each day's offset at its start and the transitions
 * inside it are read from the zone once, then every question is a map lookup. Asking luxon
 * for an offset formats a date (microseconds); calendars ask for thousands.
 *
 * Transitions are found where a day's offset differs at its two ends, by bisection to the
 * millisecond (several inside one day are followed one by one). It assumes the tz database
 * never changes a zone's offset and back again within one UTC day, which it does not.
 */
export class MemoisedZoneOffsets implements ZoneOffsets {
  private readonly days = new Map<number, { start: number; at: number[]; after: number[] }>()

  constructor(private readonly zone: ZoneOffsets) {}

  offset(epochMs: number): number {
    const key = Math.floor(epochMs / DAY)
    let day = this.days.get(key)
    if (day === undefined) {
      day = this.read(key * DAY)
      this.days.set(key, day)
    }
    let o = day.start
    for (let i = 0; i < day.at.length && day.at[i]! <= epochMs; i++) o = day.after[i]!
    return o
  }

  private read(from: number): { start: number; at: number[]; after: number[] } {
    const start = this.zone.offset(from)
    const at: number[] = []
    const after: number[] = []
    const end = from + DAY
    let lo = from
    let current = start
    while (this.zone.offset(end - 1) !== current && lo < end) {
      // The first instant in (lo, end) whose offset is not `current`.
      let a = lo
      let b = end - 1
      while (b - a > 1) {
        const mid = a + Math.floor((b - a) / 2)
        if (this.zone.offset(mid) === current) a = mid
        else b = mid
      }
      current = this.zone.offset(b)
      at.push(b)
      after.push(current)
      lo = b
    }
    return { start, at, after }
  }
}
