/**
 * @module Deleting a practice: agency admins only, after typing its name and entering the
 * password again (a sensitive action). Everything Earshot holds for the practice goes in one
 * transaction (core's `deletePractice`: a clinic that leaves expects its patients' messages gone,
 * not hidden); the user-action log keeps the record of who deleted it, when, and what went.
 */
import { deletePractice } from '@earshot/core'
import { type Context, Hono } from 'hono'
import { recordUserAction } from '../../audit/user-actions.js'
import { authOf, permittedPractice, sensitiveAction } from '../../http/auth-middleware.js'
import type { DashboardEnv } from '../../http/dashboard-env.js'
import { assertAgencyAdmin } from '../../setup/setup-permissions.js'
import { CsrfField, Notice } from '../../views/components.js'
import { FieldError } from '../../views/setup/field-error.js'

const deletePath = (practiceId: string) =>
  `/setup/practices/${encodeURIComponent(practiceId)}/delete`

function renderConfirm(c: Context<DashboardEnv>, error?: string) {
  const auth = authOf(c)
  const practice = permittedPractice(auth, c.req.param('practiceId'))
  assertAgencyAdmin(auth)
  c.status(error ? 400 : 200)
  return c.render(
    <>
      <p class="breadcrumb">
        <a href="/setup/practices">Practices</a> ›
      </p>
      <h1>Delete {practice.name}</h1>
      <Notice kind="error">
        This deletes the practice with all its channels, mentions, replies, notes, alerts and
        reports, for good. It cannot be undone. To stop collecting but keep the history, pause its
        channels instead.
      </Notice>
      <form method="post" action={deletePath(practice.id)} class="stack" autocomplete="off">
        <CsrfField token={auth.csrfToken} />
        <label>
          Type the practice's name, <strong>{practice.name}</strong>, to confirm
          <input
            name="confirm"
            required
            maxlength={200}
            autocomplete="off"
            aria-describedby="confirm-error"
          />
          <FieldError id="confirm-error" message={error} />
        </label>
        <div>
          <button type="submit">Delete the practice and its data</button>{' '}
          <a href="/setup/practices">Cancel</a>
        </div>
      </form>
    </>,
    { title: `Delete ${practice.name}`, active: 'setup' },
  )
}

/** Routes under `/setup/practices/:practiceId/delete`. */
export function practiceDeleteRoutes(): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()

  app.get('/setup/practices/:practiceId/delete', (c) => renderConfirm(c))

  app.post(
    '/setup/practices/:practiceId/delete',
    (c, next) => sensitiveAction(deletePath(c.req.param('practiceId') ?? ''))(c, next),
    async (c) => {
      const auth = authOf(c)
      const practice = permittedPractice(auth, c.req.param('practiceId'))
      assertAgencyAdmin(auth)
      const body = await c.req.parseBody()
      const typed = typeof body.confirm === 'string' ? body.confirm.trim() : ''
      if (typed !== practice.name.trim())
        return renderConfirm(c, `type the name exactly as shown (${practice.name})`)
      const { db, now } = c.var.services
      await db.transaction().execute(async (trx) => {
        const deleted = await deletePractice(trx, auth.organisationId, practice.id)
        await recordUserAction(
          trx,
          {
            organisationId: auth.organisationId,
            userId: auth.user.id,
            practiceId: practice.id,
            action: 'practice.deleted',
            targetType: 'practice',
            targetId: practice.id,
            detail: { name: practice.name, channels: deleted.channels, mentions: deleted.mentions },
          },
          now(),
        )
      })
      return c.redirect('/setup/practices?notice=deleted', 303)
    },
  )

  return app
}
