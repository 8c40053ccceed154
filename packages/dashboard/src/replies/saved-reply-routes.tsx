/**
 * @module Set-up pages for saved replies (`/setup/saved-replies`): everyone sees the replies of
 * their practices and the organisation-wide defaults; practice managers edit their practices'
 * replies, agency admins also the defaults; viewers change nothing. Storage lives in
 * `saved-reply-store.ts`, checking in `saved-reply-form.ts`, the pages in `saved-reply-views.tsx`.
 */
import { type Context, Hono } from 'hono'
import { recordUserAction } from '../audit/user-actions.js'
import { assertCanWrite, authOf, permittedPractice } from '../http/auth-middleware.js'
import type { AuthState, DashboardEnv } from '../http/dashboard-env.js'
import { HttpError } from '../http/http-errors.js'
import { isAgencyAdmin } from '../setup/setup-permissions.js'
import { Notice } from '../views/components.js'
import {
  parseSavedReplyForm,
  SAMPLE_VALUES,
  type SavedReplyFormResult,
} from './saved-reply-form.js'
import { templateValuesFor } from './saved-reply-match.js'
import {
  createSavedReply,
  deleteSavedReply,
  getSavedReply,
  listSavedReplies,
  type SavedReply,
  updateSavedReply,
} from './saved-reply-store.js'
import { SavedReplyFormView, SavedReplyList } from './saved-reply-views.js'

const NOTICES: Record<string, string> = {
  created: 'Saved reply created: the composer offers it where it suits.',
  saved: 'Saved reply saved.',
  deleted: 'Saved reply deleted.',
}

type Form = Pick<SavedReplyFormResult, 'values' | 'errors' | 'preview' | 'missing' | 'lint'>

/** Whether the user may change replies of this scope (null: organisation-wide). */
function mayEdit(auth: AuthState, practiceId: string | null): boolean {
  if (!auth.canWrite) return false
  return practiceId === null ? isAgencyAdmin(auth) : auth.practices.some((p) => p.id === practiceId)
}

/** Throws 403/404 unless the user may change replies of this scope. */
function assertMayEdit(auth: AuthState, practiceId: string | null): void {
  assertCanWrite(auth)
  if (practiceId === null) {
    if (!isAgencyAdmin(auth))
      throw new HttpError('FORBIDDEN', 'only an agency admin may change organisation-wide replies')
  } else permittedPractice(auth, practiceId)
}

/** The "for" choices: the defaults for admins, then each practice the user may edit. */
function scopesOf(auth: AuthState): { id: string; name: string }[] {
  return [
    ...(isAgencyAdmin(auth) ? [{ id: '', name: 'All practices (default)' }] : []),
    ...auth.practices.map((p) => ({ id: p.id, name: p.name })),
  ]
}

const valuesFor = (auth: AuthState) => (practiceId: string) => {
  const practice = auth.practices.find((p) => p.id === practiceId)
  return practice ? templateValuesFor(practice, SAMPLE_VALUES.author_name) : SAMPLE_VALUES
}

/** A saved reply the user may see, or 404 (another tenant's id reads as unknown). */
async function visibleReply(c: Context<DashboardEnv>, auth: AuthState): Promise<SavedReply> {
  const ids = auth.practices.map((p) => p.id)
  const reply = await getSavedReply(
    c.var.services.db,
    auth.organisationId,
    ids,
    c.req.param('savedReplyId') ?? '',
  )
  if (!reply) throw new HttpError('NOT_FOUND', 'no such saved reply')
  return reply
}

function renderForm(
  c: Context<DashboardEnv>,
  heading: string,
  action: string,
  form: Form,
  status: 200 | 400 | 422 = 200,
) {
  const auth = authOf(c)
  c.status(status)
  return c.render(
    <>
      <p class="breadcrumb">
        <a href="/setup/saved-replies">Saved replies</a> ›
      </p>
      <h1>{heading}</h1>
      <SavedReplyFormView
        action={action}
        auth={auth}
        form={form}
        scopes={scopesOf(auth)}
        submitLabel="Save reply"
      />
    </>,
    { title: heading, active: 'setup' },
  )
}

/** Parses the posted form and checks the user may write to the scope it names. */
async function readForm(c: Context<DashboardEnv>, auth: AuthState) {
  const body = await c.req.parseBody({ all: true })
  const form = parseSavedReplyForm(body, valuesFor(auth))
  assertMayEdit(auth, form.values.practiceId || null)
  const status: 400 | 422 = Object.keys(form.errors).length ? 400 : 422
  return { form, intent: body.intent, status }
}

async function logChange(
  c: Context<DashboardEnv>,
  auth: AuthState,
  change: 'created' | 'updated' | 'deleted',
  id: string,
  reply: { title: string; practiceId: string | null },
) {
  await recordUserAction(
    c.var.services.db,
    {
      organisationId: auth.organisationId,
      userId: auth.user.id,
      practiceId: reply.practiceId,
      action: 'settings.changed',
      targetType: 'saved_reply',
      targetId: id,
      detail: { change, title: reply.title },
    },
    c.var.services.now(),
  )
}

/** Routes under `/setup/saved-replies` (mounted behind the set-up pages' signed-in check). */
export function savedReplyRoutes(): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()

  app.get('/setup/saved-replies', async (c) => {
    const auth = authOf(c)
    const filter = c.req.query('practice') ?? ''
    const ids = filter ? [permittedPractice(auth, filter).id] : auth.practices.map((p) => p.id)
    const replies = await listSavedReplies(c.var.services.db, auth.organisationId, ids)
    const notice = NOTICES[c.req.query('notice') ?? '']
    return c.render(
      <>
        <h1>Saved replies</h1>
        <p class="lede">
          Replies the composer offers by the mention's category and star rating, a practice's own
          first. A practice's reply replaces the default of the same title.
        </p>
        {notice ? <Notice kind="ok">{notice}</Notice> : null}
        {auth.canWrite ? (
          <p>
            <a
              class="button"
              href={`/setup/saved-replies/new${filter ? `?practice=${encodeURIComponent(filter)}` : ''}`}
            >
              New saved reply
            </a>
          </p>
        ) : null}
        <SavedReplyList
          replies={replies}
          practices={auth.practices}
          practiceId={filter}
          editable={(r) => mayEdit(auth, r.practiceId)}
          csrfToken={auth.csrfToken}
        />
      </>,
      { title: 'Saved replies', active: 'setup' },
    )
  })

  app.get('/setup/saved-replies/new', (c) => {
    const auth = authOf(c)
    assertCanWrite(auth)
    const wanted = c.req.query('practice') ?? ''
    const scopes = scopesOf(auth)
    const practiceId = scopes.some((s) => s.id === wanted) ? wanted : (scopes[0]?.id ?? '')
    const values = { practiceId, title: '', body: '', categories: [], ratings: [] }
    const form: Form = { values, errors: {}, preview: '', missing: [], lint: [] }
    return renderForm(c, 'New saved reply', '/setup/saved-replies', form)
  })

  app.post('/setup/saved-replies', async (c) => {
    const auth = authOf(c)
    const { form, intent, status } = await readForm(c, auth)
    if (!form.parsed) return renderForm(c, 'New saved reply', '/setup/saved-replies', form, status)
    if (intent === 'check') return renderForm(c, 'New saved reply', '/setup/saved-replies', form)
    const { db, now } = c.var.services
    const id = await createSavedReply(db, auth.organisationId, form.parsed, auth.user.id, now())
    await logChange(c, auth, 'created', id, form.parsed)
    return c.redirect('/setup/saved-replies?notice=created', 303)
  })

  app.get('/setup/saved-replies/:savedReplyId/edit', async (c) => {
    const auth = authOf(c)
    const reply = await visibleReply(c, auth)
    assertMayEdit(auth, reply.practiceId)
    const stored = {
      practice_id: reply.practiceId ?? '',
      title: reply.title,
      body: reply.body,
      categories: reply.categories,
      ratings: reply.ratings.map(String),
    }
    const form = parseSavedReplyForm(stored, valuesFor(auth))
    const action = `/setup/saved-replies/${encodeURIComponent(reply.id)}`
    return renderForm(c, `Edit “${reply.title}”`, action, form)
  })

  app.post('/setup/saved-replies/:savedReplyId', async (c) => {
    const auth = authOf(c)
    const reply = await visibleReply(c, auth)
    assertMayEdit(auth, reply.practiceId)
    const { form, intent, status } = await readForm(c, auth)
    const action = `/setup/saved-replies/${encodeURIComponent(reply.id)}`
    const heading = `Edit “${reply.title}”`
    if (!form.parsed) return renderForm(c, heading, action, form, status)
    if (intent === 'check') return renderForm(c, heading, action, form)
    const { db, now } = c.var.services
    await updateSavedReply(db, auth.organisationId, reply.id, form.parsed, auth.user.id, now())
    await logChange(c, auth, 'updated', reply.id, form.parsed)
    return c.redirect('/setup/saved-replies?notice=saved', 303)
  })

  app.post('/setup/saved-replies/:savedReplyId/delete', async (c) => {
    const auth = authOf(c)
    const reply = await visibleReply(c, auth)
    assertMayEdit(auth, reply.practiceId)
    await deleteSavedReply(c.var.services.db, auth.organisationId, reply.id)
    await logChange(c, auth, 'deleted', reply.id, reply)
    return c.redirect('/setup/saved-replies?notice=deleted', 303)
  })

  return app
}
