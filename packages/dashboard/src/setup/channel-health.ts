/**
 * @module Channel health for every page: the channels of the user's practices that need a person
 * (a token expired or a permission was removed: status `needs_reauth`), and where to fix each —
 * the platform's connect flow, or the paste-a-token form for channels connected by hand.
 */
import type { ChannelRow } from '@earshot/core'
import type { MiddlewareHandler } from 'hono'
import type { Kysely } from 'kysely'
import type { Database } from '../core.js'
import type { AuthState, DashboardEnv } from '../http/dashboard-env.js'

/** Platforms with an OAuth connect flow (the oauth module's `/channels/:id/connect`). */
const CONNECT_PLATFORMS = new Set(['facebook', 'instagram', 'google', 'youtube', 'x'])

/** One channel the reconnect banner names. */
export interface ReconnectItem {
  id: string
  name: string
  platform: string
  /** Where one click leads back to working. */
  href: string
}

/** Where a channel is fixed: its connect flow, or the paste-a-token form. */
export function reconnectHref(channel: Pick<ChannelRow, 'id' | 'platform'>): string {
  const id = encodeURIComponent(channel.id)
  return CONNECT_PLATFORMS.has(channel.platform)
    ? `/channels/${id}/connect`
    : `/setup/channels/${id}#token`
}

/** Channels of the user's practices waiting for a reconnect, by name. */
export async function channelsNeedingReconnect(
  db: Kysely<Database>,
  auth: Pick<AuthState, 'organisationId' | 'practices'>,
): Promise<ReconnectItem[]> {
  const practiceIds = auth.practices.map((p) => p.id)
  if (practiceIds.length === 0) return []
  const rows = await db
    .selectFrom('channels')
    .select(['id', 'name', 'platform'])
    .where('organisation_id', '=', auth.organisationId)
    .where('practice_id', 'in', practiceIds)
    .where('status', '=', 'needs_reauth')
    .orderBy('name')
    .execute()
  return rows.map((r) => ({ ...r, href: reconnectHref(r) }))
}

/** Sets `c.var.reconnect` for pages (GET requests of a signed-in session), for the banner. */
export const loadReconnectBanner: MiddlewareHandler<DashboardEnv> =
  async function loadReconnectBanner(c, next) {
    const auth = c.var.auth
    if (auth?.via === 'session' && c.req.method === 'GET')
      c.set('reconnect', await channelsNeedingReconnect(c.var.services.db, auth))
    await next()
  }
