/**
 * @module The inbox page: what needs a reply, most saveable first, with filters kept in the URL,
 * keyset paging with true totals (no cap) and ticking countdowns.
 */
import { Hono } from 'hono'
import { inboxQuerySchema } from '../api/api-schemas.js'
import { channelsInScope, listInboxPage, userNames } from '../data/inbox-queries.js'
import { authOf } from '../http/auth-middleware.js'
import type { DashboardEnv } from '../http/dashboard-env.js'
import { invalidInput } from '../http/http-errors.js'
import { readDatabase } from '../http/read-database.js'
import { INBOX_NOTICES } from '../inbox/inbox-action-routes.js'
import { assignableColleagues, notesOf, undoableBulkAction } from '../inbox/inbox-actions.js'
import { inboxChangesSince } from '../inbox/inbox-events.js'
import {
  AssignButtons,
  BulkBar,
  InboxNotes,
  InlineReply,
  ItemSelect,
} from '../inbox/inbox-item-parts.js'
import { threadContextOf } from '../inbox/inbox-threads.js'
import { listSavedReplies } from '../replies/saved-reply-store.js'
import { Notice } from '../views/components.js'
import {
  InboxFilters,
  InboxItemView,
  InboxPaging,
  InboxTotals,
  inboxHref,
} from '../views/inbox-view.js'
import { assertChannelInScope, NOTICES, OverrideForms, scopeOf } from './mention-routes.js'

/** Routes: `GET /inbox`. */
export function inboxRoutes(): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()

  app.get('/inbox', async (c) => {
    const auth = authOf(c)
    const { now: clock } = c.var.services
    const db = readDatabase(c)
    const raw = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ''))
    const { notice: noticeKey, ...rest } = raw
    const parsed = inboxQuerySchema.safeParse(rest)
    if (!parsed.success)
      throw invalidInput(
        parsed.error.issues.map((i) => ({
          path: i.path.map(String).join('.'),
          message: i.message,
        })),
      )
    const q = parsed.data
    const scope = scopeOf(auth, q.practice)
    if (q.channel) await assertChannelInScope(db, scope, q.channel)
    // Read before the page: the live stream announces every change after it, even one that
    // lands while this page is still being rendered or the stream is connecting.
    const feed = await inboxChangesSince(db, scopeOf(auth), 0)
    const [page, channels] = await Promise.all([
      listInboxPage(db, scope, auth.user.id, clock(), q),
      channelsInScope(db, scopeOf(auth)),
    ])
    const ids = page.items.map((i) => i.id)
    const [notes, threads, colleagues, undo, saved] = await Promise.all([
      notesOf(db, auth.organisationId, ids),
      threadContextOf(db, auth.organisationId, page.items),
      auth.canWrite ? assignableColleagues(db, auth.organisationId) : [],
      auth.canWrite ? undoableBulkAction(db, auth, clock()) : undefined,
      auth.canWrite ? listSavedReplies(db, auth.organisationId, scope.practiceIds) : [],
    ])
    const names = await userNames(db, auth.organisationId, [
      ...page.items.flatMap((i) => (i.assigneeId ? [i.assigneeId] : [])),
      ...[...notes.values()].flat().map((n) => n.userId),
    ])
    const notice = NOTICES[noticeKey ?? ''] ?? INBOX_NOTICES[noticeKey ?? '']
    const back = inboxHref(q, { cursor: q.cursor })
    const zone = (practiceId: string) =>
      auth.practices.find((p) => p.id === practiceId)?.time_zone ?? 'UTC'
    return c.render(
      <>
        <div class="page-head">
          <h1>Inbox</h1>
        </div>
        <InboxFilters q={q} practices={auth.practices} channels={channels} />
        {notice ? <Notice kind="ok">{notice}</Notice> : null}
        <InboxTotals q={q} page={page} />
        <BulkBar auth={auth} back={back} colleagues={colleagues} undo={undo} />
        <script src="/assets/inbox-live.js" defer />
        <ol
          class="inbox"
          data-as-of={page.asOf.toISOString()}
          data-live={`/inbox/events?after=${feed.seq}`}
        >
          {page.items.map((item) => (
            <InboxItemView
              item={item}
              asOf={page.asOf}
              timeZone={zone(item.practiceId)}
              assigneeName={item.assigneeId ? (names.get(item.assigneeId) ?? null) : null}
              select={<ItemSelect mentionId={item.id} auth={auth} />}
              actions={
                <>
                  <AssignButtons
                    mentionId={item.id}
                    assigneeId={item.assigneeId}
                    auth={auth}
                    back={back}
                  />
                  <OverrideForms item={item} auth={auth} now={page.asOf} back={back} />
                </>
              }
              slot={
                <>
                  <InlineReply
                    item={item}
                    thread={threads.get(item.id) ?? []}
                    auth={auth}
                    back={back}
                    timeZone={zone(item.practiceId)}
                    saved={saved}
                  />
                  <InboxNotes
                    mentionId={item.id}
                    notes={notes.get(item.id) ?? []}
                    names={names}
                    auth={auth}
                    back={back}
                    timeZone={zone(item.practiceId)}
                  />
                </>
              }
            />
          ))}
        </ol>
        <InboxPaging q={q} page={page} shown={q.limit ?? 50} />
      </>,
      { title: 'Inbox', active: 'inbox' },
    )
  })

  return app
}
