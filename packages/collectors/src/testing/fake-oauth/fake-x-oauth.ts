/**
 * @module A fake of X's OAuth 2.0 server (Authorization Code with PKCE, confidential client)
 * and `/2/users/me`: PKCE is required, codes are single-use and short-lived, refresh tokens are
 * issued only for `offline.access` and rotate on every refresh (the old one stops working).
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

export interface FakeXOAuthOptions extends FakeOAuthOptions {
  user: { id: string; name: string; username: string }
}

export interface FakeXOAuth extends FakeServer {
  core: FakeOAuthCore
  consent(authorizeUrl: string, choice: ConsentChoice): Promise<string>
}

const invalid = (description: string): FakeResponse => ({
  status: 400,
  body: { error: 'invalid_request', error_description: description },
})

/** Starts the fake on 127.0.0.1. */
export async function startFakeXOAuth(options: FakeXOAuthOptions): Promise<FakeXOAuth> {
  // X codes live 30 seconds.
  const core = new FakeOAuthCore({ codeLifetimeMs: 30_000, ...options })
  const scopesOf = (q: URLSearchParams) => (q.get('scope') ?? '').split(' ').filter(Boolean)
  const issuePair = (scopes: string[]) => {
    const access = core.issueToken('xat-', {
      kind: 'access',
      scopes,
      declined: [],
      picked: [],
      expiresAt: core.now() + 7200_000,
    })
    const refresh = scopes.includes('offline.access')
      ? core.issueToken('xrt-', { kind: 'refresh', scopes, declined: [], picked: [] })
      : undefined
    return {
      token_type: 'bearer',
      expires_in: 7200,
      access_token: access,
      scope: scopes.join(' '),
      ...(refresh ? { refresh_token: refresh } : {}),
    }
  }

  const handler = (request: FakeRequest): FakeResponse => {
    const { method, path, query } = request
    if (method === 'GET' && path === '/i/oauth2/authorize') {
      const problem =
        core.checkAuthorizeRequest(query) ??
        (query.get('code_challenge') && query.get('code_challenge_method')
          ? undefined
          : 'code_challenge and code_challenge_method are required.')
      if (problem)
        return {
          status: 400,
          headers: { 'content-type': 'text/html' },
          body: `<p>Something went wrong: ${problem}</p>`,
        }
      return core.consentPage(
        'Authorize Earshot to access your account?',
        '/i/oauth2/authorize/decision',
        query,
        scopesOf(query),
      )
    }
    if (method === 'POST' && path === '/i/oauth2/authorize/decision') {
      const { query: q, decision, granted } = core.readDecision(request)
      const redirect = q.get('redirect_uri') ?? ''
      if (decision !== 'allow')
        return redirectTo(redirect, { error: 'access_denied', state: q.get('state') ?? undefined })
      const code = core.issueCode(q, granted, [], granted.includes('offline.access'))
      return redirectTo(redirect, { state: q.get('state') ?? undefined, code })
    }
    if (method === 'POST' && path === '/2/oauth2/token') {
      const form = new URLSearchParams(request.body)
      const client = core.clientCredentials(request, form)
      if (!request.headers.authorization)
        return {
          status: 401,
          body: {
            error: 'unauthorized_client',
            error_description: 'Missing valid authorization header',
          },
        }
      if (client.id !== core.client.clientId || client.secret !== core.client.clientSecret)
        return {
          status: 401,
          body: {
            error: 'unauthorized_client',
            error_description: 'Missing valid authorization header',
          },
        }
      if (form.get('grant_type') === 'authorization_code') {
        const redeemed = core.redeemCode(form.get('code') ?? '', {
          clientId: client.id,
          redirectUri: form.get('redirect_uri') ?? '',
          ...(form.get('code_verifier') ? { codeVerifier: form.get('code_verifier')! } : {}),
        })
        if (typeof redeemed === 'string')
          return invalid('Value passed for the authorization code was invalid.')
        return { body: issuePair(redeemed.scopes) }
      }
      if (form.get('grant_type') === 'refresh_token') {
        const refresh = core.liveToken(form.get('refresh_token') ?? '', ['refresh'])
        if (!refresh) return invalid('Value passed for the token was invalid.')
        // Rotation: the refresh token just used is spent.
        refresh.revoked = true
        return { body: issuePair(refresh.scopes) }
      }
      return invalid('Value passed for the grant type was invalid.')
    }
    if (method === 'GET' && path === '/2/users/me') {
      const t = core.liveToken(bearerOf(request), ['access'])
      if (!t)
        return {
          status: 401,
          body: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' },
        }
      if (!t.scopes.includes('users.read'))
        return {
          status: 403,
          body: { title: 'Forbidden', type: 'about:blank', status: 403, detail: 'Forbidden' },
        }
      return { body: { data: options.user } }
    }
    return {
      status: 404,
      body: { title: 'Not Found Error', detail: `no fake for ${method} ${path}`, status: 404 },
    }
  }
  const server = await startFakeServer(handler)
  return Object.assign(server, {
    core,
    consent: (authorizeUrl: string, choice: ConsentChoice) =>
      consentWithoutBrowser(
        authorizeUrl,
        `${server.url}/i/oauth2/authorize/decision`,
        choice,
        scopesOf,
      ),
  })
}
