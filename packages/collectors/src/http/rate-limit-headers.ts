/**
 * @module Reading "wait this long" out of response headers: the standard `Retry-After`
 * (seconds or an HTTP date), X's `x-rate-limit-*` and Meta's usage headers.
 */

/** `Retry-After` in milliseconds from `now`, or undefined when absent or unreadable. */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value == null || value.trim() === '') return undefined
  const text = value.trim()
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000)
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - now)
}

/**
 * X: `x-rate-limit-reset` is the Unix second the window resets. Returns the wait in ms when the
 * window is exhausted (`remaining` 0) or when `force` (the response was a 429).
 */
export function xRateLimitWait(
  headers: Headers,
  now: number = Date.now(),
  force = false,
): number | undefined {
  const reset = headers.get('x-rate-limit-reset')
  if (reset === null || !/^\d+$/.test(reset.trim())) return undefined
  const remaining = headers.get('x-rate-limit-remaining')
  if (!force && remaining !== null && remaining.trim() !== '0') return undefined
  if (!force && remaining === null) return undefined
  // One extra second: the reset instant is rounded down to the second on X's side.
  return Math.max(0, Number(reset) * 1000 - now) + 1000
}

/**
 * Meta: `x-app-usage` (percent of the hourly app budget) and `x-business-use-case-usage`
 * (per object, percent plus `estimated_time_to_regain_access` in minutes). Returns the wait in
 * ms when a budget is exhausted, 0 when close to it (callers may slow down), undefined otherwise.
 */
export function metaUsageWait(headers: Headers): number | undefined {
  let wait: number | undefined
  const buc = parseJsonHeader(headers.get('x-business-use-case-usage'))
  if (buc && typeof buc === 'object') {
    for (const entries of Object.values(buc as Record<string, unknown>)) {
      if (!Array.isArray(entries)) continue
      for (const entry of entries) {
        if (!entry || typeof entry !== 'object') continue
        const e = entry as Record<string, unknown>
        const minutes = Number(e.estimated_time_to_regain_access ?? 0)
        if (minutes > 0) wait = Math.max(wait ?? 0, minutes * 60_000)
        else if (maxPercent(e) >= 100) wait = Math.max(wait ?? 0, 60_000)
      }
    }
  }
  for (const name of ['x-app-usage', 'x-page-usage', 'x-ad-account-usage']) {
    const usage = parseJsonHeader(headers.get(name))
    if (usage && typeof usage === 'object' && maxPercent(usage as Record<string, unknown>) >= 100) {
      // The app budget is a rolling hour; Meta gives no reset time, so wait a conservative slice.
      wait = Math.max(wait ?? 0, 5 * 60_000)
    }
  }
  return wait
}

function maxPercent(usage: Record<string, unknown>): number {
  let max = 0
  for (const key of ['call_count', 'total_time', 'total_cputime', 'acc_id_util_pct']) {
    const v = Number(usage[key] ?? 0)
    if (Number.isFinite(v)) max = Math.max(max, v)
  }
  return max
}

function parseJsonHeader(value: string | null): unknown {
  if (!value) return undefined
  try {
    return JSON.parse(value)
  } catch {
    return undefined
  }
}
