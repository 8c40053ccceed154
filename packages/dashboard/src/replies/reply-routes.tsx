/**
 * @module Replying from Earshot: send (`POST /mentions/:id/reply`), retry a failed send, and the
 * JSON lint endpoint the composer calls as the user types. Handlers stay short: sending lives in
 * `@earshot/collectors` (`sendReply`), the page pieces in `reply-composer.tsx`.
 */
import {
  blockingLint,
  canReplyOn,
  retryReply,
  type SendReplyResult,
  sendReply,
} from '@earshot/collectors'
import { Hono } from 'hono'
import { z } from 'zod'
import { EarshotError, isEarshotError } from '../core.js'
import { getMentionDetailInScope } from '../data/mention-queries.js'
import { assertCanWrite, authOf } from '../http/auth-middleware.js'
import type { DashboardEnv } from '../http/dashboard-env.js'
import { HttpError } from '../http/http-errors.js'
import { scopeOf } from '../routes/mention-routes.js'
import { localPath } from '../routes/safe-redirect.js'
import { ReplyComposer } from './reply-composer.js'
import { replyOptionsFor } from './reply-options.js'
import { missingMarkersIn } from './saved-reply-template.js'

/** Warnings for saved-reply variables left unfilled (never sent, whatever the reason given). */
function missingWarnings(text: string): string[] {
  return missingMarkersIn(text).map(
    (words) => `still says "[missing: ${words}]": fill it in (or set it on the practice) first`,
  )
}

const lintBodySchema = z.object({
  text: z.string().max(10_000),
  visibility: z.enum(['public', 'private']).default('public'),
})

const replyFormSchema = z.object({
  text: z.string().max(10_000),
  visibility: z.enum(['public', 'private']).default('public'),
  override_reason: z.string().max(500).optional(),
  return: z.string().max(2000).optional(),
})

function withNotice(back: string, notice: string): string {
  return `${back}${back.includes('?') ? '&' : '?'}notice=${notice}`
}

function noticeFor(result: SendReplyResult): string {
  return result.status === 'sent' ? 'reply-sent' : 'reply-failed'
}

export function replyRoutes(): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()

  app.post('/replies/lint', async (c) => {
    authOf(c)
    const parsed = lintBodySchema.safeParse(await c.req.json().catch(() => undefined))
    if (!parsed.success)
      throw new HttpError(
        'INVALID_INPUT',
        'expected {"text": "…", "visibility": "public"|"private"}',
      )
    const { text, visibility } = parsed.data
    return c.json({ warnings: [...missingWarnings(text), ...blockingLint(text, visibility)] })
  })

  app.post('/mentions/:mentionId/reply', async (c) => {
    const auth = authOf(c)
    assertCanWrite(auth)
    const { db, now, reply } = c.var.services
    const scope = scopeOf(auth)
    const detail = await getMentionDetailInScope(db, scope, c.req.param('mentionId'), now())
    if (detail?.mention.direction !== 'inbound') throw new HttpError('NOT_FOUND', 'no such mention')
    const parsed = replyFormSchema.safeParse(await c.req.parseBody())
    if (!parsed.success) throw new HttpError('INVALID_INPUT', 'invalid reply form')
    const f = parsed.data
    const back = localPath(f.return, `/mentions/${encodeURIComponent(detail.mention.id)}`)
    try {
      const missing = missingWarnings(f.text)
      if (missing.length) throw new EarshotError('INVALID_INPUT', missing.join('; '))
      const result = await sendReply(
        db,
        {
          organisationId: scope.organisationId,
          practiceIds: scope.practiceIds,
          mentionId: detail.mention.id,
          userId: auth.user.id,
          text: f.text,
          visibility: f.visibility,
          ...(f.override_reason?.trim() ? { overrideReason: f.override_reason } : {}),
        },
        { now, ...reply },
      )
      return c.redirect(withNotice(back, noticeFor(result)), 303)
    } catch (error) {
      if (!isEarshotError(error, 'INVALID_INPUT')) throw error
      const lint = ((error.details as { lint?: string[] } | undefined)?.lint ?? []) as string[]
      c.status(lint.length ? 422 : 400)
      return c.render(
        <>
          <h1>Reply not sent</h1>
          <p>
            <a href={back}>Back to the mention</a>
          </p>
          <ReplyComposer
            target={{
              mentionId: detail.mention.id,
              platform: detail.mention.platform,
              canReply: canReplyOn(detail.mention.platform),
              canReplyPrivately: replyOptionsFor(detail.mention).canReplyPrivately,
            }}
            auth={auth}
            back={back}
            text={f.text}
            visibility={f.visibility}
            lint={lint}
            {...(lint.length ? {} : { error: error.message })}
          />
        </>,
        { title: 'Reply not sent', active: 'mentions' },
      )
    }
  })

  app.post('/mentions/:mentionId/replies/:outboxId/retry', async (c) => {
    const auth = authOf(c)
    assertCanWrite(auth)
    const { db, now, reply } = c.var.services
    const scope = scopeOf(auth)
    const detail = await getMentionDetailInScope(db, scope, c.req.param('mentionId'), now())
    if (!detail) throw new HttpError('NOT_FOUND', 'no such mention')
    const form = await c.req.parseBody()
    const back = localPath(
      typeof form.return === 'string' ? form.return : undefined,
      `/mentions/${encodeURIComponent(detail.mention.id)}`,
    )
    try {
      const result = await retryReply(
        db,
        {
          organisationId: scope.organisationId,
          practiceIds: scope.practiceIds,
          outboxId: c.req.param('outboxId'),
          mentionId: detail.mention.id,
          userId: auth.user.id,
        },
        { now, ...reply },
      )
      return c.redirect(withNotice(back, noticeFor(result)), 303)
    } catch (error) {
      if (isEarshotError(error, 'NOT_FOUND')) throw new HttpError('NOT_FOUND', 'no such reply')
      throw error
    }
  })

  return app
}
