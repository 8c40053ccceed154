/**
 * @module Set-up without code: the `/setup` pages for practices, channels, users, API tokens and
 * the user-action log, each in its own module under `routes/setup/`, mounted here behind one
 * check that a person (not an API token) is signed in.
 */
import { Hono } from 'hono'
import { authOf } from '../http/auth-middleware.js'
import type { DashboardEnv } from '../http/dashboard-env.js'
import { savedReplyRoutes } from '../replies/saved-reply-routes.js'
import { assertSignedInPerson, isAgencyAdmin } from '../setup/setup-permissions.js'
import { actionLogRoutes } from './setup/action-log-routes.js'
import { channelEditRoutes } from './setup/channel-edit-routes.js'
import { channelSetupRoutes } from './setup/channel-setup-routes.js'
import { practiceDeleteRoutes } from './setup/practice-delete-routes.js'
import { practiceSetupRoutes } from './setup/practice-setup-routes.js'
import { tokenSetupRoutes } from './setup/token-setup-routes.js'
import { userSetupRoutes } from './setup/user-setup-routes.js'

/** Routes: `/setup` and everything under it. */
export function setupRoutes(): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()
  app.use('/setup', async function personOnly(c, next) {
    assertSignedInPerson(authOf(c))
    await next()
  })
  app.use('/setup/*', async function personOnly(c, next) {
    assertSignedInPerson(authOf(c))
    await next()
  })

  app.get('/setup', (c) => {
    const admin = isAgencyAdmin(authOf(c))
    return c.render(
      <>
        <h1>Set-up</h1>
        <p class="lede">Everything Earshot needs, without writing code.</p>
        <ul class="setup-links">
          <li>
            <a href="/setup/practices">Practices</a>: time zone, public holidays, opening hours and
            the response promise.
          </li>
          <li>
            <a href="/setup/channels">Channels</a>: health, what to paste into each platform, tokens
            for self-hosters.
          </li>
          {admin ? (
            <li>
              <a href="/setup/users">Users</a>: invite people, change roles, remove access.
            </li>
          ) : null}
          {admin ? (
            <li>
              <a href="/setup/actions">Action log</a>: who replied, overrode, changed settings,
              exported or invited whom.
            </li>
          ) : null}
          <li>
            <a href="/setup/saved-replies">Saved replies</a>: reply templates per category and star
            rating, with the practice's name, phone and booking link filled in.
          </li>
          <li>
            <a href="/setup/tokens">API tokens</a>: for scripts that read the JSON API.
          </li>
        </ul>
      </>,
      { title: 'Set-up', active: 'setup' },
    )
  })

  app.route('/', practiceSetupRoutes())
  app.route('/', practiceDeleteRoutes())
  app.route('/', tokenSetupRoutes())
  app.route('/', channelSetupRoutes())
  app.route('/', channelEditRoutes())
  app.route('/', actionLogRoutes())
  app.route('/', userSetupRoutes())
  app.route('/', savedReplyRoutes())
  return app
}
