import {
  type FakeFacebookLogin,
  type FakeXOAuth,
  startFakeFacebookLogin,
  startFakeXOAuth,
} from '@earshot/collectors/testing'
import { configureKeyring, generateSecretKey, loadChannelCredentials } from '@earshot/core'
import type { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type ConnectFlows,
  connectFlowsFromEnv,
  connectRedirectUri,
} from '../connect/connect-config.js'
import { refreshDueTokens } from '../connect/token-refresh-job.js'
import type { DashboardEnv } from '../http/dashboard-env.js'
import {
  createTestWorld,
  NOW,
  signIn,
  type TestClient,
  type TestWorld,
} from '../test-support/test-world.js'

const PUBLIC_URL = 'http://earshot.test'
let world: TestWorld
let facebook: FakeFacebookLogin
let x: FakeXOAuth
let flows: ConnectFlows
let clockMs = NOW.getTime()
const now = () => new Date(clockMs)
let app: Hono<DashboardEnv>
let admin: TestClient
/** Every page body of every flow, checked for tokens at the end. */
const pages: string[] = []

const decode = (s: string) =>
  s.replace(/&amp;/g, '&').replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))

async function text(response: Response): Promise<string> {
  const body = await response.text()
  pages.push(body, response.headers.get('location') ?? '')
  return body
}

/** Starts a connection (POST with CSRF) and returns the provider URL of the hand-off page. */
async function start(client: TestClient, path: string): Promise<string> {
  const response = await client.post(path, {})
  expect(response.status).toBe(200)
  const html = await text(response)
  const match = /content="0;url=([^"]+)"/.exec(html)
  expect(match, 'hand-off page with a meta refresh').not.toBeNull()
  return decode(match![1]!)
}

/** Follows the provider's redirect back into the dashboard. */
async function callback(client: TestClient, location: string): Promise<Response> {
  const url = new URL(location)
  expect(url.origin).toBe(PUBLIC_URL)
  return client.get(url.pathname + url.search)
}

async function pick(client: TestClient, path: string, keys: string[]): Promise<Response> {
  const body = new URLSearchParams({ _csrf: client.csrf })
  for (const k of keys) body.append('account', k)
  return client.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
  })
}

beforeAll(async () => {
  configureKeyring({ env: { EARSHOT_SECRET_KEY: generateSecretKey() } })
  world = await createTestWorld()
  const client = (provider: 'facebook' | 'x') => ({
    clientId: `${provider}-app`,
    clientSecret: `${provider}-secret`,
    redirectUris: [connectRedirectUri(PUBLIC_URL, provider)],
  })
  facebook = await startFakeFacebookLogin({
    client: client('facebook'),
    now,
    pages: [
      {
        id: 'page-harbour',
        name: 'Harbour GP',
        instagram: { id: '17841400000000001', username: 'harbourgp' },
      },
      { id: 'page-<b>new</b>', name: '<script>alert(1)</script> Clinic' },
    ],
  })
  x = await startFakeXOAuth({
    client: client('x'),
    now,
    user: { id: '1460000000000000001', name: 'Harbour GP', username: 'harbourgp' },
  })
  flows = connectFlowsFromEnv(
    {
      EARSHOT_PUBLIC_URL: PUBLIC_URL,
      EARSHOT_FACEBOOK_APP_ID: 'facebook-app',
      EARSHOT_FACEBOOK_APP_SECRET: 'facebook-secret',
      EARSHOT_FACEBOOK_DIALOG_URL: facebook.url,
      EARSHOT_FACEBOOK_GRAPH_URL: facebook.url,
      EARSHOT_X_CLIENT_ID: 'x-app',
      EARSHOT_X_CLIENT_SECRET: 'x-secret',
      EARSHOT_X_AUTHORIZE_URL: `${x.url}/i/oauth2/authorize`,
      EARSHOT_X_API_URL: x.url,
    },
    { now },
  )
  app = world.makeApp({ connect: flows, now })
  admin = await signIn(app, 'admin@a.example')
})

afterAll(async () => {
  await facebook?.close()
  await x?.close()
  await world?.close()
})

describe('connecting Facebook Pages', () => {
  it('offers the configured providers and says what the others need', async () => {
    const html = await text(await admin.get(`/practices/${world.a.practice1}/connect`))
    expect(html).toContain('Connect Facebook')
    expect(html).toContain('Connect X')
    expect(html).toContain('EARSHOT_GOOGLE_CLIENT_ID')
  })

  it('signs in, picks Pages and Instagram, creates channels with sealed tokens and subscribes the Page', async () => {
    const authorizeUrl = await start(admin, `/practices/${world.a.practice1}/connect/facebook`)
    expect(new URL(authorizeUrl).searchParams.get('redirect_uri')).toBe(
      `${PUBLIC_URL}/connect/facebook/callback`,
    )
    const back = await callback(admin, await facebook.consent(authorizeUrl, { decision: 'allow' }))
    expect(back.status).toBe(303)
    const pickPath = back.headers.get('location')!
    expect(pickPath).toMatch(/^\/connect\/pick\//)
    const picker = await text(await admin.get(pickPath))
    expect(picker).toContain('@harbourgp')
    expect(picker).not.toContain('<script>alert(1)</script>')
    expect(picker).toContain('&lt;script&gt;')
    const done = await pick(admin, pickPath, [
      'facebook:page-<b>new</b>',
      'instagram:17841400000000001',
    ])
    expect(done.status, done.status === 303 ? '' : await done.text()).toBe(303)
    expect(done.headers.get('location')).toBe(
      `/practices/${world.a.practice1}/connect?notice=connected`,
    )
    expect(await text(await admin.get(done.headers.get('location')!))).toContain('Connected.')

    const channels = await world.db
      .selectFrom('channels')
      .selectAll()
      .where('organisation_id', '=', world.a.orgId)
      .where('external_account_id', 'in', ['page-<b>new</b>', '17841400000000001'])
      .execute()
    expect(channels.map((c) => c.platform).sort()).toEqual(['facebook', 'instagram'])
    expect(facebook.subscriptions.get('page-<b>new</b>')).toBe('feed,messages,message_echoes')
    // Instagram rides on its Page's subscription.
    expect(facebook.subscriptions.get('page-harbour')).toBe('feed,messages,message_echoes')
    const creds = await loadChannelCredentials(world.db, channels[0]!.id, {
      organisationId: world.a.orgId,
    })
    expect(creds?.accessToken).toMatch(/^EAAGpage/)
    for (const c of channels) expect(JSON.stringify(c.config)).not.toContain('EAAG')
    // A used pick is gone.
    expect((await admin.get(pickPath)).status).toBe(404)
    const log = await world.db
      .selectFrom('user_actions')
      .select(['action', 'detail'])
      .where('organisation_id', '=', world.a.orgId)
      .where('action', '=', 'channel.connected')
      .execute()
    expect(log.length).toBeGreaterThanOrEqual(2)
    expect(JSON.stringify(log)).not.toContain('EAAG')
  })

  it('says so in words when consent is declined', async () => {
    const authorizeUrl = await start(admin, `/practices/${world.a.practice1}/connect/facebook`)
    const back = await callback(admin, await facebook.consent(authorizeUrl, { decision: 'deny' }))
    expect(back.status).toBe(400)
    expect(await text(back)).toContain('You cancelled or declined on Facebook')
  })

  it('refuses a callback whose state was changed, one from another session, and one that is too late', async () => {
    const authorizeUrl = await start(admin, `/practices/${world.a.practice1}/connect/facebook`)
    const location = new URL(await facebook.consent(authorizeUrl, { decision: 'allow' }))
    const forged = new URL(location)
    forged.searchParams.set('state', 'attacker-state')
    const refused = await callback(admin, forged.toString())
    expect(refused.status).toBe(403)
    expect(await text(refused)).toContain('does not match a connection you started here')

    // The same genuine callback, replayed in another user's session.
    const manager = await signIn(app, 'manager@a.example')
    expect((await callback(manager, location.toString())).status).toBe(403)
    // …and the state is spent: the owner cannot use it afterwards either.
    expect((await callback(admin, location.toString())).status).toBe(403)

    const late = await start(admin, `/practices/${world.a.practice1}/connect/facebook`)
    const lateBack = await facebook.consent(late, { decision: 'allow' })
    clockMs += 11 * 60_000
    const tooLate = await callback(admin, lateBack)
    expect(tooLate.status).toBe(403)
  })

  it('explains an authorisation code that was already used', async () => {
    const authorizeUrl = await start(admin, `/practices/${world.a.practice1}/connect/facebook`)
    const location = await facebook.consent(authorizeUrl, { decision: 'allow' })
    // Someone else redeemed the code first (a replayed redirect): the user's callback finds it spent.
    const code = new URL(location).searchParams.get('code')!
    await flows.facebook!.exchangeCode({ code, codeVerifier: '' })
    const back = await callback(admin, location)
    expect(back.status).toBe(400)
    expect(await text(back)).toContain('expired or was already used')
  })

  it('reconnects a channel that needs it: status back to active, last error cleared', async () => {
    await world.db
      .updateTable('channels')
      .set({ status: 'needs_reauth', last_error: 'Facebook no longer accepts the token' })
      .where('id', '=', world.a.channel1)
      .execute()
    const page = await text(await admin.get(`/channels/${world.a.channel1}/connect`))
    expect(page).toContain('Reconnect with Facebook')
    expect(page).toContain('Facebook no longer accepts the token')
    const authorizeUrl = await start(admin, `/channels/${world.a.channel1}/connect/facebook`)
    const back = await callback(admin, await facebook.consent(authorizeUrl, { decision: 'allow' }))
    expect(back.status).toBe(303)
    expect(back.headers.get('location')).toBe(
      `/channels/${world.a.channel1}/connect?notice=reconnected`,
    )
    const channel = await world.db
      .selectFrom('channels')
      .selectAll()
      .where('id', '=', world.a.channel1)
      .executeTakeFirstOrThrow()
    expect([channel.status, channel.last_error]).toEqual(['active', null])
    expect((await loadChannelCredentials(world.db, world.a.channel1))?.accessToken).toMatch(
      /^EAAGpage/,
    )
  })

  it('keeps viewers, other organisations and forged forms out', async () => {
    const viewer = await signIn(app, 'viewer@a.example')
    expect((await viewer.post(`/practices/${world.a.practice1}/connect/facebook`, {})).status).toBe(
      403,
    )
    expect((await viewer.post(`/channels/${world.a.channel1}/connect/facebook`, {})).status).toBe(
      403,
    )
    const rival = await signIn(app, 'admin@b.example')
    expect((await rival.post(`/practices/${world.a.practice1}/connect/facebook`, {})).status).toBe(
      404,
    )
    expect((await rival.get(`/channels/${world.a.channel1}/connect`)).status).toBe(404)
    expect((await rival.post(`/channels/${world.a.channel1}/connect/facebook`, {})).status).toBe(
      404,
    )
    expect(
      (await admin.post(`/practices/${world.a.practice1}/connect/facebook`, {}, { csrf: null }))
        .status,
    ).toBe(403)
    expect((await admin.post(`/practices/${world.a.practice1}/connect/google`, {})).status).toBe(
      404,
    )
    expect((await admin.post(`/channels/${world.a.channel1}/connect/x`, {})).status).toBe(400)
  })
})

describe('connecting X and refreshing its tokens', () => {
  it('connects the account, refreshes before expiry and marks a revoked one needs_reauth', async () => {
    const authorizeUrl = await start(admin, `/practices/${world.a.practice1}/connect/x`)
    const params = new URL(authorizeUrl).searchParams
    expect(params.get('code_challenge_method')).toBe('S256')
    const back = await callback(admin, await x.consent(authorizeUrl, { decision: 'allow' }))
    const pickPath = back.headers.get('location')!
    expect(await text(await admin.get(pickPath))).toContain('@harbourgp')
    expect((await pick(admin, pickPath, ['x:1460000000000000001'])).status).toBe(303)
    const channel = await world.db
      .selectFrom('channels')
      .selectAll()
      .where('organisation_id', '=', world.a.orgId)
      .where('platform', '=', 'x')
      .where('external_account_id', '=', '1460000000000000001')
      .executeTakeFirstOrThrow()
    const before = await loadChannelCredentials(world.db, channel.id)

    expect((await refreshDueTokens({ db: world.db, flows, now: now() })).refreshed).toBe(0)
    clockMs += 7_200_000 - 5 * 60_000
    expect(await refreshDueTokens({ db: world.db, flows, now: now() })).toMatchObject({
      refreshed: 1,
    })
    const after = await loadChannelCredentials(world.db, channel.id)
    expect(after?.refreshToken).not.toBe(before?.refreshToken)

    x.core.revokeAll()
    clockMs += 7_200_000
    expect(await refreshDueTokens({ db: world.db, flows, now: now() })).toMatchObject({
      needs_reauth: 1,
    })
    const broken = await world.db
      .selectFrom('channels')
      .selectAll()
      .where('id', '=', channel.id)
      .executeTakeFirstOrThrow()
    expect(broken.status).toBe('needs_reauth')
    expect(broken.last_error).toMatch(/Reconnect the account/)
    const reconnect = await text(await admin.get(`/channels/${channel.id}/connect`))
    expect(reconnect).toContain('Reconnect with X')
  })
})

describe('tokens never reach the browser', () => {
  it('no page, redirect or hand-off of any flow above holds a token the fakes issued', () => {
    const tokens = [...facebook.core.tokens.keys(), ...x.core.tokens.keys()]
    expect(tokens.length).toBeGreaterThan(5)
    const all = pages.join('\n')
    for (const token of tokens) expect(all).not.toContain(token)
  })
})
