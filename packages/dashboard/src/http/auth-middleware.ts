/**
 * @module Authentication, authorisation and CSRF middleware. A request is authenticated by an
 * `Authorization: Bearer` API token or by the session cookie; practice access is checked against
 * the user's organisation and permitted practices, and anything outside them is a 404.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import { type Kysely, sql } from 'kysely'
import { type ApiTokenScope, scopeForMethod } from '../auth/api-token-scopes.js'
import { resolveApiToken } from '../auth/create-api-token.js'
import { getUser } from '../auth/create-user.js'
import { safeEqual } from '../auth/secret-token.js'
import { loadSession } from '../auth/sessions.js'
import type { Database, PracticeRow } from '../core.js'
import { localPath } from '../routes/safe-redirect.js'
import type { AuthState, DashboardEnv } from './dashboard-env.js'
import { errorJson, HttpError } from './http-errors.js'

/** Name of the session cookie (`__Host-` prefixed when cookies are Secure, which pins it to this origin). */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-earshot_session' : 'earshot_session'
}

/** How many organisations' practice lists one process keeps (least recently used dropped). */
const PRACTICE_LISTS_KEPT = 256

/**
 * An organisation's practices by name, as `listPractices` returns them, kept per organisation and
 * reused while the organisation's `practices_version` (bumped in the writing transaction by every
 * statement that changes practices, migration 2026-12-05-0410) is the one read by this request:
 * an agency's 2,000 rows were read and parsed on every request. The version is read from the
 * database on every request, so any process's, the CLI's or plain SQL's change is seen at once.
 * The rows are shared between requests: read-only.
 */
function practiceLists() {
  const kept = new Map<string, { version: string; rows: readonly PracticeRow[] }>()
  return async (
    db: Kysely<Database>,
    organisationId: string,
    version: string | undefined,
  ): Promise<PracticeRow[]> => {
    const hit = version === undefined ? undefined : kept.get(organisationId)
    if (hit && hit.version === version) {
      kept.delete(organisationId)
      kept.set(organisationId, hit)
      return hit.rows as PracticeRow[]
    }
    // The list and its version in one statement (one snapshot): never a list kept under a
    // version it does not belong to.
    const rows = await db
      .selectFrom('practices')
      .selectAll()
      .select(
        sql<string>`(select o.practices_version::text from organisations o where o.id = ${organisationId})`.as(
          'practicesVersion',
        ),
      )
      .where('organisation_id', '=', organisationId)
      .orderBy('name')
      .execute()
    const list = rows.map(({ practicesVersion: _v, ...p }) => p as PracticeRow)
    const loaded = rows[0]?.practicesVersion
    if (loaded !== undefined) {
      kept.delete(organisationId)
      kept.set(organisationId, { version: loaded, rows: list })
      if (kept.size > PRACTICE_LISTS_KEPT) kept.delete(kept.keys().next().value!)
    } else kept.delete(organisationId)
    return list
  }
}

/** Loads `c.var.auth` from a bearer token or the session cookie; never rejects by itself. */
export function loadAuth(options: { secureCookies: boolean }): MiddlewareHandler<DashboardEnv> {
  const practicesOf = practiceLists()
  return async function loadAuthMiddleware(c, next) {
    const { db, now } = c.var.services
    const header = c.req.header('authorization')
    let identity:
      | {
          organisationId: string
          userId: string
          csrfToken: string | null
          via: 'session' | 'token'
          sessionId: string | null
          tokenScopes: ApiTokenScope[] | null
          authenticatedAt: Date | null
        }
      | undefined
    if (header) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
      const token = match?.[1]
      const resolved = token ? await resolveApiToken(db, token, now()) : undefined
      if (!resolved) throw new HttpError('UNAUTHENTICATED', 'invalid or expired API token')
      // Checked here, before any route runs, so no page or API route can forget it.
      assertTokenScope(resolved.scopes, scopeForMethod(c.req.method))
      identity = {
        organisationId: resolved.organisationId,
        userId: resolved.userId,
        csrfToken: null,
        via: 'token',
        sessionId: null,
        tokenScopes: resolved.scopes,
        authenticatedAt: null,
      }
    } else {
      const sessionId = getCookie(c, sessionCookieName(options.secureCookies))
      const session = sessionId ? await loadSession(db, sessionId, now()) : undefined
      // A session still waiting for its second factor signs nobody in.
      if (session?.stage === 'active' && sessionId)
        identity = {
          organisationId: session.organisationId,
          userId: session.userId,
          csrfToken: session.csrfToken,
          via: 'session',
          sessionId,
          tokenScopes: null,
          authenticatedAt: session.authenticatedAt,
        }
    }
    if (identity) {
      const user = await getUser(db, identity.organisationId, identity.userId)
      if (user) {
        const organisation = await db
          .selectFrom('organisations')
          .select(['name', sql<string>`practices_version::text`.as('practicesVersion')])
          .where('id', '=', user.organisationId)
          .executeTakeFirst()
        const all = await practicesOf(db, user.organisationId, organisation?.practicesVersion)
        const allowed = new Set(user.practiceIds)
        const practices = user.role === 'agency_admin' ? all : all.filter((p) => allowed.has(p.id))
        c.set('auth', {
          user,
          organisationId: user.organisationId,
          organisationName: organisation?.name ?? '',
          practices,
          canWrite: user.role !== 'viewer',
          csrfToken: identity.csrfToken,
          via: identity.via,
          sessionId: identity.sessionId,
          tokenScopes: identity.tokenScopes,
          authenticatedAt: identity.authenticatedAt,
        })
      }
    }
    await next()
  }
}

function assertTokenScope(scopes: readonly ApiTokenScope[], needed: ApiTokenScope): void {
  if (!scopes.includes(needed))
    throw new HttpError('FORBIDDEN', `this API token lacks the "${needed}" scope`)
}

/**
 * Routes for administrative changes add this so a bearer token needs the `admin` scope on top of
 * `write` (sessions pass: their role is checked by the route as usual).
 *
 * @example
 * app.post('/settings/users', requireTokenScope('admin'), async (c) => { ... })
 */
export function requireTokenScope(scope: ApiTokenScope): MiddlewareHandler<DashboardEnv> {
  return async function requireTokenScopeMiddleware(c, next) {
    const auth = c.var.auth
    if (auth?.via === 'token') assertTokenScope(auth.tokenScopes ?? [], scope)
    await next()
  }
}

/** How recent the password must be for a sensitive action (ASVS 3.7.1: ten minutes). */
export const SENSITIVE_ACTION_MINUTES = 10

/**
 * Sensitive actions (change password, turn 2FA on or off, create an API token, invite someone or
 * change a role, paste a platform token, change retention, erase a person's data) need the
 * password, and the second factor when enrolled, entered within the last `minutes`: a fresh
 * sign-in counts, and `/reauth` renews it. Otherwise a GET is sent to `/reauth` and comes back to
 * itself; a form post is sent to `/reauth` and comes back to `returnTo` (the page holding the
 * form: a form can sit on a page rendered as the answer to another post, whose address has no
 * GET), else to the page it was sent from (its same-origin Referer), where the form has to be
 * sent again: nothing of the stale post is acted on or kept. An API request gets 403.
 *
 * Bearer tokens are refused outright: they cannot re-authenticate, and a leaked token must not be
 * able to mint tokens, invite users or erase data. Those actions are for people in the browser;
 * the same work from a script goes through the CLI, which runs with database access.
 *
 * @example
 * app.post('/account/security/password', requireRecentAuth(10), async (c) => { ... })
 */
export function requireRecentAuth(
  minutes: number,
  options: { returnTo?: string } = {},
): MiddlewareHandler<DashboardEnv> {
  const returnTo = options.returnTo === undefined ? null : localPathOrNull(options.returnTo)
  return async function requireRecentAuthMiddleware(c, next) {
    const auth = c.var.auth
    if (!auth) throw new HttpError('UNAUTHENTICATED', 'not signed in')
    const { now } = c.var.services
    const fresh =
      auth.via === 'session' &&
      auth.authenticatedAt !== null &&
      now().getTime() - auth.authenticatedAt.getTime() < minutes * 60_000
    if (fresh) return next()
    if (auth.via === 'token' || c.req.path.startsWith('/api/'))
      throw new HttpError(
        'FORBIDDEN',
        'this action needs you to enter your password again: sign in to the dashboard',
      )
    const url = new URL(c.req.url)
    const target =
      (c.req.method === 'GET'
        ? localPathOrNull(url.pathname + url.search)
        : (returnTo ?? refererPath(c))) ?? '/account/security'
    return c.redirect(`/reauth?next=${encodeURIComponent(target)}`, 303)
  }
}

/**
 * {@link requireRecentAuth} with the dashboard's one window for sensitive actions.
 *
 * @example
 * app.post('/setup/tokens', sensitiveAction('/setup/tokens'), async (c) => { ... })
 */
export function sensitiveAction(returnTo?: string): MiddlewareHandler<DashboardEnv> {
  return requireRecentAuth(SENSITIVE_ACTION_MINUTES, returnTo === undefined ? {} : { returnTo })
}

function localPathOrNull(path: string): string | null {
  return localPath(path, '') || null
}

/** The page a form was sent from, when it is ours (where re-authentication returns to). */
function refererPath(c: Context): string | null {
  const referer = c.req.header('referer')
  if (!referer) return null
  try {
    const url = new URL(referer)
    if (url.host !== new URL(c.req.url).host) return null
    return localPathOrNull(url.pathname + url.search)
  } catch {
    return null
  }
}

/** Pages: signed-in users only; others are sent to the sign-in page. */
export const requirePageAuth: MiddlewareHandler<DashboardEnv> = async function requirePageAuth(
  c,
  next,
) {
  if (!c.var.auth) {
    const url = new URL(c.req.url)
    const nextPath = url.pathname + url.search
    return c.redirect(`/login?next=${encodeURIComponent(nextPath)}`, 303)
  }
  return next()
}

/** API: signed-in users or token holders only; others get 401 JSON. */
export const requireApiAuth: MiddlewareHandler<DashboardEnv> = async function requireApiAuth(
  c,
  next,
) {
  if (!c.var.auth)
    return errorJson(c, 'UNAUTHENTICATED', 'sign in or send Authorization: Bearer <token>')
  return next()
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Whether the browser says this request comes from another site or another origin of this site
 * (`Sec-Fetch-Site`, which pages cannot set). A sibling subdomain can toss cookies into our
 * origin when cookies are not `__Host-` pinned, but it cannot make its forms look same-origin.
 * Clients that send no such header (scripts, old browsers) fall back to the tokens alone.
 */
export function isCrossOriginRequest(c: Context): boolean {
  const site = c.req.header('sec-fetch-site')
  return site !== undefined && site !== 'same-origin' && site !== 'none'
}

/**
 * Unsafe methods from a cookie session must carry the session's CSRF token, exactly, in the
 * `X-CSRF-Token` header or (when there is no such header) the `_csrf` form field, and must not
 * come from another origin. Bearer-token requests carry no cookie and need none.
 *
 * HTTP itself strips the whitespace around a header's value (RFC 9110 §5.5), so a header sent
 * as `token ` arrives as `token`; anything inside the value, and every form value, is compared
 * as sent.
 */
export const requireCsrf: MiddlewareHandler<DashboardEnv> = async function requireCsrf(c, next) {
  const auth = c.var.auth
  if (SAFE_METHODS.has(c.req.method) || !auth || auth.via === 'token') return next()
  const header = c.req.header('x-csrf-token')
  let sent = header ?? ''
  if (header === undefined) {
    const type = c.req.header('content-type') ?? ''
    if (
      type.startsWith('application/x-www-form-urlencoded') ||
      type.startsWith('multipart/form-data')
    ) {
      const body = await c.req.parseBody({ all: true })
      // Two `_csrf` fields are as wrong as a wrong one: never pick the one that happens to match.
      sent = typeof body._csrf === 'string' ? body._csrf : ''
    }
  }
  if (isCrossOriginRequest(c) || !sent || !auth.csrfToken || !safeEqual(sent, auth.csrfToken)) {
    throw new HttpError('FORBIDDEN', 'missing or invalid CSRF token; reload the page and try again')
  }
  await next()
}

/** The signed-in state; throws 401 when absent (handlers behind the require* middleware). */
export function authOf(c: Context<DashboardEnv>): AuthState {
  const auth = c.var.auth
  if (!auth) throw new HttpError('UNAUTHENTICATED', 'not signed in')
  return auth
}

/** Throws 403 unless the user may change things (viewers are read-only). */
export function assertCanWrite(auth: AuthState): void {
  if (!auth.canWrite) throw new HttpError('FORBIDDEN', 'your role is read-only')
}

/** A practice the user may see, or a 404 (the same answer for another tenant's id and an unknown one). */
export function permittedPractice(auth: AuthState, practiceId: string | undefined): PracticeRow {
  const practice = practiceId ? auth.practices.find((p) => p.id === practiceId) : undefined
  if (!practice) throw new HttpError('NOT_FOUND', 'no such practice')
  return practice
}
