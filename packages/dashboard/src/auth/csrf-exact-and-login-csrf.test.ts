/**
 * Finding 9 of issue 13: a CSRF token with a trailing space was accepted on five mutations, and
 * the sign-in form could be CSRF'd by cookie tossing when cookies are not Secure. Every mutation
 * the app registers is walked with variants of the right token; all must be refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createTestWorld,
  csrfFromHtml,
  PASSWORD,
  signIn,
  type TestClient,
  type TestWorld,
} from '../test-support/test-world.js'

let w: TestWorld
let admin: TestClient

beforeAll(async () => {
  w = await createTestWorld()
  admin = await signIn(w.app, 'admin@a.example')
})
afterAll(async () => {
  await w?.close()
})

/** Every POST route but sign-in (its own test below) and webhooks (signed, no session). */
function mutationPaths(): string[] {
  const paths = w.app.routes
    .filter((r) => r.method === 'POST' && r.path !== '/login' && !r.path.startsWith('/hooks/'))
    .map((r) => r.path.replace(/:(\w+)/g, (_, name: string) => `probe-${name}`))
  return [...new Set(paths)]
}

const refusedForCsrf = async (res: Response, where: string) => {
  expect(res.status, where).toBe(403)
  expect(await res.text(), where).toMatch(/CSRF/)
}

describe('CSRF tokens are compared exactly on every mutation', () => {
  it('walks more than the five mutations of the report', () => {
    expect(mutationPaths().length).toBeGreaterThan(5)
  })

  it('refuses any variant of the token in the form field', async () => {
    const t = admin.csrf
    const variants = [
      `${t} `,
      ` ${t}`,
      `${t}\n`,
      `${t}\t`,
      t.toUpperCase(),
      t.slice(0, -1),
      `${t}x`,
      `${t}${t}`,
      '',
    ]
    for (const path of mutationPaths())
      for (const variant of variants)
        await refusedForCsrf(
          await admin.post(path, { note: 'x' }, { csrf: variant }),
          `${path} with ${JSON.stringify(variant)}`,
        )
  })

  it('refuses two _csrf fields even when one of them is right', async () => {
    for (const path of mutationPaths()) {
      const res = await admin.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `_csrf=wrong&_csrf=${encodeURIComponent(admin.csrf)}`,
      })
      await refusedForCsrf(res, path)
    }
  })

  it('refuses header variants that survive HTTP, and a header that is present but wrong even with a right field', async () => {
    const t = admin.csrf
    for (const path of mutationPaths()) {
      for (const variant of [`${t}x`, `${t}, ${t}`, `x${t}`, t.toLowerCase(), `${t} ${t}`]) {
        const res = await admin.request(path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': variant },
          body: '{}',
        })
        await refusedForCsrf(res, `${path} header ${JSON.stringify(variant)}`)
      }
      const mixed = await admin.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-csrf-token': 'nope' },
        body: `_csrf=${encodeURIComponent(t)}`,
      })
      await refusedForCsrf(mixed, `${path} wrong header, right field`)
    }
  })

  it('refuses the right token when the browser says the form came from another origin', async () => {
    for (const path of mutationPaths())
      for (const site of ['cross-site', 'same-site'])
        await refusedForCsrf(
          await admin.request(path, {
            method: 'POST',
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              'sec-fetch-site': site,
            },
            body: `_csrf=${encodeURIComponent(admin.csrf)}&note=x`,
          }),
          `${path} from ${site}`,
        )
  })

  it('lets the exact token through (same-origin browsers and clients that send no Sec-Fetch-Site)', async () => {
    for (const path of mutationPaths()) {
      const res = await admin.request(path, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'sec-fetch-site': 'same-origin',
        },
        body: `_csrf=${encodeURIComponent(admin.csrf)}&note=x`,
      })
      expect(await res.text(), path).not.toMatch(/CSRF token/)
    }
  })
})

describe('login CSRF', () => {
  const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
  /** What an attacker holds: a login cookie and matching token, from loading /login themselves. */
  async function attackerPair() {
    const page = await w.app.request('/login')
    return {
      cookie: page.headers.getSetCookie()[0]!.split(';')[0]!,
      token: csrfFromHtml(await page.text()),
    }
  }
  const body = (token: string) =>
    new URLSearchParams({ _csrf: token, email: 'admin@b.example', password: PASSWORD }).toString()

  it('refuses a sign-in posted from a sibling site with a tossed login cookie', async () => {
    const { cookie, token } = await attackerPair()
    for (const site of ['same-site', 'cross-site']) {
      const res = await w.app.request('/login', {
        method: 'POST',
        headers: { ...FORM, cookie, 'sec-fetch-site': site, origin: 'http://evil.localhost' },
        body: body(token),
      })
      expect(res.status, site).toBe(403)
      expect(res.headers.getSetCookie().join('\n'), site).not.toMatch(/earshot_session=[^;]/)
    }
  })

  it('compares the login token exactly and refuses a repeated field', async () => {
    const { cookie, token } = await attackerPair()
    for (const sent of [`${token} `, ` ${token}`, token.toUpperCase()]) {
      const res = await w.app.request('/login', {
        method: 'POST',
        headers: { ...FORM, cookie },
        body: body(sent),
      })
      expect(res.status, JSON.stringify(sent)).toBe(403)
    }
    const twice = await w.app.request('/login', {
      method: 'POST',
      headers: { ...FORM, cookie },
      body: `${body(token)}&_csrf=${encodeURIComponent(token)}`,
    })
    expect(twice.status).toBe(403)
  })

  it('still signs in from the same origin', async () => {
    const { cookie, token } = await attackerPair()
    const res = await w.app.request('/login', {
      method: 'POST',
      headers: { ...FORM, cookie, 'sec-fetch-site': 'same-origin' },
      body: body(token),
    })
    expect(res.status).toBe(303)
  })
})
