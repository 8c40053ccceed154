/**
 * @module The business-time engine: turns a ScheduleSpec into sorted open intervals (epoch ms)
 * with prefix sums of open time, built lazily per local year, so every question is a binary
 * search plus arithmetic.
 */
import { EarshotError } from '../errors.js'
import { formatZodIssues } from '../util/parse-or-throw.js'
import type { BusinessCalendar } from './business-calendar.js'
import {
  loadZone,
  localToUtc,
  MemoisedZoneOffsets,
  naiveLocalMs,
  toNaiveLocal,
  type ZoneOffsets,
} from './local-time.js'
import { assertHolidayRegion, publicHolidayDates } from './public-holidays.js'
import {
  type ParsedScheduleSpec,
  type ScheduleSpec,
  type Session,
  scheduleSpecSchema,
  WEEKDAYS,
  type Weekday,
} from './schedule-spec.js'

const MINUTE = 60_000
const DAY = 86_400_000
const YEAR = 365.25 * DAY
const MIN_YEAR = 1000
const MAX_YEAR = 9999
/** The most business days one question may add (about ten years of daily opening). */
const MAX_BUSINESS_DAYS = 3660

/** Options of {@link createBusinessCalendar}. */
export interface CreateBusinessCalendarOptions {
  /**
   * How far to look for an opening before concluding the schedule never opens (years of calendar
   * time with no open minute at all). Default 3.
   */
  searchHorizonYears?: number
}

/** Why a local date has the sessions it has (for audit trails and settings previews). */
export type DayPlanSource = 'closure' | 'override' | 'holiday' | 'weekly'

/** The sessions a local date starts, and which rule chose them. */
export interface DayPlan {
  /** Local calendar date, `YYYY-MM-DD`. */
  date: string
  weekday: Weekday
  source: DayPlanSource
  /** Closure or override reason, or the holiday's name. */
  reason?: string
  /** Sessions starting on this date (a past-midnight one runs into the next date). */
  sessions: Session[]
}

/** A {@link BusinessCalendar} that can also explain its schedule. */
export interface ScheduleCalendar extends BusinessCalendar {
  /** The validated schedule (defaults filled in). */
  readonly spec: ParsedScheduleSpec
  /** Which sessions a local date (`YYYY-MM-DD`) starts, and why. */
  dayPlan(date: string): DayPlan
}

/** A session as minutes after the local midnight of its start date; `end` may exceed 1440. */
interface MinuteSession {
  start: number
  end: number
}

function toMinutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))
}

/** Validates one day's sessions (no start at 24:00, no overlaps) and sorts them by start. */
function compileSessions(sessions: readonly Session[], where: string): MinuteSession[] {
  const out: MinuteSession[] = []
  for (const s of sessions) {
    const start = toMinutes(s.start)
    let end = toMinutes(s.end)
    if (start >= 1440) {
      throw new EarshotError(
        'INVALID_CONFIGURATION',
        `${where}: a session cannot start at 24:00; start it at 00:00 on the next day`,
      )
    }
    // End at or before start runs past midnight (start === end is a full 24 hours).
    if (end <= start) end += 1440
    out.push({ start, end })
  }
  out.sort((a, b) => a.start - b.start)
  for (let i = 1; i < out.length; i++) {
    const prev = out[i - 1]!
    const cur = out[i]!
    if (cur.start < prev.end) {
      throw new EarshotError(
        'INVALID_CONFIGURATION',
        `${where}: sessions ${fmt(prev)} and ${fmt(cur)} overlap`,
      )
    }
  }
  return out
}

function fmt(s: MinuteSession): string {
  const hm = (m: number) => {
    const h = m === 1440 ? 24 : Math.floor(m / 60) % 24
    return `${String(h).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`
  }
  return `${hm(s.start)}–${hm(s.end)}`
}

/** Removes the part-day holiday window [from, to) of the date from its sessions. */
function clipSessions(
  sessions: readonly MinuteSession[],
  from: number,
  to: number,
): MinuteSession[] {
  const out: MinuteSession[] = []
  for (const x of sessions) {
    if (x.start < from) out.push({ start: x.start, end: Math.min(x.end, from) })
    if (x.end > to && Math.max(x.start, to) < 1440)
      out.push({ start: Math.max(x.start, to), end: x.end })
  }
  return out
}

/** Minutes after a date's midnight as an HH:MM session bound (past midnight wraps). */
function hhmm(minutes: number): string {
  const m = minutes > 1440 ? minutes - 1440 : minutes
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`
}

function isoOf(naiveMs: number): string {
  return new Date(naiveMs).toISOString().slice(0, 10)
}

/**
 * Builds the business calendar of a schedule.
 *
 * A local date's sessions are decided in this order: a closure covering the date → none; else an
 * override for the date → its sessions; else a public holiday of `holidayRegion` (type `public`) →
 * none (a part-day holiday only removes its own hours); else the weekly sessions of its weekday. A past-midnight session belongs to the date it
 * starts on. Sessions that touch or overlap (also across midnight) merge into one open interval.
 *
 * Throws EarshotError `INVALID_CONFIGURATION` for an invalid spec (bad field, unknown region,
 * overlapping sessions within one day, a session starting at 24:00).
 *
 * @example
 * const cal = createBusinessCalendar({
 *   timeZone: 'Australia/Sydney',
 *   holidayRegion: 'AU-NSW',
 *   weekly: { mon: [{ start: '08:00', end: '18:00' }], fri: [{ start: '08:00', end: '18:00' }] },
 * })
 * cal.addBusinessTime(new Date('2027-03-05T06:45:00Z'), 2 * 3_600_000) // Fri 17:45 → Mon 09:45
 * cal.addBusinessDays(new Date('2027-03-05T06:45:00Z'), 1) // Fri 17:45 → Mon 17:45
 */
export function createBusinessCalendar(
  spec: ScheduleSpec,
  options: CreateBusinessCalendarOptions = {},
): ScheduleCalendar {
  const parsed = scheduleSpecSchema.safeParse(spec)
  if (!parsed.success) {
    throw new EarshotError(
      'INVALID_CONFIGURATION',
      `invalid schedule: ${formatZodIssues(parsed.error.issues)}`,
      { details: parsed.error.issues },
    )
  }
  const s = parsed.data
  const zone = loadZone(s.timeZone)
  if (!zone) {
    throw new EarshotError('INVALID_CONFIGURATION', `unknown IANA time zone '${s.timeZone}'`)
  }
  if (s.holidayRegion) assertHolidayRegion(s.holidayRegion)
  const horizonYears = options.searchHorizonYears ?? 3
  if (!(horizonYears > 0 && horizonYears <= 100)) {
    throw new EarshotError(
      'INVALID_CONFIGURATION',
      `searchHorizonYears must be in (0, 100], got ${horizonYears}`,
    )
  }

  const weekly = WEEKDAYS.map((d) => compileSessions(s.weekly[d] ?? [], `weekly.${d}`))
  const overrides = new Map<
    string,
    { sessions: MinuteSession[]; raw: Session[]; reason?: string }
  >()
  for (const [i, o] of s.overrides.entries()) {
    if (overrides.has(o.date)) {
      throw new EarshotError(
        'INVALID_CONFIGURATION',
        `overrides.${i}: a second override for ${o.date}; merge their sessions into one`,
      )
    }
    overrides.set(o.date, {
      sessions: compileSessions(o.sessions, `overrides.${i} (${o.date})`),
      raw: o.sessions,
      ...(o.reason === undefined ? {} : { reason: o.reason }),
    })
  }
  const closures = [...s.closures].sort((a, b) => (a.from < b.from ? -1 : 1))

  function plan(naiveMidnight: number): {
    iso: string
    weekday: number
    source: DayPlanSource
    reason?: string
    sessions: MinuteSession[]
  } {
    const iso = isoOf(naiveMidnight)
    const weekday = (new Date(naiveMidnight).getUTCDay() + 6) % 7
    for (const c of closures) {
      if (c.from > iso) break
      if (iso <= c.to) {
        return {
          iso,
          weekday,
          source: 'closure',
          sessions: [],
          ...(c.reason === undefined ? {} : { reason: c.reason }),
        }
      }
    }
    const o = overrides.get(iso)
    if (o) {
      return {
        iso,
        weekday,
        source: 'override',
        sessions: o.sessions,
        ...(o.reason === undefined ? {} : { reason: o.reason }),
      }
    }
    if (s.holidayRegion) {
      const h = publicHolidayDates(s.holidayRegion, Number(iso.slice(0, 4))).get(iso)
      if (h !== undefined) {
        const sessions =
          h.fromMinute === 0 && h.toMinute === 1440
            ? []
            : clipSessions(weekly[weekday]!, h.fromMinute, h.toMinute)
        return { iso, weekday, source: 'holiday', reason: h.name, sessions }
      }
    }
    return { iso, weekday, source: 'weekly', sessions: weekly[weekday]! }
  }

  const engine = new IntervalEngine(new MemoisedZoneOffsets(zone), plan, horizonYears * YEAR)
  const toMs = (t: Date | number): number => (typeof t === 'number' ? t : t.getTime())

  return {
    timeZone: s.timeZone,
    spec: s,
    isOpen: (t) => engine.isOpen(toMs(t)),
    nextOpening: (t) => {
      const ms = engine.nextOpening(toMs(t))
      return ms === null ? null : new Date(ms)
    },
    addBusinessTime: (start, durationMs) => new Date(engine.add(toMs(start), durationMs)),
    addBusinessMs: (startMs, durationMs) => engine.add(startMs, durationMs),
    addBusinessDays: (start, days) => new Date(engine.addDays(toMs(start), days)),
    addBusinessDaysMs: (startMs, days) => engine.addDays(startMs, days),
    businessTimeBetween: (a, b) => engine.between(toMs(a), toMs(b)),
    openIntervals: (from, to) => engine.intervals(toMs(from), toMs(to)),
    dayPlan: (date) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
        throw new EarshotError('INVALID_INPUT', `expected a date as YYYY-MM-DD, got '${date}'`)
      }
      const p = plan(Date.parse(`${date}T00:00:00Z`))
      const raw =
        p.source === 'override'
          ? overrides.get(date)!.raw
          : p.source === 'weekly'
            ? (s.weekly[WEEKDAYS[p.weekday]!] ?? [])
            : p.sessions.map((x) => ({ start: hhmm(x.start), end: hhmm(x.end) }))
      return {
        date,
        weekday: WEEKDAYS[p.weekday]!,
        source: p.source,
        ...(p.reason === undefined ? {} : { reason: p.reason }),
        sessions: [...raw].sort((a, b) => (a.start < b.start ? -1 : 1)),
      }
    },
  }
}

type Planner = (naiveMidnight: number) => { sessions: MinuteSession[] }

/** The sessions of one local year, by open date (a date with at least one session that happens). */
interface YearSessions {
  /** [start, end) instants of every session, in date order (so sorted by start). */
  pairs: Float64Array
  /** Naive local midnight of each open date. */
  dayNaive: Float64Array
  /** First pair index of each open date; one more entry closes the last date. */
  dayFirst: Int32Array
  /** The date's UTC offset in minutes when no clock change touches it, else NaN. */
  dayOffset: Float64Array
}

/**
 * Open intervals of local years [y0, y1], merged, with cumulative open time. Exact for instants
 * in [validStart, validEnd): validStart is local Jan 2 of y0 because a past-midnight session
 * starting on Dec 31 of y0-1 (not generated) can run into Jan 1; nothing generated later than
 * y1 can start before local Jan 1 of y1+1 (validEnd). Beside the merged intervals it keeps the
 * sessions by open date, which is what counting business days needs.
 */
class IntervalEngine {
  private starts = new Float64Array(0)
  private ends = new Float64Array(0)
  /** Open time before interval i, from an arbitrary origin (only differences matter). */
  private cumBefore = new Float64Array(0)
  /** Open time up to the end of interval i. */
  private cumAfter = new Float64Array(0)
  private n = 0
  /** dayIndex[k]: first interval ending after dayBase + k days; skips most of the search. */
  private dayIndex = new Int32Array(0)
  private dayBase = 0
  private y0 = 0
  private y1 = -1
  private validStart = Number.POSITIVE_INFINITY
  private validEnd = Number.NEGATIVE_INFINITY
  private readonly byYear = new Map<number, YearSessions>()
  /** Unmerged sessions of [y0, y1], sorted by start, and the open date each belongs to. */
  private rawStarts = new Float64Array(0)
  private rawEnds = new Float64Array(0)
  private rawDay = new Int32Array(0)
  /** Open dates of [y0, y1] in order: naive midnight, first raw session, steady offset. */
  private openNaive = new Float64Array(0)
  private openFirst = new Int32Array(1)
  private openOffset = new Float64Array(0)
  private nOpen = 0

  constructor(
    private readonly zone: ZoneOffsets,
    private readonly plan: Planner,
    private readonly horizonMs: number,
  ) {}

  /** Sessions starting on local dates of `year`, as instants, grouped by open date. */
  private yearSessions(year: number): YearSessions {
    const cached = this.byYear.get(year)
    if (cached) return cached
    const pairs: number[] = []
    const dayNaive: number[] = []
    const dayFirst: number[] = []
    const dayOffset: number[] = []
    const first = naiveLocalMs(year, 1, 1)
    const next = naiveLocalMs(year + 1, 1, 1)
    for (let day = first; day < next; day += DAY) {
      const sessions = this.plan(day).sessions
      if (sessions.length === 0) continue
      // Fast path: one offset for the whole window a day's sessions can reach (local day and the
      // next, ±14h of offset) when no transition falls inside it; DST days take the exact route.
      const o = this.zone.offset(day - 14 * 3_600_000)
      const steady =
        o === this.zone.offset(day + DAY) && o === this.zone.offset(day + 2 * DAY + 14 * 3_600_000)
      const before = pairs.length
      for (const sess of sessions) {
        const a = steady
          ? day + sess.start * MINUTE - o * MINUTE
          : localToUtc(this.zone, day + sess.start * MINUTE)
        const b = steady
          ? day + sess.end * MINUTE - o * MINUTE
          : localToUtc(this.zone, day + sess.end * MINUTE)
        // A session wholly inside a spring-forward gap never happens.
        if (b > a) pairs.push(a, b)
      }
      if (pairs.length === before) continue
      dayNaive.push(day)
      dayFirst.push(before / 2)
      dayOffset.push(steady ? o : Number.NaN)
    }
    dayFirst.push(pairs.length / 2)
    const built: YearSessions = {
      pairs: Float64Array.from(pairs),
      dayNaive: Float64Array.from(dayNaive),
      dayFirst: Int32Array.from(dayFirst),
      dayOffset: Float64Array.from(dayOffset),
    }
    this.byYear.set(year, built)
    return built
  }

  private build(y0: number, y1: number): void {
    if (y0 < MIN_YEAR || y1 > MAX_YEAR) {
      throw new EarshotError(
        'INVALID_INPUT',
        `business calendar supports local years ${MIN_YEAR}–${MAX_YEAR}; asked for ${y0 < MIN_YEAR ? y0 : y1}`,
      )
    }
    const years: YearSessions[] = []
    let rawCount = 0
    let openCount = 0
    for (let y = y0; y <= y1; y++) {
      const ys = this.yearSessions(y)
      years.push(ys)
      rawCount += ys.pairs.length / 2
      openCount += ys.dayNaive.length
    }
    // NOTE: sessions of a date start within that local date and a date's sessions never
    // overlap, so concatenating the years' sessions in date order is already sorted by start.
    const rawStarts = new Float64Array(rawCount)
    const rawEnds = new Float64Array(rawCount)
    const rawDay = new Int32Array(rawCount)
    const openNaive = new Float64Array(openCount)
    const openFirst = new Int32Array(openCount + 1)
    const openOffset = new Float64Array(openCount)
    let r = 0
    let d = 0
    for (const ys of years) {
      const days = ys.dayNaive.length
      for (let i = 0; i < days; i++, d++) {
        openNaive[d] = ys.dayNaive[i]!
        openOffset[d] = ys.dayOffset[i]!
        openFirst[d] = r
        for (let j = ys.dayFirst[i]!; j < ys.dayFirst[i + 1]!; j++, r++) {
          rawStarts[r] = ys.pairs[2 * j]!
          rawEnds[r] = ys.pairs[2 * j + 1]!
          rawDay[r] = d
        }
      }
    }
    openFirst[openCount] = r
    this.rawStarts = rawStarts
    this.rawEnds = rawEnds
    this.rawDay = rawDay
    this.openNaive = openNaive
    this.openFirst = openFirst
    this.openOffset = openOffset
    this.nOpen = openCount

    const starts: number[] = []
    const ends: number[] = []
    for (let k = 0; k < rawCount; k++) {
      const a = rawStarts[k]!
      const b = rawEnds[k]!
      const last = ends.length - 1
      if (last >= 0 && a <= ends[last]!) {
        if (b > ends[last]!) ends[last] = b
      } else {
        starts.push(a)
        ends.push(b)
      }
    }
    const n = starts.length
    this.starts = Float64Array.from(starts)
    this.ends = Float64Array.from(ends)
    this.cumBefore = new Float64Array(n)
    this.cumAfter = new Float64Array(n)
    let acc = 0
    for (let i = 0; i < n; i++) {
      this.cumBefore[i] = acc
      acc += ends[i]! - starts[i]!
      this.cumAfter[i] = acc
    }
    this.n = n
    // Buckets are real 24h spans from a fixed instant, not local days: only a lookup aid.
    this.dayBase = this.validStartFor(y0)
    const buckets = Math.ceil((this.validEndFor(y1) - this.dayBase) / DAY) + 1
    const dayIndex = new Int32Array(buckets)
    let j = 0
    for (let k = 0; k < buckets; k++) {
      const at = this.dayBase + k * DAY
      while (j < n && ends[j]! <= at) j++
      dayIndex[k] = j
    }
    this.dayIndex = dayIndex
    this.y0 = y0
    this.y1 = y1
    this.validStart = this.validStartFor(y0)
    this.validEnd = this.validEndFor(y1)
  }

  private validStartFor(y0: number): number {
    return localToUtc(this.zone, naiveLocalMs(y0, 1, 2))
  }

  private validEndFor(y1: number): number {
    return localToUtc(this.zone, naiveLocalMs(y1 + 1, 1, 1))
  }

  /** Makes [validStart, validEnd) contain `t`. */
  private cover(t: number): void {
    if (!Number.isFinite(t)) {
      throw new EarshotError('INVALID_INPUT', `expected a valid instant, got ${t}`)
    }
    const local = new Date(toNaiveLocal(this.zone, t))
    const year = local.getUTCFullYear()
    // Jan 1 instants need the previous year too (its Dec 31 sessions may run past midnight).
    const lo = local.getUTCMonth() === 0 && local.getUTCDate() === 1 ? year - 1 : year
    if (this.y1 < this.y0) this.build(lo, year)
    else this.build(Math.min(this.y0, lo), Math.max(this.y1, year))
    // NOTE: the tz offset at t and at the year boundary can differ; one more year settles it.
    if (t < this.validStart) this.build(this.y0 - 1, this.y1)
    if (t >= this.validEnd) this.build(this.y0, this.y1 + 1)
  }

  /**
   * Extends one year forward, or reports that `from` has seen no opening for the whole horizon.
   * Returns false when the schedule is considered never to open again.
   */
  private grow(from: number): boolean {
    const lastOpen =
      this.n > 0 ? Math.max(from, Math.min(this.ends[this.n - 1]!, this.validEnd)) : from
    if (this.validEnd - lastOpen >= this.horizonMs) return false
    this.build(this.y0, this.y1 + 1)
    return true
  }

  /** Index of the first interval whose end is after t (n when none); t must be covered. */
  private firstEndingAfter(t: number): number {
    const ends = this.ends
    const n = this.n
    let i = this.dayIndex[Math.floor((t - this.dayBase) / DAY)]!
    while (i < n && ends[i]! <= t) i++
    return i
  }

  /** Open time from the origin up to t; t must be covered. */
  private cumAt(t: number): number {
    const i = this.firstEndingAfter(t)
    if (i === this.n) return this.n === 0 ? 0 : this.cumAfter[this.n - 1]!
    const start = this.starts[i]!
    return t > start ? this.cumBefore[i]! + (t - start) : this.cumBefore[i]!
  }

  isOpen(t: number): boolean {
    if (!(t >= this.validStart && t < this.validEnd)) this.cover(t)
    const i = this.firstEndingAfter(t)
    return i < this.n && this.starts[i]! <= t
  }

  nextOpening(t: number): number | null {
    if (!(t >= this.validStart && t < this.validEnd)) this.cover(t)
    for (;;) {
      const i = this.firstEndingAfter(t)
      if (i < this.n) {
        const start = this.starts[i]!
        if (start <= t) return t
        if (start <= this.validEnd) return start
      }
      if (!this.grow(t)) return null
    }
  }

  add(startMs: number, durationMs: number): number {
    if (!(startMs >= this.validStart && startMs < this.validEnd)) this.cover(startMs)
    if (!(durationMs >= 0 && durationMs < Number.POSITIVE_INFINITY)) {
      throw new EarshotError(
        'INVALID_INPUT',
        `business duration must be a finite number of ms ≥ 0, got ${durationMs}`,
      )
    }
    for (;;) {
      const n = this.n
      const i = this.firstEndingAfter(startMs)
      if (i < n) {
        const start = this.starts[i]!
        const base = startMs > start ? this.cumBefore[i]! + (startMs - start) : this.cumBefore[i]!
        if (durationMs === 0) {
          const at = Math.max(startMs, start)
          if (at <= this.validEnd) return at
        } else {
          const target = base + durationMs
          // Smallest j ≥ i whose cumulative end reaches the target: gallop from i (most due
          // times are a few intervals away), then binary search the last step.
          const cumAfter = this.cumAfter
          let lo = i
          let hi = i
          let step = 1
          while (hi < n && cumAfter[hi]! < target) {
            lo = hi + 1
            hi = i + step
            step *= 2
          }
          if (hi > n) hi = n
          while (lo < hi) {
            const mid = (lo + hi) >>> 1
            if (cumAfter[mid]! >= target) hi = mid
            else lo = mid + 1
          }
          if (lo < n) {
            const at = this.ends[lo]! - (cumAfter[lo]! - target)
            if (at <= this.validEnd) return at
          }
        }
      }
      if (!this.grow(startMs)) {
        throw new EarshotError(
          'INVALID_CONFIGURATION',
          `schedule never opens: no open time within ${Math.round(this.horizonMs / YEAR)} years after ${new Date(Math.max(startMs, this.n > 0 ? this.ends[this.n - 1]! : startMs)).toISOString()}`,
        )
      }
    }
  }

  /**
   * `days` business days from `startMs`: the clock starts at the next opening s; s belongs to
   * the open date of the session it is in (the session that started last, when sessions of
   * neighbouring dates overlap); the due time is s's local time (as an offset from that date's
   * midnight, so a past-midnight session keeps its place) on the `days`-th next open date,
   * kept within that date's sessions: in a break or after the close it is the last open moment
   * at or before that time, before the date's first opening it is the opening. Never before s.
   */
  addDays(startMs: number, days: number): number {
    if (!(Number.isInteger(days) && days >= 0 && days <= MAX_BUSINESS_DAYS)) {
      throw new EarshotError(
        'INVALID_INPUT',
        `business days must be a whole number from 0 to ${MAX_BUSINESS_DAYS}, got ${days}`,
      )
    }
    const s = this.nextOpening(startMs)
    if (s === null) throw this.neverOpens(startMs)
    if (days === 0) return s
    for (;;) {
      const k = this.sessionAt(s)
      const p = k < 0 ? -1 : this.rawDay[k]!
      const q = p + days
      if (k < 0 || q >= this.nOpen) {
        if (!this.grow(s)) throw this.neverOpens(s)
        continue
      }
      const offP = this.openOffset[p]!
      const localS = !Number.isNaN(offP) ? s + offP * MINUTE : toNaiveLocal(this.zone, s)
      const reading = this.openNaive[q]! + (localS - this.openNaive[p]!)
      const offQ = this.openOffset[q]!
      const target = !Number.isNaN(offQ) ? reading - offQ * MINUTE : localToUtc(this.zone, reading)
      const last = this.openFirst[q + 1]!
      let due = this.rawStarts[this.openFirst[q]!]!
      for (let j = this.openFirst[q]!; j < last; j++) {
        if (this.rawStarts[j]! > target) break
        const end = this.rawEnds[j]!
        due = Math.min(target, end)
      }
      return Math.max(due, s)
    }
  }

  /** Index of the latest-starting raw session containing the open instant s; -1 when not built. */
  private sessionAt(s: number): number {
    const starts = this.rawStarts
    let lo = 0
    let hi = starts.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (starts[mid]! <= s) lo = mid + 1
      else hi = mid
    }
    let k = lo - 1
    while (k >= 0 && this.rawEnds[k]! <= s) k--
    return k
  }

  private neverOpens(from: number): EarshotError {
    return new EarshotError(
      'INVALID_CONFIGURATION',
      `schedule never opens: no open time within ${Math.round(this.horizonMs / YEAR)} years after ${new Date(Math.max(from, this.n > 0 ? this.ends[this.n - 1]! : from)).toISOString()}`,
    )
  }

  between(a: number, b: number): number {
    if (!(b > a)) {
      if (Number.isNaN(a) || Number.isNaN(b)) {
        throw new EarshotError('INVALID_INPUT', 'businessTimeBetween: expected valid instants')
      }
      return 0
    }
    if (!(a >= this.validStart && a < this.validEnd)) this.cover(a)
    if (!(b >= this.validStart && b <= this.validEnd)) this.cover(b)
    return this.cumAt(b) - this.cumAt(a)
  }

  intervals(from: number, to: number): Array<[number, number]> {
    if (!(to > from)) return []
    if (!(from >= this.validStart && from < this.validEnd)) this.cover(from)
    if (!(to >= this.validStart && to <= this.validEnd)) this.cover(to)
    const out: Array<[number, number]> = []
    for (let i = this.firstEndingAfter(from); i < this.n && this.starts[i]! < to; i++) {
      out.push([Math.max(this.starts[i]!, from), Math.min(this.ends[i]!, to)])
    }
    return out
  }
}
