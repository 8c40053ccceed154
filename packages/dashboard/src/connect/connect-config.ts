/**
 * @module Which connect flows this server offers, from the environment: a provider is offered
 * when its client id and secret are set. Redirect URIs are `EARSHOT_PUBLIC_URL` +
 * `/connect/{provider}/callback`, and must be registered with the provider exactly so. Base URL
 * overrides exist for staging and for the fake servers of the end-to-end tests.
 */
import {
  type ConnectFlow,
  type ConnectProvider,
  facebookConnectFlow,
  googleConnectFlow,
  xConnectFlow,
} from '@earshot/collectors'

/** The flows a dashboard offers, by provider (absent: not configured). */
export type ConnectFlows = Partial<Record<ConnectProvider, ConnectFlow>>

/** The environment variables each provider needs (shown when one is not configured). */
export const CONNECT_ENV: Record<ConnectProvider, [string, string]> = {
  facebook: ['EARSHOT_FACEBOOK_APP_ID', 'EARSHOT_FACEBOOK_APP_SECRET'],
  google: ['EARSHOT_GOOGLE_CLIENT_ID', 'EARSHOT_GOOGLE_CLIENT_SECRET'],
  x: ['EARSHOT_X_CLIENT_ID', 'EARSHOT_X_CLIENT_SECRET'],
}

/** The callback URL of a provider under the dashboard's public address. */
export function connectRedirectUri(publicUrl: string, provider: ConnectProvider): string {
  return `${publicUrl.replace(/\/$/, '')}/connect/${provider}/callback`
}

/** Options of {@link connectFlowsFromEnv}. */
export interface ConnectFlowsFromEnvOptions {
  now?: () => Date
  fetch?: typeof globalThis.fetch
}

/**
 * The configured flows.
 *
 * @example
 * createDashboard({ db, connect: connectFlowsFromEnv(process.env) })
 */
export function connectFlowsFromEnv(
  env: Record<string, string | undefined>,
  options: ConnectFlowsFromEnvOptions = {},
): ConnectFlows {
  const get = (name: string) => env[name]?.trim() || undefined
  const publicUrl = get('EARSHOT_PUBLIC_URL') ?? `http://localhost:${get('PORT') ?? '3000'}`
  const common = {
    ...(options.now ? { now: options.now } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  }
  const optional = <K extends string>(key: K, name: string) => {
    const value = get(name)
    return value ? ({ [key]: value } as Record<K, string>) : {}
  }
  const flows: ConnectFlows = {}
  const [fbId, fbSecret] = CONNECT_ENV.facebook.map(get)
  if (fbId && fbSecret)
    flows.facebook = facebookConnectFlow({
      ...common,
      appId: fbId,
      appSecret: fbSecret,
      redirectUri: connectRedirectUri(publicUrl, 'facebook'),
      ...optional('apiVersion', 'EARSHOT_FACEBOOK_API_VERSION'),
      ...optional('dialogBaseUrl', 'EARSHOT_FACEBOOK_DIALOG_URL'),
      ...optional('graphBaseUrl', 'EARSHOT_FACEBOOK_GRAPH_URL'),
    })
  const [gId, gSecret] = CONNECT_ENV.google.map(get)
  if (gId && gSecret) {
    const api = get('EARSHOT_GOOGLE_API_URL')
    flows.google = googleConnectFlow({
      ...common,
      clientId: gId,
      clientSecret: gSecret,
      redirectUri: connectRedirectUri(publicUrl, 'google'),
      ...optional('authorizeUrl', 'EARSHOT_GOOGLE_AUTHORIZE_URL'),
      ...optional('tokenUrl', 'EARSHOT_GOOGLE_TOKEN_URL'),
      // One override for every Google API host (a staging proxy or the test fake).
      ...(api
        ? {
            accountManagementBaseUrl: api,
            businessInformationBaseUrl: api,
            reviewsBaseUrl: api,
            youtubeBaseUrl: api,
          }
        : {}),
    })
  }
  const [xId, xSecret] = CONNECT_ENV.x.map(get)
  if (xId && xSecret)
    flows.x = xConnectFlow({
      ...common,
      clientId: xId,
      clientSecret: xSecret,
      redirectUri: connectRedirectUri(publicUrl, 'x'),
      ...optional('authorizeUrl', 'EARSHOT_X_AUTHORIZE_URL'),
      ...optional('apiBaseUrl', 'EARSHOT_X_API_URL'),
    })
  return flows
}
