/**
 * @module The inbox (what needs a reply, earliest due first), mention search, a mention's page
 * (thread and SLA audit trail) and the override actions ("handled elsewhere", "no reply needed").
 */

import { repliesOf } from '@earshot/collectors'
import { Hono } from 'hono'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { mentionsQuerySchema } from '../api/api-schemas.js'
import { enrichmentHistoryOf } from '../audit/enrichment-history.js'
import {
  CATEGORIES,
  type Database,
  OVERRIDE_ACTIONS,
  type PracticeRow,
  SENTIMENT_LABELS,
  SLA_STATUSES,
} from '../core.js'
import {
  getMentionDetailInScope,
  type MentionListItem,
  type Scope,
  searchMentionItems,
} from '../data/mention-queries.js'
import { overrideByUser } from '../data/record-override.js'
import { assertCanWrite, authOf, permittedPractice } from '../http/auth-middleware.js'
import type { AuthState, DashboardEnv } from '../http/dashboard-env.js'
import { HttpError } from '../http/http-errors.js'
import { readDatabase } from '../http/read-database.js'
import { ReplyComposer, ReplyHistory } from '../replies/reply-composer.js'
import { replyOptionsFor } from '../replies/reply-options.js'
import { savedReplyChoicesFor } from '../replies/saved-reply-store.js'
import {
  Countdown,
  CsrfField,
  ExternalLink,
  Flags,
  Notice,
  StatusBadge,
} from '../views/components.js'
import { capitalise, formatDateTime, formatDuration, humanise, safeHref } from '../views/format.js'
import { parseLocalDateTime, toLocalDateTimeInput } from '../views/zoned-time.js'
import { localPath } from './safe-redirect.js'

export const NOTICES: Record<string, string> = {
  'handled-elsewhere': 'Recorded as handled elsewhere.',
  'no-reply-needed': 'Marked as needing no reply.',
  'needs-reply': 'Marked as needing a reply again.',
  'reply-sent': 'Reply sent.',
  'reply-failed': 'The reply was not sent: see the reason below.',
}

/** The scope of a user, optionally narrowed to one practice (404 if not theirs). */
export function scopeOf(auth: AuthState, practiceId?: string): Scope {
  if (practiceId)
    return {
      organisationId: auth.organisationId,
      practiceIds: [permittedPractice(auth, practiceId).id],
    }
  return { organisationId: auth.organisationId, practiceIds: auth.practices.map((p) => p.id) }
}

/** Throws 404 unless the channel belongs to one of the scope's practices. */
export async function assertChannelInScope(
  db: Kysely<Database>,
  scope: Scope,
  channelId: string,
): Promise<void> {
  // A scope without practices holds no channel; `in ()` is not SQL, so ask nothing at all.
  const channel =
    scope.practiceIds.length === 0
      ? undefined
      : await db
          .selectFrom('channels')
          .select('id')
          .where('organisation_id', '=', scope.organisationId)
          .where('id', '=', channelId)
          .where('practice_id', 'in', [...scope.practiceIds])
          .executeTakeFirst()
  if (!channel) throw new HttpError('NOT_FOUND', 'no such channel')
}

function timeZoneOf(auth: AuthState, practiceId: string): string {
  return auth.practices.find((p) => p.id === practiceId)?.time_zone ?? 'UTC'
}

/** The two inbox actions for one mention, as small forms. */
export function OverrideForms({
  item,
  auth,
  now,
  back,
}: {
  item: MentionListItem
  auth: AuthState
  now: Date
  back: string
}) {
  if (!auth.canWrite) return null
  const tz = timeZoneOf(auth, item.practiceId)
  const action = `/mentions/${encodeURIComponent(item.id)}/override`
  return (
    <div class="actions">
      <details class="action">
        <summary>Handled elsewhere…</summary>
        <form method="post" action={action} class="stack">
          <CsrfField token={auth.csrfToken} />
          <input type="hidden" name="action" value="handled_elsewhere" />
          <input type="hidden" name="return" value={back} />
          <label>
            When ({tz})
            <input
              type="datetime-local"
              name="handled_at"
              required
              value={toLocalDateTimeInput(now, tz)}
            />
          </label>
          <label>
            Note
            <input
              type="text"
              name="note"
              maxlength={500}
              placeholder="e.g. called the patient back"
            />
          </label>
          <button type="submit">Record</button>
        </form>
      </details>
      <form method="post" action={action} class="inline">
        <CsrfField token={auth.csrfToken} />
        <input type="hidden" name="action" value="no_reply_needed" />
        <input type="hidden" name="return" value={back} />
        <button type="submit" class="secondary">
          No reply needed
        </button>
      </form>
    </div>
  )
}

// The API's filters, with the form's plain dates (the page's date inputs) for the period.
const searchSchema = mentionsQuerySchema
  .omit({ from: true, to: true, perPage: true })
  .extend({ from: z.iso.date().optional(), to: z.iso.date().optional() })

/** Query values with empty strings dropped (empty filter fields mean "any"). */
function nonEmptyQuery(query: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== ''))
}

/** Routes (the inbox is in inbox-routes.tsx): `/mentions`, `/mentions/:mentionId`, `POST /mentions/:mentionId/override`. */
export function mentionRoutes(): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()

  app.get('/mentions', async (c) => {
    const auth = authOf(c)
    const { now: clock } = c.var.services
    const db = readDatabase(c)
    const now = clock()
    const parsed = searchSchema.safeParse(nonEmptyQuery(c.req.query()))
    if (!parsed.success)
      throw new HttpError(
        'INVALID_INPUT',
        `invalid filter: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      )
    const f = parsed.data
    const scope = scopeOf(auth, f.practice)
    if (f.channel) await assertChannelInScope(db, scope, f.channel)
    const result = await searchMentionItems(db, scope, now, {
      q: f.q,
      channelId: f.channel,
      category: f.category,
      sentiment: f.sentiment,
      status: f.status,
      direction: f.direction,
      from: f.from ? new Date(`${f.from}T00:00:00Z`) : undefined,
      to: f.to ? new Date(new Date(`${f.to}T00:00:00Z`).getTime() + 86_400_000) : undefined,
      page: f.page,
      perPage: 50,
    })
    const channels =
      scope.practiceIds.length === 0
        ? []
        : await db
            .selectFrom('channels')
            .select(['id', 'name', 'platform', 'practice_id'])
            .where('organisation_id', '=', auth.organisationId)
            .where('practice_id', 'in', [...scope.practiceIds])
            .orderBy('name')
            .execute()
    const pages = Math.max(1, Math.ceil(result.total / result.perPage))
    const pageLink = (page: number) => {
      const params = new URLSearchParams(nonEmptyQuery(c.req.query()))
      params.set('page', String(page))
      return `/mentions?${params.toString()}`
    }
    const select = (
      name: string,
      label: string,
      values: readonly string[],
      current: string | undefined,
    ) => (
      <label>
        {label}
        <select name={name}>
          <option value="">Any</option>
          {values.map((v) => (
            <option value={v} selected={v === current}>
              {humanise(v)}
            </option>
          ))}
        </select>
      </label>
    )
    return c.render(
      <>
        <h1>Mentions</h1>
        <form method="get" action="/mentions" class="filters" role="search">
          <label class="grow">
            Search text
            <input type="search" name="q" value={f.q ?? ''} placeholder="words, author…" />
          </label>
          <label>
            Practice
            <select name="practice">
              <option value="">All</option>
              {auth.practices.map((p: PracticeRow) => (
                <option value={p.id} selected={p.id === f.practice}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Channel
            <select name="channel">
              <option value="">Any</option>
              {channels.map((ch) => (
                <option value={ch.id} selected={ch.id === f.channel}>
                  {ch.name} ({ch.platform})
                </option>
              ))}
            </select>
          </label>
          {select('category', 'Category', CATEGORIES, f.category)}
          {select('sentiment', 'Sentiment', SENTIMENT_LABELS, f.sentiment)}
          {select('status', 'Status', SLA_STATUSES, f.status)}
          {select('direction', 'Direction', ['inbound', 'outbound'], f.direction)}
          <label>
            From
            <input type="date" name="from" value={f.from ?? ''} />
          </label>
          <label>
            To
            <input type="date" name="to" value={f.to ?? ''} />
          </label>
          <button type="submit">Filter</button>
        </form>
        <p class="lede">
          {result.total} mention{result.total === 1 ? '' : 's'} · page {result.page} of {pages}
        </p>
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Practice · channel</th>
                <th scope="col">Mention</th>
                <th scope="col">Category</th>
                <th scope="col">Sentiment</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {result.items.map((item) => (
                <tr>
                  <td class="nowrap">
                    <a href={`/mentions/${encodeURIComponent(item.id)}`}>
                      {formatDateTime(item.createdAt, timeZoneOf(auth, item.practiceId))}
                    </a>
                  </td>
                  <td>
                    {item.practiceName}
                    <div class="sub">
                      {item.channelName} · {item.platform} {item.kind} · {item.direction}
                    </div>
                  </td>
                  <td class="text-cell">
                    <strong>{item.authorName ?? item.authorHandle ?? ''}</strong> {item.text}
                    <Flags privacy={item.privacy} urgent={item.urgent} />
                  </td>
                  <td>{humanise(item.category)}</td>
                  <td>
                    <span class={`sentiment sentiment-${item.sentimentLabel ?? 'none'}`}>
                      {humanise(item.sentimentLabel)}
                    </span>
                  </td>
                  <td>
                    {item.direction === 'inbound' ? (
                      <StatusBadge status={item.status} />
                    ) : (
                      <span class="muted">—</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <nav class="pager" aria-label="Pages">
          {result.page > 1 ? (
            <a href={pageLink(result.page - 1)} rel="prev">
              ← Newer
            </a>
          ) : null}
          {result.page < pages ? (
            <a href={pageLink(result.page + 1)} rel="next">
              Older →
            </a>
          ) : null}
        </nav>
      </>,
      { title: 'Mentions', active: 'mentions' },
    )
  })

  app.get('/mentions/:mentionId', async (c) => {
    const auth = authOf(c)
    const { now: clock } = c.var.services
    const db = readDatabase(c)
    const now = clock()
    const detail = await getMentionDetailInScope(db, scopeOf(auth), c.req.param('mentionId'), now)
    if (!detail) throw new HttpError('NOT_FOUND', 'no such mention')
    const { mention, thread, link, overrides } = detail
    const tz = timeZoneOf(auth, mention.practiceId)
    const notice = NOTICES[c.req.query('notice') ?? '']
    const explanation = (link?.explanation ?? {}) as {
      reason?: string
      target?: string
      clockStart?: string
      clockStop?: string
      schedule?: string
      promise?: string
      notes?: string[]
      included?: boolean
    }
    const back = `/mentions/${encodeURIComponent(mention.id)}`
    const replies = await repliesOf(db, auth.organisationId, mention.id)
    const userNames = await userNamesOf(db, auth.organisationId, replies)
    const enrichment = await enrichmentHistoryOf(db, auth.organisationId, mention.id)
    const saved =
      mention.direction === 'inbound' && auth.canWrite
        ? await savedReplyChoicesFor(db, auth, mention)
        : []
    return c.render(
      <>
        <p class="breadcrumb">
          <a href="/mentions">Mentions</a> ›{' '}
          <a href={`/practices/${encodeURIComponent(mention.practiceId)}`}>
            {mention.practiceName}
          </a>{' '}
          ›
        </p>
        <h1>
          {capitalise(humanise(mention.kind))} by{' '}
          {mention.authorName ?? mention.authorHandle ?? 'unknown author'}
        </h1>
        {notice ? <Notice kind="ok">{notice}</Notice> : null}
        <div class="two-col">
          <section aria-labelledby="thread-h">
            <h2 id="thread-h">Thread</h2>
            <ol class="thread">
              {thread.map((t) => (
                <li class={`thread-item ${t.direction}${t.id === mention.id ? ' current' : ''}`}>
                  <div class="mention-meta">
                    <strong>{t.authorName ?? t.authorHandle ?? 'unknown'}</strong>
                    <span class="muted">
                      {' '}
                      · {t.direction === 'outbound' ? 'the practice' : 'inbound'} ·{' '}
                      {formatDateTime(t.createdAt, tz)}
                    </span>
                    {t.deletedAt ? (
                      <span class="flag">deleted {formatDateTime(t.deletedAt, tz)}</span>
                    ) : null}
                  </div>
                  <p>{t.text || <em class="muted">(no text)</em>}</p>
                  {t.id !== mention.id ? (
                    <a href={`/mentions/${encodeURIComponent(t.id)}`}>Open</a>
                  ) : (
                    <span class="muted">this mention</span>
                  )}
                </li>
              ))}
            </ol>
            <p>
              {mention.permalink === null ? (
                <span class="muted">The platform gave no link to the original.</span>
              ) : safeHref(mention.permalink) ? (
                <ExternalLink href={mention.permalink}>
                  Open the original on {mention.platform}
                </ExternalLink>
              ) : (
                <span class="muted">
                  Open the original on {mention.platform} (link withheld: not a web address)
                </span>
              )}
            </p>
            {mention.direction === 'inbound' ? (
              <ReplyComposer
                target={{
                  mentionId: mention.id,
                  platform: mention.platform,
                  ...replyOptionsFor(mention),
                }}
                auth={auth}
                back={back}
                saved={saved}
                savedId={c.req.query('saved')}
              />
            ) : null}
            <ReplyHistory replies={replies} auth={auth} tz={tz} back={back} userNames={userNames} />
          </section>
          <section aria-labelledby="sla-h">
            <h2 id="sla-h">Why it counts (audit trail)</h2>
            {link ? (
              <dl class="audit">
                <dt>Status now</dt>
                <dd>
                  <StatusBadge status={link.status} />{' '}
                  <Flags privacy={mention.privacy} urgent={mention.urgent} />
                </dd>
                <dt>Included</dt>
                <dd>
                  {link.exemptReason
                    ? `No: ${link.exemptReason}`
                    : link.needsReply
                      ? `Yes: ${explanation.reason ?? 'needs a reply'}`
                      : 'No'}
                </dd>
                <dt>Category</dt>
                <dd>
                  {humanise(link.category ?? mention.category)}
                  {mention.triageReasons.length ? (
                    <span class="muted"> ({mention.triageReasons.join('; ')})</span>
                  ) : null}
                </dd>
                <dt>Target</dt>
                <dd>
                  {explanation.target ??
                    (link.targetName
                      ? `${link.targetName}: ${formatDuration(link.targetMs)} on the ${link.clock} clock`
                      : '—')}
                </dd>
                <dt>Clock started</dt>
                <dd>{explanation.clockStart ?? formatDateTime(link.clockStartedAt, tz)}</dd>
                <dt>At risk from</dt>
                <dd>{formatDateTime(link.atRiskAt, tz)}</dd>
                <dt>Due</dt>
                <dd>
                  {formatDateTime(link.dueAt, tz)}{' '}
                  {link.respondedAt || !link.dueAt ? null : (
                    <Countdown due={link.dueAt} now={now} />
                  )}
                </dd>
                <dt>Clock stopped</dt>
                <dd>
                  {explanation.clockStop ??
                    (link.respondedAt ? formatDateTime(link.respondedAt, tz) : 'not answered yet')}
                </dd>
                <dt>Response time</dt>
                <dd>
                  {formatDuration(link.businessMs)} business · {formatDuration(link.wallMs)}{' '}
                  wall-clock
                  {link.responseSource ? (
                    <span class="muted">
                      {' '}
                      ({link.responseSource === 'manual' ? 'recorded by a person' : 'reply'})
                    </span>
                  ) : null}
                </dd>
                <dt>Rules used</dt>
                <dd>
                  {explanation.schedule ?? `schedule version ${link.scheduleVersion ?? '—'}`} ·{' '}
                  {explanation.promise ?? `promise version ${link.promiseVersion ?? '—'}`}
                </dd>
                {explanation.notes?.length ? (
                  <>
                    <dt>Notes</dt>
                    <dd>
                      <ul>
                        {explanation.notes.map((n) => (
                          <li>{n}</li>
                        ))}
                      </ul>
                    </dd>
                  </>
                ) : null}
                <dt>Evaluated</dt>
                <dd>{formatDateTime(link.evaluatedAt, tz)}</dd>
              </dl>
            ) : (
              <p class="muted">
                {mention.direction === 'outbound'
                  ? 'Written by the practice: outbound messages are responses, not items to answer.'
                  : 'Not evaluated yet.'}
              </p>
            )}
            <p class="muted">
              Classified by{' '}
              {enrichment.enricher === null ? (
                'no enricher yet'
              ) : (
                <code>{enrichment.enricher}</code>
              )}
            </p>
            {enrichment.events.length ? (
              <ul class="enrichment-events">
                {enrichment.events.map((e) => (
                  <li>
                    {formatDateTime(e.at, tz)}: re-enriched by <code>{e.toEnricher}</code>
                    {e.fromEnricher ? (
                      <>
                        {' '}
                        (was <code>{e.fromEnricher}</code>)
                      </>
                    ) : null}
                    {e.changes.length ? `: ${e.changes.join('; ')}` : null}
                  </li>
                ))}
              </ul>
            ) : null}
            {mention.direction === 'inbound' && link && auth.canWrite ? (
              <>
                <h3>Record a decision</h3>
                {link.status === 'pending' ||
                link.status === 'at_risk' ||
                link.status === 'breached' ? (
                  <OverrideForms item={mention} auth={auth} now={now} back={back} />
                ) : null}
                {link.status === 'exempt' ? (
                  <form
                    method="post"
                    action={`/mentions/${encodeURIComponent(mention.id)}/override`}
                    class="inline"
                  >
                    <CsrfField token={auth.csrfToken} />
                    <input type="hidden" name="action" value="needs_reply" />
                    <input type="hidden" name="return" value={back} />
                    <button type="submit" class="secondary">
                      It does need a reply
                    </button>
                  </form>
                ) : null}
                {link.status === 'met' || link.status === 'missed' ? (
                  <p class="muted">Answered: nothing left to decide.</p>
                ) : null}
              </>
            ) : null}
            <h3>Decisions recorded</h3>
            {overrides.length ? (
              <ul class="overrides">
                {overrides.map((o) => (
                  <li>
                    <strong>{humanise(o.action)}</strong>
                    {o.handledAt ? ` at ${formatDateTime(o.handledAt, tz)}` : ''} by {o.actor} on{' '}
                    {formatDateTime(o.createdAt, tz)}
                    {o.note ? <span class="muted"> — {o.note}</span> : null}
                  </li>
                ))}
              </ul>
            ) : (
              <p class="muted">None.</p>
            )}
          </section>
        </div>
      </>,
      { title: 'Mention', active: 'mentions' },
    )
  })

  app.post('/mentions/:mentionId/override', async (c) => {
    const auth = authOf(c)
    assertCanWrite(auth)
    const { db, now: clock, recordOverride } = c.var.services
    const now = clock()
    const detail = await getMentionDetailInScope(db, scopeOf(auth), c.req.param('mentionId'), now)
    if (detail?.mention.direction !== 'inbound') throw new HttpError('NOT_FOUND', 'no such mention')
    const body = await c.req.parseBody()
    const parsed = formOverrideSchema.safeParse(body)
    if (!parsed.success)
      throw new HttpError(
        'INVALID_INPUT',
        `invalid override: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      )
    const f = parsed.data
    let handledAt: Date | undefined
    if (f.action === 'handled_elsewhere') {
      handledAt = f.handled_at
        ? parseLocalDateTime(f.handled_at, timeZoneOf(auth, detail.mention.practiceId))
        : now
      if (!handledAt)
        throw new HttpError(
          'INVALID_INPUT',
          'handled_at: expected a date and time (YYYY-MM-DDTHH:MM)',
        )
    }
    // Core answers an invalid decision with INVALID_INPUT, which the app shows as a 400 page.
    await recordOverride(
      db,
      overrideByUser(auth, detail.mention.id, { action: f.action, handledAt, note: f.note }, now),
    )
    const back = localPath(f.return, '/inbox')
    const notice = f.action.replace(/_/g, '-')
    return c.redirect(`${back}${back.includes('?') ? '&' : '?'}notice=${notice}`, 303)
  })

  return app
}

async function userNamesOf(
  db: Kysely<Database>,
  organisationId: string,
  replies: readonly { user_id: string | null }[],
): Promise<Map<string, string>> {
  const ids = [...new Set(replies.map((r) => r.user_id).filter((id): id is string => id !== null))]
  if (ids.length === 0) return new Map()
  const users = await db
    .selectFrom('users')
    .select(['id', 'name', 'email'])
    .where('organisation_id', '=', organisationId)
    .where('id', 'in', ids)
    .execute()
  return new Map(users.map((u) => [u.id, u.name || u.email]))
}

const formOverrideSchema = z.object({
  action: z.enum(OVERRIDE_ACTIONS),
  handled_at: z.string().max(40).optional(),
  note: z.string().max(500).optional(),
  return: z.string().max(2000).optional(),
})
