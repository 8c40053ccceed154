/**
 * @module Turning the settings forms into schedule and promise specs, and specs back into form
 * text. Opening hours are typed the way people write them ("08:00-12:30, 13:30-18:00"), one
 * line per dated override or closure; the specs are then validated by core's zod schemas.
 */
import { EarshotError, type PromiseSpec, type ScheduleSpec, WEEKDAYS } from '../core.js'

type SessionText = { start: string; end: string }

/** "08:00-12:30, 13:30-18:00" → sessions; "" or "closed" → none. */
export function parseSessions(text: string, where: string): SessionText[] {
  const trimmed = text.trim()
  if (!trimmed || /^closed$/i.test(trimmed)) return []
  return trimmed.split(/\s*[,;]\s*/).map((part) => {
    const m = /^(\d{1,2}:\d{2})\s*(?:-|–|—|to)\s*(\d{1,2}:\d{2})$/i.exec(part.trim())
    if (!m)
      throw new EarshotError(
        'INVALID_INPUT',
        `${where}: "${part}" is not a session like 08:00-12:30`,
      )
    return { start: m[1]!.padStart(5, '0'), end: m[2]!.padStart(5, '0') }
  })
}

/** Sessions → "08:00-12:30, 13:30-18:00". */
export function formatSessions(sessions: readonly SessionText[] | undefined): string {
  return (sessions ?? []).map((s) => `${s.start}-${s.end}`).join(', ')
}

/** Form fields of the schedule form → a schedule spec (not yet validated). */
export function scheduleFromForm(form: Record<string, unknown>): ScheduleSpec {
  const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '')
  const weekly: Record<string, SessionText[]> = {}
  for (const day of WEEKDAYS) weekly[day] = parseSessions(field(`weekly_${day}`), day)
  const overrides = field('overrides')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line, i) => {
      const m = /^(\d{4}-\d{2}-\d{2})\s+(closed|[\d:,;\s\-–—to]+?)(?:\s+(\D.*))?$/i.exec(line)
      if (!m)
        throw new EarshotError(
          'INVALID_INPUT',
          `dated override line ${i + 1}: expected "YYYY-MM-DD 08:00-21:00 reason" or "YYYY-MM-DD closed reason"`,
        )
      return {
        date: m[1]!,
        sessions: parseSessions(m[2]!, `override ${m[1]}`),
        ...(m[3] ? { reason: m[3].trim() } : {}),
      }
    })
  const closures = field('closures')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line, i) => {
      const m =
        /^(\d{4}-\d{2}-\d{2})(?:\s*(?:\.\.|to|–|—)\s*(\d{4}-\d{2}-\d{2}))?(?:\s+(.*))?$/i.exec(line)
      if (!m)
        throw new EarshotError(
          'INVALID_INPUT',
          `closure line ${i + 1}: expected "YYYY-MM-DD..YYYY-MM-DD reason"`,
        )
      return { from: m[1]!, to: m[2] ?? m[1]!, ...(m[3] ? { reason: m[3].trim() } : {}) }
    })
  const region = field('holiday_region').trim().toUpperCase()
  return {
    timeZone: field('time_zone').trim(),
    holidayRegion: region || null,
    weekly,
    overrides,
    closures,
  }
}

/** Dated overrides → one line each. */
export function formatOverrides(spec: ScheduleSpec): string {
  return (spec.overrides ?? [])
    .map(
      (o) =>
        `${o.date} ${o.sessions.length ? formatSessions(o.sessions) : 'closed'}${o.reason ? ` ${o.reason}` : ''}`,
    )
    .join('\n')
}

/** Closures → one line each. */
export function formatClosures(spec: ScheduleSpec): string {
  return (spec.closures ?? [])
    .map((c) => `${c.from}..${c.to}${c.reason ? ` ${c.reason}` : ''}`)
    .join('\n')
}

const list = (text: string) =>
  text
    .split(/[,\s]+/)
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)

/** Number of target rows the form offers (existing targets plus blanks up to this). */
export const TARGET_ROWS = 5

/** Form fields of the promise form → a promise spec (not yet validated). */
export function promiseFromForm(form: Record<string, unknown>): PromiseSpec {
  const field = (name: string) =>
    typeof form[name] === 'string' ? (form[name] as string).trim() : ''
  const targets: PromiseSpec['targets'] = []
  for (let i = 0; i < 20; i++) {
    const duration = field(`target_${i}_duration`)
    if (!duration) continue
    const platforms = list(field(`target_${i}_platforms`))
    const kinds = list(field(`target_${i}_kinds`))
    const categories = list(field(`target_${i}_categories`))
    const clock = field(`target_${i}_clock`)
    const name = field(`target_${i}_name`)
    targets.push({
      ...(name ? { name } : {}),
      filter: {
        ...(platforms.length ? { platforms: platforms as never } : {}),
        ...(kinds.length ? { kinds: kinds as never } : {}),
        ...(categories.length ? { categories: categories as never } : {}),
      },
      duration,
      ...(clock === 'business' || clock === 'calendar' ? { clock } : {}),
    })
  }
  const percent = (name: string, fallback: number) => {
    const raw = field(name)
    if (!raw) return fallback
    const n = Number(raw.replace('%', ''))
    if (!Number.isFinite(n))
      throw new EarshotError(
        'INVALID_INPUT',
        `${name.replace(/_/g, ' ')}: "${raw}" is not a number`,
      )
    return n / 100
  }
  return {
    targets,
    goal: percent('goal', 0.9),
    statement: field('statement'),
    atRiskFraction: percent('at_risk', 0.25),
    countAutoReplies: field('count_auto_replies') === 'on',
    autoReplyPatterns: field('auto_reply_patterns')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean),
  }
}
