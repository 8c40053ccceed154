/**
 * @module The signed-in user's security: `/account/security` (sessions with revoke one / revoke
 * all others, two-factor status, password change), TOTP enrolment and disabling, and `/reauth`,
 * where {@link requireRecentAuth} sends people before sensitive actions. Everything acts on the
 * signed-in user only; every form carries the session's CSRF token (checked by requireCsrf).
 */
import type { Context } from 'hono'
import { Hono } from 'hono'
import { recordUserAction } from '../audit/user-actions.js'
import { checkUserPassword, setUserPassword } from '../auth/create-user.js'
import type { DatabaseLoginLimiter } from '../auth/database-login-limiter.js'
import { passwordProblem } from '../auth/password-policy.js'
import {
  listSessions,
  loadSession,
  markReauthenticated,
  revokeOtherSessions,
  revokeSession,
} from '../auth/sessions.js'
import {
  beginTotpEnrolment,
  confirmTotpEnrolment,
  disableTwoFactor,
  hasTwoFactor,
  pendingTotpEnrolment,
  twoFactorStatus,
  verifySecondFactor,
} from '../auth/two-factor.js'
import { authOf, sensitiveAction } from '../http/auth-middleware.js'
import type { AuthState, DashboardEnv } from '../http/dashboard-env.js'
import { HttpError } from '../http/http-errors.js'
import {
  EnrolPage,
  ReauthPage,
  RecoveryCodesPage,
  SecurityPage,
  type SecurityPageProps,
} from '../views/security/security-views.js'
import { localPath } from './safe-redirect.js'

/** How recent the password must be for the sensitive actions (defined beside the middleware). */
export { SENSITIVE_ACTION_MINUTES } from '../http/auth-middleware.js'

export interface SecurityRoutesOptions {
  /** The sign-in limiter: re-authentication is a password check like any other. */
  limiter: DatabaseLoginLimiter
  clientIp: (c: Context<DashboardEnv>) => string
}

function sessionUser(auth: AuthState) {
  if (auth.via !== 'session' || !auth.sessionId || !auth.csrfToken)
    throw new HttpError('FORBIDDEN', 'only a signed-in user can do this, not an API token')
  return {
    user: { organisationId: auth.organisationId, id: auth.user.id, email: auth.user.email },
    sessionId: auth.sessionId,
    csrf: auth.csrfToken,
  }
}

/** Routes for the signed-in user's own security settings (mounted behind requirePageAuth). */
export function securityRoutes(options: SecurityRoutesOptions): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()
  const recent = sensitiveAction('/account/security')

  const page = async (
    c: Context<DashboardEnv>,
    extra: Pick<SecurityPageProps, 'notice' | 'passwordError'> = {},
    status: 200 | 400 | 401 = 200,
  ) => {
    const { db, now } = c.var.services
    const { user, sessionId, csrf } = sessionUser(authOf(c))
    const current = await loadSession(db, sessionId, now())
    const [sessions, twoFactor] = await Promise.all([
      listSessions(db, user, now()),
      twoFactorStatus(db, user),
    ])
    c.status(status)
    return c.render(
      <SecurityPage
        csrf={csrf}
        sessions={sessions}
        currentSessionId={current?.publicId ?? null}
        twoFactor={twoFactor}
        {...extra}
      />,
      { title: 'Security' },
    )
  }

  const log = (
    c: Context<DashboardEnv>,
    action:
      | 'user.password_changed'
      | 'user.two_factor_enabled'
      | 'user.two_factor_disabled'
      | 'session.revoked',
    detail: Record<string, unknown> = {},
  ) => {
    const auth = authOf(c)
    return recordUserAction(
      c.var.services.db,
      {
        organisationId: auth.organisationId,
        userId: auth.user.id,
        action,
        targetType: 'user',
        targetId: auth.user.id,
        detail,
      },
      c.var.services.now(),
    )
  }

  app.get('/account/security', (c) => page(c))

  app.post('/account/sessions/revoke-others', async (c) => {
    const { user, sessionId } = sessionUser(authOf(c))
    const count = await revokeOtherSessions(c.var.services.db, user, sessionId)
    await log(c, 'session.revoked', { others: count })
    return page(c, { notice: { kind: 'ok', text: `Signed out ${count} other session(s).` } })
  })

  app.post('/account/sessions/:sessionId/revoke', async (c) => {
    const { user } = sessionUser(authOf(c))
    const id = c.req.param('sessionId')
    if (!(await revokeSession(c.var.services.db, user, id)))
      throw new HttpError('NOT_FOUND', 'no such session')
    await log(c, 'session.revoked', { session: id })
    return page(c, { notice: { kind: 'ok', text: 'Signed that session out.' } })
  })

  app.post('/account/security/password', recent, async (c) => {
    const { db } = c.var.services
    const { user, sessionId } = sessionUser(authOf(c))
    const form = await c.req.parseBody()
    const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '')
    const [current, password, confirm] = [field('current'), field('password'), field('confirm')]
    if (!(await checkUserPassword(db, user, current.slice(0, 1024))))
      return page(c, { passwordError: 'Your current password is not right.' }, 401)
    const problem = passwordProblem(password)
    if (problem) return page(c, { passwordError: problem }, 400)
    if (password !== confirm)
      return page(c, { passwordError: 'The two new passwords are not the same.' }, 400)
    await setUserPassword(db, user, password)
    const others = await revokeOtherSessions(db, user, sessionId)
    await log(c, 'user.password_changed', { otherSessionsSignedOut: others })
    return page(c, {
      notice: { kind: 'ok', text: 'Password changed. Other sessions were signed out.' },
    })
  })

  app.post('/account/two-factor/enrol', recent, async (c) => {
    const { db, keyring } = c.var.services
    const { user, csrf } = sessionUser(authOf(c))
    if (await hasTwoFactor(db, user))
      return page(c, { notice: { kind: 'error', text: 'Two-step sign-in is already on.' } }, 400)
    const enrolment = await beginTotpEnrolment(db, keyring(), user)
    return c.render(<EnrolPage csrf={csrf} enrolment={enrolment} />, { title: 'Two-step sign-in' })
  })

  app.post('/account/two-factor/confirm', recent, async (c) => {
    const { db, keyring, now } = c.var.services
    const { user, csrf } = sessionUser(authOf(c))
    const form = await c.req.parseBody()
    const code = typeof form.code === 'string' ? form.code.slice(0, 40) : ''
    const codes = await confirmTotpEnrolment(db, keyring(), user, code, now())
    if (!codes) {
      const enrolment = await pendingTotpEnrolment(db, keyring(), user)
      if (!enrolment) return c.redirect('/account/security', 303)
      c.status(400)
      return c.render(
        <EnrolPage
          csrf={csrf}
          enrolment={enrolment}
          error="That code is not right. Check the phone's clock and try the next code."
        />,
        { title: 'Two-step sign-in' },
      )
    }
    await log(c, 'user.two_factor_enabled')
    return c.render(<RecoveryCodesPage codes={codes} />, { title: 'Recovery codes' })
  })

  app.post('/account/two-factor/disable', recent, async (c) => {
    const { user } = sessionUser(authOf(c))
    await disableTwoFactor(c.var.services.db, user)
    await log(c, 'user.two_factor_disabled')
    return page(c, { notice: { kind: 'ok', text: 'Two-step sign-in is off.' } })
  })

  app.get('/reauth', async (c) => {
    const { user, csrf } = sessionUser(authOf(c))
    const next = localPath(c.req.query('next'), '/account/security')
    const needsCode = await hasTwoFactor(c.var.services.db, user)
    return c.render(<ReauthPage csrf={csrf} next={next} needsCode={needsCode} />, {
      title: 'Confirm it is you',
    })
  })

  app.post('/reauth', async (c) => {
    const { db, keyring, now } = c.var.services
    const { user, sessionId, csrf } = sessionUser(authOf(c))
    const form = await c.req.parseBody()
    const next = localPath(form.next, '/account/security')
    const password = typeof form.password === 'string' ? form.password.slice(0, 1024) : ''
    const code = typeof form.code === 'string' ? form.code.slice(0, 40) : ''
    const needsCode = await hasTwoFactor(db, user)
    const fail = (status: 401 | 429, error: string) => {
      c.status(status)
      return c.render(<ReauthPage csrf={csrf} next={next} needsCode={needsCode} error={error} />, {
        title: 'Confirm it is you',
      })
    }
    const address = options.clientIp(c)
    const admission = await options.limiter.admit(user.email, address, now())
    if (!admission.admitted) {
      c.header('Retry-After', String(Math.ceil(admission.retryAfterMs / 1000)))
      return fail(429, 'Too many attempts. Wait a few minutes and try again.')
    }
    const passwordOk = await checkUserPassword(db, user, password)
    const codeOk =
      !needsCode ||
      (passwordOk && (await verifySecondFactor(db, keyring(), user, code, now())) !== undefined)
    if (!passwordOk || !codeOk)
      return fail(
        401,
        needsCode ? 'The password or the code is not right.' : 'That password is not right.',
      )
    await options.limiter.succeeded(user.email, address)
    await markReauthenticated(db, sessionId, now())
    return c.redirect(next, 303)
  })

  return app
}
