/**
 * @module Options every built-in collector factory takes: HTTP client tuning (tests inject
 * `sleep` and `random`) and a clock.
 */
import type { HttpClientOptions } from './http/http-client.js'

/** Options of every `xxxCollector()` factory. */
export interface CollectorOptions {
  /** Overrides for the shared HTTP client (timeouts, retries, `sleep`, `random` …). */
  http?: Omit<HttpClientOptions, 'platform' | 'fetch' | 'signal' | 'classify' | 'headers'>
  /** The clock (tests pin it). The HTTP client reads it too (Retry-After dates, rate-limit resets), unless `http.now` is set. */
  now?: () => Date
}

/** The HTTP client options of a collector: its own clock unless the caller gave the client one. */
export function httpOptionsOf(options: CollectorOptions): CollectorOptions['http'] {
  const now = options.now
  return now ? { now: () => now().getTime(), ...options.http } : options.http
}
