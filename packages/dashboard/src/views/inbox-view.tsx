/**
 * @module The inbox page's pieces: the filter bar (a GET form, so every view is a bookmarkable
 * URL), the totals per status (each a link to that status), one item with its countdown, and the
 * keyset paging links. Every value from the URL goes back out through `inboxHref` (escaped by JSX).
 */
import type { Child } from 'hono/jsx'
import type { InboxQuery } from '../api/api-schemas.js'
import { CATEGORIES, INBOX_ORDERS, type PracticeRow } from '../core.js'
import type { InboxPage } from '../data/inbox-queries.js'
import { Countdown, ExternalLink, Flags, MentionText, StatusBadge } from './components.js'
import { formatDateTime, humanise } from './format.js'

/** The filters of a view, as a URL: empty values and the cursor are dropped unless given. */
export function inboxHref(q: InboxQuery, change: Partial<InboxQuery> = {}): string {
  const merged: Record<string, unknown> = { ...q, cursor: undefined, ...change }
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(merged))
    if (v !== undefined && v !== '' && v !== null) params.set(k, String(v))
  const s = params.toString()
  return s ? `/inbox?${s}` : '/inbox'
}

const ORDER_LABELS: Record<(typeof INBOX_ORDERS)[number], string> = {
  saveable: 'What can still be saved',
  due: 'Due time',
  newest: 'Newest',
  oldest: 'Oldest',
}

function Select({
  name,
  label,
  value,
  options,
  any,
}: {
  name: string
  label: string
  value: string | undefined
  options: readonly (readonly [string, string])[]
  any?: string
}) {
  return (
    <label>
      {label}{' '}
      <select name={name}>
        {any !== undefined ? <option value="">{any}</option> : null}
        {options.map(([v, text]) => (
          <option value={v} selected={v === value}>
            {text}
          </option>
        ))}
      </select>
    </label>
  )
}

export function InboxFilters({
  q,
  practices,
  channels,
}: {
  q: InboxQuery
  practices: readonly PracticeRow[]
  channels: readonly { id: string; name: string }[]
}) {
  return (
    <form method="get" action="/inbox" class="filter inbox-filters">
      <Select
        name="practice"
        label="Practice"
        value={q.practice}
        any="All practices"
        options={practices.map((p) => [p.id, p.name] as const)}
      />
      <Select
        name="channel"
        label="Channel"
        value={q.channel}
        any="All channels"
        options={channels.map((c) => [c.id, c.name] as const)}
      />
      <Select
        name="status"
        label="Status"
        value={q.status}
        any="Any status"
        options={[
          ['at_risk', 'At risk'],
          ['pending', 'Pending'],
          ['breached', 'Breached'],
        ]}
      />
      <Select
        name="category"
        label="Category"
        value={q.category}
        any="Any category"
        options={CATEGORIES.map((c) => [c, humanise(c)] as const)}
      />
      <Select
        name="urgent"
        label="Urgent"
        value={q.urgent}
        any="Either"
        options={[
          ['yes', 'Urgent only'],
          ['no', 'Not urgent'],
        ]}
      />
      <Select
        name="privacy"
        label="Privacy"
        value={q.privacy}
        any="Either"
        options={[
          ['yes', 'Privacy flag'],
          ['no', 'No privacy flag'],
        ]}
      />
      <Select
        name="assignee"
        label="Assigned"
        value={q.assignee}
        any="Anyone"
        options={[
          ['mine', 'To me'],
          ['unassigned', 'To nobody'],
        ]}
      />
      <label>
        Text <input type="search" name="q" value={q.q ?? ''} maxlength={200} />
      </label>
      <Select
        name="order"
        label="Order"
        value={q.order ?? 'saveable'}
        options={INBOX_ORDERS.map((o) => [o, ORDER_LABELS[o]] as const)}
      />
      <button type="submit" class="secondary">
        Show
      </button>{' '}
      <a href="/inbox">Clear</a>
    </form>
  )
}

/** "N waiting: x at risk, y pending, z breached", each status a link to that status alone. */
export function InboxTotals({ q, page }: { q: InboxQuery; page: InboxPage }) {
  const t = page.totals
  if (!t) return null
  const badge = (status: 'at_risk' | 'pending' | 'breached', label: string) => (
    <a class={`badge badge-${status}`} href={inboxHref(q, { status })}>
      {t.byStatus[status]} {label}
    </a>
  )
  return (
    <p class="lede inbox-totals" data-total={String(t.total)}>
      {t.total === 0 ? 'Nothing waiting for a reply. ' : `${t.total} waiting for a reply`}
      {t.urgent ? ` (${t.urgent} urgent)` : ''}
      {t.total || q.status ? ': ' : ''}
      {badge('at_risk', 'at risk')} {badge('pending', 'pending')} {badge('breached', 'breached')}
      {q.status ? (
        <>
          {' '}
          · <a href={inboxHref(q, { status: undefined })}>all statuses</a>
        </>
      ) : null}
    </p>
  )
}

export type InboxPageItem = InboxPage['items'][number]

/**
 * One open mention. `actions` holds the item's forms (overrides, assignment); `slot` is where a
 * reply composer goes (the element `.inbox-reply-slot` carries the mention id for scripts).
 */
export function InboxItemView({
  item,
  asOf,
  timeZone,
  assigneeName,
  actions,
  slot,
  select,
}: {
  item: InboxPageItem
  asOf: Date
  timeZone: string
  assigneeName: string | null
  actions: Child
  slot?: Child
  /** The item's tick box for bulk actions. */
  select?: Child
}) {
  return (
    <li class={`inbox-item status-${item.status}`} data-mention-id={item.id}>
      {select}
      <div class="inbox-when">
        <StatusBadge status={item.status} />
        <Countdown due={item.dueAt} now={asOf} />
        <div class="sub">due {formatDateTime(item.dueAt, timeZone)}</div>
      </div>
      <div class="inbox-body">
        <div class="inbox-practice">
          {item.practiceName} · {humanise(item.category)}{' '}
          <Flags privacy={item.privacy} urgent={item.urgent} />
          {assigneeName ? <span class="assignee"> · assigned to {assigneeName}</span> : null}
        </div>
        <MentionText item={item} />
        <div class="inbox-links">
          <span class="muted">received {formatDateTime(item.createdAt, timeZone)}</span> ·{' '}
          <a href={`/mentions/${encodeURIComponent(item.id)}`}>Details and audit trail</a> ·{' '}
          <ExternalLink href={item.permalink}>Open the original</ExternalLink>
        </div>
        <div class="inbox-reply-slot" data-mention-id={item.id}>
          {slot}
        </div>
      </div>
      {actions}
    </li>
  )
}

/** Keyset paging: "next" follows the cursor (same as-of time), "first" starts over at now. */
export function InboxPaging({ q, page, shown }: { q: InboxQuery; page: InboxPage; shown: number }) {
  return (
    <nav class="paging inbox-paging" aria-label="Inbox pages">
      {q.cursor ? <a href={inboxHref(q)}>First page</a> : null}{' '}
      {page.nextCursor ? (
        <a rel="next" href={inboxHref(q, { cursor: page.nextCursor })}>
          Next {shown} →
        </a>
      ) : null}
    </nav>
  )
}
