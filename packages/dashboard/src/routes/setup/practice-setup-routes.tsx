/**
 * @module Set-up pages for practices: the list (hours and promise shown back in words), a new
 * practice (agency admins) and editing one (admins and its managers). Saving a change writes new
 * schedule and promise versions, so reports of past periods keep the rules that applied then.
 */
import {
  createPractice,
  listPractices,
  type PromiseSpec,
  type ScheduleSpec,
  savePromise,
  saveSchedule,
  slugify,
} from '@earshot/core'
import { type Context, Hono } from 'hono'
import { recordUserAction } from '../../audit/user-actions.js'
import { currentPromises, currentSchedule } from '../../data/practice-promises.js'
import { assertCanWrite, authOf, permittedPractice } from '../../http/auth-middleware.js'
import type { AuthState, DashboardEnv } from '../../http/dashboard-env.js'
import { formatOpeningHours, type WeeklyHours } from '../../setup/opening-hours-text.js'
import {
  type PracticeFormResult,
  parsePracticeForm,
  promiseAsText,
} from '../../setup/practice-form.js'
import { assertAgencyAdmin, isAgencyAdmin } from '../../setup/setup-permissions.js'
import { Notice } from '../../views/components.js'
import { PracticeFormView } from '../../views/setup/practice-form-view.js'

const NOTICES: Record<string, string> = {
  created: 'Practice created. Add a channel next, so its mentions arrive.',
  saved: 'Practice saved; the new hours and promise apply from now on.',
  deleted: 'Practice deleted, with all its data. The action log keeps the record.',
}

const EMPTY_FORM: Pick<PracticeFormResult, 'values' | 'errors' | 'understood'> = {
  values: {
    name: '',
    timeZone: '',
    holidayRegion: '',
    hours: '',
    promise: '',
    statement: '',
    phone: '',
    bookingUrl: '',
  },
  errors: {},
  understood: {},
}

/** A name another practice of the organisation already has (by slug) is refused. */
async function nameTaken(
  c: Context<DashboardEnv>,
  auth: AuthState,
  name: string,
  exceptId?: string,
): Promise<boolean> {
  const slug = slugify(name)
  const all = await listPractices(c.var.services.db, auth.organisationId)
  return all.some((p) => p.slug === slug && p.id !== exceptId)
}

/** The public phone and booking link (filled into saved replies). */
async function saveContact(
  c: Context<DashboardEnv>,
  auth: AuthState,
  practiceId: string,
  p: { phone: string | null; bookingUrl: string | null },
): Promise<void> {
  await c.var.services.db
    .updateTable('practices')
    .set({ phone: p.phone, booking_url: p.bookingUrl })
    .where('organisation_id', '=', auth.organisationId)
    .where('id', '=', practiceId)
    .execute()
}

/** Routes under `/setup/practices`. */
export function practiceSetupRoutes(): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()

  app.get('/setup/practices', async (c) => {
    const auth = authOf(c)
    const { db } = c.var.services
    const ids = auth.practices.map((p) => p.id)
    const promises = await currentPromises(db, auth.organisationId, ids)
    const schedules = await Promise.all(
      auth.practices.map((p) => currentSchedule(db, auth.organisationId, p.id)),
    )
    const notice = NOTICES[c.req.query('notice') ?? '']
    return c.render(
      <>
        <h1>Practices</h1>
        {notice ? <Notice kind="ok">{notice}</Notice> : null}
        {isAgencyAdmin(auth) ? (
          <p>
            <a class="button" href="/setup/practices/new">
              New practice
            </a>
          </p>
        ) : null}
        {auth.practices.length === 0 ? (
          <p class="muted">No practices yet.</p>
        ) : (
          <div class="table-wrap">
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">Practice</th>
                  <th scope="col">Time zone and holidays</th>
                  <th scope="col">Opening hours</th>
                  <th scope="col">Promise</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {auth.practices.map((p, i) => {
                  const spec = schedules[i]?.spec
                  const promise = promises.get(p.id)?.spec
                  const pid = encodeURIComponent(p.id)
                  return (
                    <tr>
                      <th scope="row">
                        <a href={`/practices/${pid}`}>{p.name}</a>
                      </th>
                      <td>
                        {p.time_zone}
                        <div class="sub">{p.holiday_region ?? 'no public holidays'}</div>
                      </td>
                      <td>{spec ? formatOpeningHours((spec.weekly ?? {}) as WeeklyHours) : '—'}</td>
                      <td>{promiseAsText(promise) ?? 'detailed targets (see Settings)'}</td>
                      <td>
                        {auth.canWrite ? (
                          <>
                            <a href={`/setup/practices/${pid}/edit`}>Edit</a> ·{' '}
                            <a href={`/setup/channels?practice=${pid}`}>Channels</a>
                            {isAgencyAdmin(auth) ? (
                              <>
                                {' '}
                                · <a href={`/setup/practices/${pid}/delete`}>Delete</a>
                              </>
                            ) : null}
                          </>
                        ) : null}
                      </td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
          </div>
        )}
      </>,
      { title: 'Practices', active: 'setup' },
    )
  })

  const renderNew = (
    c: Context<DashboardEnv>,
    form: typeof EMPTY_FORM,
    status: 200 | 400 = 200,
  ) => {
    const auth = authOf(c)
    c.status(status)
    return c.render(
      <>
        <p class="breadcrumb">
          <a href="/setup/practices">Practices</a> ›
        </p>
        <h1>New practice</h1>
        {Object.keys(form.errors).length ? (
          <Notice kind="error">Nothing was saved yet: please fix the fields marked below.</Notice>
        ) : null}
        <PracticeFormView
          action="/setup/practices"
          csrfToken={auth.csrfToken}
          form={form}
          submitLabel="Create practice"
        />
      </>,
      { title: 'New practice', active: 'setup' },
    )
  }

  app.get('/setup/practices/new', (c) => {
    assertAgencyAdmin(authOf(c))
    return renderNew(c, EMPTY_FORM)
  })

  app.post('/setup/practices', async (c) => {
    const auth = authOf(c)
    assertAgencyAdmin(auth)
    const body = await c.req.parseBody()
    const form = parsePracticeForm(body)
    if (form.parsed && (await nameTaken(c, auth, form.parsed.name)))
      form.errors.name = 'another practice of this organisation already has this name'
    if (!form.parsed || Object.keys(form.errors).length) return renderNew(c, form, 400)
    if (body.intent === 'check') return renderNew(c, form)
    const { db, now } = c.var.services
    const p = form.parsed
    const practice = await createPractice(db, {
      organisationId: auth.organisationId,
      name: p.name,
      schedule: { timeZone: p.timeZone, holidayRegion: p.holidayRegion, weekly: p.weekly },
      promise: { targets: p.targets!, ...(p.statement ? { statement: p.statement } : {}) },
      createdBy: auth.user.email,
    })
    await saveContact(c, auth, practice.id, p)
    await recordUserAction(
      db,
      {
        organisationId: auth.organisationId,
        userId: auth.user.id,
        practiceId: practice.id,
        action: 'practice.created',
        targetType: 'practice',
        targetId: practice.id,
        detail: { name: practice.name, timeZone: p.timeZone, holidayRegion: p.holidayRegion },
      },
      now(),
    )
    return c.redirect('/setup/practices?notice=created', 303)
  })

  const renderEdit = async (
    c: Context<DashboardEnv>,
    form: typeof EMPTY_FORM | undefined,
    status: 200 | 400 = 200,
  ) => {
    const auth = authOf(c)
    const practice = permittedPractice(auth, c.req.param('practiceId'))
    assertCanWrite(auth)
    const { db } = c.var.services
    let shown = form
    if (!shown) {
      const schedule = await currentSchedule(db, auth.organisationId, practice.id)
      const promise = (await currentPromises(db, auth.organisationId, [practice.id])).get(
        practice.id,
      )
      const hours = formatOpeningHours((schedule?.spec.weekly ?? {}) as WeeklyHours)
      const promiseText = promiseAsText(promise?.spec) ?? ''
      shown = {
        values: {
          name: practice.name,
          timeZone: practice.time_zone,
          holidayRegion: practice.holiday_region ?? '',
          hours,
          promise: promiseText,
          statement: promise?.statement ?? '',
          phone: practice.phone ?? '',
          bookingUrl: practice.booking_url ?? '',
        },
        errors: {},
        understood: { hours, promise: promiseText },
      }
    }
    const pid = encodeURIComponent(practice.id)
    c.status(status)
    return c.render(
      <>
        <p class="breadcrumb">
          <a href="/setup/practices">Practices</a> ›
        </p>
        <h1>Edit {practice.name}</h1>
        {Object.keys(shown.errors).length ? (
          <Notice kind="error">Nothing was saved yet: please fix the fields marked below.</Notice>
        ) : null}
        <PracticeFormView
          action={`/setup/practices/${pid}`}
          csrfToken={auth.csrfToken}
          form={shown}
          submitLabel="Save practice"
          promiseOptional
        />
        <p class="muted">
          Dated overrides, closures, several targets by category and the goal are under{' '}
          <a href={`/practices/${pid}/settings`}>Settings</a>.
        </p>
      </>,
      { title: `Edit ${practice.name}`, active: 'setup' },
    )
  }

  app.get('/setup/practices/:practiceId/edit', (c) => renderEdit(c, undefined))

  app.post('/setup/practices/:practiceId', async (c) => {
    const auth = authOf(c)
    const practice = permittedPractice(auth, c.req.param('practiceId'))
    assertCanWrite(auth)
    const body = await c.req.parseBody()
    const form = parsePracticeForm(body, { promiseOptional: true })
    if (form.parsed && (await nameTaken(c, auth, form.parsed.name, practice.id)))
      form.errors.name = 'another practice of this organisation already has this name'
    if (!form.parsed || Object.keys(form.errors).length) return renderEdit(c, form, 400)
    if (body.intent === 'check') return renderEdit(c, form)
    const { db, now } = c.var.services
    const p = form.parsed
    const at = now()
    const schedule = await currentSchedule(db, auth.organisationId, practice.id)
    // Dated overrides and closures are edited under Settings; keep them.
    const spec: ScheduleSpec = {
      ...(schedule?.spec ?? {}),
      timeZone: p.timeZone,
      holidayRegion: p.holidayRegion,
      weekly: p.weekly,
    }
    await saveSchedule(db, auth.organisationId, practice.id, spec, {
      effectiveFrom: at,
      createdBy: auth.user.email,
    })
    const current = (await currentPromises(db, auth.organisationId, [practice.id])).get(practice.id)
    const statementChanged = (current?.statement ?? '') !== (p.statement ?? '')
    if (p.targets || statementChanged) {
      const next: PromiseSpec = {
        ...(current?.spec ?? { targets: p.targets! }),
        ...(p.targets ? { targets: p.targets } : {}),
      }
      if (p.statement) next.statement = p.statement
      else delete next.statement
      await savePromise(db, auth.organisationId, practice.id, next, {
        effectiveFrom: at,
        createdBy: auth.user.email,
      })
    }
    if (p.name !== practice.name)
      await db
        .updateTable('practices')
        .set({ name: p.name })
        .where('organisation_id', '=', auth.organisationId)
        .where('id', '=', practice.id)
        .execute()
    await saveContact(c, auth, practice.id, p)
    await recordUserAction(
      db,
      {
        organisationId: auth.organisationId,
        userId: auth.user.id,
        practiceId: practice.id,
        action: 'practice.updated',
        targetType: 'practice',
        targetId: practice.id,
        detail: {
          name: p.name,
          timeZone: p.timeZone,
          holidayRegion: p.holidayRegion,
          promiseChanged: p.targets !== undefined,
        },
      },
      at,
    )
    return c.redirect('/setup/practices?notice=saved', 303)
  })

  return app
}
