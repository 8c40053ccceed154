/**
 * @module Webhook receivers: `/hooks/:platform/:channelId?` hands the raw request to the
 * collectors' webhook handler (signature checks need the exact bytes, so the body is passed as
 * text, unparsed). No session and no CSRF here: platforms sign their requests instead.
 */

import { Hono } from 'hono'
import type { Kysely } from 'kysely'
import type { Database } from '../core.js'
import type { DashboardEnv } from '../http/dashboard-env.js'

/** What the webhook handler receives besides db, platform and channel. */
export interface WebhookRequest {
  method: string
  url: string
  headers: Record<string, string>
  query: Record<string, string>
  /** The raw body, exactly as received. */
  body: string
}

/** The signature of `@earshot/collectors`' `handleWebhook`. */
export type WebhookHandler = (
  db: Kysely<Database>,
  platform: string,
  channelId: string | undefined,
  request: WebhookRequest,
) => Promise<{ status: number; body?: unknown; headers?: Record<string, string> }>

/** Webhook bodies above this size are refused before being read into memory twice. */
export const MAX_WEBHOOK_BYTES = 1_000_000

// Resolved at first use so the dashboard still starts when the collectors package is absent.
async function defaultHandler(): Promise<WebhookHandler | undefined> {
  const specifier = '@earshot/collectors'
  try {
    const mod = (await import(specifier)) as { handleWebhook?: WebhookHandler }
    return typeof mod.handleWebhook === 'function' ? mod.handleWebhook : undefined
  } catch {
    return undefined
  }
}

/** Routes: `ALL /hooks/:platform/:channelId?`. */
export function hookRoutes(handler?: WebhookHandler): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()
  let resolved: Promise<WebhookHandler | undefined> | undefined
  app.all('/hooks/:platform/:channelId?', async (c) => {
    resolved ??= handler ? Promise.resolve(handler) : defaultHandler()
    const handle = await resolved
    if (!handle)
      return c.json(
        { error: { code: 'UNAVAILABLE', message: 'webhook handling is not available' } },
        503,
      )
    const length = Number(c.req.header('content-length') ?? 0)
    if (length > MAX_WEBHOOK_BYTES)
      return c.json({ error: { code: 'TOO_LARGE', message: 'payload too large' } }, 413)
    const body = c.req.method === 'GET' || c.req.method === 'HEAD' ? '' : await c.req.text()
    if (Buffer.byteLength(body) > MAX_WEBHOOK_BYTES)
      return c.json({ error: { code: 'TOO_LARGE', message: 'payload too large' } }, 413)
    const result = await handle(
      c.var.services.db,
      c.req.param('platform'),
      c.req.param('channelId') || undefined,
      {
        method: c.req.method,
        url: c.req.url,
        headers: c.req.header(),
        query: c.req.query(),
        body,
      },
    )
    for (const [name, value] of Object.entries(result.headers ?? {})) c.header(name, value)
    const status = result.status as 200
    if (result.body === undefined || result.body === null) return c.body(null, status)
    return typeof result.body === 'string'
      ? c.text(result.body, status)
      : c.json(result.body as object, status)
  })
  return app
}
