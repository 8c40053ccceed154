/**
 * @module Sign-in and sign-out, sessions, roles, CSRF, login rate limiting, API tokens, secure
 * headers, health check and error handling of the dashboard app.
 */
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDashboard } from './app.js'
import { sha256Hex } from './auth/secret-token.js'
import type { Database } from './core.js'
import {
  createTestWorld,
  csrfFromHtml,
  NOW,
  PASSWORD,
  signIn,
  type TestWorld,
} from './test-support/test-world.js'

let w: TestWorld

beforeAll(async () => {
  w = await createTestWorld()
})

afterAll(async () => {
  await w?.close()
})

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

describe('sign-in and sessions', () => {
  it('sends anonymous visitors to the sign-in page and anonymous API calls a 401', async () => {
    const page = await w.app.request('/inbox?practice=x')
    expect(page.status).toBe(303)
    expect(page.headers.get('location')).toBe('/login?next=%2Finbox%3Fpractice%3Dx')
    const api = await w.app.request('/api/v1/practices')
    expect(api.status).toBe(401)
    expect((await api.json()).error.code).toBe('UNAUTHENTICATED')
  })

  it('signs in with an httpOnly SameSite=Lax cookie and stores only a hash of the session id', async () => {
    const formPage = await w.app.request('/login')
    const token = csrfFromHtml(await formPage.text())
    const loginCookie = formPage.headers.getSetCookie()[0]!.split(';')[0]!
    const res = await w.app.request('/login', {
      method: 'POST',
      headers: { ...FORM, cookie: loginCookie },
      body: form({ _csrf: token, email: 'ADMIN@a.example', password: PASSWORD, next: '/inbox' }),
    })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/inbox')
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('earshot_session='))!
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Lax/i)
    expect(cookie).toMatch(/Path=\//)
    expect(cookie).not.toMatch(/Secure/i)
    const sessionId = cookie.split(';')[0]!.split('=')[1]!
    const stored = await w.db
      .selectFrom('sessions')
      .select('id_hash')
      .where('id_hash', '=', sha256Hex(sessionId))
      .executeTakeFirst()
    expect(stored).toBeDefined()
    const raw = await w.db
      .selectFrom('sessions')
      .select('id_hash')
      .where('id_hash', '=', sessionId)
      .executeTakeFirst()
    expect(raw).toBeUndefined()
  })

  it('marks cookies Secure and __Host- prefixed when secureCookies is on', async () => {
    const app = w.makeApp({ secureCookies: true })
    const formPage = await app.request('/login')
    expect(formPage.headers.getSetCookie()[0]).toMatch(/^__Host-earshot_login=.*Secure/i)
    const token = csrfFromHtml(await formPage.text())
    const loginCookie = formPage.headers.getSetCookie()[0]!.split(';')[0]!
    const res = await app.request('/login', {
      method: 'POST',
      headers: { ...FORM, cookie: loginCookie },
      body: form({ _csrf: token, email: 'admin@a.example', password: PASSWORD }),
    })
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('__Host-earshot_session='))
    expect(cookie).toMatch(/Secure/i)
    expect(cookie).toMatch(/HttpOnly/i)
    expect(res.headers.get('strict-transport-security')).toContain('max-age=')
    // The secure session works and signs out, clearing the prefixed cookie.
    const session = cookie!.split(';')[0]!
    const home = await app.request('/', { headers: { cookie: session } })
    expect(home.status).toBe(200)
    const csrf = csrfFromHtml(await home.text())
    const out = await app.request('/logout', {
      method: 'POST',
      headers: { ...FORM, cookie: session },
      body: form({ _csrf: csrf }),
    })
    expect(out.status).toBe(303)
    expect(out.headers.getSetCookie().join('\n')).toMatch(/__Host-earshot_session=;.*Max-Age=0/)
    expect((await app.request('/', { headers: { cookie: session } })).status).toBe(303)
  })

  it('keeps the sign-in form valid when the browser loads /login again (second tab, favicon redirect)', async () => {
    const first = await w.app.request('/login')
    const token = csrfFromHtml(await first.text())
    const cookie = first.headers.getSetCookie()[0]!.split(';')[0]!
    const again = await w.app.request('/login', { headers: { cookie } })
    expect(csrfFromHtml(await again.text())).toBe(token)
    const res = await w.app.request('/login', {
      method: 'POST',
      headers: { ...FORM, cookie: again.headers.getSetCookie()[0]!.split(';')[0]! },
      body: form({ _csrf: token, email: 'admin@a.example', password: PASSWORD }),
    })
    expect(res.status).toBe(303)
    const favicon = await w.app.request('/favicon.ico')
    expect(favicon.status).toBe(301)
    expect(favicon.headers.get('location')).toBe('/assets/favicon.svg')
    expect((await w.app.request('/assets/favicon.svg')).headers.get('content-type')).toBe(
      'image/svg+xml',
    )
  })

  it('refuses a wrong password without a session', async () => {
    const app = w.makeApp()
    const formPage = await app.request('/login')
    const token = csrfFromHtml(await formPage.text())
    const loginCookie = formPage.headers.getSetCookie()[0]!.split(';')[0]!
    const res = await app.request('/login', {
      method: 'POST',
      headers: { ...FORM, cookie: loginCookie },
      body: form({ _csrf: token, email: 'admin@a.example', password: 'not the password' }),
    })
    expect(res.status).toBe(401)
    expect(res.headers.getSetCookie().some((c) => c.startsWith('earshot_session='))).toBe(false)
    expect(await res.text()).toContain('E-mail or password is not right.')
  })

  it('refuses a sign-in form posted without its CSRF token (login CSRF)', async () => {
    const res = await w.app.request('/login', {
      method: 'POST',
      headers: FORM,
      body: form({ email: 'admin@a.example', password: PASSWORD }),
    })
    expect(res.status).toBe(403)
    expect(res.headers.getSetCookie().some((c) => c.startsWith('earshot_session='))).toBe(false)
  })

  it('never redirects off-site after sign-in', async () => {
    const formPage = await w.app.request('/login')
    const token = csrfFromHtml(await formPage.text())
    const loginCookie = formPage.headers.getSetCookie()[0]!.split(';')[0]!
    const res = await w.app.request('/login', {
      method: 'POST',
      headers: { ...FORM, cookie: loginCookie },
      body: form({
        _csrf: token,
        email: 'admin@a.example',
        password: PASSWORD,
        next: '//evil.example/x',
      }),
    })
    expect(res.headers.get('location')).toBe('/')
  })

  it('signs out: the session is deleted and its cookie no longer works', async () => {
    const client = await signIn(w.app, 'admin@a.example')
    expect((await client.get('/')).status).toBe(200)
    const out = await client.post('/logout', {})
    expect(out.status).toBe(303)
    expect(out.headers.get('location')).toBe('/login')
    const after = await client.get('/')
    expect(after.status).toBe(303)
    expect(after.headers.get('location')).toMatch(/^\/login/)
  })

  it('rejects an expired session', async () => {
    const client = await signIn(w.app, 'admin@a.example')
    const later = w.makeApp({ now: () => new Date(NOW.getTime() + 8 * 86_400_000) })
    const res = await later.request('/', { headers: { cookie: client.cookie } })
    expect(res.status).toBe(303)
  })
})

describe('login rate limiting', () => {
  it('blocks an IP and e-mail after 5 failures, even with the right password, and not other e-mails', async () => {
    const app = w.makeApp({
      clientIp: () => '203.0.113.7',
      loginRateLimit: { max: 5, windowMs: 15 * 60_000 },
    })
    const attempt = async (email: string, password: string) => {
      const formPage = await app.request('/login')
      const token = csrfFromHtml(await formPage.text())
      const loginCookie = formPage.headers.getSetCookie()[0]!.split(';')[0]!
      return app.request('/login', {
        method: 'POST',
        headers: { ...FORM, cookie: loginCookie },
        body: form({ _csrf: token, email, password }),
      })
    }
    for (let i = 0; i < 5; i++)
      expect((await attempt('viewer@a.example', 'wrong')).status).toBe(401)
    const blocked = await attempt('viewer@a.example', PASSWORD)
    expect(blocked.status).toBe(429)
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await blocked.text()).toContain('Too many sign-in attempts')
    expect((await attempt('manager@a.example', PASSWORD)).status).toBe(303)
    // The counters live in the shared database: later tests sign the viewer in again.
    await sql`delete from login_attempts`.execute(w.db)
  })
})

describe('roles', () => {
  it('lets a viewer read but not change anything (pages and API)', async () => {
    const viewer = await signIn(w.app, 'viewer@a.example')
    expect((await viewer.get('/inbox')).status).toBe(200)
    const html = await (await viewer.get('/inbox')).text()
    expect(html).not.toContain('No reply needed')
    const override = await viewer.post(`/mentions/${w.mentions.open}/override`, {
      action: 'no_reply_needed',
    })
    expect(override.status).toBe(403)
    const schedule = await viewer.post(`/practices/${w.a.practice1}/settings/schedule`, {
      time_zone: 'Australia/Sydney',
      weekly_mon: '09:00-17:00',
    })
    expect(schedule.status).toBe(403)
    const promise = await viewer.post(`/practices/${w.a.practice1}/settings/promise`, {
      target_0_duration: '1 business hour',
    })
    expect(promise.status).toBe(403)
    const api = await w.app.request(`/api/v1/mentions/${w.mentions.open}/overrides`, {
      method: 'POST',
      headers: { authorization: `Bearer ${w.a.viewerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'no_reply_needed' }),
    })
    expect(api.status).toBe(403)
    const overrides = await w.db
      .selectFrom('overrides')
      .select('id')
      .where('mention_id', '=', w.mentions.open)
      .execute()
    expect(overrides).toHaveLength(0)
  })

  it('limits a practice manager to their practices', async () => {
    const manager = await signIn(w.app, 'manager@a.example')
    expect((await manager.get(`/practices/${w.a.practice1}`)).status).toBe(200)
    expect((await manager.get(`/practices/${w.a.practice2}`)).status).toBe(404)
    expect((await manager.get(`/mentions/${w.mentions.practice2Open}`)).status).toBe(404)
    const inbox = await (await manager.get('/inbox')).text()
    expect(inbox).toContain('Do you bulk bill on Saturdays?')
    expect(inbox).not.toContain('The receptionist was rude')
    const overview = await (await manager.get('/')).text()
    expect(overview).toContain('Harbour GP')
    expect(overview).not.toContain('Bondi Physio')
    const practices = await (await manager.get('/api/v1/practices')).json()
    expect(practices.practices.map((p: { id: string }) => p.id)).toEqual([w.a.practice1])
    expect(
      (
        await manager.post(`/mentions/${w.mentions.practice2Open}/override`, {
          action: 'no_reply_needed',
        })
      ).status,
    ).toBe(404)
  })

  it('gives an agency admin every practice of the organisation', async () => {
    const admin = await signIn(w.app, 'admin@a.example')
    const practices = await (await admin.get('/api/v1/practices')).json()
    expect(practices.practices.map((p: { name: string }) => p.name).sort()).toEqual([
      'Bondi Physio',
      'Harbour GP',
    ])
  })
})

describe('CSRF', () => {
  it('rejects a form mutation without or with a wrong token (403) and accepts the right one', async () => {
    const admin = await signIn(w.app, 'admin@a.example')
    const path = `/mentions/${w.mentions.thanks}/override`
    expect((await admin.post(path, { action: 'needs_reply' }, { csrf: null })).status).toBe(403)
    expect((await admin.post(path, { action: 'needs_reply' }, { csrf: 'forged' })).status).toBe(403)
    const other = await signIn(w.app, 'manager@a.example')
    expect((await admin.post(path, { action: 'needs_reply' }, { csrf: other.csrf })).status).toBe(
      403,
    )
    expect(
      await w.db
        .selectFrom('overrides')
        .select('id')
        .where('mention_id', '=', w.mentions.thanks)
        .execute(),
    ).toHaveLength(0)
    expect((await admin.post(path, { action: 'needs_reply' })).status).toBe(303)
  })

  it('requires X-CSRF-Token on API mutations made with a session cookie, not with a bearer token', async () => {
    const admin = await signIn(w.app, 'admin@a.example')
    const path = `/api/v1/mentions/${w.mentions.answered}/overrides`
    const body = JSON.stringify({ action: 'no_reply_needed', note: 'csrf test' })
    const json = { 'content-type': 'application/json' }
    expect((await admin.request(path, { method: 'POST', headers: json, body })).status).toBe(403)
    expect(
      (
        await admin.request(path, {
          method: 'POST',
          headers: { ...json, 'x-csrf-token': 'nope' },
          body,
        })
      ).status,
    ).toBe(403)
    expect(
      (
        await admin.request(path, {
          method: 'POST',
          headers: { ...json, 'x-csrf-token': admin.csrf },
          body,
        })
      ).status,
    ).toBe(201)
    const bearer = await w.app.request(path, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${w.a.token}` },
      body: JSON.stringify({ action: 'needs_reply' }),
    })
    expect(bearer.status).toBe(201)
  })
})

describe('API tokens', () => {
  it('authenticates a valid bearer token and rejects an unknown one', async () => {
    const ok = await w.app.request('/api/v1/practices', {
      headers: { authorization: `Bearer ${w.a.token}` },
    })
    expect(ok.status).toBe(200)
    expect((await ok.json()).organisation.name).toBe('Harbour Health Agency')
    const bad = await w.app.request('/api/v1/practices', {
      headers: { authorization: 'Bearer es_not-a-token' },
    })
    expect(bad.status).toBe(401)
    expect((await bad.json()).error.code).toBe('UNAUTHENTICATED')
    const row = await w.db
      .selectFrom('api_tokens')
      .select(['token_hash', 'last_used_at'])
      .where('organisation_id', '=', w.a.orgId)
      .where('user_id', '=', w.a.admin)
      .executeTakeFirstOrThrow()
    expect(row.token_hash).toBe(sha256Hex(w.a.token))
    expect(row.last_used_at).not.toBeNull()
  })
})

describe('secure headers and assets', () => {
  it('sends a strict CSP and the usual secure headers on pages', async () => {
    const admin = await signIn(w.app, 'admin@a.example')
    const res = await admin.get('/')
    const csp = res.headers.get('content-security-policy') ?? ''
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "object-src 'none'",
      "frame-ancestors 'none'",
      "base-uri 'self'",
      "form-action 'self'",
    ]) {
      expect(csp).toContain(directive)
    }
    expect(csp).not.toContain('unsafe-inline')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('x-frame-options')).toBeTruthy()
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect((await w.app.request('/login')).headers.get('content-security-policy')).toContain(
      "script-src 'self'",
    )
  })

  it('has no inline script and no third-party origin on any page', async () => {
    const admin = await signIn(w.app, 'admin@a.example')
    for (const path of [
      '/',
      `/practices/${w.a.practice1}`,
      '/inbox',
      '/mentions',
      `/mentions/${w.mentions.answered}`,
      `/practices/${w.a.practice1}/settings`,
      '/exports',
      `/practices/${w.a.practice1}/report`,
      '/login',
    ]) {
      const html = await (await admin.get(path)).text()
      for (const tag of html.match(/<script\b[^>]*>/g) ?? []) {
        expect(tag, `${path}: ${tag}`).toMatch(/src="\/assets\/|type="application\/json"/)
      }
      // Resources (scripts, styles, images) come from this origin only; links to originals are fine.
      expect(html, path).not.toMatch(/\ssrc="(https?:)?\/\//)
      expect(html, path).not.toMatch(/<link[^>]+href="(https?:)?\/\//)
      // Inside real tags only: escaped user text may legitimately read "onerror=".
      expect(html, path).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i)
      expect(html, path).not.toMatch(/<[a-z][^>]*\sstyle=/i)
    }
  })

  it('serves chart.js, app.js and app.css itself', async () => {
    const chart = await w.app.request('/assets/chart.umd.js')
    expect(chart.status).toBe(200)
    expect(chart.headers.get('content-type')).toContain('javascript')
    expect(await chart.text()).toContain('Chart')
    expect((await w.app.request('/assets/app.js')).status).toBe(200)
    expect((await w.app.request('/assets/app.css')).headers.get('content-type')).toContain(
      'text/css',
    )
    expect((await w.app.request('/assets/package.json')).status).toBe(404)
  })
})

describe('health and errors', () => {
  it('reports the database up', async () => {
    const res = await w.app.request('/healthz')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true, database: 'up' })
  })

  it('answers 503 when the database is down', async () => {
    const pool = new pg.Pool({ host: '127.0.0.1', port: 1, connectionTimeoutMillis: 2000 })
    pool.on('error', () => {})
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
    const res = await createDashboard({ db }).request('/healthz')
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({ ok: false, database: 'down' })
    await db.destroy()
  })

  it('never leaks a stack trace and shows a 404 page', async () => {
    const app = w.makeApp({
      recordOverride: async () => {
        throw new Error('kaboom internal detail')
      },
    })
    const admin = await signIn(app, 'admin@a.example')
    const original = console.error
    console.error = () => {}
    try {
      const res = await admin.post(`/mentions/${w.mentions.open}/override`, {
        action: 'no_reply_needed',
      })
      expect(res.status).toBe(500)
      const body = await res.text()
      expect(body).not.toContain('kaboom')
      expect(body).not.toMatch(/\bat .*\.ts:\d+/)
      const api = await app.request(`/api/v1/mentions/${w.mentions.open}/overrides`, {
        method: 'POST',
        headers: { authorization: `Bearer ${w.a.token}`, 'content-type': 'application/json' },
        body: '{"action":"no_reply_needed"}',
      })
      expect(api.status).toBe(500)
      expect(JSON.stringify(await api.json())).not.toContain('kaboom')
    } finally {
      console.error = original
    }
    const missing = await admin.get('/no/such/page')
    expect(missing.status).toBe(404)
    expect(await missing.text()).toContain('Not found')
    expect((await admin.get('/api/v1/nothing-here')).status).toBe(404)
  })
})
