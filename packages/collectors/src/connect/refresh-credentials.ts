/**
 * @module Token refresh for connected channels: which credentials expire soon, and renewing
 * one channel's tokens through its provider's flow. A refresh the provider refuses (revoked,
 * expired, a permission removed) marks the channel `needs_reauth` with the reason in words, so
 * the dashboard shows the reconnect banner; a provider that is merely unreachable is retried
 * on the next run and the channel is left as it is.
 */
import {
  type Database,
  type Keyring,
  loadChannelCredentials,
  type Platform,
  saveChannelCredentials,
} from '@earshot/core'
import type { Kysely } from 'kysely'
import { type ConnectFlow, type ConnectProvider, isConnectError } from './connect-flow.js'

/** The provider a platform's channels sign in with. */
export const PROVIDER_OF_PLATFORM: Partial<Record<Platform, ConnectProvider>> = {
  facebook: 'facebook',
  instagram: 'facebook',
  google: 'google',
  youtube: 'google',
  x: 'x',
}

/** Refresh this long before expiry (X tokens live 2 h, Google's 1 h). */
export const REFRESH_AHEAD_MS = 15 * 60_000

export interface ChannelDueForRefresh {
  organisationId: string
  channelId: string
  platform: Platform
  expiresAt: Date
}

/** Connected channels (not paused, not already waiting for a reconnect) whose token expires within `aheadMs`. */
export async function channelsDueForRefresh(
  db: Kysely<Database>,
  now: Date,
  aheadMs = REFRESH_AHEAD_MS,
): Promise<ChannelDueForRefresh[]> {
  const rows = await db
    .selectFrom('channel_credentials as cc')
    .innerJoin('channels as c', (j) =>
      j.onRef('c.organisation_id', '=', 'cc.organisation_id').onRef('c.id', '=', 'cc.channel_id'),
    )
    .select(['c.organisation_id', 'c.id', 'c.platform', 'cc.expires_at'])
    .where('cc.expires_at', 'is not', null)
    .where('cc.expires_at', '<=', new Date(now.getTime() + aheadMs))
    .where('c.status', 'in', ['active', 'error'])
    .where('c.platform', 'in', Object.keys(PROVIDER_OF_PLATFORM) as Platform[])
    .orderBy('cc.expires_at')
    .execute()
  return rows.map((r) => ({
    organisationId: r.organisation_id,
    channelId: r.id,
    platform: r.platform,
    expiresAt: new Date(r.expires_at as Date | string),
  }))
}

export type RefreshOutcome =
  | { status: 'refreshed'; expiresAt?: Date }
  | { status: 'needs_reauth'; reason: string }
  | { status: 'failed'; reason: string }
  | { status: 'skipped'; reason: string }

/**
 * Renews one channel's tokens with `flow` and stores the new ones sealed.
 *
 * @example
 * const outcome = await refreshChannelCredentials(db, due, flows.x, { now })
 */
export async function refreshChannelCredentials(
  db: Kysely<Database>,
  channel: Pick<ChannelDueForRefresh, 'organisationId' | 'channelId'>,
  flow: ConnectFlow,
  options: { keyring?: Keyring; now?: Date } = {},
): Promise<RefreshOutcome> {
  const now = options.now ?? new Date()
  const keyring = options.keyring ? { keyring: options.keyring } : {}
  const credentials = await loadChannelCredentials(db, channel.channelId, {
    organisationId: channel.organisationId,
    ...keyring,
  })
  if (!credentials?.accessToken && !credentials?.refreshToken)
    return { status: 'skipped', reason: 'no stored credentials' }
  try {
    const renewed = await flow.refresh({
      accessToken: credentials.accessToken ?? '',
      ...(credentials.refreshToken ? { refreshToken: credentials.refreshToken } : {}),
      ...(credentials.expiresAt ? { expiresAt: credentials.expiresAt } : {}),
      scopes: credentials.scopes,
    })
    await saveChannelCredentials(
      db,
      {
        organisationId: channel.organisationId,
        channelId: channel.channelId,
        accessToken: renewed.accessToken,
        ...(renewed.refreshToken ? { refreshToken: renewed.refreshToken } : {}),
        ...(renewed.expiresAt ? { expiresAt: renewed.expiresAt } : {}),
        scopes: renewed.scopes,
      },
      { ...keyring, now },
    )
    return { status: 'refreshed', ...(renewed.expiresAt ? { expiresAt: renewed.expiresAt } : {}) }
  } catch (error) {
    if (!isConnectError(error)) throw error
    if (error.kind === 'reauth' || error.kind === 'missing_permission') {
      await db
        .updateTable('channels')
        .set({ status: 'needs_reauth', last_error: error.message, last_error_at: now })
        .where('organisation_id', '=', channel.organisationId)
        .where('id', '=', channel.channelId)
        .execute()
      return { status: 'needs_reauth', reason: error.message }
    }
    return { status: 'failed', reason: error.message }
  }
}
