/**
 * @module In-memory login rate limiting per client IP and e-mail: a fixed number of failed
 * attempts per window, after which sign-in is refused until the window passes.
 */

export interface LoginRateLimitOptions {
  /** Failed attempts allowed per window (default 5). */
  max?: number
  /** Window length in milliseconds (default 15 minutes). */
  windowMs?: number
}

/** The limiter: `check` before verifying, `fail` after a wrong password, `reset` after success. */
export interface LoginRateLimiter {
  /** Milliseconds until another attempt is allowed; 0 when allowed now. */
  retryAfterMs(key: string, now: number): number
  fail(key: string, now: number): void
  reset(key: string): void
}

/** Creates a limiter. State lives in this process (one server); put a shared store behind it to scale out. */
export function createLoginRateLimiter(options: LoginRateLimitOptions = {}): LoginRateLimiter {
  const max = options.max ?? 5
  const windowMs = options.windowMs ?? 15 * 60 * 1000
  const attempts = new Map<string, { count: number; resetAt: number }>()
  const sweep = (now: number) => {
    if (attempts.size < 10_000) return
    for (const [key, entry] of attempts) if (entry.resetAt <= now) attempts.delete(key)
  }
  return {
    retryAfterMs(key, now) {
      const entry = attempts.get(key)
      if (!entry || entry.resetAt <= now) return 0
      return entry.count >= max ? entry.resetAt - now : 0
    },
    fail(key, now) {
      sweep(now)
      const entry = attempts.get(key)
      if (!entry || entry.resetAt <= now) attempts.set(key, { count: 1, resetAt: now + windowMs })
      else entry.count += 1
    },
    reset(key) {
      attempts.delete(key)
    },
  }
}
