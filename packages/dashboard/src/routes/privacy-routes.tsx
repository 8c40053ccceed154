/**
 * @module The organisation's patient-data page (agency admins only): retention and redaction
 * settings, erasure of one person's data on request (preview first, then erase), and the
 * erasure records. Every query is scoped to the signed-in user's organisation; every form
 * carries the CSRF token (checked by the app's `requireCsrf`). See docs/privacy.md.
 */
import {
  type ErasureResult,
  eraseAuthor,
  getPrivacySettings,
  listErasureRecords,
  PLATFORMS,
  type PrivacySettings,
  privacySettingsSchema,
  savePrivacySettings,
} from '@earshot/core'
import { type Context, Hono } from 'hono'
import { z } from 'zod'
import { recordUserAction } from '../audit/user-actions.js'
import { assertCanWrite, authOf, sensitiveAction } from '../http/auth-middleware.js'
import type { AuthState, DashboardEnv } from '../http/dashboard-env.js'
import { HttpError } from '../http/http-errors.js'
import { erasureSummary } from '../privacy/erasure-summary.js'
import { CsrfField, Notice } from '../views/components.js'
import { formatDateTime } from '../views/format.js'

// A missing or empty field means "off": `.optional()` before the transform, since a zod
// `.default` would skip it.
const monthsField = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    const v = raw?.trim() ?? ''
    if (v === '') return null
    const n = Number(v)
    if (!Number.isInteger(n) || n < 1 || n > 1200) {
      ctx.addIssue({ code: 'custom', message: 'a whole number of months from 1 to 1200, or empty' })
      return z.NEVER
    }
    return n
  })

const settingsFormSchema = z.object({
  mention_retention_months: monthsField,
  mention_retention_action: z.enum(['delete', 'redact']).default('delete'),
  raw_retention_months: monthsField,
  redact_identifiers: z.literal('on').optional(),
})

const eraseFormSchema = z.object({
  platform: z.enum(PLATFORMS, { error: 'choose a platform' }),
  author: z.string().trim().min(1, 'give the author’s id or handle').max(256),
  mode: z.enum(['preview', 'erase']).default('preview'),
})

function adminOnly(c: Context<DashboardEnv>): AuthState {
  const auth = authOf(c)
  // Erasure and retention act on the whole organisation's data: agency admins only.
  if (auth.user.role !== 'agency_admin')
    throw new HttpError('FORBIDDEN', 'only agency admins manage patient-data settings')
  return auth
}

/** Routes: `GET/POST /settings/privacy` and `POST /settings/privacy/erase`. */
export function privacyRoutes(): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()

  // Retention can delete months of data at the next job run, and erasure cannot be undone:
  // both need a recent password (the preview too, so the erase that follows it is not refused).
  const recent = sensitiveAction('/settings/privacy')

  app.get('/settings/privacy', async (c) => {
    adminOnly(c)
    return renderPage(c, {
      notice: c.req.query('notice') === 'saved' ? 'Settings saved.' : undefined,
    })
  })

  app.post('/settings/privacy', recent, async (c) => {
    const auth = adminOnly(c)
    assertCanWrite(auth)
    const form = settingsFormSchema.safeParse(await c.req.parseBody())
    if (!form.success) return renderPage(c, { error: issuesText(form.error), status: 400 })
    const { db, now } = c.var.services
    const input = privacySettingsSchema.parse({
      mentionRetentionMonths: form.data.mention_retention_months,
      mentionRetentionAction: form.data.mention_retention_action,
      rawRetentionMonths: form.data.raw_retention_months,
      redactIdentifiers: form.data.redact_identifiers === 'on',
    })
    await db.transaction().execute(async (trx) => {
      await savePrivacySettings(trx, auth.organisationId, input, now())
      await recordUserAction(
        trx,
        {
          organisationId: auth.organisationId,
          userId: auth.user.id,
          action: 'privacy.settings_changed',
          targetType: 'organisation',
          targetId: auth.organisationId,
          detail: { ...input },
        },
        now(),
      )
    })
    return c.redirect('/settings/privacy?notice=saved', 303)
  })

  app.post('/settings/privacy/erase', recent, async (c) => {
    const auth = adminOnly(c)
    assertCanWrite(auth)
    const form = eraseFormSchema.safeParse(await c.req.parseBody())
    if (!form.success) return renderPage(c, { error: issuesText(form.error), status: 400 })
    const { db, now } = c.var.services
    const dryRun = form.data.mode === 'preview'
    const result = await eraseAuthor(
      db,
      {
        organisationId: auth.organisationId,
        platform: form.data.platform,
        author: form.data.author,
        requestedBy: auth.user.id,
        requestedVia: 'dashboard',
        dryRun,
      },
      { now: now() },
    )
    if (!dryRun)
      await recordUserAction(
        db,
        {
          organisationId: auth.organisationId,
          userId: auth.user.id,
          action: 'data.erased',
          targetType: 'erasure',
          targetId: result.recordId,
          detail: { via: 'dashboard', platform: form.data.platform, ...result.counts },
        },
        now(),
      )
    // The preview keeps the author in the form so "Erase" needs no retyping; after an erasure
    // the page no longer shows who it was.
    return renderPage(c, {
      erasure: result,
      ...(dryRun ? { pending: { platform: form.data.platform, author: form.data.author } } : {}),
    })
  })

  return app
}

async function renderPage(
  c: Context<DashboardEnv>,
  extra: {
    notice?: string | undefined
    error?: string
    status?: 200 | 400
    erasure?: ErasureResult
    pending?: { platform: string; author: string }
  },
) {
  const auth = authOf(c)
  const { db } = c.var.services
  const [settings, records] = await Promise.all([
    getPrivacySettings(db, auth.organisationId),
    listErasureRecords(db, auth.organisationId, 50),
  ])
  const zone = auth.practices[0]?.time_zone ?? 'UTC'
  c.status(extra.status ?? 200)
  return c.render(
    <>
      <h1>Patient data</h1>
      <p class="lede">
        How long this organisation keeps what patients write, identifier redaction, and erasure on
        request. docs/privacy.md says exactly what each does.
      </p>
      {extra.notice ? <Notice kind="ok">{extra.notice}</Notice> : null}
      {extra.error ? <Notice kind="error">{extra.error}</Notice> : null}
      <SettingsForm settings={settings} csrf={auth.csrfToken} />
      <EraseForm csrf={auth.csrfToken} pending={extra.pending} erasure={extra.erasure} />
      <h2>Erasures done</h2>
      {records.length === 0 ? (
        <p class="muted">None yet.</p>
      ) : (
        <table class="data-table">
          <thead>
            <tr>
              <th>When</th>
              <th>Platform</th>
              <th>From</th>
              <th>Author hash</th>
              <th>Mentions deleted</th>
            </tr>
          </thead>
          <tbody>
            {records.map((r) => (
              <tr>
                <td>{formatDateTime(new Date(r.created_at), zone)}</td>
                <td>{r.platform}</td>
                <td>{r.requested_via}</td>
                <td>
                  <code>{r.author_key_hash.slice(0, 16)}…</code>
                </td>
                <td>{String(r.counts.mentionsDeleted ?? 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>,
    { title: 'Patient data', active: 'settings' },
  )
}

function SettingsForm({ settings, csrf }: { settings: PrivacySettings; csrf: string | null }) {
  return (
    <form method="post" action="/settings/privacy" class="stack">
      <CsrfField token={csrf} />
      <h2>Retention</h2>
      <label>
        Keep mentions for (months, empty = for ever){' '}
        <input
          type="number"
          name="mention_retention_months"
          min="1"
          max="1200"
          value={settings.mentionRetentionMonths?.toString() ?? ''}
        />
      </label>
      <label>
        Then{' '}
        <select name="mention_retention_action">
          <option value="delete" selected={settings.mentionRetentionAction === 'delete'}>
            delete them
          </option>
          <option value="redact" selected={settings.mentionRetentionAction === 'redact'}>
            keep them as figures, without text or author
          </option>
        </select>
      </label>
      <label>
        Keep platform payloads for (months, empty = as long as the mention){' '}
        <input
          type="number"
          name="raw_retention_months"
          min="1"
          max="1200"
          value={settings.rawRetentionMonths?.toString() ?? ''}
        />
      </label>
      <h2>Redaction at ingest</h2>
      <label>
        <input type="checkbox" name="redact_identifiers" checked={settings.redactIdentifiers} />{' '}
        Replace Medicare and NHS numbers, dates of birth and phone numbers by a token in stored text
        and payloads
      </label>
      <button type="submit">Save</button>
    </form>
  )
}

function EraseForm({
  csrf,
  pending,
  erasure,
}: {
  csrf: string | null
  pending: { platform: string; author: string } | undefined
  erasure: ErasureResult | undefined
}) {
  return (
    <form method="post" action="/settings/privacy/erase" class="stack">
      <CsrfField token={csrf} />
      <h2>Erase one person’s data</h2>
      {erasure ? (
        <section aria-label="erasure result">
          <p>
            {erasure.dryRun
              ? 'Preview: nothing was changed. Erasing would do this:'
              : `Erased. Record ${erasure.recordId}.`}
          </p>
          <ul class="plain-list">
            {erasureSummary(erasure.counts).map(({ label, n }) => (
              <li>
                {n} {label}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <label>
        Platform{' '}
        <select name="platform">
          {PLATFORMS.map((p) => (
            <option value={p} selected={pending?.platform === p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      <label>
        Author id or handle{' '}
        <input type="text" name="author" maxlength={256} value={pending?.author ?? ''} />
      </label>
      <button type="submit" name="mode" value="preview">
        Preview
      </button>{' '}
      {pending ? (
        <button type="submit" name="mode" value="erase" class="danger">
          Erase
        </button>
      ) : null}
    </form>
  )
}

function issuesText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'form'}: ${i.message}`).join('; ')
}
