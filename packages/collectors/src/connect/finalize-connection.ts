/**
 * @module The last step of a connect flow: the accounts the user picked become channels (or
 * renew an existing channel's credentials), tokens sealed at rest, and each account activated
 * with its platform (a Page subscribed to webhooks). An account that is already a channel of
 * the organisation is reconnected, never duplicated; a reconnect puts the channel back to
 * `active` and clears its last error.
 */
import {
  createChannel,
  type Database,
  EarshotError,
  type Keyring,
  saveChannelCredentials,
} from '@earshot/core'
import type { Kysely } from 'kysely'
import { type ConnectableAccount, ConnectError, type ConnectFlow } from './connect-flow.js'

export interface FinalizeConnectionInput {
  organisationId: string
  practiceId: string
  flow: ConnectFlow
  /** The accounts the user picked (from `flow.listAccounts`). */
  accounts: readonly ConnectableAccount[]
  /** Reconnect: the channel whose account must be among `accounts`. */
  channelId?: string
}

export interface FinalizedChannel {
  channelId: string
  platform: string
  name: string
  /** False when an existing channel was reconnected. */
  created: boolean
}

/**
 * Creates or reconnects the channels of the picked accounts.
 *
 * @example
 * const done = await finalizeConnection(db, { organisationId, practiceId, flow, accounts: picked })
 */
export async function finalizeConnection(
  db: Kysely<Database>,
  input: FinalizeConnectionInput,
  options: { keyring?: Keyring; now?: Date } = {},
): Promise<FinalizedChannel[]> {
  let accounts = input.accounts.filter((a) => a.problem === undefined)
  if (input.channelId !== undefined) {
    const channel = await db
      .selectFrom('channels')
      .select(['platform', 'external_account_id', 'name'])
      .where('organisation_id', '=', input.organisationId)
      .where('id', '=', input.channelId)
      .executeTakeFirst()
    if (!channel) throw new EarshotError('NOT_FOUND', 'no such channel')
    const match = accounts.find(
      (a) => a.platform === channel.platform && a.externalAccountId === channel.external_account_id,
    )
    if (!match)
      throw new ConnectError(
        'no_accounts',
        `The account you signed in with cannot reach ${channel.name}. Sign in as someone who manages it and try again.`,
      )
    accounts = [match]
  }
  if (accounts.length === 0)
    throw new ConnectError('no_accounts', 'Nothing was picked that can be connected.')
  // Activation calls the platform: done before the transaction, which then holds no network wait.
  for (const account of accounts) await input.flow.activate(account)
  const now = options.now ?? new Date()
  return db.transaction().execute(async (trx) => {
    const done: FinalizedChannel[] = []
    for (const account of accounts) {
      const existing = await trx
        .selectFrom('channels')
        .select(['id', 'config', 'name', 'practice_id'])
        .where('organisation_id', '=', input.organisationId)
        .where('platform', '=', account.platform)
        .where('external_account_id', '=', account.externalAccountId)
        .executeTakeFirst()
      if (existing && input.channelId === undefined && existing.practice_id !== input.practiceId)
        throw new ConnectError(
          'no_accounts',
          `${existing.name} is already connected in another practice; reconnect it there.`,
        )
      let channelId: string
      if (existing) {
        channelId = existing.id
        const config = { ...((existing.config ?? {}) as Record<string, unknown>) }
        // Keep what was configured before (a verify token typed into a dashboard stays valid).
        for (const [k, v] of Object.entries(account.config)) if (!(k in config)) config[k] = v
        for (const k of ['accessToken', 'refreshToken', 'bearerToken', 'userAccessToken'])
          delete config[k]
        await trx
          .updateTable('channels')
          .set({
            config: JSON.stringify(config),
            status: 'active',
            last_error: null,
            next_poll_at: null,
          })
          .where('organisation_id', '=', input.organisationId)
          .where('id', '=', channelId)
          .execute()
      } else {
        const created = await createChannel(trx, {
          organisationId: input.organisationId,
          practiceId: input.practiceId,
          platform: account.platform,
          externalAccountId: account.externalAccountId,
          name: account.name.slice(0, 200),
          ownIdentities: account.ownIdentities,
          config: account.config,
        })
        channelId = created.id
      }
      await saveChannelCredentials(
        trx,
        {
          organisationId: input.organisationId,
          channelId,
          accessToken: account.credentials.accessToken,
          ...(account.credentials.refreshToken
            ? { refreshToken: account.credentials.refreshToken }
            : {}),
          ...(account.credentials.expiresAt ? { expiresAt: account.credentials.expiresAt } : {}),
          scopes: account.credentials.scopes,
        },
        { ...(options.keyring ? { keyring: options.keyring } : {}), now },
      )
      done.push({
        channelId,
        platform: account.platform,
        name: existing?.name ?? account.name,
        created: !existing,
      })
    }
    return done
  })
}
