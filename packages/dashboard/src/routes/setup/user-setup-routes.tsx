/**
 * @module The users page (agency admins): everyone of the organisation with their role,
 * practices and whether their invitation is still open; invite someone (the link goes by mail,
 * or is shown when no mail server is configured), change a role, resend an invitation, remove.
 */
import { isEarshotError, ROLES, type Role } from '@earshot/core'
import { type Context, Hono } from 'hono'
import { authOf, sensitiveAction } from '../../http/auth-middleware.js'
import type { DashboardEnv } from '../../http/dashboard-env.js'
import { HttpError } from '../../http/http-errors.js'
import { pendingInvitations } from '../../setup/account-links.js'
import { assertAgencyAdmin } from '../../setup/setup-permissions.js'
import {
  type InviteContext,
  type InviteOutcome,
  inviteInputSchema,
  inviteUser,
  resendInvitation,
} from '../../setup/user-invites.js'
import { changeUserRole, listUsers, removeUser } from '../../setup/user-store.js'
import { CsrfField, Notice } from '../../views/components.js'
import { formatDateTime, humanise } from '../../views/format.js'
import { FieldError } from '../../views/setup/field-error.js'

const NOTICES: Record<string, string> = {
  updated: 'Role saved.',
  removed: 'User removed: their sessions and API tokens no longer work.',
}

const ROLE_WORDS: Record<Role, string> = {
  agency_admin: 'Agency admin — every practice, users and set-up',
  practice_manager: 'Practice manager — their practices, can reply and change settings',
  viewer: 'Viewer — their practices, read only',
}

interface InviteFormState {
  values?: { email: string; name: string; role: string; practiceIds: string[] }
  errors?: Partial<Record<'email' | 'name' | 'role' | 'practiceIds' | 'form', string>>
  outcome?: InviteOutcome & { email: string }
}

function inviteContext(c: Context<DashboardEnv>): InviteContext {
  const auth = authOf(c)
  const s = c.var.services
  return {
    db: s.db,
    mail: s.mail,
    publicUrl: s.publicUrl ?? 'http://localhost:3000',
    now: s.now(),
    organisationId: auth.organisationId,
    invitedBy: { id: auth.user.id, name: auth.user.name },
    via: 'dashboard',
  }
}

function Outcome({
  outcome,
  zone,
}: {
  outcome: NonNullable<InviteFormState['outcome']>
  zone: string
}) {
  if (outcome.mailed)
    return (
      <Notice kind="ok">
        Invitation mailed to {outcome.email}. The link works once, until{' '}
        {formatDateTime(outcome.expiresAt, zone)}.
      </Notice>
    )
  return (
    <section class="card token-once" aria-labelledby="link-h">
      <h2 id="link-h">Send this link yourself</h2>
      <p>
        The invitation for {outcome.email} was saved, but not mailed: {outcome.mailError}. Send them
        this link (it works once, until {formatDateTime(outcome.expiresAt, zone)}; it is not shown
        again, but you can issue a new one with “Resend”):
      </p>
      <p>
        <code class="secret">{outcome.url}</code>
      </p>
    </section>
  )
}

async function renderUsers(
  c: Context<DashboardEnv>,
  state: InviteFormState = {},
  status: 200 | 400 = 200,
) {
  const auth = authOf(c)
  const { db, now } = c.var.services
  const [users, pending] = await Promise.all([
    listUsers(db, auth.organisationId),
    pendingInvitations(db, auth.organisationId),
  ])
  const zone = auth.practices[0]?.time_zone ?? 'UTC'
  const practiceName = new Map(auth.practices.map((p) => [p.id, p.name]))
  const notice = NOTICES[c.req.query('notice') ?? '']
  const values = state.values ?? { email: '', name: '', role: 'practice_manager', practiceIds: [] }
  const errors = state.errors ?? {}
  const at = now()
  c.status(status)
  return c.render(
    <>
      <h1>Users</h1>
      {notice ? <Notice kind="ok">{notice}</Notice> : null}
      {errors.form ? <Notice kind="error">{errors.form}</Notice> : null}
      {state.outcome ? <Outcome outcome={state.outcome} zone={zone} /> : null}
      <section class="card" aria-labelledby="invite-h">
        <h2 id="invite-h">Invite someone</h2>
        <p class="muted">
          They get an e-mail with a link that lets them choose their password. The link works once,
          for 7 days.
        </p>
        <form method="post" action="/setup/users" class="stack" novalidate>
          <CsrfField token={auth.csrfToken} />
          <div class="row">
            <label>
              E-mail
              <input
                type="email"
                name="email"
                required
                maxlength={320}
                value={values.email}
                aria-invalid={errors.email ? 'true' : undefined}
                aria-describedby={errors.email ? 'email-error' : undefined}
              />
              <FieldError id="email-error" message={errors.email} />
            </label>
            <label>
              Name
              <input
                type="text"
                name="name"
                required
                maxlength={200}
                value={values.name}
                aria-invalid={errors.name ? 'true' : undefined}
                aria-describedby={errors.name ? 'name-error' : undefined}
              />
              <FieldError id="name-error" message={errors.name} />
            </label>
            <label>
              Role
              <select name="role">
                {ROLES.map((r) => (
                  <option value={r} selected={r === values.role}>
                    {ROLE_WORDS[r]}
                  </option>
                ))}
              </select>
              <FieldError id="role-error" message={errors.role} />
            </label>
          </div>
          <fieldset>
            <legend>Practices they may see (managers and viewers)</legend>
            {auth.practices.map((p) => (
              <label class="check">
                <input
                  type="checkbox"
                  name="practices"
                  value={p.id}
                  checked={values.practiceIds.includes(p.id)}
                />{' '}
                {p.name}
              </label>
            ))}
            <FieldError id="practices-error" message={errors.practiceIds} />
          </fieldset>
          <div>
            <button type="submit">Send invitation</button>
          </div>
        </form>
      </section>
      <section class="card" aria-labelledby="users-h">
        <h2 id="users-h">People</h2>
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Role and practices</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => {
                const uid = encodeURIComponent(u.id)
                const invitedUntil = pending.get(u.id)
                return (
                  <tr>
                    <th scope="row">
                      {u.name}
                      <div class="sub">{u.email}</div>
                    </th>
                    <td>
                      {invitedUntil ? (
                        invitedUntil.getTime() > at.getTime() ? (
                          <>invited, until {formatDateTime(invitedUntil, zone)}</>
                        ) : (
                          <span class="error-text">invitation expired</span>
                        )
                      ) : (
                        'active'
                      )}
                    </td>
                    <td>
                      <form method="post" action={`/setup/users/${uid}`} class="stack">
                        <CsrfField token={auth.csrfToken} />
                        <select name="role" aria-label={`Role of ${u.name}`}>
                          {ROLES.map((r) => (
                            <option value={r} selected={r === u.role}>
                              {humanise(r)}
                            </option>
                          ))}
                        </select>
                        {auth.practices.map((p) => (
                          <label class="check small">
                            <input
                              type="checkbox"
                              name="practices"
                              value={p.id}
                              checked={u.role === 'agency_admin' || u.practiceIds.includes(p.id)}
                            />{' '}
                            {p.name}
                          </label>
                        ))}
                        <span class="sub">
                          {u.role === 'agency_admin'
                            ? 'sees every practice'
                            : u.practiceIds.map((id) => practiceName.get(id) ?? id).join(', ') ||
                              'no practices'}
                        </span>
                        <button type="submit" class="secondary">
                          Save role
                        </button>
                      </form>
                    </td>
                    <td>
                      {invitedUntil ? (
                        <form method="post" action={`/setup/users/${uid}/resend`} class="inline">
                          <CsrfField token={auth.csrfToken} />
                          <button type="submit" class="secondary">
                            Resend invitation
                          </button>
                        </form>
                      ) : null}{' '}
                      {u.id === auth.user.id ? (
                        <span class="muted">you</span>
                      ) : (
                        <form method="post" action={`/setup/users/${uid}/remove`} class="inline">
                          <CsrfField token={auth.csrfToken} />
                          <button type="submit" class="secondary" aria-label={`Remove ${u.name}`}>
                            Remove
                          </button>
                        </form>
                      )}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      </section>
    </>,
    { title: 'Users', active: 'setup' },
  )
}

/** Every `practices` field of a form, as strings. */
function practicesOf(body: Record<string, unknown>): string[] {
  return ([] as unknown[])
    .concat(body.practices ?? [])
    .filter((v): v is string => typeof v === 'string')
}

/** Routes under `/setup/users` (agency admins only). */
export function userSetupRoutes(): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()
  app.use('/setup/users', async function adminsOnly(c, next) {
    assertAgencyAdmin(authOf(c))
    await next()
  })
  app.use('/setup/users/*', async function adminsOnly(c, next) {
    assertAgencyAdmin(authOf(c))
    await next()
  })

  app.get('/setup/users', (c) => renderUsers(c))

  // Who may sign in, and with what role, is decided with a recent password only.
  const recent = sensitiveAction('/setup/users')

  app.post('/setup/users', recent, async (c) => {
    const auth = authOf(c)
    const body = await c.req.parseBody({ all: true })
    const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '')
    const values = {
      email: str(body.email).slice(0, 320),
      name: str(body.name).slice(0, 200),
      role: str(body.role),
      practiceIds: practicesOf(body),
    }
    const parsed = inviteInputSchema.safeParse(values)
    const errors: NonNullable<InviteFormState['errors']> = {}
    if (!parsed.success)
      for (const issue of parsed.error.issues) {
        const key = String(issue.path[0] ?? 'form') as keyof typeof errors
        errors[key] ??= issue.message
      }
    const known = new Set(auth.practices.map((p) => p.id))
    if (values.practiceIds.some((id) => !known.has(id)))
      errors.practiceIds = 'pick practices from the list'
    if (parsed.success && parsed.data.role !== 'agency_admin' && values.practiceIds.length === 0)
      errors.practiceIds = 'a manager or viewer needs at least one practice'
    if (!parsed.success || Object.keys(errors).length)
      return renderUsers(c, { values, errors }, 400)
    try {
      const outcome = await inviteUser(inviteContext(c), parsed.data)
      return renderUsers(c, { outcome: { ...outcome, email: parsed.data.email } })
    } catch (error) {
      if (isEarshotError(error) && error.code === 'INVALID_INPUT')
        return renderUsers(
          c,
          { values, errors: { email: error.message.replace(/^invalid user: /, '') } },
          400,
        )
      throw error
    }
  })

  app.post('/setup/users/:userId', recent, async (c) => {
    const auth = authOf(c)
    const body = await c.req.parseBody({ all: true })
    const role = typeof body.role === 'string' ? body.role : ''
    if (!(ROLES as readonly string[]).includes(role))
      throw new HttpError('INVALID_INPUT', 'pick a role')
    const practiceIds = practicesOf(body)
    if (role !== 'agency_admin' && practiceIds.length === 0)
      throw new HttpError('INVALID_INPUT', 'a manager or viewer needs at least one practice')
    await changeUserRole(
      c.var.services.db,
      { organisationId: auth.organisationId, userId: auth.user.id },
      c.req.param('userId'),
      { role: role as Role, practiceIds },
      c.var.services.now(),
    )
    return c.redirect('/setup/users?notice=updated', 303)
  })

  app.post('/setup/users/:userId/remove', recent, async (c) => {
    const auth = authOf(c)
    await removeUser(
      c.var.services.db,
      { organisationId: auth.organisationId, userId: auth.user.id },
      c.req.param('userId'),
      c.var.services.now(),
    )
    return c.redirect('/setup/users?notice=removed', 303)
  })

  app.post('/setup/users/:userId/resend', recent, async (c) => {
    const auth = authOf(c)
    const users = await listUsers(c.var.services.db, auth.organisationId)
    const user = users.find((u) => u.id === c.req.param('userId'))
    const pending = await pendingInvitations(c.var.services.db, auth.organisationId)
    if (!user || !pending.has(user.id))
      throw new HttpError('NOT_FOUND', 'no open invitation for that user')
    const outcome = await resendInvitation(inviteContext(c), user)
    return renderUsers(c, { outcome: { ...outcome, email: user.email } })
  })

  return app
}
