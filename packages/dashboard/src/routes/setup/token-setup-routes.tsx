/**
 * @module The API tokens page: create a token (its secret is shown once, on the answer to the
 * form, and never again), list tokens with when they were last used, revoke them. Everyone
 * manages their own tokens; agency admins see and revoke every token of the organisation.
 */
import { type Context, Hono } from 'hono'
import {
  API_TOKEN_SCOPES,
  type ApiTokenScope,
  apiTokenScopeSchema,
  DEFAULT_TOKEN_DAYS,
} from '../../auth/api-token-scopes.js'
import { listApiTokens } from '../../auth/create-api-token.js'
import { authOf, sensitiveAction } from '../../http/auth-middleware.js'
import type { DashboardEnv } from '../../http/dashboard-env.js'
import { HttpError } from '../../http/http-errors.js'
import {
  createLoggedApiToken,
  revokeLoggedApiToken,
  tokenNameSchema,
} from '../../setup/api-token-store.js'
import { isAgencyAdmin } from '../../setup/setup-permissions.js'
import { CsrfField, Notice } from '../../views/components.js'
import { formatDateTime } from '../../views/format.js'
import { FieldError } from '../../views/setup/field-error.js'

/** Lifetimes offered on the form, in days (the auth module caps them at a year). */
const LIFETIMES = [7, 30, DEFAULT_TOKEN_DAYS, 180, 366] as const

const SCOPE_WORDS: Record<ApiTokenScope, string> = {
  read: 'read: look at practices, mentions, metrics',
  write: 'write: record decisions and send replies',
  admin: 'admin: administrative changes',
}

interface TokenFormState {
  created?: { name: string; token: string; expiresAt: Date }
  errors?: { name?: string; scopes?: string; days?: string }
  name?: string
  scopes?: ApiTokenScope[]
  days?: number
}

async function renderTokens(
  c: Context<DashboardEnv>,
  extra: TokenFormState = {},
  status: 200 | 400 = 200,
) {
  const auth = authOf(c)
  const admin = isAgencyAdmin(auth)
  const tokens = (
    await listApiTokens(
      c.var.services.db,
      auth.organisationId,
      admin ? {} : { userId: auth.user.id },
    )
  ).reverse()
  const now = c.var.services.now()
  const scopes = extra.scopes ?? ['read']
  const days = extra.days ?? DEFAULT_TOKEN_DAYS
  const zone = auth.practices[0]?.time_zone ?? 'UTC'
  const notice =
    c.req.query('notice') === 'revoked' ? 'Token revoked: it is refused from now on.' : null
  c.status(status)
  return c.render(
    <>
      <h1>API tokens</h1>
      <p class="lede">
        A token lets a script use the JSON API (<code>/api/v1</code>) as you, with your role and
        practices: send it as <code>Authorization: Bearer TOKEN</code>. Only a digest is stored.
      </p>
      {notice ? <Notice kind="ok">{notice}</Notice> : null}
      {extra.created ? (
        <section class="card token-once" aria-labelledby="created-h">
          <h2 id="created-h">Copy your new token now</h2>
          <p>
            “{extra.created.name}” is shown this once; Earshot cannot show it again. Store it where
            your script reads secrets.
          </p>
          <p>
            <code class="secret" data-copy>
              {extra.created.token}
            </code>
          </p>
        </section>
      ) : null}
      <section class="card" aria-labelledby="new-h">
        <h2 id="new-h">New token</h2>
        <form method="post" action="/setup/tokens" class="stack" novalidate>
          <CsrfField token={auth.csrfToken} />
          <label>
            What it is for
            <input
              type="text"
              name="name"
              required
              maxlength={100}
              value={extra.name ?? ''}
              placeholder="monthly report script"
              aria-invalid={extra.errors?.name ? 'true' : undefined}
              aria-describedby={extra.errors?.name ? 'name-error' : undefined}
            />
            <FieldError id="name-error" message={extra.errors?.name} />
          </label>
          <fieldset>
            <legend>What it may do (never more than your role)</legend>
            {API_TOKEN_SCOPES.map((scope) => (
              <label class="check">
                <input
                  type="checkbox"
                  name="scopes"
                  value={scope}
                  checked={scopes.includes(scope)}
                />{' '}
                {SCOPE_WORDS[scope]}
              </label>
            ))}
            <FieldError id="scopes-error" message={extra.errors?.scopes} />
          </fieldset>
          <label>
            Expires after
            <select name="days">
              {LIFETIMES.map((d) => (
                <option value={String(d)} selected={d === days}>
                  {d} days
                </option>
              ))}
            </select>
            <FieldError id="days-error" message={extra.errors?.days} />
          </label>
          <div>
            <button type="submit">Create token</button>
          </div>
        </form>
      </section>
      <section class="card" aria-labelledby="list-h">
        <h2 id="list-h">{admin ? 'Tokens of the organisation' : 'Your tokens'}</h2>
        {tokens.length === 0 ? (
          <p class="muted">No tokens.</p>
        ) : (
          <div class="table-wrap">
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  {admin ? <th scope="col">Acts as</th> : null}
                  <th scope="col">May</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Expires</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {tokens.map((t) => (
                  <tr>
                    <th scope="row">{t.name}</th>
                    {admin ? <td>{t.userEmail}</td> : null}
                    <td>{t.scopes.join(', ')}</td>
                    <td>{formatDateTime(t.createdAt, zone)}</td>
                    <td>{t.lastUsedAt ? formatDateTime(t.lastUsedAt, zone) : 'never'}</td>
                    <td>
                      {t.expiresAt.getTime() <= now.getTime() ? (
                        <span class="error-text">expired {formatDateTime(t.expiresAt, zone)}</span>
                      ) : (
                        formatDateTime(t.expiresAt, zone)
                      )}
                    </td>
                    <td>
                      <form
                        method="post"
                        action={`/setup/tokens/${encodeURIComponent(t.id)}/revoke`}
                        class="inline"
                      >
                        <CsrfField token={auth.csrfToken} />
                        <button type="submit" class="secondary" aria-label={`Revoke ${t.name}`}>
                          Revoke
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>,
    { title: 'API tokens', active: 'setup' },
  )
}

/** Routes under `/setup/tokens`. */
export function tokenSetupRoutes(): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()

  app.get('/setup/tokens', (c) => renderTokens(c))

  // A new token is a new credential: the password must be recent (revoking one needs nothing).
  app.post('/setup/tokens', sensitiveAction('/setup/tokens'), async (c) => {
    const auth = authOf(c)
    const body = await c.req.parseBody({ all: true })
    const typed = typeof body.name === 'string' ? body.name : ''
    const name = tokenNameSchema.safeParse(typed)
    const rawScopes = ([] as unknown[]).concat(body.scopes ?? [])
    const scopes = rawScopes.flatMap((s) => {
      const parsed = apiTokenScopeSchema.safeParse(s)
      return parsed.success ? [parsed.data] : []
    })
    const days = Number(body.days)
    const errors: NonNullable<TokenFormState['errors']> = {}
    if (!name.success) errors.name = name.error.issues[0]?.message
    if (scopes.length === 0 || scopes.length !== rawScopes.length)
      errors.scopes = 'tick at least one of read, write, admin'
    if (!(LIFETIMES as readonly number[]).includes(days))
      errors.days = 'pick a lifetime from the list'
    if (!name.success || Object.keys(errors).length)
      return renderTokens(
        c,
        { name: typed.slice(0, 100), errors, scopes, ...(Number.isFinite(days) ? { days } : {}) },
        400,
      )
    const created = await createLoggedApiToken(
      c.var.services.db,
      { organisationId: auth.organisationId, userId: auth.user.id, via: 'dashboard' },
      { userId: auth.user.id, name: name.data, scopes, expiresInDays: days },
      c.var.services.now(),
    )
    // Rendered on the answer to the POST, never behind a redirect, so it cannot be reloaded later.
    return renderTokens(c, {
      created: { name: name.data, token: created.token, expiresAt: created.expiresAt },
    })
  })

  app.post('/setup/tokens/:tokenId/revoke', async (c) => {
    const auth = authOf(c)
    const revoked = await revokeLoggedApiToken(
      c.var.services.db,
      { organisationId: auth.organisationId, userId: auth.user.id, via: 'dashboard' },
      c.req.param('tokenId'),
      c.var.services.now(),
      isAgencyAdmin(auth) ? undefined : auth.user.id,
    )
    if (!revoked) throw new HttpError('NOT_FOUND', 'no such token')
    return c.redirect('/setup/tokens?notice=revoked', 303)
  })

  return app
}
