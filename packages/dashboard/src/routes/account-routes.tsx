/**
 * @module Pages anyone may open without signing in: setting a password from an invitation or
 * reset link (`/account/password?token=…`), and asking for a reset link (`/account/forgot`).
 * The link's secret is the credential, so the set-password form needs no other CSRF token; the
 * forgot form answers the same whether or not the e-mail has an account.
 */
import type { Context } from 'hono'
import { Hono } from 'hono'
import { createUserInputSchema } from '../auth/create-user.js'
import type { DashboardEnv } from '../http/dashboard-env.js'
import { findAccountLink, redeemAccountLink } from '../setup/account-links.js'
import { requestPasswordReset } from '../setup/user-invites.js'
import { Notice } from '../views/components.js'

export interface AccountRoutesOptions {
  /** The client's address, for rate limiting reset requests. */
  clientIp: (c: Context<DashboardEnv>) => string
}

const LINK_PROBLEMS = {
  unknown: 'This link is not valid. Links work once; ask for a new one below.',
  used: 'This link was already used. Links work once; ask for a new one below.',
  expired: 'This link has expired. Ask for a new one below.',
} as const

/** The password rules of the auth module, as one check. */
const passwordSchema = createUserInputSchema.shape.password

function Shell({ title, children }: { title: string; children: unknown }) {
  return (
    <section class="login">
      <h1>
        <span class="brand-mark" aria-hidden="true">
          ◉
        </span>{' '}
        Earshot
      </h1>
      <h2>{title}</h2>
      {children}
    </section>
  )
}

function ForgotForm({ email }: { email?: string }) {
  return (
    <form method="post" action="/account/forgot" class="stack">
      <label>
        E-mail
        <input type="email" name="email" autocomplete="username" required value={email ?? ''} />
      </label>
      <button type="submit">Send me a link</button>
    </form>
  )
}

/** Routes: `GET/POST /account/password`, `GET/POST /account/forgot`. */
export function accountRoutes(options: AccountRoutesOptions): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()

  const passwordPage = async (
    c: Context<DashboardEnv>,
    token: string,
    status: 200 | 400 | 410,
    error?: string,
  ) => {
    const link = await findAccountLink(c.var.services.db, token, c.var.services.now())
    c.header('Referrer-Policy', 'no-referrer')
    if (!link.ok) {
      c.status(410)
      return c.render(
        <Shell title="Set your password">
          <Notice kind="error">{LINK_PROBLEMS[link.problem]}</Notice>
          <ForgotForm />
        </Shell>,
        { title: 'Set your password', bare: true },
      )
    }
    c.status(status)
    return c.render(
      <Shell title={link.purpose === 'invite' ? `Welcome, ${link.name}` : 'Choose a new password'}>
        <p class="muted">
          For {link.email}. A few unrelated words make a good password; it needs at least 12
          characters.
        </p>
        {error ? <Notice kind="error">{error}</Notice> : null}
        <form method="post" action="/account/password" class="stack">
          <input type="hidden" name="token" value={token} />
          <input type="hidden" name="email" autocomplete="username" value={link.email} />
          <label>
            New password
            <input type="password" name="password" autocomplete="new-password" required />
          </label>
          <label>
            The same again
            <input type="password" name="confirm" autocomplete="new-password" required />
          </label>
          <button type="submit">Set password</button>
        </form>
      </Shell>,
      { title: 'Set your password', bare: true },
    )
  }

  app.get('/account/password', (c) => passwordPage(c, c.req.query('token') ?? '', 200))

  app.post('/account/password', async (c) => {
    const body = await c.req.parseBody()
    const token = typeof body.token === 'string' ? body.token : ''
    const password = typeof body.password === 'string' ? body.password : ''
    const confirm = typeof body.confirm === 'string' ? body.confirm : ''
    if (password !== confirm)
      return passwordPage(c, token, 400, 'The two passwords differ. Type the same one twice.')
    const rules = passwordSchema.safeParse(password)
    if (!rules.success)
      return passwordPage(
        c,
        token,
        400,
        rules.error.issues[0]?.message ?? 'Choose a longer password.',
      )
    const { db, now } = c.var.services
    const result = await redeemAccountLink(db, token, password, now())
    if (!result.ok) return passwordPage(c, token, 410)
    return c.render(
      <Shell title="Password set">
        <Notice kind="ok">Your password is set. Sign in with {result.email} and it.</Notice>
        <p>
          <a class="button" href="/login">
            Sign in
          </a>
        </p>
      </Shell>,
      { title: 'Password set', bare: true },
    )
  })

  app.get('/account/forgot', (c) =>
    c.render(
      <Shell title="Forgot your password?">
        <p class="muted">We will mail a link that lets you choose a new one.</p>
        <ForgotForm />
      </Shell>,
      { title: 'Forgot password', bare: true },
    ),
  )

  app.post('/account/forgot', async (c) => {
    const body = await c.req.parseBody()
    const email = typeof body.email === 'string' ? body.email.trim().slice(0, 320) : ''
    const s = c.var.services
    if (!email.includes('@')) {
      c.status(400)
      return c.render(
        <Shell title="Forgot your password?">
          <Notice kind="error">Type the e-mail address you sign in with.</Notice>
          <ForgotForm email={email} />
        </Shell>,
        { title: 'Forgot password', bare: true },
      )
    }
    const outcome = await requestPasswordReset(
      { db: s.db, mail: s.mail, publicUrl: s.publicUrl ?? 'http://localhost:3000', now: s.now() },
      email,
      options.clientIp(c),
    )
    if (outcome.limited) {
      c.header('Retry-After', String(Math.ceil(outcome.retryAfterMs / 1000)))
      c.status(429)
      return c.render(
        <Shell title="Forgot your password?">
          <Notice kind="error">
            Too many requests. Try again in {Math.ceil(outcome.retryAfterMs / 60_000)} minute(s).
          </Notice>
        </Shell>,
        { title: 'Forgot password', bare: true },
      )
    }
    // Not awaited: the answer (and how long it takes) must not say whether the account exists.
    void outcome.delivery
    return c.render(
      <Shell title="Check your e-mail">
        <Notice kind="ok">
          If {email} has an Earshot account, a link to choose a new password is on its way. It works
          once, for an hour.
        </Notice>
        <p>
          <a href="/login">Back to sign in</a>
        </p>
      </Shell>,
      { title: 'Forgot password', bare: true },
    )
  })

  return app
}
