/**
 * @module Opening hours as typed — "mon-fri 08:00-18:00; sat 09:00-12:00" — and shown back.
 * Several ranges per day are allowed ("mon 08:00-12:00 13:00-17:00").
 */
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
type Day = (typeof DAYS)[number]

/** Weekly hours as the schedule schema takes them. */
export type WeeklyHours = Partial<Record<Day, { start: string; end: string }[]>>

export function parseOpeningHours(text: string): WeeklyHours {
  const weekly: WeeklyHours = {}
  const groups = text
    .split(/[;\n]/)
    .map((g) => g.trim())
    .filter((g) => g !== '')
  if (groups.length === 0)
    throw new Error('type opening hours, e.g. "mon-fri 08:00-18:00; sat 09:00-12:00"')
  for (const group of groups) {
    const [dayPart, ...ranges] = group.split(/\s+/)
    const days = parseDays(dayPart!.toLowerCase(), group)
    if (ranges.length === 0) throw new Error(`"${group}": add the hours, e.g. 08:00-18:00`)
    const parsed = ranges.map((r) => {
      const m = /^(\d{1,2}):?(\d{2})-(\d{1,2}):?(\d{2})$/.exec(r)
      if (!m) throw new Error(`"${r}" is not a time range like 08:00-18:00`)
      const start = `${m[1]!.padStart(2, '0')}:${m[2]}`
      const end = `${m[3]!.padStart(2, '0')}:${m[4]}`
      return { start, end }
    })
    for (const d of days) weekly[d] = [...(weekly[d] ?? []), ...parsed]
  }
  return weekly
}

function parseDays(part: string, group: string): Day[] {
  const days: Day[] = []
  for (const piece of part.split(',')) {
    const [from, to] = piece.split('-').map((p) => p.slice(0, 3)) as [string, string | undefined]
    const a = DAYS.indexOf(from as Day)
    const b = to === undefined ? a : DAYS.indexOf(to as Day)
    if (a < 0 || b < 0 || b < a)
      throw new Error(`"${group}": "${piece}" is not a day or a range like mon-fri`)
    days.push(...DAYS.slice(a, b + 1))
  }
  return days
}

/** The hours in the same notation, consecutive days with the same hours grouped. */
export function formatOpeningHours(weekly: WeeklyHours): string {
  const groups: { from: Day; to: Day; hours: string }[] = []
  for (const day of DAYS) {
    const ranges = weekly[day]
    if (!ranges?.length) continue
    const hours = ranges.map((r) => `${r.start}-${r.end}`).join(' ')
    const last = groups.at(-1)
    if (last && last.hours === hours && DAYS.indexOf(last.to) === DAYS.indexOf(day) - 1)
      last.to = day
    else groups.push({ from: day, to: day, hours })
  }
  return groups
    .map((g) => `${g.from === g.to ? g.from : `${g.from}-${g.to}`} ${g.hours}`)
    .join('; ')
}
