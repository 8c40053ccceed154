import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isCollectorAuthError, isCollectorHttpError } from '../errors.js'
import { type FakeServer, startFakeServer } from '../testing/fake-server.js'
import { backoffDelay, createHttpClient } from './http-client.js'
import { metaUsageWait, parseRetryAfter, xRateLimitWait } from './rate-limit-headers.js'

let server: FakeServer
const sleeps: number[] = []
const client = (extra: Partial<Parameters<typeof createHttpClient>[0]> = {}) =>
  createHttpClient({
    platform: 'test',
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    maxRetries: 3,
    ...extra,
  })

beforeAll(async () => {
  server = await startFakeServer((req) => {
    if (req.path === '/slow') return { delayMs: 500, body: { ok: true } }
    if (req.path === '/text') return { body: 'plain' }
    return { body: { ok: true, path: req.path } }
  })
})
afterAll(() => server.close())

describe('backoffDelay', () => {
  it.each([
    [0, 0, 500],
    [0, 1, 1000],
    [1, 0.5, 1500],
    [3, 1, 8000],
    [10, 1, 30_000],
    [10, 0, 15_000],
  ])(
    'attempt %i with jitter %f waits %i ms (min(1000·2ⁿ, 30000), half of it random)',
    (attempt, random, expected) => {
      expect(backoffDelay(attempt, () => random)).toBe(expected)
    },
  )
})

describe('rate-limit headers', () => {
  const now = Date.parse('2025-01-06T10:00:00Z')
  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000)
    expect(parseRetryAfter('Mon, 06 Jan 2025 10:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter('soon', now)).toBeUndefined()
  })
  it('reads x-rate-limit-reset only when the window is spent (or on a 429)', () => {
    const h = new Headers({
      'x-rate-limit-remaining': '0',
      'x-rate-limit-reset': String(now / 1000 + 60),
    })
    expect(xRateLimitWait(h, now)).toBe(61_000)
    expect(
      xRateLimitWait(
        new Headers({
          'x-rate-limit-remaining': '3',
          'x-rate-limit-reset': String(now / 1000 + 60),
        }),
        now,
      ),
    ).toBeUndefined()
  })
  it('reads Meta usage headers (BUC minutes to regain access, app usage at 100%)', () => {
    expect(
      metaUsageWait(
        new Headers({
          'x-business-use-case-usage':
            '{"1":[{"type":"pages","call_count":100,"estimated_time_to_regain_access":7}]}',
        }),
      ),
    ).toBe(420_000)
    expect(
      metaUsageWait(
        new Headers({ 'x-app-usage': '{"call_count":100,"total_time":25,"total_cputime":25}' }),
      ),
    ).toBe(300_000)
    expect(
      metaUsageWait(
        new Headers({ 'x-app-usage': '{"call_count":28,"total_time":25,"total_cputime":25}' }),
      ),
    ).toBeUndefined()
  })
})

describe('createHttpClient', () => {
  it('retries 5xx with backoff, then succeeds', async () => {
    sleeps.length = 0
    server.failNext({ status: 503, body: 'down' }, { status: 502, body: 'bad gateway' })
    expect(await client().getJson(`${server.url}/ok`)).toMatchObject({ ok: true })
    expect(sleeps).toEqual([750, 1500])
  })

  it('gives up after maxRetries with a typed server error', async () => {
    server.failNext(
      ...Array.from({ length: 4 }, () => ({ status: 500, body: { error: { message: 'boom' } } })),
    )
    const error = await client()
      .getJson(`${server.url}/ok`)
      .catch((e: unknown) => e)
    expect(isCollectorHttpError(error, 'server')).toBe(true)
    expect((error as Error).message).toMatch(
      /\[collectors\] \[test\] GET .* → 500: boom \(gave up after 4 attempts\)/,
    )
  })

  it('waits out a short 429 but reports a long one with retryAfter instead of sleeping', async () => {
    sleeps.length = 0
    server.failNext({ status: 429, headers: { 'retry-after': '3' }, body: {} })
    await client().getJson(`${server.url}/ok`)
    expect(sleeps).toEqual([3000])
    server.failNext({ status: 429, headers: { 'retry-after': '3600' }, body: {} })
    const error = await client()
      .getJson(`${server.url}/ok`)
      .catch((e: unknown) => e)
    expect(isCollectorHttpError(error, 'rate_limited')).toBe(true)
    expect((error as { retryAfter: number }).retryAfter).toBe(3_600_000)
  })

  it('does not retry 401 and says the channel needs re-authorisation', async () => {
    const before = server.requests.length
    server.failNext({ status: 401, body: { error: { message: 'Invalid Credentials' } } })
    const error = await client()
      .getJson(`${server.url}/ok?access_token=SECRET123`)
      .catch((e: unknown) => e)
    expect(isCollectorAuthError(error)).toBe(true)
    expect(server.requests.length - before).toBe(1)
    expect((error as Error).message).not.toContain('SECRET123')
    expect((error as Error).message).toContain('access_token=***')
  })

  it('reports malformed JSON on a 2xx as malformed, with the body kept for quarantine', async () => {
    server.failNext({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"data": [',
    })
    const error = await client()
      .getJson(`${server.url}/ok`)
      .catch((e: unknown) => e)
    expect(isCollectorHttpError(error, 'malformed')).toBe(true)
    expect((error as { body: string }).body).toBe('{"data": [')
  })

  it('times out slow responses and retries them', async () => {
    sleeps.length = 0
    const error = await client({ timeoutMs: 100, maxRetries: 1 })
      .getJson(`${server.url}/slow`)
      .catch((e: unknown) => e)
    expect(isCollectorHttpError(error, 'timeout')).toBe(true)
    expect(sleeps).toEqual([750])
  })

  it('retries network errors (connection refused)', async () => {
    sleeps.length = 0
    const error = await client({ maxRetries: 2 })
      .getJson('http://127.0.0.1:9/nothing')
      .catch((e: unknown) => e)
    expect(isCollectorHttpError(error, 'network')).toBe(true)
    expect(sleeps).toEqual([750, 1500])
  })

  it('stops at once when aborted, without retrying', async () => {
    const controller = new AbortController()
    const pending = client({ sleep: undefined }).getJson(`${server.url}/slow`, {
      signal: controller.signal,
    })
    controller.abort(new Error('shutting down'))
    await expect(pending).rejects.toThrow('shutting down')
  })

  it('uses an injected fetch', async () => {
    const fetch = async () =>
      new Response('{"injected":true}', {
        status: 200,
        headers: { 'content-type': 'application/json' },
      })
    expect(await client({ fetch }).getJson('https://api.example/none')).toEqual({ injected: true })
  })
})
