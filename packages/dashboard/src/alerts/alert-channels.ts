/**
 * @module Delivery channels behind one interface. Each turns one message (a single alert or a
 * digest of several) into what its service expects: an e-mail with HTML and text parts, a Slack,
 * Microsoft Teams (Workflows adaptive card) or Google Chat incoming-webhook post, or a signed
 * Standard Webhooks POST. A channel reports the outcome; the deliverer decides about retries.
 */
import { createHmac, randomBytes } from 'node:crypto'
import type { MailSender } from '../mail/mail-sender.js'
import type { AlertContent } from './alert-content.js'
import { escapeHtml } from './escape-html.js'
import { BlockedDestinationError } from './outbound-url-guard.js'

export const ENDPOINT_KINDS = ['email', 'slack', 'teams', 'google_chat', 'webhook'] as const
export type EndpointKind = (typeof ENDPOINT_KINDS)[number]

export interface AlertEnvelope {
  /** The alert id (one alert) or a digest id; stable across retries (webhook-id). */
  id: string
  alerts: readonly {
    id: string
    rule: string
    practiceId: string
    mentionId: string | null
    dueAt: Date | null
    createdAt: Date
    content: AlertContent
  }[]
}

export interface EndpointTarget {
  id: string
  kind: EndpointKind
  /** Comma-separated addresses (e-mail) or the URL. */
  target: string
  secret: string | null
}

export interface DeliveryOutcome {
  ok: boolean
  status?: number
  error?: string
  /** The endpoint is gone (404/410/403 from a chat hook): do not retry. */
  permanent?: boolean
  /** Seconds the service asked us to wait (Retry-After). */
  retryAfterSeconds?: number
}

export interface ChannelContext {
  now: Date
  fetch: typeof fetch
  mail?: MailSender
  /** Abort an HTTP attempt after this long (the deliverer's budget, not a test timing). */
  timeoutMs: number
}

export interface AlertChannel {
  kind: EndpointKind
  send(
    endpoint: EndpointTarget,
    envelope: AlertEnvelope,
    ctx: ChannelContext,
  ): Promise<DeliveryOutcome>
}

/** One line per alert for chat previews: titles only, never patient text. */
function summary(envelope: AlertEnvelope): string {
  if (envelope.alerts.length === 1) {
    const a = envelope.alerts[0]!
    return `${a.content.title}\n${a.content.link}`
  }
  return [
    `${envelope.alerts.length} alerts`,
    ...envelope.alerts.map((a) => `• ${a.content.title} — ${a.content.link}`),
  ].join('\n')
}

async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  ctx: ChannelContext,
): Promise<DeliveryOutcome> {
  let res: Response
  try {
    res = await ctx.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(ctx.timeoutMs),
    })
  } catch (cause) {
    if (cause instanceof BlockedDestinationError)
      return { ok: false, error: cause.message, permanent: cause.permanent }
    // The name and the system code (ECONNREFUSED, ECONNRESET, …), never the message: it may quote the URL.
    const code = (cause as { cause?: { code?: unknown } }).cause?.code
    return {
      ok: false,
      error: `request failed: ${(cause as Error).name}${typeof code === 'string' ? ` ${code}` : ''}`,
    }
  }
  const text = (await res.text().catch(() => '')).slice(0, 200)
  if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status }
  const retryAfter = Number(res.headers.get('retry-after'))
  return {
    ok: false,
    status: res.status,
    // Chat services answer with short codes (`no_service`, `invalid_token`); never echo URLs.
    error: `HTTP ${res.status}${text ? ` ${text.replace(/https?:\/\/\S+/g, '[url]')}` : ''}`,
    permanent: res.status === 404 || res.status === 410 || res.status === 403,
    ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
  }
}

export const slackChannel: AlertChannel = {
  kind: 'slack',
  send: (endpoint, envelope, ctx) =>
    postJson(endpoint.target, JSON.stringify({ text: summary(envelope) }), {}, ctx),
}

export const googleChatChannel: AlertChannel = {
  kind: 'google_chat',
  send: (endpoint, envelope, ctx) => {
    // requestId makes a retried post return the message already created instead of a second one.
    const url = new URL(endpoint.target)
    url.searchParams.set('requestId', envelope.id)
    return postJson(url.toString(), JSON.stringify({ text: summary(envelope) }), {}, ctx)
  },
}

export const teamsChannel: AlertChannel = {
  kind: 'teams',
  send: (endpoint, envelope, ctx) => {
    const body = envelope.alerts.flatMap((a) => [
      { type: 'TextBlock', text: a.content.title, weight: 'Bolder', wrap: true },
      { type: 'TextBlock', text: `[Open it](${a.content.link})`, wrap: true },
    ])
    const card = {
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            body,
          },
        },
      ],
    }
    return postJson(endpoint.target, JSON.stringify(card), {}, ctx)
  },
}

/** A new Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`
}

/** `v1,<base64 HMAC-SHA256(key, id.timestamp.body)>` per Standard Webhooks 1.0. */
export function signStandardWebhook(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
  const sig = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')
  return `v1,${sig}`
}

export const webhookChannel: AlertChannel = {
  kind: 'webhook',
  send: (endpoint, envelope, ctx) => {
    if (!endpoint.secret)
      return Promise.resolve({ ok: false, error: 'no signing secret', permanent: true })
    const body = JSON.stringify({
      type: envelope.alerts.length === 1 ? `alert.${envelope.alerts[0]!.rule}` : 'alert.digest',
      timestamp: ctx.now.toISOString(),
      data: {
        alerts: envelope.alerts.map((a) => ({
          id: a.id,
          rule: a.rule,
          practice_id: a.practiceId,
          mention_id: a.mentionId,
          due_at: a.dueAt?.toISOString() ?? null,
          created_at: a.createdAt.toISOString(),
          title: a.content.title,
          link: a.content.link,
          ...(a.content.safeReply ? { safe_reply: a.content.safeReply } : {}),
        })),
      },
    })
    const ts = Math.floor(ctx.now.getTime() / 1000)
    return postJson(
      endpoint.target,
      body,
      {
        'webhook-id': envelope.id,
        'webhook-timestamp': String(ts),
        'webhook-signature': signStandardWebhook(endpoint.secret, envelope.id, ts, body),
      },
      ctx,
    )
  },
}

function emailHtml(envelope: AlertEnvelope): string {
  const items = envelope.alerts
    .map(
      (a) => `<div style="border:1px solid #d0d7de;border-radius:6px;padding:12px;margin:0 0 12px">
<h2 style="font-size:16px;margin:0 0 8px">${escapeHtml(a.content.title)}</h2>
${a.content.lines
  .filter((l) => !l.startsWith('Open it:'))
  .map((l) => `<p style="margin:0 0 6px">${escapeHtml(l)}</p>`)
  .join('\n')}
<p style="margin:8px 0 0"><a href="${escapeHtml(a.content.link)}" style="background:#0b5cad;color:#fff;padding:6px 12px;border-radius:4px;text-decoration:none">Open it in Earshot</a>
 &nbsp;<a href="${escapeHtml(a.content.alertLink)}">Alert and deliveries</a></p>
</div>`,
    )
    .join('\n')
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1f2328;max-width:640px">
<p style="color:#57606a;margin:0 0 12px">Earshot alert</p>
${items}
<p style="color:#57606a;font-size:12px">You receive this because your practice set up Earshot alerts. Change them under Settings → Alerts.</p>
</body></html>`
}

export const emailChannel: AlertChannel = {
  kind: 'email',
  async send(endpoint, envelope, ctx) {
    if (!ctx.mail) return { ok: false, error: 'mail is not configured (EARSHOT_SMTP_URL)' }
    const to = endpoint.target
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
    const subject =
      envelope.alerts.length === 1
        ? envelope.alerts[0]!.content.title
        : `Earshot: ${envelope.alerts.length} alerts`
    const text = envelope.alerts
      .map((a) => [a.content.title, ...a.content.lines, `Alert: ${a.content.alertLink}`].join('\n'))
      .join('\n\n')
    try {
      const receipt = await ctx.mail.send({
        to,
        subject,
        text,
        html: emailHtml(envelope),
        headers: { 'X-Earshot-Alert': envelope.id },
      })
      if (receipt.accepted.length === 0) return { ok: false, error: 'no recipient accepted' }
      return { ok: true }
    } catch (cause) {
      const code = (cause as { responseCode?: number }).responseCode
      return {
        ok: false,
        error: `SMTP ${code ?? ''} ${(cause as Error).message}`.slice(0, 200),
        ...(code ? { status: code } : {}),
      }
    }
  },
}

export const ALERT_CHANNELS: Readonly<Record<EndpointKind, AlertChannel>> = {
  email: emailChannel,
  slack: slackChannel,
  teams: teamsChannel,
  google_chat: googleChatChannel,
  webhook: webhookChannel,
}
