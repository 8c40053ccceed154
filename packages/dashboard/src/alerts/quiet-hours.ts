/**
 * @module Quiet hours: a local-time window (e.g. 21:00–07:00 in the practice's zone) in which
 * non-urgent alerts wait. Checked minute by minute in the zone itself, so DST changes move the
 * end of the window with the clocks instead of an hour off.
 */
const formatters = new Map<string, Intl.DateTimeFormat>()

function localMinutes(at: Date, timeZone: string): number {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
    formatters.set(timeZone, f)
  }
  const parts = f.formatToParts(at)
  const hour = Number(parts.find((p) => p.type === 'hour')!.value)
  const minute = Number(parts.find((p) => p.type === 'minute')!.value)
  return hour * 60 + minute
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number)
  return h! * 60 + m!
}

export interface QuietHours {
  start: string
  end: string
  timeZone: string
}

export function inQuietHours(at: Date, q: QuietHours): boolean {
  const t = localMinutes(at, q.timeZone)
  const s = toMinutes(q.start)
  const e = toMinutes(q.end)
  if (s === e) return false
  return s < e ? t >= s && t < e : t >= s || t < e
}

/** The first minute at or after `at` outside the window (`at` itself when not quiet). */
export function quietHoursEnd(at: Date, q: QuietHours): Date {
  let t = new Date(Math.ceil(at.getTime() / 60_000) * 60_000)
  if (!inQuietHours(at, q)) return at
  // A window is at most 24 h long, plus an hour for a DST change.
  for (let i = 0; i < 26 * 60 && inQuietHours(t, q); i++) t = new Date(t.getTime() + 60_000)
  return t
}
