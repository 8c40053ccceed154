/**
 * @module Which database a read route uses: the read replica (`DATABASE_READ_URL`) while it is
 * healthy, except for a reader who has just written something the replica has not replayed yet.
 *
 * Every non-GET request (a mutation) through a server with a replica leaves the primary's WAL
 * position after it in a cookie; a later read carrying that cookie uses the replica only once the
 * replica's last check showed it past that position, so the page a POST redirects to (and any
 * page shortly after) shows the change. Everything that is not a pure read route (sign-in,
 * sessions, CSRF, anything inside a mutation) uses `services.db`, the primary, and never this.
 */
import { currentWalPosition } from '@earshot/core'
import type { Context, MiddlewareHandler } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import type { Kysely } from 'kysely'
import type { Database } from '../core.js'
import type { DashboardEnv } from './dashboard-env.js'

/** The cookie holding the primary's WAL position after this browser's last write. */
export const WROTE_COOKIE = 'earshot_wrote'

const LSN = /^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/i

/** The database a pure read route should query for this request. */
export function readDatabase(c: Context<DashboardEnv>): Kysely<Database> {
  const { db, replica } = c.var.services
  if (!replica) return db
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return db
  const wrote = getCookie(c, WROTE_COOKIE)
  if (wrote !== undefined) {
    // A cookie not in the expected form proves nothing was replayed: the primary answers.
    if (!LSN.test(wrote) || !replica.hasReplayed(wrote)) return db
  }
  return replica.reads()
}

/**
 * After each mutation, remembers the primary's WAL position in {@link WROTE_COOKIE} (only when a
 * replica is configured). It lives as long as twice the lag bound: past that, a replica within
 * the bound has replayed it, and one beyond it is not read at all.
 */
export function rememberWrites(options: {
  secureCookies: boolean
}): MiddlewareHandler<DashboardEnv> {
  return async function rememberWrite(c, next) {
    await next()
    const { db, replica } = c.var.services
    if (!replica || c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS')
      return
    // Without the position the cookie cannot be set; the next read may then see the replica's
    // older copy, which is no failure of this request.
    const lsn = await currentWalPosition(db).catch(() => null)
    if (lsn === null) return
    setCookie(c, WROTE_COOKIE, lsn, {
      path: '/',
      httpOnly: true,
      sameSite: 'Lax',
      secure: options.secureCookies,
      maxAge: Math.max(1, Math.ceil((2 * replica.maxLagMs) / 1000)),
    })
  }
}
