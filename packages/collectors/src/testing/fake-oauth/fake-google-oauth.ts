/**
 * @module A fake of Google's OAuth 2.0 server and the account APIs the connect flow reads:
 * the consent screen (scopes can be unticked), the token endpoint (authorization code with
 * PKCE, refresh tokens only for `access_type=offline`, `invalid_grant` for bad, used, expired
 * or revoked grants), Business Profile accounts and locations (`readMask` required, paged) and
 * YouTube `channels.list?mine=true`. All on one loopback server.
 */
import {
  type FakeRequest,
  type FakeResponse,
  type FakeServer,
  startFakeServer,
} from '../fake-server.js'
import {
  bearerOf,
  type ConsentChoice,
  consentWithoutBrowser,
  FakeOAuthCore,
  type FakeOAuthOptions,
  redirectTo,
} from './fake-oauth-core.js'

const BUSINESS = 'https://www.googleapis.com/auth/business.manage'
const YOUTUBE = 'https://www.googleapis.com/auth/youtube.force-ssl'

export interface FakeGoogleOAuthOptions extends FakeOAuthOptions {
  /** Business Profile accounts with their locations. */
  accounts: {
    id: string
    name: string
    locations: { id: string; title: string; address?: string }[]
  }[]
  /** The YouTube channel of the signed-in identity (none: the user has none). */
  youtubeChannel?: { id: string; title: string }
}

export interface FakeGoogleOAuth extends FakeServer {
  core: FakeOAuthCore
  consent(authorizeUrl: string, choice: ConsentChoice): Promise<string>
}

const oauthError = (status: number, error: string, description: string): FakeResponse => ({
  status,
  body: { error, error_description: description },
})
const apiError = (code: number, status: string, message: string): FakeResponse => ({
  status: code,
  body: { error: { code, message, status } },
})

/** Starts the fake on 127.0.0.1. */
export async function startFakeGoogleOAuth(
  options: FakeGoogleOAuthOptions,
): Promise<FakeGoogleOAuth> {
  const core = new FakeOAuthCore(options)
  const scopesOf = (q: URLSearchParams) => (q.get('scope') ?? '').split(' ').filter(Boolean)

  const authenticated = (request: FakeRequest, scope: string): FakeResponse | undefined => {
    const t = core.liveToken(bearerOf(request), ['access'])
    if (!t)
      return apiError(
        401,
        'UNAUTHENTICATED',
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
      )
    if (!t.scopes.includes(scope))
      return apiError(403, 'PERMISSION_DENIED', 'Request had insufficient authentication scopes.')
    return undefined
  }
  const page = <T>(items: T[], query: URLSearchParams, max: number) => {
    const size = Math.min(max, Math.max(1, Number(query.get('pageSize') ?? 10)))
    const start = Number(query.get('pageToken') ?? 0)
    const slice = items.slice(start, start + size)
    return { slice, next: start + size < items.length ? String(start + size) : undefined }
  }

  const handler = (request: FakeRequest): FakeResponse => {
    const { method, path, query } = request
    if (method === 'GET' && path === '/o/oauth2/v2/auth') {
      const problem = core.checkAuthorizeRequest(query)
      if (problem)
        return {
          status: 400,
          headers: { 'content-type': 'text/html' },
          body: `<p>Error 400: ${problem}</p>`,
        }
      return core.consentPage(
        'Earshot wants to access your Google Account',
        '/o/oauth2/v2/auth/decision',
        query,
        scopesOf(query),
      )
    }
    if (method === 'POST' && path === '/o/oauth2/v2/auth/decision') {
      const { query: q, decision, granted } = core.readDecision(request)
      const redirect = q.get('redirect_uri') ?? ''
      if (decision !== 'allow')
        return redirectTo(redirect, { error: 'access_denied', state: q.get('state') ?? undefined })
      const code = core.issueCode(q, granted, [], q.get('access_type') === 'offline')
      return redirectTo(redirect, {
        state: q.get('state') ?? undefined,
        code,
        scope: granted.join(' '),
      })
    }
    if (method === 'POST' && path === '/token') {
      const form = new URLSearchParams(request.body)
      const client = core.clientCredentials(request, form)
      if (client.id !== core.client.clientId || client.secret !== core.client.clientSecret)
        return oauthError(401, 'invalid_client', 'Unauthorized')
      if (form.get('grant_type') === 'authorization_code') {
        const redeemed = core.redeemCode(form.get('code') ?? '', {
          clientId: client.id,
          redirectUri: form.get('redirect_uri') ?? '',
          ...(form.get('code_verifier') ? { codeVerifier: form.get('code_verifier')! } : {}),
        })
        if (redeemed === 'redirect_mismatch')
          return oauthError(400, 'redirect_uri_mismatch', 'Bad Request')
        if (redeemed === 'verifier_missing')
          return oauthError(400, 'invalid_grant', 'Missing code verifier.')
        if (redeemed === 'verifier_mismatch')
          return oauthError(400, 'invalid_grant', 'Invalid code verifier.')
        if (typeof redeemed === 'string') return oauthError(400, 'invalid_grant', 'Bad Request')
        const access = core.issueToken('ya29.fake', {
          kind: 'access',
          scopes: redeemed.scopes,
          declined: [],
          picked: [],
          expiresAt: core.now() + 3599_000,
        })
        const refresh = redeemed.offline
          ? core.issueToken('1//fake', {
              kind: 'refresh',
              scopes: redeemed.scopes,
              declined: [],
              picked: [],
            })
          : undefined
        return {
          body: {
            access_token: access,
            expires_in: 3599,
            ...(refresh ? { refresh_token: refresh } : {}),
            scope: redeemed.scopes.join(' '),
            token_type: 'Bearer',
          },
        }
      }
      if (form.get('grant_type') === 'refresh_token') {
        const refresh = core.liveToken(form.get('refresh_token') ?? '', ['refresh'])
        if (!refresh) return oauthError(400, 'invalid_grant', 'Token has been expired or revoked.')
        const access = core.issueToken('ya29.fake', {
          kind: 'access',
          scopes: refresh.scopes,
          declined: [],
          picked: [],
          expiresAt: core.now() + 3599_000,
        })
        return {
          body: {
            access_token: access,
            expires_in: 3599,
            scope: refresh.scopes.join(' '),
            token_type: 'Bearer',
          },
        }
      }
      return oauthError(400, 'unsupported_grant_type', 'Invalid grant_type')
    }
    if (method === 'GET' && path === '/v1/accounts') {
      const refused = authenticated(request, BUSINESS)
      if (refused) return refused
      const { slice, next } = page(options.accounts, query, 20)
      return {
        body: {
          accounts: slice.map((a) => ({
            name: `accounts/${a.id}`,
            accountName: a.name,
            type: 'LOCATION_GROUP',
            role: 'OWNER',
            verificationState: 'VERIFIED',
          })),
          ...(next ? { nextPageToken: next } : {}),
        },
      }
    }
    const locations = /^\/v1\/accounts\/([^/]+)\/locations$/.exec(path)
    if (method === 'GET' && locations) {
      const refused = authenticated(request, BUSINESS)
      if (refused) return refused
      if (!query.get('readMask'))
        return apiError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.')
      const account = options.accounts.find((a) => a.id === locations[1])
      if (!account) return apiError(404, 'NOT_FOUND', 'Requested entity was not found.')
      const { slice, next } = page(account.locations, query, 100)
      return {
        body: {
          locations: slice.map((l) => ({
            name: `locations/${l.id}`,
            title: l.title,
            ...(l.address ? { storefrontAddress: { addressLines: [l.address] } } : {}),
          })),
          ...(next ? { nextPageToken: next } : {}),
          totalSize: account.locations.length,
        },
      }
    }
    if (method === 'GET' && path === '/youtube/v3/channels') {
      const refused = authenticated(request, YOUTUBE)
      if (refused) return refused
      if (query.get('mine') !== 'true' || !query.get('part'))
        return apiError(
          400,
          'INVALID_ARGUMENT',
          'No filter selected. Expected one of: mine, id, forHandle.',
        )
      const c = options.youtubeChannel
      return {
        body: {
          kind: 'youtube#channelListResponse',
          pageInfo: { totalResults: c ? 1 : 0, resultsPerPage: 5 },
          items: c ? [{ kind: 'youtube#channel', id: c.id, snippet: { title: c.title } }] : [],
        },
      }
    }
    return apiError(404, 'NOT_FOUND', `no fake for ${method} ${path}`)
  }
  const server = await startFakeServer(handler)
  return Object.assign(server, {
    core,
    consent: (authorizeUrl: string, choice: ConsentChoice) =>
      consentWithoutBrowser(
        authorizeUrl,
        `${server.url}/o/oauth2/v2/auth/decision`,
        choice,
        scopesOf,
      ),
  })
}
