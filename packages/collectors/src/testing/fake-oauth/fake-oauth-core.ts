/**
 * @module What the fake authorisation servers share: registered clients, a consent page a real
 * browser can click through (scopes can be unticked, like granular consent), single-use
 * expiring codes bound to client, redirect URI and PKCE challenge, and issued tokens that
 * expire on the injected clock and can be revoked. Each provider's fake wraps this with its own
 * URLs and answer shapes.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { FakeRequest, FakeResponse } from '../fake-server.js'

/** An OAuth client registered with a fake provider. */
export interface FakeOAuthClient {
  clientId: string
  clientSecret: string
  /** Matched exactly, as every real provider does. */
  redirectUris: string[]
}

/** Options shared by the fake providers. */
export interface FakeOAuthOptions {
  client: FakeOAuthClient
  /** The clock codes and tokens expire on (default: the real one). */
  now?: () => Date
  /** How long an authorisation code lives (default 10 minutes). */
  codeLifetimeMs?: number
}

export interface IssuedCode {
  clientId: string
  redirectUri: string
  scopes: string[]
  /** What the user picked besides scopes (Facebook Pages). */
  picked: string[]
  codeChallenge?: string
  codeChallengeMethod?: string
  /** Google/X: whether a refresh token was asked for (`access_type=offline` / `offline.access`). */
  offline: boolean
  expiresAt: number
  used: boolean
}

export interface IssuedToken {
  kind: 'user' | 'page' | 'access' | 'refresh'
  scopes: string[]
  /** Requested but unticked on the consent screen. */
  declined: string[]
  picked: string[]
  expiresAt?: number
  revoked: boolean
  /** The Page a Page token speaks for. */
  pageId?: string
}

/** Why a code was refused (each fake words it the way its provider does). */
export type CodeRefusal =
  | 'unknown'
  | 'used'
  | 'expired'
  | 'client_mismatch'
  | 'redirect_mismatch'
  | 'verifier_missing'
  | 'verifier_mismatch'

export interface ConsentChoice {
  decision: 'allow' | 'deny'
  /** The scopes left ticked (default: all requested). */
  scopes?: string[]
  /** Facebook: the Pages left ticked (default: all). */
  picked?: string[]
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** The shared machinery of one fake provider. */
export class FakeOAuthCore {
  readonly client: FakeOAuthClient
  readonly codes = new Map<string, IssuedCode>()
  readonly tokens = new Map<string, IssuedToken>()
  readonly #now: () => Date
  readonly #codeLifetimeMs: number

  constructor(options: FakeOAuthOptions) {
    this.client = options.client
    this.#now = options.now ?? (() => new Date())
    this.#codeLifetimeMs = options.codeLifetimeMs ?? 10 * 60_000
  }

  now(): number {
    return this.#now().getTime()
  }

  /** Checks client id and exact redirect URI of an authorisation request; a message when wrong. */
  checkAuthorizeRequest(query: URLSearchParams): string | undefined {
    if (query.get('client_id') !== this.client.clientId) return 'Invalid app ID / client_id.'
    const redirect = query.get('redirect_uri') ?? ''
    if (!this.client.redirectUris.includes(redirect))
      return 'redirect_uri does not match any registered URI.'
    if (query.get('response_type') !== 'code') return 'response_type must be code.'
    return undefined
  }

  /** The consent page: every requested scope as a ticked checkbox, optional pickable items. */
  consentPage(
    title: string,
    decisionPath: string,
    query: URLSearchParams,
    scopes: string[],
    pickable: { id: string; label: string }[] = [],
  ): FakeResponse {
    const hidden = [...query.entries()]
      .map(([k, v]) => `<input type="hidden" name="q_${escapeHtml(k)}" value="${escapeHtml(v)}">`)
      .join('')
    const scopeBoxes = scopes
      .map(
        (s) =>
          `<label><input type="checkbox" name="grant" value="${escapeHtml(s)}" checked> ${escapeHtml(s)}</label><br>`,
      )
      .join('')
    const pickBoxes = pickable
      .map(
        (p) =>
          `<label><input type="checkbox" name="pick" value="${escapeHtml(p.id)}" checked> ${escapeHtml(p.label)}</label><br>`,
      )
      .join('')
    return {
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: `<!doctype html><html><head><title>${escapeHtml(title)}</title></head><body>
<h1>${escapeHtml(title)}</h1><form method="post" action="${escapeHtml(decisionPath)}">${hidden}
<fieldset><legend>Permissions</legend>${scopeBoxes}</fieldset>
${pickable.length ? `<fieldset><legend>Accounts</legend>${pickBoxes}</fieldset>` : ''}
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Cancel</button></form></body></html>`,
    }
  }

  /** Reads the consent form: the original query, the decision, ticked scopes and picks. */
  readDecision(request: FakeRequest): {
    query: URLSearchParams
    decision: string
    granted: string[]
    picked: string[]
  } {
    const form = new URLSearchParams(request.body)
    const query = new URLSearchParams()
    for (const [k, v] of form) if (k.startsWith('q_')) query.set(k.slice(2), v)
    return {
      query,
      decision: form.get('decision') ?? 'deny',
      granted: form.getAll('grant'),
      picked: form.getAll('pick'),
    }
  }

  /** Issues a single-use code for an approved request. */
  issueCode(query: URLSearchParams, scopes: string[], picked: string[], offline: boolean): string {
    const code = `code-${randomBytes(12).toString('hex')}`
    const challenge = query.get('code_challenge')
    const method = query.get('code_challenge_method')
    this.codes.set(code, {
      clientId: query.get('client_id') ?? '',
      redirectUri: query.get('redirect_uri') ?? '',
      scopes,
      picked,
      ...(challenge ? { codeChallenge: challenge } : {}),
      ...(method ? { codeChallengeMethod: method } : {}),
      offline,
      expiresAt: this.now() + this.#codeLifetimeMs,
      used: false,
    })
    return code
  }

  /** Redeems a code (marking it used even when other checks fail, as providers do). */
  redeemCode(
    code: string,
    check: { clientId: string; redirectUri: string; codeVerifier?: string },
  ): IssuedCode | CodeRefusal {
    const issued = this.codes.get(code)
    if (!issued) return 'unknown'
    if (issued.used) return 'used'
    issued.used = true
    if (this.now() > issued.expiresAt) return 'expired'
    if (issued.clientId !== check.clientId) return 'client_mismatch'
    if (issued.redirectUri !== check.redirectUri) return 'redirect_mismatch'
    if (issued.codeChallenge) {
      if (!check.codeVerifier) return 'verifier_missing'
      const computed =
        issued.codeChallengeMethod === 'plain'
          ? check.codeVerifier
          : createHash('sha256').update(check.codeVerifier).digest('base64url')
      if (computed !== issued.codeChallenge) return 'verifier_mismatch'
    }
    return issued
  }

  issueToken(prefix: string, token: Omit<IssuedToken, 'revoked'>): string {
    const value = `${prefix}${randomBytes(16).toString('hex')}`
    this.tokens.set(value, { ...token, revoked: false })
    return value
  }

  /** A live token, or undefined (unknown, expired or revoked). */
  liveToken(value: string | undefined, kinds?: IssuedToken['kind'][]): IssuedToken | undefined {
    if (!value) return undefined
    const t = this.tokens.get(value)
    if (!t || t.revoked) return undefined
    if (t.expiresAt !== undefined && this.now() >= t.expiresAt) return undefined
    if (kinds && !kinds.includes(t.kind)) return undefined
    return t
  }

  /** Revokes every issued token (the user removed the app / revoked access). */
  revokeAll(): void {
    for (const t of this.tokens.values()) t.revoked = true
  }

  /** Client credentials of a token request: HTTP Basic, else the form fields. */
  clientCredentials(request: FakeRequest, form: URLSearchParams): { id?: string; secret?: string } {
    const auth = request.headers.authorization
    if (typeof auth === 'string' && auth.startsWith('Basic ')) {
      const [id, secret] = Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':')
      return { id: decodeURIComponent(id ?? ''), secret: decodeURIComponent(secret ?? '') }
    }
    return {
      id: form.get('client_id') ?? undefined,
      secret: form.get('client_secret') ?? undefined,
    }
  }
}

/** The bearer token of a request (header, else `access_token` in the query as Graph allows). */
export function bearerOf(request: FakeRequest): string | undefined {
  const auth = request.headers.authorization
  if (typeof auth === 'string' && /^Bearer /i.test(auth)) return auth.slice(7).trim()
  return request.query.get('access_token') ?? undefined
}

/** A redirect to the client's callback with `params` added. */
export function redirectTo(
  redirectUri: string,
  params: Record<string, string | undefined>,
): FakeResponse {
  const url = new URL(redirectUri)
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v)
  return { status: 302, headers: { location: url.toString() }, body: '' }
}

/**
 * Plays the user on the consent screen without a browser: opens the page (so the request is
 * checked), submits the decision and returns the callback URL the provider redirects to.
 */
export async function consentWithoutBrowser(
  authorizeUrl: string,
  decisionUrl: string,
  choice: ConsentChoice,
  requestedScopes: (query: URLSearchParams) => string[],
): Promise<string> {
  const page = await fetch(authorizeUrl)
  const pageText = await page.text()
  if (page.status !== 200)
    throw new Error(`consent page refused the request: ${page.status} ${pageText}`)
  const query = new URL(authorizeUrl).searchParams
  const form = new URLSearchParams()
  for (const [k, v] of query) form.set(`q_${k}`, v)
  form.set('decision', choice.decision)
  for (const s of choice.scopes ?? requestedScopes(query)) form.append('grant', s)
  const picks =
    choice.picked ??
    [...pageText.matchAll(/name="pick" value="([^"]+)"/g)].map((m) =>
      m[1]!.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))),
    )
  for (const p of picks) form.append('pick', p)
  const response = await fetch(decisionUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
    redirect: 'manual',
  })
  const location = response.headers.get('location')
  if (response.status !== 302 || !location)
    throw new Error(`consent did not redirect: ${response.status} ${await response.text()}`)
  return location
}
