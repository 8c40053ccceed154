/**
 * @module `GET /jobs`: the background jobs of the caller's organisation, for agency admins.
 */
import { Hono } from 'hono'
import { authOf } from '../http/auth-middleware.js'
import type { DashboardEnv } from '../http/dashboard-env.js'
import { HttpError } from '../http/http-errors.js'
import { getJobOverview } from '../jobs/job-overview.js'
import { JobsView } from '../views/jobs-view.js'

export function jobsRoutes(): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()
  app.get('/jobs', async (c) => {
    const auth = authOf(c)
    if (auth.user.role !== 'agency_admin')
      throw new HttpError('FORBIDDEN', 'only agency admins see the background jobs')
    const overview = await getJobOverview(c.var.services.db, auth.organisationId)
    const timeZone = auth.practices[0]?.time_zone ?? 'UTC'
    return c.render(<JobsView overview={overview} timeZone={timeZone} />, {
      title: 'Background jobs',
      active: 'settings',
    })
  })
  return app
}
