/**
 * Issue 12, "many machines": `earshot serve` processes behind a load balancer share nothing but
 * the database. Two dashboards on one database stand for two processes; a browser's requests land
 * on either. Sessions, CSRF tokens, the sign-in throttle and sign-out must hold across them.
 */
import type { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createTestWorld,
  csrfFromHtml,
  PASSWORD,
  signIn,
  type TestWorld,
} from '../test-support/test-world.js'
import type { DashboardEnv } from './dashboard-env.js'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
let w: TestWorld
let one: Hono<DashboardEnv>
let two: Hono<DashboardEnv>

beforeAll(async () => {
  w = await createTestWorld()
  one = w.makeApp({ loginRateLimit: { max: 3 } })
  two = w.makeApp({ loginRateLimit: { max: 3 } })
})
afterAll(async () => {
  await w?.close()
})

/** A sign-in attempt: the form from `formFrom`, the POST to `postTo`. */
async function attempt(
  formFrom: Hono<DashboardEnv>,
  postTo: Hono<DashboardEnv>,
  email: string,
  password: string,
) {
  const form = await formFrom.request('/login')
  const cookie = form.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .join('; ')
  return postTo.request('/login', {
    method: 'POST',
    headers: { ...FORM, cookie },
    body: new URLSearchParams({
      _csrf: csrfFromHtml(await form.text()),
      email,
      password,
      next: '/',
    }).toString(),
  })
}

describe('two serve processes on one database', () => {
  it('accept each other’s sessions and CSRF tokens, and a sign-out on one ends the session on both', async () => {
    const client = await signIn(one, 'manager@a.example')
    const onTwo = (path: string, init: RequestInit = {}) =>
      two.request(path, {
        ...init,
        headers: { cookie: client.cookie, ...(init.headers as Record<string, string> | undefined) },
      })
    expect((await onTwo('/')).status).toBe(200)
    // The CSRF token the first process put in its page is good on the second.
    const out = await onTwo('/logout', {
      method: 'POST',
      headers: FORM,
      body: new URLSearchParams({ _csrf: client.csrf }).toString(),
    })
    expect(out.status).toBe(303)
    expect((await client.get('/')).status).toBe(303)
    expect((await onTwo('/')).status).toBe(303)
  })

  it('share the sign-in throttle: failures counted on one refuse the account on the other', async () => {
    for (let i = 0; i < 3; i++)
      expect((await attempt(one, one, 'viewer@a.example', 'not the password')).status).toBe(401)
    const refused = await attempt(two, two, 'viewer@a.example', PASSWORD)
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/)
    // A sign-in form fetched from one process is accepted by the other (no per-process secret).
    const other = await attempt(one, two, 'admin@a.example', PASSWORD)
    expect(other.status).toBe(303)
  })
})
