/**
 * @module A bound on the requests one process works on at once (issue 13, finding 8). When the
 * database is slow, requests used to pile up behind it until clients gave up (40 requests waited
 * up to 40 s); beyond the bound a request is answered 503 with `Retry-After` at once, so the
 * queue stays short and callers back off. `/healthz` and static assets are never refused:
 * they touch no database, and the health check must answer most of all when things are bad.
 */
import type { MiddlewareHandler } from 'hono'
import type { DashboardEnv } from './dashboard-env.js'
import { errorBody, HTTP_ERRORS } from './http-errors.js'

/** Requests one process serves at once before answering 503 (the pool has far fewer connections; the rest wait for one). */
export const DEFAULT_MAX_CONCURRENT_REQUESTS = 64

export interface RequestLimitOptions {
  maxConcurrent: number
  /** Seconds a refused caller is told to wait (default 2). */
  retryAfterSeconds?: number
}

const EXEMPT = /^\/(healthz$|assets\/)/

/** The middleware; `inFlight()` is for tests and metrics. */
export function requestLimit(options: RequestLimitOptions): MiddlewareHandler<DashboardEnv> & {
  inFlight(): number
} {
  if (!Number.isInteger(options.maxConcurrent) || options.maxConcurrent < 1)
    throw new Error(
      `maxConcurrent must be a whole number of at least 1, got ${options.maxConcurrent}`,
    )
  const retryAfter = String(options.retryAfterSeconds ?? 2)
  let inFlight = 0
  const middleware: MiddlewareHandler<DashboardEnv> = async (c, next) => {
    if (EXEMPT.test(c.req.path)) return next()
    if (inFlight >= options.maxConcurrent) {
      c.header('Retry-After', retryAfter)
      c.header('Cache-Control', 'no-store')
      const { status, message } = HTTP_ERRORS.OVERLOADED
      if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/hooks/'))
        return c.json(errorBody('OVERLOADED', message), status)
      return c.text(message, status)
    }
    inFlight++
    try {
      await next()
    } finally {
      inFlight--
    }
  }
  return Object.assign(middleware, { inFlight: () => inFlight })
}
