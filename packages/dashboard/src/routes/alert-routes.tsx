/**
 * @module The notification centre (`/alerts`, one alert with its deliveries, mark read, the
 * unread feed the bell and browser notifications poll) and the alert settings of a practice and
 * of the organisation. Scoped to the caller's practices; settings need a writing role, and the
 * organisation's defaults an agency admin.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { Hono } from 'hono'
import { z } from 'zod'
import { ENDPOINT_KINDS } from '../alerts/alert-channels.js'
import {
  createAlertEndpoint,
  deleteAlertEndpoint,
  endpointInputSchema,
  listAlertEndpoints,
} from '../alerts/alert-endpoint-store.js'
import {
  type AlertScope,
  getAlert,
  getAlertPreferences,
  listAlerts,
  markAlertsRead,
  preferencesSchema,
  resolvedRules,
  saveAlertPreferences,
  saveAlertRule,
  unreadAlertCount,
} from '../alerts/alert-queries.js'
import { ALERT_RULES, RULE_DEFINITIONS } from '../alerts/alert-rules.js'
import { assertCanWrite, authOf, permittedPractice } from '../http/auth-middleware.js'
import type { AuthState, DashboardEnv } from '../http/dashboard-env.js'
import { HttpError } from '../http/http-errors.js'
import { AlertDetailView, AlertListView, AlertSettingsView } from '../views/alert-views.js'

const PAGE_SIZE = 50

const NOTICES: Record<string, string> = {
  read: 'Marked as read.',
  'rules-saved': 'Alert rules saved.',
  'preferences-saved': 'Saved.',
  'endpoint-added': 'Endpoint added.',
  'endpoint-removed': 'Endpoint removed.',
}

export function alertScopeOf(auth: AuthState): AlertScope {
  return {
    organisationId: auth.organisationId,
    practiceIds: auth.practices.map((p) => p.id),
    userId: auth.user.id,
  }
}

const cursorSchema = z
  .string()
  .max(200)
  .transform((s, ctx) => {
    const at = s.indexOf('_')
    const ms = Number(s.slice(0, at))
    if (at < 1 || !Number.isSafeInteger(ms)) {
      ctx.addIssue({ code: 'custom', message: 'not a cursor from this page' })
      return z.NEVER
    }
    return { createdAt: new Date(ms), id: s.slice(at + 1) }
  })

const readFormSchema = z.object({ ids: z.array(z.string().max(200)).max(500).optional() })

function settingsScope(c: Context<DashboardEnv>): {
  auth: AuthState
  practice: { id: string; name: string } | null
  base: string
  endpointScope: readonly string[] | 'all'
} {
  const auth = authOf(c)
  assertCanWrite(auth)
  const practiceId = c.req.param('practiceId')
  if (practiceId === undefined) {
    if (auth.user.role !== 'agency_admin')
      throw new HttpError('FORBIDDEN', 'only agency admins change the organisation defaults')
    return { auth, practice: null, base: '/alerts/settings', endpointScope: 'all' }
  }
  const practice = permittedPractice(auth, practiceId)
  return {
    auth,
    practice: { id: practice.id, name: practice.name },
    base: `/practices/${encodeURIComponent(practice.id)}/alerts`,
    endpointScope: [practice.id],
  }
}

async function renderSettings(
  c: Context<DashboardEnv>,
  extra: { notice?: string; error?: string; signingSecret?: string; status?: 200 | 400 } = {},
) {
  const { auth, practice } = settingsScope(c)
  const { db } = c.var.services
  const [rules, preferences, endpoints] = await Promise.all([
    resolvedRules(db, auth.organisationId, practice?.id ?? null),
    practice ? getAlertPreferences(db, auth.organisationId, practice.id) : null,
    listAlertEndpoints(db, auth.organisationId, practice ? [practice.id] : 'all'),
  ])
  // The organisation page lists only organisation-wide endpoints; a practice's own are on its page.
  const shown = practice ? endpoints : endpoints.filter((e) => e.practiceId === null)
  c.status(extra.status ?? 200)
  return c.render(
    <AlertSettingsView
      practice={practice}
      rules={rules}
      preferences={preferences}
      endpoints={shown}
      csrf={auth.csrfToken}
      notice={extra.notice ?? NOTICES[c.req.query('notice') ?? '']}
      error={extra.error}
      signingSecret={extra.signingSecret}
    />,
    { title: practice ? `Alerts · ${practice.name}` : 'Alert defaults', active: 'settings' },
  )
}

/** Numbers of one rule's parameter fields; empty fields fall back to the defaults. */
function ruleParamsFromForm(
  form: Record<string, unknown>,
  rule: (typeof ALERT_RULES)[number],
): Record<string, number> {
  const out: Record<string, number> = {}
  for (const name of Object.keys(RULE_DEFINITIONS[rule].params)) {
    const raw = form[`param_${rule}_${name}`]
    if (typeof raw !== 'string' || raw.trim() === '') continue
    out[name] = Number(raw)
  }
  return out
}

function issuesText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'form'}: ${i.message}`).join('; ')
}

/** Sets the bell's unread count for pages (GET requests of a signed-in session). */
export const loadUnreadAlerts: MiddlewareHandler<DashboardEnv> = async function loadUnreadAlerts(
  c,
  next,
) {
  const auth = c.var.auth
  if (auth?.via === 'session' && c.req.method === 'GET')
    c.set('unreadAlerts', await unreadAlertCount(c.var.services.db, alertScopeOf(auth)))
  await next()
}

/** Routes: `/alerts…` (notification centre) and the alert settings pages. */
export function alertRoutes(): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()

  app.get('/alerts', async (c) => {
    const auth = authOf(c)
    const { db, now } = c.var.services
    const before = c.req.query('before')
    const cursor = before ? cursorSchema.safeParse(before) : undefined
    if (cursor && !cursor.success)
      throw new HttpError('INVALID_INPUT', 'not a cursor from this page')
    const scope = alertScopeOf(auth)
    const [alerts, unread] = await Promise.all([
      listAlerts(db, scope, {
        now: now(),
        limit: PAGE_SIZE + 1,
        ...(cursor?.success ? { before: cursor.data } : {}),
      }),
      unreadAlertCount(db, scope),
    ])
    const page = alerts.slice(0, PAGE_SIZE)
    const last = page.at(-1)
    const nextHref =
      alerts.length > PAGE_SIZE && last
        ? `/alerts?before=${encodeURIComponent(`${last.createdAt.getTime()}_${last.id}`)}`
        : null
    const zoneOf = (id: string) => auth.practices.find((p) => p.id === id)?.time_zone ?? 'UTC'
    return c.render(
      <AlertListView
        alerts={page}
        unread={unread}
        csrf={auth.csrfToken}
        zoneOf={zoneOf}
        nextHref={nextHref}
        notice={NOTICES[c.req.query('notice') ?? '']}
      />,
      { title: 'Notifications', active: 'alerts' },
    )
  })

  // What the bell and browser notifications poll: the count and the newest unread titles
  // (never patient text: these can show on a lock screen).
  app.get('/alerts/unread.json', async (c) => {
    const auth = authOf(c)
    const { db, now } = c.var.services
    const scope = alertScopeOf(auth)
    const [count, latest] = await Promise.all([
      unreadAlertCount(db, scope),
      listAlerts(db, scope, { now: now(), limit: 10 }),
    ])
    return c.json({
      unread: count,
      latest: latest
        .filter((a) => !a.read)
        .map((a) => ({
          id: a.id,
          title: a.title,
          url: `/alerts/${encodeURIComponent(a.id)}`,
          urgent: RULE_DEFINITIONS[a.rule].urgent,
          createdAt: a.createdAt.toISOString(),
        })),
    })
  })

  app.post('/alerts/read', async (c) => {
    const auth = authOf(c)
    const { db, now } = c.var.services
    const form = await c.req.parseBody({ all: true })
    const ids = form.ids === undefined ? undefined : [form.ids].flat()
    const parsed = readFormSchema.safeParse({ ids })
    if (!parsed.success) throw new HttpError('INVALID_INPUT', issuesText(parsed.error))
    await markAlertsRead(db, alertScopeOf(auth), now(), parsed.data.ids)
    return c.redirect('/alerts?notice=read', 303)
  })

  app.get('/alerts/settings', (c) => renderSettings(c))
  app.get('/practices/:practiceId/alerts', (c) => renderSettings(c))

  app.get('/alerts/:alertId', async (c) => {
    const auth = authOf(c)
    const { db, now } = c.var.services
    const scope = alertScopeOf(auth)
    const found = await getAlert(db, scope, c.req.param('alertId'), now())
    if (!found) throw new HttpError('NOT_FOUND', 'no such alert')
    // Opening an alert is reading it.
    if (!found.alert.read) await markAlertsRead(db, scope, now(), [found.alert.id])
    const timeZone = auth.practices.find((p) => p.id === found.alert.practiceId)?.time_zone ?? 'UTC'
    return c.render(
      <AlertDetailView
        alert={found.alert}
        lines={found.lines}
        deliveries={found.deliveries}
        timeZone={timeZone}
      />,
      { title: 'Alert', active: 'alerts' },
    )
  })

  const saveRules = async (c: Context<DashboardEnv>) => {
    const { auth, practice, base } = settingsScope(c)
    const { db, now } = c.var.services
    const form = await c.req.parseBody()
    for (const rule of ALERT_RULES) {
      const input = {
        rule,
        enabled: form[`enabled_${rule}`] === 'on',
        params: ruleParamsFromForm(form, rule),
      }
      try {
        await saveAlertRule(db, auth.organisationId, practice?.id ?? null, input, now())
      } catch (error) {
        if (error instanceof z.ZodError)
          return renderSettings(c, {
            status: 400,
            error: `${RULE_DEFINITIONS[rule].label}: ${issuesText(error)}`,
          })
        throw error
      }
    }
    return c.redirect(`${base}?notice=rules-saved`, 303)
  }
  app.post('/alerts/settings/rules', saveRules)
  app.post('/practices/:practiceId/alerts/rules', saveRules)

  app.post('/practices/:practiceId/alerts/preferences', async (c) => {
    const { auth, practice, base } = settingsScope(c)
    const { db, now } = c.var.services
    const form = await c.req.parseBody()
    const text = (name: string) => {
      const v = form[name]
      return typeof v === 'string' && v.trim() !== '' ? v.trim() : null
    }
    const parsed = preferencesSchema.safeParse({
      includePatientText: form.include_patient_text === 'on',
      quietStart: text('quiet_start'),
      quietEnd: text('quiet_end'),
      onCallEmail: text('on_call_email'),
    })
    if (!parsed.success) return renderSettings(c, { status: 400, error: issuesText(parsed.error) })
    await saveAlertPreferences(db, auth.organisationId, practice!.id, parsed.data, now())
    return c.redirect(`${base}?notice=preferences-saved`, 303)
  })

  const addEndpoint = async (c: Context<DashboardEnv>) => {
    const { auth, practice } = settingsScope(c)
    const { db, now } = c.var.services
    const form = await c.req.parseBody({ all: true })
    const one = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '')
    const kind = one('kind')
    const parsed = endpointInputSchema.safeParse({
      organisationId: auth.organisationId,
      practiceId: practice?.id ?? null,
      kind: (ENDPOINT_KINDS as readonly string[]).includes(kind) ? kind : 'unknown',
      name: one('name'),
      target: one('target'),
      rules: form.rules === undefined ? [] : [form.rules].flat(),
      onCall: practice !== null && form.on_call === 'on',
      digestMinutes: one('digest_minutes') === '' ? 0 : Number(one('digest_minutes')),
    })
    if (!parsed.success) return renderSettings(c, { status: 400, error: issuesText(parsed.error) })
    const created = await createAlertEndpoint(db, parsed.data, { now: now() })
    // The signing secret is shown on this answer only: it is sealed at rest and never shown again.
    return renderSettings(c, {
      notice: NOTICES['endpoint-added']!,
      ...(created.signingSecret ? { signingSecret: created.signingSecret } : {}),
    })
  }
  app.post('/alerts/settings/endpoints', addEndpoint)
  app.post('/practices/:practiceId/alerts/endpoints', addEndpoint)

  const removeEndpoint = async (c: Context<DashboardEnv>) => {
    const { auth, base, endpointScope, practice } = settingsScope(c)
    const { db } = c.var.services
    const id = c.req.param('endpointId') ?? ''
    // On the organisation page only organisation-wide endpoints can go; a practice's own go from its page.
    const endpoints = await listAlertEndpoints(db, auth.organisationId, endpointScope)
    const target = endpoints.find(
      (e) => e.id === id && (practice ? e.practiceId === practice.id : e.practiceId === null),
    )
    if (!target) throw new HttpError('NOT_FOUND', 'no such endpoint')
    await deleteAlertEndpoint(db, auth.organisationId, id, endpointScope)
    return c.redirect(`${base}?notice=endpoint-removed`, 303)
  }
  app.post('/alerts/settings/endpoints/:endpointId/delete', removeEndpoint)
  app.post('/practices/:practiceId/alerts/endpoints/:endpointId/delete', removeEndpoint)

  return app
}
