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
import { createSession, deleteSession, SESSION_TTL_MS } from '../auth/sessions.js'
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

/** Routes: `GET/POST /login`, `POST /logout`. */
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
    const session = await createSession(db, user, now())
    deleteCookie(c, loginCookie, { path: '/', secure: options.secureCookies })
    setCookie(c, sessionCookieName(options.secureCookies), session.sessionId, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: options.secureCookies,
      path: '/',
      maxAge: Math.floor(SESSION_TTL_MS / 1000),
    })
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
