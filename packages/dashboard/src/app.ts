/**
 * @module `createDashboard`: the whole web app (pages, JSON API, webhook receivers, health check)
 * as one runtime-agnostic Hono instance. Only the CLI's server entry binds it to a port.
 */

import type { SendReplyDeps } from '@earshot/collectors'
import { type Keyring, processKeyring, type ReadReplica } from '@earshot/core'
import type { Context } from 'hono'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import { secureHeaders } from 'hono/secure-headers'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Kysely } from 'kysely'
import { unreadAlertCount } from './alerts/alert-queries.js'
import { createDatabaseLoginLimiter } from './auth/database-login-limiter.js'
import type { LoginRateLimitOptions } from './auth/login-rate-limiter.js'
import type { PublicRateLimit } from './badge/public-rate-limit.js'
import type { ConnectFlows } from './connect/connect-config.js'
import {
  type Database,
  databaseFaultOf,
  isDatabaseUnavailable,
  isEarshotError,
  recordOverride,
} from './core.js'
import type { RecordOverride } from './data/record-override.js'
import { checkDatabaseHealth } from './health/database-health.js'
import { loadAuth, requireCsrf, requirePageAuth } from './http/auth-middleware.js'
import type { DashboardEnv, DashboardServices } from './http/dashboard-env.js'
import {
  codeForStatus,
  errorBody,
  errorJson,
  HTTP_ERRORS,
  HttpError,
  type HttpErrorCode,
  type HttpErrorIssue,
} from './http/http-errors.js'
import { logSafeError } from './http/log-safe-error.js'
import { rememberWrites } from './http/read-database.js'
import { DEFAULT_MAX_CONCURRENT_REQUESTS, requestLimit } from './http/request-limit.js'
import { inboxActionRoutes } from './inbox/inbox-action-routes.js'
import { type InboxEventsOptions, inboxEventRoutes } from './inbox/inbox-events.js'
import type { MailSender } from './mail/mail-sender.js'
import { replyRoutes } from './replies/reply-routes.js'
import { accountRoutes } from './routes/account-routes.js'
import { alertRoutes, alertScopeOf } from './routes/alert-routes.js'
import { apiRoutes } from './routes/api-routes.js'
import { assetRoutes } from './routes/asset-routes.js'
import { authRoutes } from './routes/auth-routes.js'
import { badgeSettingsRoutes, publicBadgeRoutes } from './routes/badge-routes.js'
import { connectRoutes } from './routes/connect-routes.js'
import { exportRoutes } from './routes/export-routes.js'
import { hookRoutes, type WebhookHandler } from './routes/hook-routes.js'
import { inboxRoutes } from './routes/inbox-routes.js'
import { jobsRoutes } from './routes/jobs-routes.js'
import { mentionRoutes } from './routes/mention-routes.js'
import { overviewRoutes } from './routes/overview-routes.js'
import { privacyRoutes } from './routes/privacy-routes.js'
import { reportScheduleRoutes } from './routes/report-schedule-routes.js'
import { securityRoutes } from './routes/security-routes.js'
import { settingsRoutes } from './routes/settings-routes.js'
import { setupRoutes } from './routes/setup-routes.js'
import { channelsNeedingReconnect } from './setup/channel-health.js'
import { errorPageResponse } from './views/error-page.js'
import { layout } from './views/layout.js'

/** No request body may be larger (webhooks, forms, API calls): platforms send a few kilobytes. */
export const MAX_REQUEST_BYTES = 1_000_000

/** Options of {@link createDashboard}. */
export interface DashboardOptions {
  /** The primary database. */
  db: Kysely<Database>
  /**
   * A read replica (core's `openReadReplica`): pure read routes (overviews, comparison, inbox,
   * search, detail, exports, reports, API GETs) read it while it is healthy; the caller checks it
   * (`start()`) and closes it. `/healthz` reports it. Default none: everything reads the primary.
   */
  readReplica?: ReadReplica
  /** The clock (tests pin it). Default: `() => new Date()`. */
  now?: () => Date
  /** Mark cookies Secure (and `__Host-` prefixed). Turn on behind HTTPS. Default false. */
  secureCookies?: boolean
  /**
   * Sign-in attempts allowed per account (`max`) per window, counted in the database before
   * hashing. Default 5 per 15 minutes; each client address gets 30 per window as well.
   */
  loginRateLimit?: LoginRateLimitOptions
  /** Records inbox decisions. Default: core's `recordOverride` (which re-links the thread). */
  recordOverride?: RecordOverride
  /** Handles `/hooks/*`. Default: `handleWebhook` from `@earshot/collectors`. */
  webhookHandler?: WebhookHandler
  /** Seals two-factor secrets. Default: the process keyring (EARSHOT_SECRET_KEY or the data folder's key). */
  keyring?: Keyring
  /** How replies reach the platforms. Default: the real APIs with `fetch`. Tests inject fake servers' clocks and sleep. */
  reply?: SendReplyDeps
  /** Sends invitations and password resets. Default none: the invite page shows the link instead. */
  mail?: MailSender
  /** Where people reach the dashboard, for links in mail. Default `http://localhost:3000`. */
  publicUrl?: string
  /** The OAuth connect flows offered ("Connect Facebook/Google/X"). Default: none; `serve` reads them from the environment (`connectFlowsFromEnv`). */
  connect?: ConnectFlows
  /**
   * The client's IP for rate limiting. Default: the socket address (Node server), else
   * `unknown`. Behind a reverse proxy, read the proxy's header here.
   */
  clientIp?: (c: Context<DashboardEnv>) => string
  /** Requests per client address to the public badge and page (default 120 a minute). */
  publicRateLimit?: PublicRateLimit
  /** How often live inbox streams poll the change feed (`/inbox/events`). */
  inboxEvents?: InboxEventsOptions
  /**
   * Requests this process works on at once; beyond it, 503 with `Retry-After` at once
   * (`/healthz` and assets exempt). Default {@link DEFAULT_MAX_CONCURRENT_REQUESTS}.
   */
  maxConcurrentRequests?: number
  /** The embedded database's data folder: `/healthz` reports `disk-full` when its file system is nearly full. */
  dataDir?: string
}

const CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
}

/** Code, status and the message a caller may see, of anything a route threw. */
function describeError(error: unknown): {
  code: HttpErrorCode
  status: number
  message: string
  issues?: HttpErrorIssue[]
} {
  if (error instanceof HttpError)
    return { code: error.code, status: error.status, message: error.message, issues: error.issues }
  if (error instanceof HTTPException) {
    const code = codeForStatus(error.status)
    return { code, status: error.status, message: error.message || HTTP_ERRORS[code].message }
  }
  // A lost, slow, full or read-only database is the operator's to fix and the caller's to retry.
  if (isDatabaseUnavailable(error)) {
    const { status, message } = HTTP_ERRORS.DATABASE_UNAVAILABLE
    return { code: 'DATABASE_UNAVAILABLE', status, message }
  }
  // A value PostgreSQL cannot take (a NUL in text, a number or date out of range: SQLSTATE
  // class 22) came from the request; the sender can fix it, the server cannot.
  if (isDataException(error)) {
    const { status } = HTTP_ERRORS.INVALID_INPUT
    return { code: 'INVALID_INPUT', status, message: 'a value in the request cannot be stored' }
  }
  if (isEarshotError(error)) {
    const { status, message } = HTTP_ERRORS[error.code]
    // Server-side failures keep their details in the log, not in the answer.
    return { code: error.code, status, message: status < 500 ? error.message : message }
  }
  return { code: 'INTERNAL', status: 500, message: HTTP_ERRORS.INTERNAL.message }
}

function isDataException(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code)
}

function defaultClientIp(c: Context<DashboardEnv>): string {
  // @hono/node-server puts the Node request in c.env; other runtimes fall back to one shared bucket.
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined
  return env?.incoming?.socket?.remoteAddress ?? 'unknown'
}

/**
 * Creates the dashboard app.
 *
 * @example
 * import { serve } from '@hono/node-server'
 * const { db } = await openDatabase({ url: process.env.DATABASE_URL })
 * serve({ fetch: createDashboard({ db, secureCookies: true }).fetch, port: 3000 })
 */
export function createDashboard(options: DashboardOptions): Hono<DashboardEnv> {
  const secureCookies = options.secureCookies ?? false
  const services: DashboardServices = {
    db: options.db,
    replica: options.readReplica,
    now: options.now ?? (() => new Date()),
    recordOverride: options.recordOverride ?? recordOverride,
    reply: options.reply ?? {},
    keyring: options.keyring ? () => options.keyring! : processKeyring,
    mail: options.mail,
    publicUrl: (options.publicUrl ?? 'http://localhost:3000').replace(/\/+$/, ''),
    connect: options.connect ?? {},
  }
  const app = new Hono<DashboardEnv>()

  app.use('*', async function provideServices(c, next) {
    c.set('services', services)
    c.set('auth', undefined)
    await next()
  })
  app.use(
    '*',
    requestLimit({
      maxConcurrent: options.maxConcurrentRequests ?? DEFAULT_MAX_CONCURRENT_REQUESTS,
    }),
  )
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: CSP,
      referrerPolicy: 'same-origin',
      crossOriginResourcePolicy: 'same-origin',
      strictTransportSecurity: secureCookies ? 'max-age=31536000; includeSubDomains' : false,
    }),
  )

  // Every body is counted while it streams in (chunked ones too) and cut off at the limit, so
  // an oversized request never sits whole in memory.
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_REQUEST_BYTES,
      onError: (c) => {
        if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/hooks/'))
          return errorJson(
            c,
            'TOO_LARGE',
            `request bodies are limited to ${MAX_REQUEST_BYTES} bytes`,
          )
        return errorPageResponse(
          c,
          413,
          HTTP_ERRORS.TOO_LARGE.message,
          'That request was too large.',
        )
      },
    }),
  )

  // A multipart body that cannot be parsed fails wherever it is first read (the CSRF check, a
  // handler); read it once here so it is refused as the sender's error, not a server fault.
  app.use('*', async function parsableForm(c, next) {
    const type = c.req.header('content-type')?.trim().toLowerCase() ?? ''
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && type.startsWith('multipart/')) {
      try {
        await c.req.parseBody({ all: true })
      } catch (error) {
        // An oversized body is the body limit's to answer (413).
        if (error instanceof Error && error.name === 'BodyLimitError') throw error
        throw new HttpError('INVALID_INPUT', 'the multipart form body cannot be parsed')
      }
    }
    await next()
  })

  app.get('/healthz', async (c) => {
    const database = await checkDatabaseHealth(
      services.db,
      undefined,
      options.dataDir ? { path: options.dataDir } : undefined,
      { now: services.now },
    )
    c.header('Cache-Control', 'no-store')
    // The replica's state is reported, never a failure: reads fall back to the primary.
    const replica = services.replica?.status()
    return c.json(
      {
        ok: database === 'up',
        database,
        ...(replica
          ? {
              readReplica: {
                state: replica.state,
                lagMs: replica.lagMs,
                readsFrom: replica.readsFrom,
              },
            }
          : {}),
      },
      database === 'up' ? 200 : 503,
    )
  })
  // Registered before the auth middleware: webhooks and assets need no session.
  app.route('/', hookRoutes(options.webhookHandler))
  app.route('/', assetRoutes())
  // Public and cookie-free: before sessions are loaded, so nothing here can set or read one.
  app.route(
    '/',
    publicBadgeRoutes({
      clientIp: options.clientIp ?? defaultClientIp,
      ...(options.publicRateLimit ? { rateLimit: options.publicRateLimit } : {}),
    }),
  )

  app.use('*', loadAuth({ secureCookies }))
  app.use('*', rememberWrites({ secureCookies }))
  app.use('*', async function noStore(c, next) {
    await next()
    // Pages and API answers hold patient messages: never let a shared cache keep them.
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store')
  })
  app.route('/api/v1', apiRoutes())

  app.use('*', layout)
  app.use('*', requireCsrf)
  const loginLimiter = createDatabaseLoginLimiter(options.db, {
    ...(options.loginRateLimit?.max === undefined
      ? {}
      : { perAccount: options.loginRateLimit.max }),
    ...(options.loginRateLimit?.windowMs === undefined
      ? {}
      : { windowMs: options.loginRateLimit.windowMs }),
  })
  const clientIp = options.clientIp ?? defaultClientIp
  app.route('/', authRoutes({ secureCookies, limiter: loginLimiter, clientIp }))
  app.route('/', accountRoutes({ clientIp }))
  app.use('*', requirePageAuth)
  app.route('/', securityRoutes({ limiter: loginLimiter, clientIp }))
  // The bell's unread count and the reconnect banner, for pages (GET requests of a signed-in
  // session): two independent reads, run side by side (they were two middlewares in turn).
  app.use('*', async function loadPageChrome(c, next) {
    const auth = c.var.auth
    if (auth?.via === 'session' && c.req.method === 'GET') {
      const { db } = c.var.services
      const [unread, reconnect] = await Promise.all([
        unreadAlertCount(db, alertScopeOf(auth)),
        channelsNeedingReconnect(db, auth),
      ])
      c.set('unreadAlerts', unread)
      c.set('reconnect', reconnect)
    }
    await next()
  })
  app.route('/', alertRoutes())
  app.route('/', badgeSettingsRoutes())
  app.route('/', jobsRoutes())
  app.route('/', overviewRoutes())
  app.route('/', inboxRoutes())
  app.route('/', inboxActionRoutes())
  app.route('/', inboxEventRoutes(options.inboxEvents))
  app.route('/', mentionRoutes())
  app.route('/', replyRoutes())
  app.route('/', settingsRoutes())
  app.route('/', privacyRoutes())
  app.route('/', connectRoutes())
  app.route('/', exportRoutes())
  app.route('/', reportScheduleRoutes())
  app.route('/', setupRoutes())

  app.notFound((c) => {
    if (c.req.path.startsWith('/api/')) return errorJson(c, 'NOT_FOUND')
    return errorPageResponse(
      c,
      404,
      'Not found',
      'There is nothing here, or you do not have access to it.',
    )
  })

  app.onError((error, c) => {
    const { code, status, message, issues } = describeError(error)
    if (code === 'DATABASE_UNAVAILABLE') {
      // Name the fault, not the error: its message can hold the server's address or a value.
      console.error(
        '[dashboard]',
        c.req.method,
        c.req.path,
        'database unavailable:',
        databaseFaultOf(error),
      )
      c.header('Retry-After', '5')
    } else if (status >= 500)
      // The kind and place of the error only: its message can quote patient text (logSafeError).
      console.error('[dashboard]', c.req.method, c.req.path, logSafeError(error))
    if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/hooks/'))
      return c.json(errorBody(code, message, issues), status as ContentfulStatusCode)
    return errorPageResponse(c, status, HTTP_ERRORS[code].message, message)
  })

  return app
}
