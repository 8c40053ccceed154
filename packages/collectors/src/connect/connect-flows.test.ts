import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { facebookSender } from '../send/meta-sender.js'
import { CONTRACT_NOW } from '../testing/contract-clock.js'
import {
  type FakeFacebookLogin,
  startFakeFacebookLogin,
} from '../testing/fake-oauth/fake-facebook-login.js'
import {
  type FakeGoogleOAuth,
  startFakeGoogleOAuth,
} from '../testing/fake-oauth/fake-google-oauth.js'
import { type FakeXOAuth, startFakeXOAuth } from '../testing/fake-oauth/fake-x-oauth.js'
import {
  type ConnectError,
  type ConnectFlow,
  createPkcePair,
  pkceChallenge,
  readCallback,
} from './connect-flow.js'
import {
  FACEBOOK_OPTIONAL_SCOPES,
  FACEBOOK_REQUIRED_SCOPES,
  facebookConnectFlow,
} from './facebook-connect.js'
import { GOOGLE_BUSINESS_SCOPE, googleConnectFlow, YOUTUBE_SCOPE } from './google-connect.js'
import { xConnectFlow } from './x-connect.js'

const REDIRECT = 'http://127.0.0.1:9/connect/callback'
const client = { clientId: 'earshot-app', clientSecret: 'app-secret', redirectUris: [REDIRECT] }
let clockMs = CONTRACT_NOW.getTime()
const now = () => new Date(clockMs)

/** Runs the authorize step through the fake's consent screen; returns the callback's query. */
async function authorize(
  flow: ConnectFlow,
  fake: { consent: FakeFacebookLogin['consent'] },
  choice: Parameters<FakeFacebookLogin['consent']>[1],
  state = 'state-123',
) {
  const pkce = createPkcePair()
  const url = flow.authorizeUrl({ state, codeChallenge: pkce.challenge })
  const callback = new URL(await fake.consent(url, choice))
  return { query: callback.searchParams, verifier: pkce.verifier, callback }
}

async function connectError(promise: Promise<unknown>): Promise<ConnectError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error, 'expected a ConnectError').toMatchObject({ name: 'ConnectError' })
  return error as ConnectError
}

describe('PKCE', () => {
  it('computes the RFC 7636 S256 test vector', () => {
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    )
    const pair = createPkcePair()
    expect(pair.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(pair.challenge).toBe(pkceChallenge(pair.verifier))
  })
})

describe('Facebook Login for Pages against the fake', () => {
  let fake: FakeFacebookLogin
  let flow: ConnectFlow
  beforeAll(async () => {
    fake = await startFakeFacebookLogin({
      client,
      now,
      pages: [
        {
          id: '104857293847561',
          name: 'Smile Dental',
          instagram: { id: '17841401234567890', username: 'smiledental' },
        },
        { id: '104857293847562', name: 'Smile Dental Kids' },
        { id: '104857293847563', name: 'Analyst Page', tasks: ['ANALYZE'] },
      ],
    })
    flow = facebookConnectFlow({
      appId: client.clientId,
      appSecret: client.clientSecret,
      redirectUri: REDIRECT,
      dialogBaseUrl: fake.url,
      graphBaseUrl: fake.url,
      now,
    })
  })
  afterAll(() => fake.close())

  it('connects the picked Pages and their Instagram accounts and subscribes a Page to webhooks', async () => {
    const { query, verifier } = await authorize(flow, fake, {
      decision: 'allow',
      picked: ['104857293847561', '104857293847563'],
    })
    const { code, state } = readCallback('facebook', query)
    expect(state).toBe('state-123')
    const grant = await flow.exchangeCode({ code, codeVerifier: verifier })
    expect(grant.accessToken).toMatch(/^EAAGlong/)
    expect(grant.expiresAt?.getTime()).toBe(clockMs + 5_183_944_000)
    expect(grant.scopes).toContain('pages_manage_metadata')
    const accounts = await flow.listAccounts(grant)
    expect(accounts.map((a) => [a.key, a.name, a.problem === undefined])).toEqual([
      ['facebook:104857293847561', 'Smile Dental', true],
      ['instagram:17841401234567890', '@smiledental', true],
      ['facebook:104857293847563', 'Analyst Page', false],
    ])
    const page = accounts[0]!
    expect(page.credentials.accessToken).toMatch(/^EAAGpage/)
    expect(page.credentials.expiresAt).toBeUndefined()
    expect(JSON.stringify(page.config)).not.toContain(page.credentials.accessToken)
    expect(accounts[2]!.problem).toMatch(/cannot moderate/)
    await flow.activate(page)
    expect(fake.subscriptions.get('104857293847561')).toBe('feed,messages,message_echoes')
    expect(await flow.refresh(page.credentials)).toEqual(page.credentials)
  })

  it("answers a comment with the connected Page's token, and refuses one without pages_manage_engagement", async () => {
    const connectPage = async (scopes?: string[]) => {
      const { query, verifier } = await authorize(flow, fake, {
        decision: 'allow',
        picked: ['104857293847561'],
        ...(scopes ? { scopes } : {}),
      })
      const grant = await flow.exchangeCode({
        code: readCallback('facebook', query).code,
        codeVerifier: verifier,
      })
      const [page] = await flow.listAccounts(grant)
      return facebookSender({
        accessToken: page!.credentials.accessToken,
        accountId: page!.externalAccountId,
        baseUrl: String(page!.config.baseUrl),
      })
    }
    const target = { kind: 'comment' as const, externalId: '5551_7001' }
    const sent = await (await connectPage()).send({
      target,
      text: 'Thanks, see you Thursday!',
      visibility: 'public',
      outboxKey: 'o1',
    })
    expect(fake.replies.at(-1)).toEqual({
      id: sent.externalId,
      commentId: '5551_7001',
      pageId: '104857293847561',
      text: 'Thanks, see you Thursday!',
    })
    const withoutReplying = [...FACEBOOK_REQUIRED_SCOPES, ...FACEBOOK_OPTIONAL_SCOPES].filter(
      (s) => s !== 'pages_manage_engagement',
    )
    const refused = await (await connectPage(withoutReplying))
      .send({ target, text: 'Hello', visibility: 'public', outboxKey: 'o2' })
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(refused).toMatchObject({ kind: 'permission' })
    expect(fake.replies).toHaveLength(1)
  })

  it('follows /me/accounts paging', async () => {
    const paged = await startFakeFacebookLogin({
      client,
      now,
      pages: Array.from({ length: 130 }, (_, i) => ({ id: String(9000 + i), name: `Page ${i}` })),
    })
    try {
      const pagedFlow = facebookConnectFlow({
        appId: client.clientId,
        appSecret: client.clientSecret,
        redirectUri: REDIRECT,
        dialogBaseUrl: paged.url,
        graphBaseUrl: paged.url,
        now,
      })
      const { query, verifier } = await authorize(pagedFlow, paged, { decision: 'allow' })
      const grant = await pagedFlow.exchangeCode({
        code: readCallback('facebook', query).code,
        codeVerifier: verifier,
      })
      expect((await pagedFlow.listAccounts(grant)).length).toBe(130)
    } finally {
      await paged.close()
    }
  })

  it('says in words that consent was declined', async () => {
    const { query } = await authorize(flow, fake, { decision: 'deny' })
    expect(query.get('error')).toBe('access_denied')
    expect(query.get('state')).toBe('state-123')
    expect(() => readCallback('facebook', query)).toThrow(/declined on Facebook/)
  })

  it('refuses an expired code and a code used twice', async () => {
    const first = await authorize(flow, fake, { decision: 'allow' })
    const { code } = readCallback('facebook', first.query)
    clockMs += 11 * 60_000
    expect(
      (await connectError(flow.exchangeCode({ code, codeVerifier: first.verifier }))).kind,
    ).toBe('invalid_code')
    const second = await authorize(flow, fake, { decision: 'allow' })
    const code2 = readCallback('facebook', second.query).code
    await flow.exchangeCode({ code: code2, codeVerifier: second.verifier })
    const error = await connectError(
      flow.exchangeCode({ code: code2, codeVerifier: second.verifier }),
    )
    expect(error.kind).toBe('invalid_code')
    expect(error.message).toMatch(/expired or was already used/)
  })

  it('names the permissions the user switched off', async () => {
    const scopes = new URL(flow.authorizeUrl({ state: 's', codeChallenge: 'c' })).searchParams
      .get('scope')!
      .split(',')
      .filter((s) => s !== 'pages_manage_metadata')
    const { query, verifier } = await authorize(flow, fake, { decision: 'allow', scopes })
    const error = await connectError(
      flow.exchangeCode({ code: readCallback('facebook', query).code, codeVerifier: verifier }),
    )
    expect(error.kind).toBe('missing_permission')
    expect(error.missing).toEqual(['pages_manage_metadata'])
    expect(error.message).toMatch(/did not grant pages_manage_metadata/)
  })

  it('marks Instagram accounts unconnectable when the Instagram permissions were declined', async () => {
    const scopes = new URL(flow.authorizeUrl({ state: 's', codeChallenge: 'c' })).searchParams
      .get('scope')!
      .split(',')
      .filter((s) => !s.startsWith('instagram_'))
    const { query, verifier } = await authorize(flow, fake, {
      decision: 'allow',
      scopes,
      picked: ['104857293847561'],
    })
    const grant = await flow.exchangeCode({
      code: readCallback('facebook', query).code,
      codeVerifier: verifier,
    })
    const ig = (await flow.listAccounts(grant)).find((a) => a.platform === 'instagram')
    expect(ig?.problem).toMatch(/instagram_basic/)
  })

  it('finds a dead Page token on refresh (password changed / app removed)', async () => {
    const { query, verifier } = await authorize(flow, fake, { decision: 'allow' })
    const grant = await flow.exchangeCode({
      code: readCallback('facebook', query).code,
      codeVerifier: verifier,
    })
    const [page] = await flow.listAccounts(grant)
    fake.core.revokeAll()
    const error = await connectError(flow.refresh(page!.credentials))
    expect(error.kind).toBe('reauth')
    expect(error.message).not.toContain(page!.credentials.accessToken)
  })
})

describe('Google (Business Profile + YouTube) against the fake', () => {
  let fake: FakeGoogleOAuth
  let flow: ConnectFlow
  beforeAll(async () => {
    fake = await startFakeGoogleOAuth({
      client,
      now,
      accounts: [
        {
          id: '1090',
          name: 'Smile Dental Group',
          locations: Array.from({ length: 12 }, (_, i) => ({
            id: String(8800 + i),
            title: `Smile Dental ${i}`,
            address: `${i} George St`,
          })),
        },
        { id: '1091', name: 'Empty group', locations: [] },
      ],
      youtubeChannel: { id: 'UCfakeSmileDental', title: 'Smile Dental TV' },
    })
    flow = googleConnectFlow({
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      redirectUri: REDIRECT,
      authorizeUrl: `${fake.url}/o/oauth2/v2/auth`,
      tokenUrl: `${fake.url}/token`,
      accountManagementBaseUrl: fake.url,
      businessInformationBaseUrl: fake.url,
      reviewsBaseUrl: fake.url,
      youtubeBaseUrl: fake.url,
      now,
    })
  })
  afterAll(() => fake.close())

  it('asks for offline access with PKCE, lists every location and the YouTube channel, and refreshes', async () => {
    const { query, verifier, callback } = await authorize(flow, fake, { decision: 'allow' })
    const url = new URL(flow.authorizeUrl({ state: 's', codeChallenge: 'c' }))
    expect(url.searchParams.get('access_type')).toBe('offline')
    expect(url.searchParams.get('code_challenge_method')).toBe('S256')
    expect(callback.searchParams.get('scope')).toContain(GOOGLE_BUSINESS_SCOPE)
    const grant = await flow.exchangeCode({
      code: readCallback('google', query).code,
      codeVerifier: verifier,
    })
    expect(grant.refreshToken).toMatch(/^1\/\/fake/)
    expect(grant.expiresAt?.getTime()).toBe(clockMs + 3_599_000)
    const accounts = await flow.listAccounts(grant)
    expect(accounts.filter((a) => a.platform === 'google').length).toBe(12)
    expect(accounts[0]).toMatchObject({
      externalAccountId: 'accounts/1090/locations/8800',
      name: 'Smile Dental 0',
      config: {
        locationName: 'accounts/1090/locations/8800',
        clientSecret: 'env:EARSHOT_GOOGLE_CLIENT_SECRET',
      },
    })
    expect(accounts.at(-1)).toMatchObject({
      platform: 'youtube',
      externalAccountId: 'UCfakeSmileDental',
    })
    const renewed = await flow.refresh(accounts[0]!.credentials)
    expect(renewed.accessToken).not.toBe(grant.accessToken)
    expect(renewed.refreshToken).toBe(grant.refreshToken)
  })

  it('refuses a wrong PKCE verifier', async () => {
    const { query } = await authorize(flow, fake, { decision: 'allow' })
    const error = await connectError(
      flow.exchangeCode({
        code: readCallback('google', query).code,
        codeVerifier: createPkcePair().verifier,
      }),
    )
    expect(error.kind).toBe('invalid_code')
  })

  it('connects only what the user left ticked', async () => {
    const { query, verifier } = await authorize(flow, fake, {
      decision: 'allow',
      scopes: [YOUTUBE_SCOPE],
    })
    const grant = await flow.exchangeCode({
      code: readCallback('google', query).code,
      codeVerifier: verifier,
    })
    expect((await flow.listAccounts(grant)).map((a) => a.platform)).toEqual(['youtube'])
    const none = await authorize(flow, fake, { decision: 'allow', scopes: [] })
    const error = await connectError(
      flow.exchangeCode({
        code: readCallback('google', none.query).code,
        codeVerifier: none.verifier,
      }),
    )
    expect(error.kind).toBe('missing_permission')
  })

  it('says the user declined, and that a revoked grant needs a reconnect', async () => {
    const denied = await authorize(flow, fake, { decision: 'deny' })
    expect(() => readCallback('google', denied.query)).toThrow(/declined on Google/)
    const { query, verifier } = await authorize(flow, fake, { decision: 'allow' })
    const grant = await flow.exchangeCode({
      code: readCallback('google', query).code,
      codeVerifier: verifier,
    })
    fake.core.revokeAll()
    const error = await connectError(flow.refresh(grant))
    expect(error.kind).toBe('reauth')
  })
})

describe('X OAuth 2.0 with PKCE against the fake', () => {
  let fake: FakeXOAuth
  let flow: ConnectFlow
  beforeAll(async () => {
    fake = await startFakeXOAuth({
      client,
      now,
      user: { id: '1460000000000000001', name: 'Smile Dental', username: 'smiledental' },
    })
    flow = xConnectFlow({
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      redirectUri: REDIRECT,
      authorizeUrl: `${fake.url}/i/oauth2/authorize`,
      apiBaseUrl: fake.url,
      now,
    })
  })
  afterAll(() => fake.close())

  it('connects the account and rotates the refresh token on refresh', async () => {
    const { query, verifier } = await authorize(flow, fake, { decision: 'allow' })
    const grant = await flow.exchangeCode({
      code: readCallback('x', query).code,
      codeVerifier: verifier,
    })
    expect(grant.scopes).toEqual(['tweet.read', 'tweet.write', 'users.read', 'offline.access'])
    const [account] = await flow.listAccounts(grant)
    expect(account).toMatchObject({
      platform: 'x',
      externalAccountId: '1460000000000000001',
      name: '@smiledental',
    })
    expect(account!.problem).toBeUndefined()
    const renewed = await flow.refresh(grant)
    expect(renewed.refreshToken).toBeDefined()
    expect(renewed.refreshToken).not.toBe(grant.refreshToken)
    // The spent refresh token no longer works: a second refresh with it means reconnecting.
    expect((await connectError(flow.refresh(grant))).kind).toBe('reauth')
    expect((await flow.refresh(renewed)).accessToken).toMatch(/^xat-/)
  })

  it('hands the state back unchanged and refuses a wrong verifier and an expired code', async () => {
    const { query } = await authorize(flow, fake, { decision: 'allow' }, 'state-abc')
    expect(query.get('state')).toBe('state-abc')
    const wrong = await connectError(
      flow.exchangeCode({
        code: readCallback('x', query).code,
        codeVerifier: createPkcePair().verifier,
      }),
    )
    expect(wrong.kind).toBe('invalid_code')
    const late = await authorize(flow, fake, { decision: 'allow' })
    clockMs += 31_000
    const expired = await connectError(
      flow.exchangeCode({ code: readCallback('x', late.query).code, codeVerifier: late.verifier }),
    )
    expect(expired.message).toMatch(/expired or was already used/)
  })

  it('needs offline.access to stay connected', async () => {
    const { query, verifier } = await authorize(flow, fake, {
      decision: 'allow',
      scopes: ['tweet.read', 'tweet.write', 'users.read'],
    })
    const error = await connectError(
      flow.exchangeCode({ code: readCallback('x', query).code, codeVerifier: verifier }),
    )
    expect(error.missing).toEqual(['offline.access'])
  })
})
