import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { DashboardEnv } from './dashboard-env.js'
import { requestLimit } from './request-limit.js'

/** An app whose `/api/slow` and `/slow` wait until the test releases them. */
function appWithGate(maxConcurrent: number) {
  const limit = requestLimit({ maxConcurrent, retryAfterSeconds: 3 })
  let release!: () => void
  const gate = new Promise<void>((resolve) => {
    release = resolve
  })
  const app = new Hono<DashboardEnv>()
  app.use('*', limit)
  const slow = async (c: { text: (s: string) => Response }) => {
    await gate
    return c.text('done')
  }
  app.get('/api/slow', slow)
  app.get('/slow', slow)
  app.get('/healthz', (c) => c.json({ ok: true }))
  app.get('/assets/app.css', (c) => c.text('body{}'))
  return { app, limit, release }
}

describe('the per-process request bound', () => {
  it('answers 503 with Retry-After at once beyond the bound, and serves again when requests finish', async () => {
    const { app, limit, release } = appWithGate(2)
    const held = [app.request('/api/slow'), app.request('/slow')]
    expect(limit.inFlight()).toBe(2)
    const refused = await app.request('/api/slow')
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('3')
    expect(await refused.json()).toEqual({
      error: { code: 'OVERLOADED', message: 'The server is busy; try again in a moment' },
    })
    const page = await app.request('/slow')
    expect(page.status).toBe(503)
    expect(await page.text()).toBe('The server is busy; try again in a moment')
    release()
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200])
    expect(limit.inFlight()).toBe(0)
    expect((await app.request('/api/slow')).status).toBe(200)
  })

  it('never refuses /healthz or static assets, however busy', async () => {
    const { app, release } = appWithGate(1)
    const held = app.request('/api/slow')
    expect((await app.request('/healthz')).status).toBe(200)
    expect((await app.request('/assets/app.css')).status).toBe(200)
    release()
    await held
  })

  it('frees its slot when a request fails', async () => {
    const limit = requestLimit({ maxConcurrent: 1 })
    const app = new Hono<DashboardEnv>()
    app.use('*', limit)
    app.get('/boom', () => {
      throw new Error('boom')
    })
    expect((await app.request('/boom')).status).toBe(500)
    expect(limit.inFlight()).toBe(0)
  })

  it('refuses a bound below one', () => {
    expect(() => requestLimit({ maxConcurrent: 0 })).toThrow(/at least 1/)
  })
})
