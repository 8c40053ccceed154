import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { DashboardEnv } from '../http/dashboard-env.js'
import { forwardedClientIp } from './serve-dashboard.js'

describe('forwardedClientIp (EARSHOT_TRUST_PROXY)', () => {
  const app = new Hono<DashboardEnv>()
  app.get('/', (c) => c.text(forwardedClientIp(c)))

  it('takes the entry the proxy appended, not what the client claimed', async () => {
    const response = await app.request('/', {
      headers: { 'X-Forwarded-For': '6.6.6.6, 203.0.113.7' },
    })
    expect(await response.text()).toBe('203.0.113.7')
  })

  it('falls back to the socket address without the header', async () => {
    const response = await app.request(
      '/',
      {},
      { incoming: { socket: { remoteAddress: '10.0.0.5' } } },
    )
    expect(await response.text()).toBe('10.0.0.5')
  })
})
