/**
 * @module A fake of Facebook Login for Pages and the Graph endpoints the connect flow calls:
 * the dialog (with Page picking and unticking permissions), code → short token → long-lived
 * token, `/me/permissions`, `/me/accounts` with Page tokens and linked Instagram accounts
 * (cursor paging), `POST /{page}/subscribed_apps`, `/me`, and the comment reply a connected
 * channel sends (`POST /{comment-id}/comments` with a Page token), so one fake serves a channel
 * from connecting to replying. Errors use Graph's envelope and
 * codes (100 for bad codes, 190 for dead tokens, 200 for missing permissions).
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

export interface FakeFacebookPage {
  id: string
  name: string
  /** Default: every task (an admin). */
  tasks?: string[]
  instagram?: { id: string; username: string }
}

export interface FakeFacebookLoginOptions extends FakeOAuthOptions {
  pages: FakeFacebookPage[]
  apiVersion?: string
}

export interface FakeFacebookLogin extends FakeServer {
  core: FakeOAuthCore
  /** Page id → subscribed fields, from `POST /{page}/subscribed_apps`. */
  subscriptions: Map<string, string>
  /** Comment replies accepted (`POST /{comment-id}/comments`), in order. */
  replies: FakeFacebookReply[]
  /** Plays the user in the dialog; returns the callback URL. */
  consent(authorizeUrl: string, choice: ConsentChoice): Promise<string>
}

/** A comment reply the fake accepted. */
export interface FakeFacebookReply {
  /** The id the fake gave the reply. */
  id: string
  /** The comment answered. */
  commentId: string
  /** The Page whose token sent it. */
  pageId: string
  text: string
}

const ALL_TASKS = ['ADVERTISE', 'ANALYZE', 'CREATE_CONTENT', 'MESSAGING', 'MODERATE', 'MANAGE']
const LONG_LIVED_SECONDS = 5_183_944

function graphError(status: number, code: number, message: string, subcode?: number): FakeResponse {
  return {
    status,
    body: {
      error: {
        message,
        type: 'OAuthException',
        code,
        ...(subcode ? { error_subcode: subcode } : {}),
        fbtrace_id: 'AfakeTrace',
      },
    },
  }
}
const invalidToken = () =>
  graphError(400, 190, 'Invalid OAuth access token - Cannot parse access token', 467)

/** The `message` of a Graph write: a JSON body or a form (Graph takes both). */
function messageOf(request: FakeRequest): string {
  const type = String(request.headers['content-type'] ?? '')
  if (type.includes('json')) {
    try {
      const body = JSON.parse(request.body) as { message?: unknown }
      return typeof body.message === 'string' ? body.message : ''
    } catch {
      return ''
    }
  }
  return new URLSearchParams(request.body).get('message') ?? request.query.get('message') ?? ''
}

/** Starts the fake on 127.0.0.1. */
export async function startFakeFacebookLogin(
  options: FakeFacebookLoginOptions,
): Promise<FakeFacebookLogin> {
  const v = options.apiVersion ?? 'v23.0'
  const core = new FakeOAuthCore(options)
  const subscriptions = new Map<string, string>()
  const replies: FakeFacebookReply[] = []
  const pageTokens = new Map<string, string>() // `${userToken}|${pageId}` → page token

  const handler = (request: FakeRequest): FakeResponse => {
    const { method, path, query } = request
    if (method === 'GET' && path === `/${v}/dialog/oauth`) {
      const problem = core.checkAuthorizeRequest(query)
      if (problem)
        return { status: 400, headers: { 'content-type': 'text/html' }, body: `<p>${problem}</p>` }
      return core.consentPage(
        'Smile Dental would like to access your Pages',
        `/${v}/dialog/oauth/decision`,
        query,
        (query.get('scope') ?? '').split(',').filter(Boolean),
        options.pages.map((p) => ({ id: p.id, label: p.name })),
      )
    }
    if (method === 'POST' && path === `/${v}/dialog/oauth/decision`) {
      const { query: q, decision, granted, picked } = core.readDecision(request)
      const redirect = q.get('redirect_uri') ?? ''
      if (decision !== 'allow')
        return redirectTo(redirect, {
          error: 'access_denied',
          error_code: '200',
          error_description: 'Permissions error',
          error_reason: 'user_denied',
          state: q.get('state') ?? undefined,
        })
      const requested = (q.get('scope') ?? '').split(',').filter(Boolean)
      const code = core.issueCode(q, granted, picked, false)
      // Remember what was declined: /me/permissions reports it.
      declinedOf.set(
        code,
        requested.filter((s) => !granted.includes(s)),
      )
      return redirectTo(redirect, { code, state: q.get('state') ?? undefined })
    }
    if (method === 'GET' && path === `/${v}/oauth/access_token`) {
      if (query.get('client_id') !== core.client.clientId)
        return graphError(400, 101, 'Error validating application. Invalid application ID.')
      if (query.get('client_secret') !== core.client.clientSecret)
        return graphError(400, 1, 'Error validating client secret.')
      if (query.get('grant_type') === 'fb_exchange_token') {
        const short = query.get('fb_exchange_token') ?? ''
        const t = core.liveToken(short, ['user'])
        if (!t) return invalidToken()
        const token = core.issueToken('EAAGlong', {
          kind: 'user',
          scopes: t.scopes,
          declined: t.declined,
          picked: t.picked,
          expiresAt: core.now() + LONG_LIVED_SECONDS * 1000,
        })
        return {
          body: { access_token: token, token_type: 'bearer', expires_in: LONG_LIVED_SECONDS },
        }
      }
      const code = query.get('code') ?? ''
      const redeemed = core.redeemCode(code, {
        clientId: query.get('client_id') ?? '',
        redirectUri: query.get('redirect_uri') ?? '',
      })
      if (redeemed === 'used')
        return graphError(400, 100, 'This authorization code has been used.', 36009)
      if (redeemed === 'expired')
        return graphError(400, 100, 'This authorization code has expired.', 36007)
      if (redeemed === 'redirect_mismatch')
        return graphError(
          400,
          100,
          'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request',
          36008,
        )
      if (typeof redeemed === 'string')
        return graphError(400, 100, 'Invalid verification code format.')
      const token = core.issueToken('EAAGshort', {
        kind: 'user',
        scopes: redeemed.scopes,
        declined: declinedOf.get(code) ?? [],
        picked: redeemed.picked,
        expiresAt: core.now() + 3600_000,
      })
      return { body: { access_token: token, token_type: 'bearer', expires_in: 3600 } }
    }
    if (method === 'GET' && path === `/${v}/me/permissions`) {
      const t = core.liveToken(bearerOf(request), ['user'])
      if (!t) return invalidToken()
      return {
        body: {
          data: [
            ...t.scopes.map((permission) => ({ permission, status: 'granted' })),
            ...t.declined.map((permission) => ({ permission, status: 'declined' })),
          ],
        },
      }
    }
    if (method === 'GET' && path === `/${v}/me/accounts`) {
      const userToken = bearerOf(request) ?? ''
      const t = core.liveToken(userToken, ['user'])
      if (!t) return invalidToken()
      if (!t.scopes.includes('pages_show_list'))
        return graphError(403, 200, '(#200) Requires pages_show_list permission')
      const pages = options.pages.filter((p) => t.picked.includes(p.id))
      const limit = Math.max(1, Number(query.get('limit') ?? 25))
      const start = query.get('after')
        ? Number(Buffer.from(query.get('after')!, 'base64url').toString())
        : 0
      const slice = pages.slice(start, start + limit)
      const cursor = (i: number) => Buffer.from(String(i)).toString('base64url')
      return {
        body: {
          data: slice.map((p) => {
            const key = `${userToken}|${p.id}`
            let pageToken = pageTokens.get(key)
            if (!pageToken) {
              pageToken = core.issueToken('EAAGpage', {
                kind: 'page',
                scopes: t.scopes,
                declined: [],
                picked: [],
                pageId: p.id,
              })
              pageTokens.set(key, pageToken)
            }
            return {
              id: p.id,
              name: p.name,
              access_token: pageToken,
              category: 'Dentist & Dental Office',
              tasks: p.tasks ?? ALL_TASKS,
              ...(p.instagram ? { instagram_business_account: p.instagram } : {}),
            }
          }),
          paging: {
            cursors: { before: cursor(start), after: cursor(start + slice.length) },
            ...(start + limit < pages.length
              ? {
                  next: `${fake.url}/${v}/me/accounts?limit=${limit}&after=${cursor(start + limit)}`,
                }
              : {}),
          },
        },
      }
    }
    const subscribe = new RegExp(`^/${v}/([^/]+)/subscribed_apps$`).exec(path)
    if (method === 'POST' && subscribe) {
      const t = core.liveToken(bearerOf(request), ['page'])
      if (!t) return invalidToken()
      const pageId = decodeURIComponent(subscribe[1]!)
      if (t.pageId !== pageId)
        return graphError(
          403,
          210,
          '(#210) A page access token is required to request this resource.',
        )
      if (!t.scopes.includes('pages_manage_metadata'))
        return graphError(
          403,
          200,
          '(#200) Requires pages_manage_metadata permission to manage the object',
        )
      const fields =
        new URLSearchParams(request.body).get('subscribed_fields') ?? query.get('subscribed_fields')
      if (!fields)
        return graphError(400, 100, '(#100) The parameter subscribed_fields is required.')
      subscriptions.set(pageId, fields)
      return { body: { success: true } }
    }
    const commentReply = new RegExp(`^/${v}/([^/]+)/comments$`).exec(path)
    if (method === 'POST' && commentReply) {
      const t = core.liveToken(bearerOf(request) ?? query.get('access_token') ?? undefined, [
        'page',
      ])
      if (!t) return invalidToken()
      if (!t.scopes.includes('pages_manage_engagement'))
        return graphError(
          403,
          200,
          '(#200) Requires pages_manage_engagement permission to manage the object',
        )
      const text = messageOf(request)
      if (!text)
        return graphError(400, 100, '(#100) Missing message or attachment for this comment.')
      const commentId = decodeURIComponent(commentReply[1]!)
      const id = `${commentId.split('_')[0]}_${9_000_000 + replies.length + 1}`
      replies.push({ id, commentId, pageId: t.pageId ?? '', text })
      return { body: { id } }
    }
    if (method === 'GET' && path === `/${v}/me`) {
      const t = core.liveToken(bearerOf(request))
      if (!t)
        return graphError(
          400,
          190,
          'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
          460,
        )
      return { body: { id: t.pageId ?? '7012345678901234' } }
    }
    return graphError(400, 100, `Unknown path components: ${path}`)
  }
  const declinedOf = new Map<string, string[]>()
  const server = await startFakeServer(handler)
  const fake: FakeFacebookLogin = Object.assign(server, {
    core,
    subscriptions,
    replies,
    consent: (authorizeUrl: string, choice: ConsentChoice) =>
      consentWithoutBrowser(authorizeUrl, `${server.url}/${v}/dialog/oauth/decision`, choice, (q) =>
        (q.get('scope') ?? '').split(',').filter(Boolean),
      ),
  })
  return fake
}
