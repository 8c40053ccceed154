/**
 * ASVS level 2 for issue 13: a session list with revoke one / revoke all others,
 * re-authentication before sensitive actions (requireRecentAuth), password change, and TOTP
 * two-factor (enrol with QR and secret, sealed at rest, codes once only, hashed recovery codes,
 * disable with re-authentication). The clock is injected and moved by hand.
 */
import { createKeyring, generateSecretKey, parseSecretKey } from '@earshot/core'
import type { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DashboardEnv } from '../http/dashboard-env.js'
import {
  createTestWorld,
  csrfFromHtml,
  NOW,
  PASSWORD,
  signIn,
  type TestWorld,
} from '../test-support/test-world.js'
import { resealTwoFactorSecrets, totpCodeAt, verifySecondFactor } from './two-factor.js'

const MINUTE = 60_000
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
let w: TestWorld
let app: Hono<DashboardEnv>
let clock = NOW
const key1 = parseSecretKey(generateSecretKey())
const at = (ms: number) => {
  clock = new Date(NOW.getTime() + ms)
}

beforeAll(async () => {
  w = await createTestWorld()
  app = w.makeApp({
    now: () => clock,
    keyring: createKeyring(key1),
  })
})
afterAll(async () => {
  await w?.close()
})

const cookieOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('earshot_session=') && c !== 'earshot_session=')

async function passwordStep(email: string, password = PASSWORD, userAgent = 'test-agent') {
  const form = await app.request('/login', { headers: { 'user-agent': userAgent } })
  const loginCookie = form.headers.getSetCookie()[0]!.split(';')[0]!
  return app.request('/login', {
    method: 'POST',
    headers: { ...FORM, cookie: loginCookie, 'user-agent': userAgent },
    body: new URLSearchParams({
      _csrf: csrfFromHtml(await form.text()),
      email,
      password,
      next: '/',
    }).toString(),
  })
}

describe('sessions', () => {
  it('lists where the user is signed in, and revokes one or all the others', async () => {
    at(0)
    const laptop = await signIn(app, 'manager@a.example', PASSWORD, {
      'user-agent':
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit Chrome/120 Safari/537',
    })
    at(5 * MINUTE)
    const phone = await signIn(app, 'manager@a.example', PASSWORD, {
      'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) AppleWebKit Version/17 Safari/604',
    })
    const tablet = await signIn(app, 'manager@a.example')
    const page = await (await laptop.get('/account/security')).text()
    expect(page).toContain('Chrome on macOS')
    expect(page).toContain('(this device)')
    expect(page).toContain('Safari on iOS')
    const ids = [...page.matchAll(/\/account\/sessions\/([\w-]+)\/revoke/g)].map((m) => m[1]!)
    expect(ids).toHaveLength(2)
    // Someone else's session id is not found, and nothing is revoked.
    const other = await signIn(app, 'viewer@a.example')
    expect((await other.post(`/account/sessions/${ids[0]}/revoke`, {})).status).toBe(404)

    const phoneId = ids.find((id) => page.indexOf(id) > page.indexOf('Safari on iOS'))!
    expect((await laptop.post(`/account/sessions/${phoneId}/revoke`, {})).status).toBe(200)
    expect((await phone.get('/')).status).toBe(303)
    expect((await tablet.get('/')).status).toBe(200)
    const all = await laptop.post('/account/sessions/revoke-others', {})
    expect(await all.text()).toContain('Signed out 1 other session(s).')
    expect((await tablet.get('/')).status).toBe(303)
    expect((await laptop.get('/')).status).toBe(200)
  })
})

describe('re-authentication and password change', () => {
  it('asks for the password again after ten minutes, then changes it and signs out the others', async () => {
    at(0)
    const client = await signIn(app, 'viewer@a.example')
    const elsewhere = await signIn(app, 'viewer@a.example')
    at(11 * MINUTE)
    const change = {
      current: PASSWORD,
      password: 'seven quiet harbour lights',
      confirm: 'seven quiet harbour lights',
    }
    const stale = await client.request('/account/security/password', {
      method: 'POST',
      headers: { ...FORM, referer: 'http://localhost/account/security' },
      body: new URLSearchParams({ _csrf: client.csrf, ...change }).toString(),
    })
    expect(stale.status).toBe(303)
    expect(stale.headers.get('location')).toBe('/reauth?next=%2Faccount%2Fsecurity')

    const wrong = await client.post('/reauth', {
      password: 'not it at all',
      next: '/account/security',
    })
    expect(wrong.status).toBe(401)
    const ok = await client.post('/reauth', { password: PASSWORD, next: '/account/security' })
    expect(ok.status).toBe(303)
    expect(ok.headers.get('location')).toBe('/account/security')

    for (const [password, message] of [
      [' '.repeat(12), 'at least 12'],
      ['password123456', 'common or leaked'],
    ] as const) {
      const refused = await client.post('/account/security/password', {
        ...change,
        password,
        confirm: password,
      })
      expect(refused.status).toBe(400)
      expect(await refused.text()).toContain(message)
    }
    expect(
      (
        await client.post('/account/security/password', {
          ...change,
          current: 'wrong password here',
        })
      ).status,
    ).toBe(401)
    const done = await client.post('/account/security/password', change)
    expect(await done.text()).toContain('Password changed')
    expect((await elsewhere.get('/')).status).toBe(303)
    expect((await client.get('/')).status).toBe(200)
    expect((await passwordStep('viewer@a.example')).status).toBe(401)
    expect((await passwordStep('viewer@a.example', change.password)).status).toBe(303)
  })

  it('refuses sensitive actions to API tokens', async () => {
    const res = await app.request('/account/security/password', {
      method: 'POST',
      headers: { ...FORM, authorization: `Bearer ${w.a.token}` },
      body: 'current=x&password=y&confirm=y',
    })
    expect(res.status).toBe(403)
  })
})

describe('TOTP two-factor', () => {
  let secret = ''
  let recovery: string[] = []

  it('enrols with a QR code and a secret sealed at rest, confirmed by a first code', async () => {
    at(0)
    const admin = await signIn(app, 'admin@a.example')
    const enrol = await (await admin.post('/account/two-factor/enrol', {})).text()
    secret = /class="totp-secret">([A-Z2-7]+)</.exec(enrol)![1]!
    expect(enrol).toContain('src="data:image/svg+xml;base64,')
    const stored = await w.db
      .selectFrom('users')
      .select(['totp_ciphertext', 'totp_enabled_at'])
      .where('id', '=', w.a.admin)
      .executeTakeFirstOrThrow()
    expect(stored.totp_ciphertext).toBeTruthy()
    expect(stored.totp_ciphertext).not.toContain(secret)
    expect(stored.totp_enabled_at).toBeNull()

    const bad = await admin.post('/account/two-factor/confirm', { code: '000000' })
    expect(bad.status).toBe(400)
    const good = await admin.post('/account/two-factor/confirm', {
      code: totpCodeAt(secret, clock),
    })
    const codesPage = await good.text()
    recovery = [...codesPage.matchAll(/<code>([0-9a-f]{4}(?:-[0-9a-f]{4}){3})<\/code>/g)].map(
      (m) => m[1]!,
    )
    expect(recovery).toHaveLength(10)
    const hashes = await w.db
      .selectFrom('recovery_codes')
      .select('code_hash')
      .where('user_id', '=', w.a.admin)
      .execute()
    expect(hashes).toHaveLength(10)
    expect(JSON.stringify(hashes)).not.toContain(recovery[0]!.replace(/-/g, ''))
  })

  it('asks for a code at sign-in; the password alone signs nobody in, and a code works once', async () => {
    at(MINUTE)
    const step = await passwordStep('admin@a.example')
    expect(step.status).toBe(303)
    expect(step.headers.get('location')).toBe('/login/totp?next=%2F')
    const pending = cookieOf(step)!
    expect((await app.request('/', { headers: { cookie: pending } })).status).toBe(303)
    expect((await app.request('/api/v1/practices', { headers: { cookie: pending } })).status).toBe(
      401,
    )
    const form = await app.request('/login/totp', { headers: { cookie: pending } })
    const csrf = csrfFromHtml(await form.text())
    const send = (code: string, cookie = pending) =>
      app.request('/login/totp', {
        method: 'POST',
        headers: { ...FORM, cookie },
        body: new URLSearchParams({ _csrf: csrf, code, next: '/' }).toString(),
      })
    expect((await send('123456')).status).toBe(401)
    const code = totpCodeAt(secret, clock)
    const ok = await send(code)
    expect(ok.status).toBe(303)
    const session = cookieOf(ok)!
    expect(session).not.toBe(pending)
    expect((await app.request('/', { headers: { cookie: session } })).status).toBe(200)
    expect((await app.request('/', { headers: { cookie: pending } })).status).toBe(303)

    // The same code, replayed straight away on another sign-in, is refused.
    const again = cookieOf(await passwordStep('admin@a.example'))!
    const csrf2 = csrfFromHtml(
      await (await app.request('/login/totp', { headers: { cookie: again } })).text(),
    )
    const replay = await app.request('/login/totp', {
      method: 'POST',
      headers: { ...FORM, cookie: again },
      body: new URLSearchParams({ _csrf: csrf2, code, next: '/' }).toString(),
    })
    expect(replay.status).toBe(401)
  })

  it('signs in once with each recovery code', async () => {
    at(2 * MINUTE)
    const tryRecovery = async () => {
      const pending = cookieOf(await passwordStep('admin@a.example'))!
      const csrf = csrfFromHtml(
        await (await app.request('/login/totp', { headers: { cookie: pending } })).text(),
      )
      return app.request('/login/totp', {
        method: 'POST',
        headers: { ...FORM, cookie: pending },
        body: new URLSearchParams({
          _csrf: csrf,
          code: recovery[3]!.toUpperCase(),
          next: '/',
        }).toString(),
      })
    }
    expect((await tryRecovery()).status).toBe(303)
    expect((await tryRecovery()).status).toBe(401)
  })

  it('re-seals the secret under a new key (earshot secrets rotate), after which the old key is not needed', async () => {
    at(150_000)
    const key2 = parseSecretKey(generateSecretKey())
    expect(await resealTwoFactorSecrets(w.db, createKeyring(key2, [key1]))).toBeGreaterThanOrEqual(
      1,
    )
    expect(await resealTwoFactorSecrets(w.db, createKeyring(key2, [key1]))).toBe(0)
    const user = { organisationId: w.a.orgId, id: w.a.admin }
    expect(
      await verifySecondFactor(w.db, createKeyring(key2), user, totpCodeAt(secret, clock), clock),
    ).toBe('totp')
    // And back, so the app (which holds key 1) goes on working for the next test.
    expect(await resealTwoFactorSecrets(w.db, createKeyring(key1, [key2]))).toBeGreaterThanOrEqual(
      1,
    )
  })

  it('turns off only after the password and a code were entered again', async () => {
    at(3 * MINUTE)
    const pending = cookieOf(await passwordStep('admin@a.example'))!
    const csrf = csrfFromHtml(
      await (await app.request('/login/totp', { headers: { cookie: pending } })).text(),
    )
    const ok = await app.request('/login/totp', {
      method: 'POST',
      headers: { ...FORM, cookie: pending },
      body: new URLSearchParams({
        _csrf: csrf,
        code: totpCodeAt(secret, clock),
        next: '/',
      }).toString(),
    })
    const cookie = cookieOf(ok)!
    const home = await app.request('/account/security', { headers: { cookie } })
    const token = csrfFromHtml(await home.text())
    const post = (path: string, fields: Record<string, string>) =>
      app.request(path, {
        method: 'POST',
        headers: { ...FORM, cookie, referer: 'http://localhost/account/security' },
        body: new URLSearchParams({ _csrf: token, ...fields }).toString(),
      })
    at(20 * MINUTE)
    const stale = await post('/account/two-factor/disable', {})
    expect(stale.status).toBe(303)
    expect(stale.headers.get('location')).toMatch(/^\/reauth/)
    expect((await post('/reauth', { password: PASSWORD, next: '/account/security' })).status).toBe(
      401,
    )
    const reauth = await post('/reauth', {
      password: PASSWORD,
      code: totpCodeAt(secret, clock),
      next: '/account/security',
    })
    expect(reauth.status).toBe(303)
    const off = await post('/account/two-factor/disable', {})
    expect(await off.text()).toContain('Two-step sign-in is off.')
    expect((await passwordStep('admin@a.example')).headers.get('location')).toBe('/')
    expect(
      await w.db
        .selectFrom('recovery_codes')
        .select('code_hash')
        .where('user_id', '=', w.a.admin)
        .execute(),
    ).toHaveLength(0)
  })
})
