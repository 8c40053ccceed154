/**
 * @module Routes for inbox actions: `POST /inbox/bulk` (assign, unassign, no reply needed,
 * handled elsewhere — on one item or a selection), `POST /inbox/undo` (the last bulk action,
 * for a short while) and `POST /inbox/notes` (an internal note). Forms only; each redirects back
 * to the inbox view it came from with a notice.
 */
import { type Context, Hono } from 'hono'
import { z } from 'zod'
import { assertCanWrite, authOf } from '../http/auth-middleware.js'
import type { DashboardEnv } from '../http/dashboard-env.js'
import { HttpError } from '../http/http-errors.js'
import { localPath } from '../routes/safe-redirect.js'
import { addNote, applyBulkAction, undoBulkAction } from './inbox-actions.js'
import { BULK_ACTIONS } from './inbox-tables.js'

/** Notices the inbox shows after these actions (`?notice=` keys). */
export const INBOX_NOTICES: Record<string, string> = {
  'bulk-assign': 'Assigned.',
  'bulk-unassign': 'Unassigned.',
  'bulk-no_reply_needed': 'Marked as needing no reply.',
  'bulk-handled_elsewhere': 'Recorded as handled elsewhere.',
  undone: 'Undone.',
  'note-added': 'Note added (internal: never sent to the platform).',
}

const ids = z
  .union([z.string().min(1).max(200), z.array(z.string().min(1).max(200)).max(500)])
  .transform((v) => (Array.isArray(v) ? v : [v]))

const bulkFormSchema = z.object({
  mention_id: ids,
  action: z.enum(BULK_ACTIONS),
  /** `me`, a colleague's user id, or empty (only with `unassign`). */
  assignee: z.string().max(200).optional(),
  return: z.string().max(2000).optional(),
})

const undoFormSchema = z.object({
  bulk_id: z.string().min(1).max(200),
  return: z.string().max(2000).optional(),
})

const noteFormSchema = z.object({
  mention_id: z.string().min(1).max(200),
  text: z.string().max(2000),
  return: z.string().max(2000).optional(),
})

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'form'}: ${i.message}`).join('; ')
}

/** The form fields (repeated names as arrays), or a JSON object for API-token callers. */
async function fields(c: Context<DashboardEnv>): Promise<unknown> {
  if ((c.req.header('content-type') ?? '').startsWith('application/json'))
    return c.req.json().catch(() => undefined)
  return c.req.parseBody({ all: true })
}

function withNotice(back: string, notice: string): string {
  return `${back}${back.includes('?') ? '&' : '?'}notice=${notice}`
}

export function inboxActionRoutes(): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()

  app.post('/inbox/bulk', async (c) => {
    const auth = authOf(c)
    assertCanWrite(auth)
    const { db, now, recordOverride } = c.var.services
    const parsed = bulkFormSchema.safeParse(await fields(c))
    if (!parsed.success)
      throw new HttpError('INVALID_INPUT', `invalid action: ${issues(parsed.error)}`)
    const f = parsed.data
    const assigneeId = f.assignee === 'me' ? auth.user.id : f.assignee?.trim() || undefined
    await applyBulkAction(db, recordOverride, auth, {
      mentionIds: f.mention_id,
      action: f.action,
      ...(assigneeId ? { assigneeId } : {}),
      now: now(),
    })
    return c.redirect(withNotice(localPath(f.return, '/inbox'), `bulk-${f.action}`), 303)
  })

  app.post('/inbox/undo', async (c) => {
    const auth = authOf(c)
    assertCanWrite(auth)
    const { db, now, recordOverride } = c.var.services
    const parsed = undoFormSchema.safeParse(await fields(c))
    if (!parsed.success)
      throw new HttpError('INVALID_INPUT', `invalid undo: ${issues(parsed.error)}`)
    await undoBulkAction(db, recordOverride, auth, parsed.data.bulk_id, now())
    return c.redirect(withNotice(localPath(parsed.data.return, '/inbox'), 'undone'), 303)
  })

  app.post('/inbox/notes', async (c) => {
    const auth = authOf(c)
    assertCanWrite(auth)
    const { db, now } = c.var.services
    const parsed = noteFormSchema.safeParse(await fields(c))
    if (!parsed.success)
      throw new HttpError('INVALID_INPUT', `invalid note: ${issues(parsed.error)}`)
    await addNote(db, auth, parsed.data.mention_id, parsed.data.text, now())
    return c.redirect(withNotice(localPath(parsed.data.return, '/inbox'), 'note-added'), 303)
  })

  return app
}
