/**
 * @module Webhook receivers: `/hooks/:platform/:channelId?` hands the raw request to the
 * collectors' `handleWebhook` (signature checks need the exact bytes, so the body is passed as
 * text, unparsed). No session and no CSRF here: platforms sign their requests instead.
 */
import { handleWebhook } from '@earshot/collectors'
import { Hono } from 'hono'
import type { Kysely } from 'kysely'
import type { Database } from '../core.js'
import type { DashboardEnv } from '../http/dashboard-env.js'

/** What the webhook handler receives besides db, platform and channel. */
export interface WebhookRequest {
  method: string
  url: string
  headers: Headers
  /** The raw body, exactly as received. */
  body: string
}

/** The signature of `@earshot/collectors`' `handleWebhook`. */
export type WebhookHandler = (
  db: Kysely<Database>,
  platform: string,
  channelId: string | undefined,
  request: WebhookRequest,
) => Promise<{ status: number; body: string; headers?: Record<string, string> }>

/** Webhook bodies above this size are refused (platforms send a few kilobytes). */
export const MAX_WEBHOOK_BYTES = 1_000_000

/** Routes: `ALL /hooks/:platform/:channelId?`. */
export function hookRoutes(handler: WebhookHandler = handleWebhook): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()
  app.all('/hooks/:platform/:channelId?', async (c) => {
    const tooLarge = () =>
      c.json({ error: { code: 'TOO_LARGE', message: 'payload too large' } }, 413)
    if (Number(c.req.header('content-length') ?? 0) > MAX_WEBHOOK_BYTES) return tooLarge()
    const body = c.req.method === 'GET' || c.req.method === 'HEAD' ? '' : await c.req.text()
    if (Buffer.byteLength(body) > MAX_WEBHOOK_BYTES) return tooLarge()
    const result = await handler(
      c.var.services.db,
      c.req.param('platform'),
      c.req.param('channelId') || undefined,
      {
        method: c.req.method,
        url: c.req.url,
        headers: c.req.raw.headers,
        body,
      },
    )
    return c.body(result.body, result.status as 200, result.headers ?? {})
  })
  return app
}
