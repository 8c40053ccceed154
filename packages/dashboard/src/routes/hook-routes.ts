/**
 * @module Webhook receivers: `/hooks/:platform/:channelId?` hands the raw request to the
 * collectors' `handleWebhook` (signature checks need the exact bytes, so the body is passed as
 * text, unparsed). No session and no CSRF here: platforms sign their requests instead.
 */
import { handleWebhook } from '@earshot/collectors'
import type { Context } from 'hono'
import { Hono } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Kysely } from 'kysely'
import type { Database } from '../core.js'
import type { DashboardEnv } from '../http/dashboard-env.js'
import { codeForStatus, errorBody, errorJson } from '../http/http-errors.js'

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

/**
 * A refusal from the handler, re-answered in the dashboard's one error shape with the
 * handler's status (platforms retry on some statuses and not others, so it is kept) and the
 * code the table gives that status. The handler's reason becomes the message.
 */
function webhookError(
  c: Context<DashboardEnv>,
  result: { status: number; body: string },
): Response {
  const status = result.status as ContentfulStatusCode
  let code = codeForStatus(status)
  if (code === 'UNAUTHENTICATED') code = 'SIGNATURE_INVALID'
  return c.json(errorBody(code, reasonOf(result.body)), status)
}

/** The reason in a handler's body: `{ error: "…" }`, `{ error: { message } }` or plain text. */
function reasonOf(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body)
    if (parsed && typeof parsed === 'object' && 'error' in parsed) {
      const error = (parsed as { error: unknown }).error
      if (typeof error === 'string') return error
      if (error && typeof error === 'object' && 'message' in error)
        return String((error as { message: unknown }).message)
    }
  } catch {
    // not JSON: the text itself is the reason
  }
  return body.trim().slice(0, 500) || undefined
}

/** Routes: `ALL /hooks/:platform/:channelId?`. */
export function hookRoutes(handler: WebhookHandler = handleWebhook): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()
  app.all('/hooks/:platform/:channelId?', async (c) => {
    const tooLarge = () => errorJson(c, 'TOO_LARGE', 'payload too large')
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
    if (result.status >= 400) return webhookError(c, result)
    return c.body(result.body, result.status as 200, result.headers ?? {})
  })
  return app
}
