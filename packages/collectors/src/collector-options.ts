/**
 * @module Options every built-in collector factory takes: HTTP client tuning (tests inject
 * `sleep` and `random`) and a clock.
 */
import type { HttpClientOptions } from './http/http-client.js'

/** Options of every `xxxCollector()` factory. */
export interface CollectorOptions {
  /** Overrides for the shared HTTP client (timeouts, retries, `sleep`, `random` …). */
  http?: Omit<HttpClientOptions, 'platform' | 'fetch' | 'signal' | 'classify' | 'headers'>
  /** The clock (tests pin it). */
  now?: () => Date
}
