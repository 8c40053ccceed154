/**
 * @module Facebook Login for Pages: the dialog, code → user token → long-lived user token, the
 * permission check (users may decline single permissions), `/me/accounts` for the Pages and
 * their Instagram professional accounts, and `POST /{page-id}/subscribed_apps` so the Page
 * delivers webhooks. Page tokens obtained from a long-lived user token do not expire, so
 * "refresh" checks that the token still works (a password change or a removed app kills it).
 */
import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import {
  type AuthorizeInput,
  type ConnectableAccount,
  ConnectError,
  type ConnectFlow,
  type ConnectGrant,
  expiryFrom,
  missingScopes,
} from './connect-flow.js'
import {
  formBody,
  type ProviderErrorMapper,
  type ProviderRequestOptions,
  providerRequest,
} from './provider-request.js'

/** Without these the channel cannot list Pages, read comments or receive webhooks. */
export const FACEBOOK_REQUIRED_SCOPES = [
  'pages_show_list',
  'pages_read_engagement',
  'pages_manage_metadata',
] as const
/** Replying, Messenger, visitor posts and Instagram: asked for, reported when declined. */
export const FACEBOOK_OPTIONAL_SCOPES = [
  'pages_read_user_content',
  'pages_manage_engagement',
  'pages_messaging',
  'instagram_basic',
  'instagram_manage_comments',
  'instagram_manage_messages',
] as const
const INSTAGRAM_SCOPES = ['instagram_basic', 'instagram_manage_comments']
/** Page tasks that allow replying to and moderating comments. */
const MODERATING_TASKS = new Set(['MODERATE', 'MANAGE'])
/** What the Page must deliver to Earshot's webhook. */
export const FACEBOOK_SUBSCRIBED_FIELDS = 'feed,messages,message_echoes'

export interface FacebookConnectConfig extends ProviderRequestOptions {
  appId: string
  appSecret: string
  redirectUri: string
  /** Default `v23.0` (the collectors' default). */
  apiVersion?: string
  /** Default `https://www.facebook.com` (the login dialog). */
  dialogBaseUrl?: string
  /** Default `https://graph.facebook.com`. */
  graphBaseUrl?: string
  /** What new channels' configs name as their app secret (default `env:EARSHOT_FACEBOOK_APP_SECRET`). */
  appSecretRef?: string
  now?: () => Date
}

const graphErrorSchema = z.object({
  error: z.object({
    message: z.string().default(''),
    code: z.number().optional(),
    error_subcode: z.number().optional(),
  }),
})
const tokenSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().int().nonnegative().optional(),
})
const permissionsSchema = z.object({
  data: z.array(z.object({ permission: z.string(), status: z.string() })),
})
const accountsSchema = z.object({
  data: z.array(
    z.object({
      id: z.string().min(1),
      name: z.string().default(''),
      access_token: z.string().min(1).optional(),
      tasks: z.array(z.string()).default([]),
      instagram_business_account: z
        .object({ id: z.string().min(1), username: z.string().optional() })
        .optional(),
    }),
  ),
  paging: z
    .object({
      cursors: z.object({ after: z.string().optional() }).optional(),
      next: z.string().optional(),
    })
    .optional(),
})
const successSchema = z.object({ success: z.literal(true) })
const meSchema = z.object({ id: z.string().min(1) })

/** Graph error envelope → words. `exchanging` marks the code exchange (code 100 = bad code). */
function graphErrorMapper(exchanging: boolean): ProviderErrorMapper {
  return (_status, json) => {
    const parsed = graphErrorSchema.safeParse(json)
    if (!parsed.success) return undefined
    const { code, message } = parsed.data.error
    if (exchanging && (code === 100 || code === 190))
      return new ConnectError(
        'invalid_code',
        'The Facebook sign-in expired or was already used. Start the connection again.',
      )
    if (code === 190)
      return new ConnectError(
        'reauth',
        'Facebook no longer accepts the token (the password changed, the app was removed, or the Page role was lost). Reconnect the account.',
      )
    if (code === 10 || (code !== undefined && code >= 200 && code < 300))
      return new ConnectError(
        'missing_permission',
        `Facebook refused: a permission is missing (${message}). Reconnect and allow every permission Earshot asks for.`,
      )
    return new ConnectError('provider_error', `Facebook answered: ${message}`)
  }
}

/** Creates the Facebook (and Instagram via Facebook Login) connect flow. */
export function facebookConnectFlow(config: FacebookConnectConfig): ConnectFlow {
  const version = config.apiVersion ?? 'v23.0'
  const dialog = (config.dialogBaseUrl ?? 'https://www.facebook.com').replace(/\/$/, '')
  const graph = (config.graphBaseUrl ?? 'https://graph.facebook.com').replace(/\/$/, '')
  const now = config.now ?? (() => new Date())
  const http = config.fetch ? { fetch: config.fetch } : {}
  const appSecretRef = config.appSecretRef ?? 'env:EARSHOT_FACEBOOK_APP_SECRET'
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

  const tokenCall = (params: Record<string, string>, what: string) =>
    providerRequest(
      'Facebook',
      what,
      `${graph}/${version}/oauth/access_token?${new URLSearchParams(params)}`,
      { method: 'GET' },
      tokenSchema,
      graphErrorMapper(true),
      http,
    )

  return {
    provider: 'facebook',
    redirectUri: config.redirectUri,

    authorizeUrl({ state }: AuthorizeInput): string {
      // The classic Login dialog takes no PKCE; the code is bound by the app secret and redirect URI.
      const params = new URLSearchParams({
        client_id: config.appId,
        redirect_uri: config.redirectUri,
        state,
        response_type: 'code',
        scope: [...FACEBOOK_REQUIRED_SCOPES, ...FACEBOOK_OPTIONAL_SCOPES].join(','),
        // Re-asks permissions declined last time (a reconnect after a removed permission).
        auth_type: 'rerequest',
      })
      return `${dialog}/${version}/dialog/oauth?${params}`
    },

    async exchangeCode({ code }): Promise<ConnectGrant> {
      const short = await tokenCall(
        {
          client_id: config.appId,
          client_secret: config.appSecret,
          redirect_uri: config.redirectUri,
          // Facebook may append `#_` to the code in the redirect.
          code: code.replace(/#_$/, ''),
        },
        'finish the sign-in',
      )
      const long = await tokenCall(
        {
          grant_type: 'fb_exchange_token',
          client_id: config.appId,
          client_secret: config.appSecret,
          fb_exchange_token: short.access_token,
        },
        'extend the sign-in',
      )
      const permissions = await providerRequest(
        'Facebook',
        'read the granted permissions',
        `${graph}/${version}/me/permissions`,
        { headers: bearer(long.access_token) },
        permissionsSchema,
        graphErrorMapper(false),
        http,
      )
      const scopes = permissions.data.filter((p) => p.status === 'granted').map((p) => p.permission)
      const missing = missingScopes(FACEBOOK_REQUIRED_SCOPES, scopes)
      if (missing.length > 0)
        throw new ConnectError(
          'missing_permission',
          `Facebook did not grant ${missing.join(', ')}; without ${missing.length === 1 ? 'it' : 'them'} Earshot cannot see your Pages' comments. Connect again and leave every permission switched on.`,
          { missing },
        )
      const expiresAt = expiryFrom(now(), long.expires_in)
      return { accessToken: long.access_token, ...(expiresAt ? { expiresAt } : {}), scopes }
    },

    async listAccounts(grant): Promise<ConnectableAccount[]> {
      const accounts: ConnectableAccount[] = []
      const canReply = grant.scopes.includes('pages_manage_engagement')
      const instagramMissing = missingScopes(INSTAGRAM_SCOPES, grant.scopes)
      let after: string | undefined
      for (let page = 0; page < 50; page++) {
        const params = new URLSearchParams({
          fields: 'id,name,access_token,tasks,instagram_business_account{id,username}',
          limit: '100',
          ...(after ? { after } : {}),
        })
        const body = await providerRequest(
          'Facebook',
          'list your Pages',
          `${graph}/${version}/me/accounts?${params}`,
          { headers: bearer(grant.accessToken) },
          accountsSchema,
          graphErrorMapper(false),
          http,
        )
        for (const p of body.data) {
          if (!p.access_token) continue
          // Page tokens from a long-lived user token never expire.
          const credentials: ConnectGrant = { accessToken: p.access_token, scopes: grant.scopes }
          const moderates = p.tasks.some((t) => MODERATING_TASKS.has(t))
          const verifyToken = randomBytes(18).toString('base64url')
          accounts.push({
            key: `facebook:${p.id}`,
            platform: 'facebook',
            externalAccountId: p.id,
            name: p.name || p.id,
            detail: 'Facebook Page',
            config: { apiVersion: version, baseUrl: graph, appSecret: appSecretRef, verifyToken },
            ownIdentities: [p.id],
            credentials,
            ...(moderates
              ? {}
              : {
                  problem:
                    'Your role on this Page cannot moderate comments (Facebook task MODERATE); ask a Page admin to connect it.',
                }),
          })
          const ig = p.instagram_business_account
          if (ig)
            accounts.push({
              key: `instagram:${ig.id}`,
              platform: 'instagram',
              externalAccountId: ig.id,
              name: ig.username ? `@${ig.username}` : ig.id,
              detail: `Instagram account of ${p.name || p.id}`,
              config: {
                apiVersion: version,
                baseUrl: graph,
                appSecret: appSecretRef,
                verifyToken,
                pageId: p.id,
                ...(ig.username ? { username: ig.username } : {}),
              },
              ownIdentities: [ig.id, ...(ig.username ? [ig.username] : [])],
              credentials,
              ...(instagramMissing.length > 0
                ? {
                    problem: `Facebook did not grant ${instagramMissing.join(', ')}; connect again and allow the Instagram permissions.`,
                  }
                : moderates
                  ? {}
                  : {
                      problem:
                        'Your role on the linked Page cannot moderate comments; ask a Page admin to connect it.',
                    }),
            })
        }
        after = body.paging?.next ? body.paging.cursors?.after : undefined
        if (!after) break
      }
      if (!canReply)
        for (const a of accounts)
          a.detail = `${a.detail ?? ''} (replying needs pages_manage_engagement, which was not granted)`
      return accounts
    },

    async activate(account): Promise<void> {
      const pageId =
        account.platform === 'instagram'
          ? String(account.config.pageId ?? '')
          : account.externalAccountId
      if (!pageId) return
      await providerRequest(
        'Facebook',
        'subscribe the Page to webhooks',
        `${graph}/${version}/${encodeURIComponent(pageId)}/subscribed_apps`,
        {
          method: 'POST',
          headers: {
            ...bearer(account.credentials.accessToken),
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: formBody({ subscribed_fields: FACEBOOK_SUBSCRIBED_FIELDS }),
        },
        successSchema,
        graphErrorMapper(false),
        http,
      )
    },

    async refresh(credentials): Promise<ConnectGrant> {
      // Nothing to refresh: check the token still works, so a dead one is found before a reply fails.
      await providerRequest(
        'Facebook',
        'check the Page token',
        `${graph}/${version}/me?fields=id`,
        { headers: bearer(credentials.accessToken) },
        meSchema,
        graphErrorMapper(false),
        http,
      )
      return credentials
    },
  }
}
