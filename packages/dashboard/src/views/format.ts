/**
 * @module Display formatting shared by the pages: percentages, durations, dates in a practice's
 * time zone, and the one rule for which links may be rendered as links.
 */

/** `0.953` → `95.3%`; null → an em dash. */
export function formatPercent(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || Number.isNaN(value)
    ? '—'
    : `${(value * 100).toFixed(digits)}%`
}

/** A duration in words a practice manager reads at a glance: `45m`, `2h 05m`, `3d 4h`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—'
  const minutes = Math.round(Math.abs(ms) / 60_000)
  if (minutes < 60) return `${minutes}m`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`
  return `${Math.floor(hours / 24)}d ${hours % 24}h`
}

/** "in 1h 20m" or "overdue by 3h 00m". */
export function formatCountdown(due: Date | null, now: Date): string {
  if (!due) return 'no target'
  const diff = due.getTime() - now.getTime()
  return diff > 0 ? `in ${formatDuration(diff)}` : `overdue by ${formatDuration(-diff)}`
}

/** Date and time in a time zone: `Tue 24 Nov 2026, 14:05`. */
export function formatDateTime(value: Date | null | undefined, timeZone = 'UTC'): string {
  if (!value) return '—'
  try {
    return new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hour12: false,
    }).format(value)
  } catch {
    return value.toISOString()
  }
}

/** Date only in a time zone: `24 Nov 2026`. */
export function formatDate(value: Date | null | undefined, timeZone = 'UTC'): string {
  if (!value) return '—'
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  }).format(value)
}

/** A number with one decimal, or an em dash. */
export function formatNumber(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || Number.isNaN(value) ? '—' : value.toFixed(digits)
}

/**
 * The URL when it is safe to put in an `href` (absolute http or https only); undefined otherwise.
 * Permalinks come from platforms and imports: a `javascript:` or `data:` URL must never become a link.
 */
export function safeHref(url: string | null | undefined): string | undefined {
  if (!url) return undefined
  try {
    const parsed = new URL(url.trim())
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined
  } catch {
    return undefined
  }
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>`, `&` and line separators are
 * escaped so the text can never close the element or be read as markup.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

/** Human label of a status or category value: `at_risk` → `at risk`. */
export function humanise(value: string | null | undefined): string {
  return value ? value.replace(/_/g, ' ') : '—'
}

/** First letter upper case: `message` → `Message`. */
export function capitalise(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1)
}
