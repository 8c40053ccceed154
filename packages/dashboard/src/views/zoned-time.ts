/**
 * @module Converting a wall-clock time typed in a form (`2026-11-24T10:42`, as `datetime-local`
 * inputs send it) to an instant in a practice's time zone, and back, with Intl only.
 */

function offsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant))
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value)
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  )
  return asUtc - Math.floor(instant / 1000) * 1000
}

/** `YYYY-MM-DDTHH:MM` in `timeZone` → Date; undefined when the text is not such a time. */
export function parseLocalDateTime(text: string, timeZone: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim())
  if (!m) return undefined
  const naive = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6] ?? 0),
  )
  if (Number.isNaN(naive)) return undefined
  // Two passes settle the offset across a DST change (the second uses the offset at the guess).
  let guess = naive - offsetMs(naive, timeZone)
  guess = naive - offsetMs(guess, timeZone)
  return new Date(guess)
}

/** Date → `YYYY-MM-DDTHH:MM` in `timeZone` (the value a `datetime-local` input expects). */
export function toLocalDateTimeInput(value: Date, timeZone: string): string {
  const local = new Date(value.getTime() + offsetMs(value.getTime(), timeZone))
  return local.toISOString().slice(0, 16)
}
