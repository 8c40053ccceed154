/**
 * @module The public promise: `GET /public/:publicId` (a small page) and
 * `/public/:publicId/badge.svg`, open to anyone, with strong caching (ETag, Cache-Control), a
 * per-address limit counted in the database, and no cookies (registered before sessions load);
 * and the practice's switch and embed snippet at `/practices/:practiceId/badge`.
 */
import { createHash } from 'node:crypto'
import type { Context } from 'hono'
import { Hono } from 'hono'
import { getBadgeSetting, practiceOfBadge, setBadgeEnabled } from '../badge/badge-store.js'
import { renderBadgeSvg } from '../badge/badge-svg.js'
import { type PublicFigures, publicFigures } from '../badge/public-figures.js'
import { admitPublicRequest, type PublicRateLimit } from '../badge/public-rate-limit.js'
import { assertCanWrite, authOf, permittedPractice } from '../http/auth-middleware.js'
import type { DashboardEnv } from '../http/dashboard-env.js'
import { BadgeSettingsView, PublicPromisePage } from '../views/badge-views.js'

/** Browsers and CDNs may keep a badge five minutes; the figures are cached as long here. */
const MAX_AGE_S = 300
const FIGURES_TTL_MS = MAX_AGE_S * 1000
const DEFAULT_LIMIT: PublicRateLimit = { max: 120, windowMs: 60_000 }
const PUBLIC_ID = /^[A-Za-z0-9_-]{8,64}$/

export interface PublicBadgeOptions {
  clientIp: (c: Context<DashboardEnv>) => string
  rateLimit?: PublicRateLimit
}

function etagOf(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`
}

/** Answers with caching headers, or 304 when the client has this very body. */
function cached(c: Context<DashboardEnv>, body: string, type: string): Response {
  const etag = etagOf(body)
  const headers = {
    ETag: etag,
    'Cache-Control': `public, max-age=${MAX_AGE_S}, stale-while-revalidate=${MAX_AGE_S}`,
    'Content-Type': type,
  }
  const sent = c.req.header('if-none-match')
  if (sent && sent.split(',').some((t) => t.trim() === etag)) return c.body(null, 304, headers)
  return c.body(body, 200, headers)
}

export function publicBadgeRoutes(options: PublicBadgeOptions): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()
  const limit = options.rateLimit ?? DEFAULT_LIMIT
  // Per process: bounds the database work of a popular badge to one computation per TTL.
  const figures = new Map<string, { until: number; value: PublicFigures | null }>()

  async function load(c: Context<DashboardEnv>): Promise<PublicFigures | null | 'limited'> {
    const { db, now } = c.var.services
    const at = now()
    if (!(await admitPublicRequest(db, `public:${options.clientIp(c)}`, limit, at)))
      return 'limited'
    const publicId = c.req.param('publicId') ?? ''
    if (!PUBLIC_ID.test(publicId)) return null
    const hit = figures.get(publicId)
    if (hit && hit.until > at.getTime()) return hit.value
    const practice = await practiceOfBadge(db, publicId)
    const value = practice
      ? await publicFigures(db, practice.organisationId, practice.practiceId, at)
      : null
    if (figures.size > 10_000) figures.clear()
    figures.set(publicId, { until: at.getTime() + FIGURES_TTL_MS, value })
    return value
  }

  const refuse = (c: Context<DashboardEnv>, what: 'limited' | null) =>
    what === 'limited'
      ? c.text('too many requests; try again in a minute', 429, { 'Retry-After': '60' })
      : c.text('no such badge', 404, { 'Cache-Control': 'no-store' })

  app.get('/public/:publicId/badge.svg', async (c) => {
    const f = await load(c)
    if (f === null || f === 'limited') return refuse(c, f)
    return cached(c, renderBadgeSvg(f), 'image/svg+xml; charset=utf-8')
  })

  app.get('/public/:publicId', async (c) => {
    const f = await load(c)
    if (f === null || f === 'limited') return refuse(c, f)
    const badgePath = `/public/${encodeURIComponent(c.req.param('publicId'))}/badge.svg`
    const html = `<!doctype html>${(<PublicPromisePage f={f} badgePath={badgePath} />).toString()}`
    return cached(c, html, 'text/html; charset=utf-8')
  })

  return app
}

const NOTICES: Record<string, string> = {
  on: 'The badge is public. Copy the snippet into your website.',
  off: 'The badge is switched off: its page and image answer "not found".',
}

function publicBase(c: Context<DashboardEnv>): string {
  const configured = process.env.EARSHOT_PUBLIC_URL?.trim()
  return (configured || new URL(c.req.url).origin).replace(/\/+$/, '')
}

export function badgeSettingsRoutes(): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()

  app.get('/practices/:practiceId/badge', async (c) => {
    const auth = authOf(c)
    assertCanWrite(auth)
    const practice = permittedPractice(auth, c.req.param('practiceId'))
    const setting = await getBadgeSetting(c.var.services.db, auth.organisationId, practice.id)
    const base = publicBase(c)
    const page = setting.publicId ? `${base}/public/${setting.publicId}` : null
    return c.render(
      <BadgeSettingsView
        practice={{ id: practice.id, name: practice.name }}
        enabled={setting.enabled}
        pageUrl={page}
        badgeUrl={page ? `${page}/badge.svg` : null}
        csrf={auth.csrfToken}
        notice={NOTICES[c.req.query('notice') ?? '']}
      />,
      { title: `Public badge · ${practice.name}`, active: 'settings' },
    )
  })

  app.post('/practices/:practiceId/badge', async (c) => {
    const auth = authOf(c)
    assertCanWrite(auth)
    const practice = permittedPractice(auth, c.req.param('practiceId'))
    const form = await c.req.parseBody()
    const enabled = form.enabled === 'on'
    const { db, now } = c.var.services
    await setBadgeEnabled(db, auth.organisationId, practice.id, enabled, now())
    return c.redirect(
      `/practices/${encodeURIComponent(practice.id)}/badge?notice=${enabled ? 'on' : 'off'}`,
      303,
    )
  })

  return app
}
