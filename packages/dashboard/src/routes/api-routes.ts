/**
 * @module The JSON API under `/api/v1`: the dashboard's data for scripts and other tools. Same
 * scoping as the pages (organisation and permitted practices; foreign ids are 404), zod-validated
 * inputs with clear 400 errors, and an OpenAPI document at `/api/v1/openapi.json`.
 */
import type { Context } from 'hono'
import { Hono } from 'hono'
import type { z } from 'zod'
import {
  inboxQuerySchema,
  mentionsQuerySchema,
  overrideBodySchema,
  parseInstant,
  periodQuerySchema,
  rankingQuerySchema,
} from '../api/api-schemas.js'
import { openApiDocument } from '../api/openapi-document.js'
import { listChannels } from '../core.js'
import { listInboxPage } from '../data/inbox-queries.js'
import { getMentionDetailInScope, searchMentionItems } from '../data/mention-queries.js'
import {
  getPracticeCharts,
  getPracticeRanking,
  getPracticeSummaries,
  type Period,
} from '../data/practice-metrics.js'
import { currentPromises } from '../data/practice-promises.js'
import { overrideByUser } from '../data/record-override.js'
import { getSpikeAlerts } from '../data/spike-alerts.js'
import {
  assertCanWrite,
  authOf,
  permittedPractice,
  requireApiAuth,
  requireCsrf,
} from '../http/auth-middleware.js'
import type { DashboardEnv } from '../http/dashboard-env.js'
import { HttpError, invalidInput } from '../http/http-errors.js'
import { readDatabase } from '../http/read-database.js'
import { savedRepliesQuerySchema } from '../replies/saved-reply-form.js'
import { listSavedReplies, savedReplyChoicesFor } from '../replies/saved-reply-store.js'
import { assertChannelInScope, scopeOf } from './mention-routes.js'

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value)
  if (!result.success)
    throw invalidInput(
      result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    )
  return result.data
}

function periodFrom(q: { from?: string; to?: string }, now: Date): Period {
  const to = q.to ? parseInstant(q.to) : now
  const from = q.from ? parseInstant(q.from) : new Date(to.getTime() - 30 * 86_400_000)
  if (to.getTime() <= from.getTime())
    throw invalidInput([{ path: 'to', message: 'must be after from' }])
  if (to.getTime() - from.getTime() > 400 * 86_400_000)
    throw invalidInput([{ path: 'from', message: 'a period is at most 400 days' }])
  return { from, to, now }
}

/** Routes mounted at `/api/v1`. */
export function apiRoutes(): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()
  const document = openApiDocument()

  app.get('/openapi.json', (c) => c.json(document))
  app.use('*', requireApiAuth)
  app.use('*', requireCsrf)

  app.get('/practices', async (c) => {
    const auth = authOf(c)
    return c.json({
      organisation: { id: auth.organisationId, name: auth.organisationName },
      practices: auth.practices.map((p) => ({
        id: p.id,
        name: p.name,
        slug: p.slug,
        timeZone: p.time_zone,
        holidayRegion: p.holiday_region,
      })),
    })
  })

  app.get('/practices/:practiceId', async (c) => {
    const auth = authOf(c)
    const practice = permittedPractice(auth, c.req.param('practiceId'))
    const db = readDatabase(c)
    const [promises, channels] = await Promise.all([
      currentPromises(db, auth.organisationId, [practice.id]),
      listChannels(db, auth.organisationId, practice.id),
    ])
    const promise = promises.get(practice.id)
    return c.json({
      id: practice.id,
      name: practice.name,
      slug: practice.slug,
      timeZone: practice.time_zone,
      holidayRegion: practice.holiday_region,
      promise: promise
        ? {
            version: promise.version,
            statement: promise.statement,
            goal: promise.goal,
            spec: promise.spec,
          }
        : null,
      channels: channels.map((ch) => ({
        id: ch.id,
        name: ch.name,
        platform: ch.platform,
        status: ch.status,
        lastSuccessAt: ch.last_success_at,
        lastErrorAt: ch.last_error_at,
        lastError: ch.last_error,
        itemsCollected: ch.items_collected,
      })),
    })
  })

  app.get('/practices/:practiceId/metrics', async (c) => {
    const auth = authOf(c)
    const practice = permittedPractice(auth, c.req.param('practiceId'))
    const q = parse(periodQuerySchema, c.req.query())
    const { now } = c.var.services
    const db = readDatabase(c)
    const period = periodFrom(q, now())
    const [[summary], charts] = await Promise.all([
      getPracticeSummaries(db, auth.organisationId, [practice.id], period),
      getPracticeCharts(db, auth.organisationId, practice.id, period),
    ])
    return c.json({
      practiceId: practice.id,
      period: { from: period.from, to: period.to },
      summary,
      charts,
    })
  })

  app.get('/ranking', async (c) => {
    const auth = authOf(c)
    const q = parse(rankingQuerySchema, c.req.query())
    const { now } = c.var.services
    const db = readDatabase(c)
    const period = periodFrom(q, now())
    const board = await getPracticeRanking(
      db,
      auth.organisationId,
      auth.practices.map((p) => p.id),
      period,
    )
    const names = new Map(auth.practices.map((p) => [p.id, p.name]))
    const key = q.sort ?? 'compliance'
    // Higher is better for rates and sentiment; lower is better for times, backlog and silence.
    const higherBetter = key === 'compliance' || key === 'responseRate' || key === 'sentimentMean'
    const ranking = [...board]
      .sort((a, b) => {
        const va = a.summary[key]
        const vb = b.summary[key]
        if (va === null && vb === null) return 0
        if (va === null) return 1
        if (vb === null) return -1
        return higherBetter ? vb - va : va - vb
      })
      .map((b) => ({
        ...b.summary,
        practiceName: names.get(b.practiceId),
        rank: b.rank,
        benchmark: b.benchmark,
      }))
    return c.json({ period: { from: period.from, to: period.to }, sort: key, ranking })
  })

  app.get('/alerts', async (c) => {
    const auth = authOf(c)
    const q = parse(inboxQuerySchema.pick({ practice: true }), c.req.query())
    const { now } = c.var.services
    const db = readDatabase(c)
    const scope = scopeOf(auth, q.practice)
    const alerts = await getSpikeAlerts(
      db,
      scope,
      now(),
      q.practice ? { practiceId: q.practice } : {},
    )
    return c.json({ alerts })
  })

  app.get('/inbox', async (c) => {
    const auth = authOf(c)
    const q = parse(inboxQuerySchema, c.req.query())
    const { now } = c.var.services
    const db = readDatabase(c)
    const scope = scopeOf(auth, q.practice)
    if (q.channel) await assertChannelInScope(db, scope, q.channel)
    const page = await listInboxPage(db, scope, auth.user.id, now(), q)
    return c.json(page)
  })

  app.get('/saved-replies', async (c) => {
    const auth = authOf(c)
    const q = parse(savedRepliesQuerySchema, c.req.query())
    const { now } = c.var.services
    const db = readDatabase(c)
    if (q.mention) {
      // Those suiting the mention, filled in for it (what the composer offers).
      const detail = await getMentionDetailInScope(db, scopeOf(auth), q.mention, now())
      if (!detail) throw new HttpError('NOT_FOUND', 'no such mention')
      return c.json({ savedReplies: await savedReplyChoicesFor(db, auth, detail.mention) })
    }
    const ids = q.practice
      ? [permittedPractice(auth, q.practice).id]
      : auth.practices.map((p) => p.id)
    return c.json({ savedReplies: await listSavedReplies(db, auth.organisationId, ids) })
  })

  app.get('/mentions', async (c) => {
    const auth = authOf(c)
    const q = parse(mentionsQuerySchema, c.req.query())
    const { now } = c.var.services
    const db = readDatabase(c)
    const scope = scopeOf(auth, q.practice)
    if (q.channel) await assertChannelInScope(db, scope, q.channel)
    const result = await searchMentionItems(db, scope, now(), {
      q: q.q,
      channelId: q.channel,
      category: q.category,
      sentiment: q.sentiment,
      status: q.status,
      direction: q.direction,
      from: q.from ? parseInstant(q.from) : undefined,
      to: q.to ? parseInstant(q.to) : undefined,
      page: q.page,
      perPage: q.perPage,
    })
    return c.json(result)
  })

  app.get('/mentions/:mentionId', async (c) => {
    const auth = authOf(c)
    const { now } = c.var.services
    const db = readDatabase(c)
    const detail = await getMentionDetailInScope(db, scopeOf(auth), c.req.param('mentionId'), now())
    if (!detail) throw new HttpError('NOT_FOUND', 'no such mention')
    return c.json(detail)
  })

  app.post('/mentions/:mentionId/overrides', async (c: Context<DashboardEnv>) => {
    const auth = authOf(c)
    const { db, now: clock, recordOverride } = c.var.services
    const now = clock()
    const detail = await getMentionDetailInScope(
      db,
      scopeOf(auth),
      c.req.param('mentionId') ?? '',
      now,
    )
    if (detail?.mention.direction !== 'inbound') throw new HttpError('NOT_FOUND', 'no such mention')
    assertCanWrite(auth)
    let json: unknown
    try {
      json = await c.req.json()
    } catch {
      throw invalidInput([{ path: '', message: 'the body must be JSON' }])
    }
    const body = parse(overrideBodySchema, json)
    const handledAt =
      body.action === 'handled_elsewhere'
        ? body.handledAt
          ? new Date(body.handledAt)
          : now
        : undefined
    await recordOverride(db, overrideByUser(auth, detail.mention.id, { ...body, handledAt }, now))
    const after = await getMentionDetailInScope(db, scopeOf(auth), detail.mention.id, now)
    return c.json(after, 201)
  })

  return app
}
