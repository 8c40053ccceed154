/**
 * @module Scheduled-report settings: `/practices/:practiceId/reports` for a practice (its
 * managers and agency admins) and `/reports/agency` for the agency report (agency admins only).
 * Every mutation is a CSRF-checked form post; bad input re-renders the form with the reason.
 */
import { formatZodIssues } from '@earshot/core'
import type { Context } from 'hono'
import { Hono } from 'hono'
import { assertCanWrite, authOf, permittedPractice } from '../http/auth-middleware.js'
import type { AuthState, DashboardEnv } from '../http/dashboard-env.js'
import { HttpError } from '../http/http-errors.js'
import { nextDue } from '../reports/report-period.js'
import {
  createSchedule,
  deleteSchedule,
  listSchedules,
  listSends,
  scheduleInputSchema,
} from '../reports/report-schedule-store.js'
import { ReportScheduleView } from '../views/report-schedule-view.js'

const NOTICES: Record<string, string> = {
  added: 'Schedule added.',
  deleted: 'Schedule deleted.',
}

/** Which report a request is about, once the caller has been allowed it. */
interface ReportScope {
  practiceId: string | null
  title: string
  base: string
  defaultTimeZone: string
}

function practiceScope(auth: AuthState, practiceId: string): ReportScope {
  assertCanWrite(auth)
  const practice = permittedPractice(auth, practiceId)
  return {
    practiceId: practice.id,
    title: practice.name,
    base: `/practices/${encodeURIComponent(practice.id)}/reports`,
    defaultTimeZone: practice.time_zone,
  }
}

function agencyScope(auth: AuthState): ReportScope {
  if (auth.user.role !== 'agency_admin')
    throw new HttpError('FORBIDDEN', 'only agency admins set up the agency report')
  return {
    practiceId: null,
    title: `${auth.organisationName} (all practices)`,
    base: '/reports/agency',
    defaultTimeZone: auth.practices[0]?.time_zone ?? 'UTC',
  }
}

async function render(
  c: Context<DashboardEnv>,
  scope: ReportScope,
  extra: { error?: string; values?: Record<string, string>; status?: 200 | 400 } = {},
) {
  const auth = authOf(c)
  const { db, now } = c.var.services
  const schedules = await listSchedules(db, auth.organisationId, scope.practiceId)
  const at = now()
  const sends = await listSends(
    db,
    auth.organisationId,
    schedules.map((s) => s.id),
  )
  c.status(extra.status ?? 200)
  return c.render(
    <ReportScheduleView
      title={scope.title}
      base={scope.base}
      schedules={schedules.map((s) => ({
        ...s,
        nextAt: nextDue(
          { frequency: s.frequency, day: s.day, localTime: s.localTime, timeZone: s.timeZone },
          at,
        ),
      }))}
      sends={sends}
      defaultTimeZone={scope.defaultTimeZone}
      csrf={auth.csrfToken}
      mailConfigured={Boolean(process.env.EARSHOT_SMTP_URL)}
      notice={NOTICES[c.req.query('notice') ?? '']}
      error={extra.error}
      values={extra.values}
    />,
    {
      title: `Scheduled reports · ${scope.title}`,
      active: scope.practiceId ? 'settings' : 'exports',
    },
  )
}

async function create(c: Context<DashboardEnv>, scope: ReportScope) {
  const auth = authOf(c)
  const body = await c.req.parseBody().catch(() => ({}))
  const values: Record<string, string> = {}
  for (const [k, v] of Object.entries(body))
    if (typeof v === 'string' && k !== '_csrf') values[k] = v
  const parsed = scheduleInputSchema.safeParse(values)
  if (!parsed.success)
    return render(c, scope, { status: 400, error: formatZodIssues(parsed.error.issues), values })
  const { db, now } = c.var.services
  await createSchedule(db, auth.organisationId, scope.practiceId, parsed.data, now())
  return c.redirect(`${scope.base}?notice=added`, 303)
}

async function remove(c: Context<DashboardEnv>, scope: ReportScope, scheduleId: string) {
  const auth = authOf(c)
  const deleted = await deleteSchedule(
    c.var.services.db,
    auth.organisationId,
    scope.practiceId,
    scheduleId,
  )
  if (!deleted) throw new HttpError('NOT_FOUND', 'no such schedule')
  return c.redirect(`${scope.base}?notice=deleted`, 303)
}

export function reportScheduleRoutes(): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()
  app.get('/practices/:practiceId/reports', (c) =>
    render(c, practiceScope(authOf(c), c.req.param('practiceId'))),
  )
  app.post('/practices/:practiceId/reports', (c) =>
    create(c, practiceScope(authOf(c), c.req.param('practiceId'))),
  )
  app.post('/practices/:practiceId/reports/:scheduleId/delete', (c) =>
    remove(c, practiceScope(authOf(c), c.req.param('practiceId')), c.req.param('scheduleId')),
  )
  app.get('/reports/agency', (c) => render(c, agencyScope(authOf(c))))
  app.post('/reports/agency', (c) => create(c, agencyScope(authOf(c))))
  app.post('/reports/agency/:scheduleId/delete', (c) =>
    remove(c, agencyScope(authOf(c)), c.req.param('scheduleId')),
  )
  return app
}
