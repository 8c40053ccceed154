import {
  createKeyring,
  type Database,
  generateSecretKey,
  loadChannelCredentials,
  openDatabase,
  parseSecretKey,
} from '@earshot/core'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONTRACT_NOW } from '../testing/contract-clock.js'
import {
  type FakeFacebookLogin,
  startFakeFacebookLogin,
} from '../testing/fake-oauth/fake-facebook-login.js'
import { type FakeXOAuth, startFakeXOAuth } from '../testing/fake-oauth/fake-x-oauth.js'
import { createTestTenant } from '../testing/test-tenant.js'
import {
  type ConnectFlow,
  type ConnectGrant,
  createPkcePair,
  readCallback,
} from './connect-flow.js'
import { facebookConnectFlow } from './facebook-connect.js'
import { finalizeConnection } from './finalize-connection.js'
import { channelsDueForRefresh, refreshChannelCredentials } from './refresh-credentials.js'
import { xConnectFlow } from './x-connect.js'

const REDIRECT = 'http://127.0.0.1:9/connect/callback'
const client = { clientId: 'earshot-app', clientSecret: 'app-secret', redirectUris: [REDIRECT] }
const keyring = createKeyring(parseSecretKey(generateSecretKey()))
let clockMs = CONTRACT_NOW.getTime()
const now = () => new Date(clockMs)

let db: Kysely<Database>
let close: () => Promise<void>
let facebook: FakeFacebookLogin
let x: FakeXOAuth
let fbFlow: ConnectFlow
let xFlow: ConnectFlow

async function signIn(
  flow: ConnectFlow,
  fake: { consent: FakeFacebookLogin['consent'] },
): Promise<ConnectGrant> {
  const pkce = createPkcePair()
  const callback = new URL(
    await fake.consent(flow.authorizeUrl({ state: 's', codeChallenge: pkce.challenge }), {
      decision: 'allow',
    }),
  )
  return flow.exchangeCode({
    code: readCallback(flow.provider, callback.searchParams).code,
    codeVerifier: pkce.verifier,
  })
}

beforeAll(async () => {
  ;({ db, close } = await openDatabase())
  facebook = await startFakeFacebookLogin({
    client,
    now,
    pages: [
      {
        id: '104857293847561',
        name: 'Smile Dental',
        instagram: { id: '17841401234567890', username: 'smiledental' },
      },
    ],
  })
  x = await startFakeXOAuth({
    client,
    now,
    user: { id: '1460000000000000001', name: 'Smile Dental', username: 'smiledental' },
  })
  fbFlow = facebookConnectFlow({
    appId: client.clientId,
    appSecret: client.clientSecret,
    redirectUri: REDIRECT,
    dialogBaseUrl: facebook.url,
    graphBaseUrl: facebook.url,
    now,
  })
  xFlow = xConnectFlow({
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    redirectUri: REDIRECT,
    authorizeUrl: `${x.url}/i/oauth2/authorize`,
    apiBaseUrl: x.url,
    now,
  })
})
afterAll(async () => {
  await facebook.close()
  await x.close()
  await close()
})

describe('finalizeConnection', () => {
  it('creates a channel per picked account with sealed credentials, and a second connect reconnects instead of duplicating', async () => {
    const tenant = await createTestTenant(db, 'Finalize Clinic')
    const grant = await signIn(fbFlow, facebook)
    const accounts = await fbFlow.listAccounts(grant)
    const done = await finalizeConnection(
      db,
      {
        organisationId: tenant.organisationId,
        practiceId: tenant.practiceId,
        flow: fbFlow,
        accounts,
      },
      { keyring, now: now() },
    )
    expect(done.map((d) => [d.platform, d.created])).toEqual([
      ['facebook', true],
      ['instagram', true],
    ])
    expect(facebook.subscriptions.get('104857293847561')).toBeDefined()
    const page = accounts[0]!
    const row = await db
      .selectFrom('channel_credentials')
      .selectAll()
      .where('channel_id', '=', done[0]!.channelId)
      .executeTakeFirstOrThrow()
    expect(row.ciphertext).not.toContain(page.credentials.accessToken)
    const channel = await db
      .selectFrom('channels')
      .selectAll()
      .where('id', '=', done[0]!.channelId)
      .executeTakeFirstOrThrow()
    expect(JSON.stringify(channel.config)).not.toContain(page.credentials.accessToken)
    expect(
      (
        await loadChannelCredentials(db, done[0]!.channelId, {
          keyring,
          organisationId: tenant.organisationId,
        })
      )?.accessToken,
    ).toBe(page.credentials.accessToken)

    // The token dies, the channel waits for a reconnect; reconnecting puts it back.
    await db
      .updateTable('channels')
      .set({ status: 'needs_reauth', last_error: 'token expired' })
      .where('id', '=', done[0]!.channelId)
      .execute()
    const again = await fbFlow.listAccounts(await signIn(fbFlow, facebook))
    const reconnected = await finalizeConnection(
      db,
      {
        organisationId: tenant.organisationId,
        practiceId: tenant.practiceId,
        flow: fbFlow,
        accounts: again,
        channelId: done[0]!.channelId,
      },
      { keyring, now: now() },
    )
    expect(reconnected).toEqual([
      { channelId: done[0]!.channelId, platform: 'facebook', name: 'Smile Dental', created: false },
    ])
    const after = await db
      .selectFrom('channels')
      .selectAll()
      .where('id', '=', done[0]!.channelId)
      .executeTakeFirstOrThrow()
    expect([after.status, after.last_error]).toEqual(['active', null])
    expect(
      await db
        .selectFrom('channels')
        .select('id')
        .where('organisation_id', '=', tenant.organisationId)
        .execute(),
    ).toHaveLength(2)
  })

  it('refuses a reconnect whose sign-in cannot reach the channel, and never touches another practice', async () => {
    const tenant = await createTestTenant(db, 'Other Account Clinic')
    const channel = await tenant.channel({ platform: 'facebook', externalAccountId: '999' })
    const accounts = await fbFlow.listAccounts(await signIn(fbFlow, facebook))
    await expect(
      finalizeConnection(
        db,
        {
          organisationId: tenant.organisationId,
          practiceId: tenant.practiceId,
          flow: fbFlow,
          accounts,
          channelId: channel.id,
        },
        { keyring },
      ),
    ).rejects.toThrow(/cannot reach facebook channel/)
  })

  it('connects nothing that has a problem', async () => {
    const tenant = await createTestTenant(db, 'Problem Clinic')
    const accounts = (await fbFlow.listAccounts(await signIn(fbFlow, facebook))).map((a) => ({
      ...a,
      problem: 'no',
    }))
    await expect(
      finalizeConnection(
        db,
        {
          organisationId: tenant.organisationId,
          practiceId: tenant.practiceId,
          flow: fbFlow,
          accounts,
        },
        { keyring },
      ),
    ).rejects.toThrow(/Nothing was picked/)
  })
})

describe('refreshChannelCredentials', () => {
  it('renews an expiring X token, and a revoked grant marks the channel needs_reauth with the reason', async () => {
    const tenant = await createTestTenant(db, 'Refresh Clinic')
    const accounts = await xFlow.listAccounts(await signIn(xFlow, x))
    const [done] = await finalizeConnection(
      db,
      {
        organisationId: tenant.organisationId,
        practiceId: tenant.practiceId,
        flow: xFlow,
        accounts,
      },
      { keyring, now: now() },
    )
    const creds = async () => loadChannelCredentials(db, done!.channelId, { keyring })
    const before = await creds()
    expect(before?.expiresAt?.getTime()).toBe(clockMs + 7_200_000)
    expect((await channelsDueForRefresh(db, now())).map((d) => d.channelId)).not.toContain(
      done!.channelId,
    )
    clockMs += 7_200_000 - 10 * 60_000
    const due = await channelsDueForRefresh(db, now())
    expect(due.map((d) => d.channelId)).toContain(done!.channelId)

    const outcome = await refreshChannelCredentials(
      db,
      due.find((d) => d.channelId === done!.channelId)!,
      xFlow,
      { keyring, now: now() },
    )
    expect(outcome).toMatchObject({ status: 'refreshed' })
    const after = await creds()
    expect(after?.refreshToken).not.toBe(before?.refreshToken)
    expect(after?.expiresAt?.getTime()).toBe(clockMs + 7_200_000)

    x.core.revokeAll()
    const failed = await refreshChannelCredentials(
      db,
      { organisationId: tenant.organisationId, channelId: done!.channelId },
      xFlow,
      { keyring, now: now() },
    )
    expect(failed).toMatchObject({ status: 'needs_reauth' })
    const channel = await db
      .selectFrom('channels')
      .selectAll()
      .where('id', '=', done!.channelId)
      .executeTakeFirstOrThrow()
    expect(channel.status).toBe('needs_reauth')
    expect(channel.last_error).toMatch(/X no longer accepts the connection/)
    // A channel waiting for a reconnect is not retried on every run.
    clockMs += 7_200_000
    expect((await channelsDueForRefresh(db, now())).map((d) => d.channelId)).not.toContain(
      done!.channelId,
    )
  })
})
