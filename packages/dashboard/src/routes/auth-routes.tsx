/**
 * @module Sign-in and sign-out. The sign-in form is protected against login CSRF with a
 * double-submit token (cookie + hidden field, compared exactly) and by refusing posts the
 * browser marks as coming from another origin (`Sec-Fetch-Site`): without Secure `__Host-`
 * cookies a sibling subdomain could toss a login cookie it knows the value of, but it cannot make
 * its form same-origin. Rate-limited per client address and e-mail.
 */
import type { Context } from 'hono'
import { Hono } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { authenticateUser } from '../auth/create-user.js'
import type { DatabaseLoginLimiter } from '../auth/database-login-limiter.js'
import { randomSecret, safeEqual } from '../auth/secret-token.js'
import {
  createSession,
  deleteSession,
  loadSession,
  SESSION_TTL_MS,
  TOTP_STAGE_TTL_MS,
} from '../auth/sessions.js'
import { hasTwoFactor, verifySecondFactor } from '../auth/two-factor.js'
import { isCrossOriginRequest, sessionCookieName } from '../http/auth-middleware.js'
import type { DashboardEnv } from '../http/dashboard-env.js'
import { Notice } from '../views/components.js'
import { localPath } from './safe-redirect.js'

export interface AuthRoutesOptions {
  secureCookies: boolean
  /** Counts attempts in the database before any hashing (see database-login-limiter). */
  limiter: DatabaseLoginLimiter
  /** The client's address, for rate limiting. */
  clientIp: (c: Context<DashboardEnv>) => string
}

function loginCsrfCookieName(secure: boolean): string {
  return secure ? '__Host-earshot_login' : 'earshot_login'
}

function LoginForm({
  token,
  next,
  email,
  error,
}: {
  token: string
  next: string
  email?: string
  error?: string
}) {
  return (
    <section class="login">
      <h1>
        <span class="brand-mark" aria-hidden="true">
          ◉
        </span>{' '}
        Earshot
      </h1>
      <p class="muted">Sign in to see what needs a reply.</p>
      {error ? <Notice kind="error">{error}</Notice> : null}
      <form method="post" action="/login" class="stack">
        <input type="hidden" name="_csrf" value={token} />
        <input type="hidden" name="next" value={next} />
        <label>
          E-mail
          <input type="email" name="email" autocomplete="username" required value={email ?? ''} />
        </label>
        <label>
          Password
          <input type="password" name="password" autocomplete="current-password" required />
        </label>
        <button type="submit">Sign in</button>
      </form>
      <p class="small">
        <a href="/account/forgot">Forgot your password?</a>
      </p>
    </section>
  )
}

function TotpForm({ token, next, error }: { token: string; next: string; error?: string }) {
  return (
    <section class="login">
      <h1>Two-step sign-in</h1>
      <p class="muted">
        Enter the 6-digit code from your authenticator app, or one of your recovery codes.
      </p>
      {error ? <Notice kind="error">{error}</Notice> : null}
      <form method="post" action="/login/totp" class="stack">
        <input type="hidden" name="_csrf" value={token} />
        <input type="hidden" name="next" value={next} />
        <label>
          Code
          <input
            type="text"
            name="code"
            autocomplete="one-time-code"
            inputmode="numeric"
            required
            maxlength={40}
          />
        </label>
        <button type="submit">Continue</button>
      </form>
    </section>
  )
}

/** Routes: `GET/POST /login`, `GET/POST /login/totp` (the second factor), `POST /logout`. */
export function authRoutes(options: AuthRoutesOptions): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()
  const loginCookie = loginCsrfCookieName(options.secureCookies)

  const showForm = (
    c: Context<DashboardEnv>,
    status: 200 | 400 | 401 | 403 | 429,
    props: { next: string; email?: string; error?: string },
  ) => {
    // Reuse a token the browser already holds: a second tab, or the browser's own favicon
    // request landing on /login, must not invalidate the form already on screen.
    const existing = getCookie(c, loginCookie)
    const token = existing && /^[\w-]{43}$/.test(existing) ? existing : randomSecret()
    setCookie(c, loginCookie, token, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: options.secureCookies,
      path: '/',
      maxAge: 3600,
    })
    c.status(status)
    return c.render(<LoginForm token={token} {...props} />, { title: 'Sign in', bare: true })
  }

  app.get('/login', (c) => {
    if (c.var.auth) return c.redirect(localPath(c.req.query('next'), '/'), 303)
    return showForm(c, 200, { next: localPath(c.req.query('next'), '/') })
  })

  app.post('/login', async (c) => {
    const { db, now } = c.var.services
    // `all`: a repeated field becomes a list and is refused below, never half-read.
    const body = await c.req.parseBody({ all: true })
    const email = typeof body.email === 'string' ? body.email.trim().slice(0, 320) : ''
    const password = typeof body.password === 'string' ? body.password.slice(0, 1024) : ''
    const next = localPath(body.next, '/')
    const sent = typeof body._csrf === 'string' ? body._csrf : ''
    const expected = getCookie(c, loginCookie) ?? ''
    if (isCrossOriginRequest(c) || !sent || !expected || !safeEqual(sent, expected)) {
      return showForm(c, 403, {
        next,
        email,
        error: 'Your sign-in form expired. Please try again.',
      })
    }
    // Counted before the hash: concurrent guesses cannot all slip in while hashes run.
    const address = options.clientIp(c)
    const admission = await options.limiter.admit(email, address, now())
    if (!admission.admitted) {
      const wait = admission.retryAfterMs
      c.header('Retry-After', String(Math.ceil(wait / 1000)))
      return showForm(c, 429, {
        next,
        email,
        error: `Too many sign-in attempts. Try again in ${Math.ceil(wait / 60_000)} minute(s).`,
      })
    }
    const user = email && password ? await authenticateUser(db, email, password) : undefined
    if (!user) return showForm(c, 401, { next, email, error: 'E-mail or password is not right.' })
    await options.limiter.succeeded(email, address)
    const userAgent = c.req.header('user-agent') ?? ''
    deleteCookie(c, loginCookie, { path: '/', secure: options.secureCookies })
    if (await hasTwoFactor(db, user)) {
      // Password right; nobody is signed in until the second factor is too.
      const pending = await createSession(db, user, now(), { userAgent, stage: 'totp' })
      setSessionCookie(c, pending.sessionId, TOTP_STAGE_TTL_MS)
      return c.redirect(`/login/totp?next=${encodeURIComponent(next)}`, 303)
    }
    const session = await createSession(db, user, now(), { userAgent })
    setSessionCookie(c, session.sessionId, SESSION_TTL_MS)
    return c.redirect(next, 303)
  })

  const setSessionCookie = (c: Context<DashboardEnv>, sessionId: string, ttlMs: number) =>
    setCookie(c, sessionCookieName(options.secureCookies), sessionId, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: options.secureCookies,
      path: '/',
      maxAge: Math.floor(ttlMs / 1000),
    })

  /** The session between password and second factor, if this browser has one. */
  const pendingSession = async (c: Context<DashboardEnv>) => {
    const sessionId = getCookie(c, sessionCookieName(options.secureCookies))
    if (!sessionId) return undefined
    const session = await loadSession(c.var.services.db, sessionId, c.var.services.now())
    return session?.stage === 'totp' ? { sessionId, session } : undefined
  }

  app.get('/login/totp', async (c) => {
    const pending = await pendingSession(c)
    if (!pending) return c.redirect('/login', 303)
    return c.render(
      <TotpForm token={pending.session.csrfToken} next={localPath(c.req.query('next'), '/')} />,
      { title: 'Two-step sign-in', bare: true },
    )
  })

  app.post('/login/totp', async (c) => {
    const { db, now, keyring } = c.var.services
    const pending = await pendingSession(c)
    if (!pending) return c.redirect('/login', 303)
    const { session, sessionId } = pending
    const body = await c.req.parseBody({ all: true })
    const next = localPath(body.next, '/')
    const sent = typeof body._csrf === 'string' ? body._csrf : ''
    const code = typeof body.code === 'string' ? body.code.slice(0, 40) : ''
    const show = (status: 401 | 403 | 429, error: string) => {
      c.status(status)
      return c.render(<TotpForm token={session.csrfToken} next={next} error={error} />, {
        title: 'Two-step sign-in',
        bare: true,
      })
    }
    if (isCrossOriginRequest(c) || !safeEqual(sent, session.csrfToken))
      return show(403, 'Your form expired. Please try again.')
    // Codes are guessable in a million tries: counted per user and address before checking.
    const admission = await options.limiter.admit(
      `totp:${session.userId}`,
      options.clientIp(c),
      now(),
    )
    if (!admission.admitted) {
      c.header('Retry-After', String(Math.ceil(admission.retryAfterMs / 1000)))
      return show(429, 'Too many attempts. Wait a few minutes and try again.')
    }
    const user = { organisationId: session.organisationId, id: session.userId }
    const factor = code ? await verifySecondFactor(db, keyring(), user, code, now()) : undefined
    if (!factor) return show(401, 'That code is not right, or was already used.')
    await options.limiter.succeeded(`totp:${session.userId}`, options.clientIp(c))
    // A new session id once fully signed in: the pending one never becomes a real session.
    await deleteSession(db, sessionId)
    const active = await createSession(db, user, now(), {
      userAgent: c.req.header('user-agent') ?? '',
    })
    setSessionCookie(c, active.sessionId, SESSION_TTL_MS)
    return c.redirect(next, 303)
  })

  app.post('/logout', async (c) => {
    const auth = c.var.auth
    if (auth?.sessionId) await deleteSession(c.var.services.db, auth.sessionId)
    deleteCookie(c, sessionCookieName(options.secureCookies), {
      path: '/',
      secure: options.secureCookies,
    })
    return c.redirect('/login', 303)
  })

  return app
}
