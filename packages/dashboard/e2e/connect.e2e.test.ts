/**
 * Connecting accounts in real Chromium against the fake authorisation servers: the browser
 * clicks "Connect …" in the dashboard, is handed to the fake provider's consent page, clicks
 * Allow or Cancel there, and comes back through the callback to the picker. Codes expire on the
 * fakes' own clock (moved while the browser is on its way back), and a tampered state is
 * produced by rewriting the callback request.
 */
import {
  type FakeFacebookLogin,
  type FakeGoogleOAuth,
  type FakeXOAuth,
  startFakeFacebookLogin,
  startFakeGoogleOAuth,
  startFakeXOAuth,
} from '@earshot/collectors/testing'
import {
  configureKeyring,
  createOrganisation,
  createPractice,
  type EarshotDatabase,
  generateSecretKey,
  openDatabase,
} from '@earshot/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDashboard } from '../src/app.js'
import { createUser } from '../src/auth/create-user.js'
import {
  type ConnectFlows,
  connectFlowsFromEnv,
  connectRedirectUri,
} from '../src/connect/connect-config.js'
import { type RunningServer, startServer } from '../src/server.js'
import { chromiumAvailable, launchBrowser, screenshot, type TestBrowser } from './browser.js'

const PASSWORD = 'connect accounts e2e 2026'

describe.runIf(chromiumAvailable)('connecting accounts in headless Chromium', () => {
  let database: EarshotDatabase
  let server: RunningServer
  let browser: TestBrowser
  let facebook: FakeFacebookLogin
  let google: FakeGoogleOAuth
  let x: FakeXOAuth
  let practiceId: string
  // The fakes' clock: codes expire on it, and only the tests move it.
  let fakeMs = Date.parse('2026-12-02T10:00:00Z')
  const fakeNow = () => new Date(fakeMs)
  const connect: ConnectFlows = {}

  beforeAll(async () => {
    configureKeyring({ env: { EARSHOT_SECRET_KEY: generateSecretKey() } })
    database = await openDatabase()
    const org = await createOrganisation(database.db, { name: 'Smile Dental Group' })
    const practice = await createPractice(database.db, {
      organisationId: org.id,
      name: 'Smile Dental',
      schedule: {
        timeZone: 'Australia/Sydney',
        weekly: { mon: [{ start: '08:00', end: '18:00' }] },
      },
      promise: { targets: [{ duration: '2 business hours' }] },
    })
    practiceId = practice.id
    await createUser(database.db, {
      organisationId: org.id,
      email: 'owner@smile.example',
      name: 'Olive Owner',
      password: PASSWORD,
      role: 'agency_admin',
    })
    // The flows are read per request, so they can be filled in once the server's port is known.
    server = await startServer({
      app: createDashboard({ db: database.db, connect }),
      port: 0,
      handleSignals: false,
    })
    const client = (provider: 'facebook' | 'google' | 'x') => ({
      clientId: `${provider}-client`,
      clientSecret: `${provider}-secret`,
      redirectUris: [connectRedirectUri(server.url, provider)],
    })
    facebook = await startFakeFacebookLogin({
      client: client('facebook'),
      now: fakeNow,
      pages: [
        {
          id: '104857293847561',
          name: 'Smile Dental',
          instagram: { id: '17841401234567890', username: 'smiledental' },
        },
        { id: '104857293847562', name: 'Smile Dental Kids' },
      ],
    })
    google = await startFakeGoogleOAuth({
      client: client('google'),
      now: fakeNow,
      accounts: [
        {
          id: '1090',
          name: 'Smile Dental Group',
          locations: [{ id: '8877', title: 'Smile Dental Centar', address: '1 George St' }],
        },
      ],
      youtubeChannel: { id: 'UCsmiledental', title: 'Smile Dental TV' },
    })
    x = await startFakeXOAuth({
      client: client('x'),
      now: fakeNow,
      user: { id: '1460000000000000001', name: 'Smile Dental', username: 'smiledental' },
    })
    Object.assign(
      connect,
      connectFlowsFromEnv({
        EARSHOT_PUBLIC_URL: server.url,
        EARSHOT_FACEBOOK_APP_ID: 'facebook-client',
        EARSHOT_FACEBOOK_APP_SECRET: 'facebook-secret',
        EARSHOT_FACEBOOK_DIALOG_URL: facebook.url,
        EARSHOT_FACEBOOK_GRAPH_URL: facebook.url,
        EARSHOT_GOOGLE_CLIENT_ID: 'google-client',
        EARSHOT_GOOGLE_CLIENT_SECRET: 'google-secret',
        EARSHOT_GOOGLE_AUTHORIZE_URL: `${google.url}/o/oauth2/v2/auth`,
        EARSHOT_GOOGLE_TOKEN_URL: `${google.url}/token`,
        EARSHOT_GOOGLE_API_URL: google.url,
        EARSHOT_X_CLIENT_ID: 'x-client',
        EARSHOT_X_CLIENT_SECRET: 'x-secret',
        EARSHOT_X_AUTHORIZE_URL: `${x.url}/i/oauth2/authorize`,
        EARSHOT_X_API_URL: x.url,
      }),
    )
    browser = await launchBrowser()
    const { page } = browser
    await page.goto(`${server.url}/login`)
    await page.fill('input[name=email]', 'owner@smile.example')
    await page.fill('input[name=password]', PASSWORD)
    await Promise.all([page.waitForURL(`${server.url}/`), page.click('button[type=submit]')])
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await facebook?.close()
    await google?.close()
    await x?.close()
    await database?.close()
  })

  /** Clicks "Connect <name>" and waits for the provider's consent page. */
  async function startConnect(name: string, providerUrl: string) {
    const { page } = browser
    await page.goto(`${server.url}/practices/${practiceId}/connect`)
    await Promise.all([
      page.waitForURL((url) => url.toString().startsWith(providerUrl)),
      page.getByRole('button', { name: `Connect ${name}` }).click(),
    ])
  }

  const tokens = () => [
    ...facebook.core.tokens.keys(),
    ...google.core.tokens.keys(),
    ...x.core.tokens.keys(),
  ]
  const seen: string[] = []
  async function record() {
    seen.push(await browser.page.content(), browser.page.url())
  }

  it('connects a Facebook Page and its Instagram account: consent granted', async () => {
    const { page } = browser
    await page.goto(`${server.url}/practices/${practiceId}/connect`)
    await screenshot(page, 'connect-accounts')
    await startConnect('Facebook', facebook.url)
    await screenshot(page, 'connect-fake-facebook-consent')
    await Promise.all([
      page.waitForURL(/\/connect\/pick\//),
      page.getByRole('button', { name: 'Allow' }).click(),
    ])
    await record()
    const main = await page.textContent('main')
    expect(main).toContain('Smile Dental Kids')
    expect(main).toContain('@smiledental')
    await screenshot(page, 'connect-pick-accounts')
    await page.getByLabel(/Smile Dental Kids/).uncheck()
    await Promise.all([
      page.waitForURL(/notice=connected/),
      page.getByRole('button', { name: 'Connect selected' }).click(),
    ])
    await record()
    const listed = await page.textContent('main')
    expect(listed).toContain('Connected.')
    expect(listed).toContain('@smiledental')
    expect(listed).not.toContain('Smile Dental Kids')
    expect(facebook.subscriptions.get('104857293847561')).toBe('feed,messages,message_echoes')
    expect(facebook.subscriptions.has('104857293847562')).toBe(false)
  })

  it('says nothing was connected when consent is denied', async () => {
    const { page } = browser
    await startConnect('Facebook', facebook.url)
    await Promise.all([
      page.waitForURL(/\/connect\/facebook\/callback/),
      page.getByRole('button', { name: 'Cancel' }).click(),
    ])
    await record()
    expect(await page.textContent('main')).toContain('You cancelled or declined on Facebook')
    await screenshot(page, 'connect-denied')
  })

  /**
   * Submits the fake's consent form with the provider's redirect back rewritten by `change`
   * (Playwright does not route redirected requests, so the redirect itself is intercepted).
   */
  async function allowWithRedirect(change: (location: URL) => void) {
    const { page } = browser
    const decision = `${facebook.url}/v23.0/dialog/oauth/decision`
    await page.route(decision, async (route) => {
      const response = await route.fetch({ maxRedirects: 0 })
      const location = new URL(response.headers().location ?? '')
      change(location)
      await route.fulfill({
        response,
        headers: { ...response.headers(), location: location.toString() },
      })
    })
    try {
      await Promise.all([
        page.waitForURL(/\/connect\/facebook\/callback/),
        page.getByRole('button', { name: 'Allow' }).click(),
      ])
    } finally {
      await page.unroute(decision)
    }
  }

  it('explains an authorisation code that expired on the way back', async () => {
    const { page } = browser
    await startConnect('Facebook', facebook.url)
    // The code was issued; ten minutes pass on the provider's clock before it is redeemed.
    await allowWithRedirect(() => {
      fakeMs += 11 * 60_000
    })
    await record()
    expect(await page.textContent('main')).toContain(
      'The Facebook sign-in expired or was already used',
    )
  })

  it('refuses a callback whose state does not match', async () => {
    const { page } = browser
    await startConnect('Facebook', facebook.url)
    await allowWithRedirect((location) => location.searchParams.set('state', 'forged-state'))
    await record()
    expect(await page.textContent('main')).toContain('does not match a connection you started here')
  })

  it('connects a Google Business Profile location and the YouTube channel', async () => {
    const { page } = browser
    await startConnect('Google', google.url)
    await Promise.all([
      page.waitForURL(/\/connect\/pick\//),
      page.getByRole('button', { name: 'Allow' }).click(),
    ])
    await record()
    expect(await page.textContent('main')).toContain('Smile Dental Centar')
    expect(await page.textContent('main')).toContain('Smile Dental TV')
    await Promise.all([
      page.waitForURL(/notice=connected/),
      page.getByRole('button', { name: 'Connect selected' }).click(),
    ])
    await record()
    expect(await page.textContent('main')).toContain('Smile Dental TV')
  })

  it('connects an X account with PKCE, and the Google denial path says so', async () => {
    const { page } = browser
    await startConnect('X', x.url)
    expect(new URL(page.url()).searchParams.get('code_challenge_method')).toBe('S256')
    await Promise.all([
      page.waitForURL(/\/connect\/pick\//),
      page.getByRole('button', { name: 'Allow' }).click(),
    ])
    await Promise.all([
      page.waitForURL(/notice=connected/),
      page.getByRole('button', { name: 'Connect selected' }).click(),
    ])
    await record()
    expect(await page.textContent('main')).toContain('@smiledental')
    await startConnect('Google', google.url)
    await Promise.all([
      page.waitForURL(/\/connect\/google\/callback/),
      page.getByRole('button', { name: 'Cancel' }).click(),
    ])
    expect(await page.textContent('main')).toContain('You cancelled or declined on Google')
  })

  it('reconnects a channel that lost its token, back to active', async () => {
    const { page } = browser
    const channel = await database.db
      .selectFrom('channels')
      .selectAll()
      .where('platform', '=', 'facebook')
      .where('external_account_id', '=', '104857293847561')
      .executeTakeFirstOrThrow()
    await database.db
      .updateTable('channels')
      .set({ status: 'needs_reauth', last_error: 'Facebook no longer accepts the token' })
      .where('id', '=', channel.id)
      .execute()
    await page.goto(`${server.url}/channels/${channel.id}/connect`)
    expect(await page.textContent('main')).toContain('Facebook no longer accepts the token')
    await screenshot(page, 'connect-reconnect')
    await Promise.all([
      page.waitForURL((url) => url.toString().startsWith(facebook.url)),
      page.getByRole('button', { name: 'Reconnect with Facebook' }).click(),
    ])
    await Promise.all([
      page.waitForURL(/notice=reconnected/),
      page.getByRole('button', { name: 'Allow' }).click(),
    ])
    await record()
    const after = await database.db
      .selectFrom('channels')
      .selectAll()
      .where('id', '=', channel.id)
      .executeTakeFirstOrThrow()
    expect([after.status, after.last_error]).toEqual(['active', null])
  })

  it('never showed the browser a token', () => {
    expect(tokens().length).toBeGreaterThan(3)
    const all = seen.join('\n')
    for (const token of tokens()) expect(all).not.toContain(token)
  })
})
