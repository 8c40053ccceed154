/**
 * @module Small building blocks shared by the pages: status badges, flags, safe external links,
 * CSRF fields, chart canvases with their JSON data, KPI cards and the period picker.
 */
import type { Child } from 'hono/jsx'
import type { MentionListItem } from '../data/mention-queries.js'
import { formatCountdown, humanise, jsonForScript, safeHref } from './format.js'

/** A coloured SLA status badge (text always present, so colour is never the only cue). */
export function StatusBadge({ status }: { status: string | null | undefined }) {
  if (!status) return <span class="badge badge-none">not evaluated</span>
  return <span class={`badge badge-${status}`}>{humanise(status)}</span>
}

/** Privacy and urgency flags, with the hint to move a privacy disclosure to a private channel. */
export function Flags({ privacy, urgent }: { privacy: boolean; urgent: boolean }) {
  return (
    <span class="flags">
      {urgent ? <span class="flag flag-urgent">urgent</span> : null}
      {privacy ? (
        <span
          class="flag flag-privacy"
          title="Health details shared in public: reply briefly and take it private (DM or phone)."
        >
          privacy · take it private
        </span>
      ) : null}
    </span>
  )
}

/** A link to the original post, only when its URL is http(s); otherwise the text without a link. */
export function ExternalLink({
  href,
  children,
}: {
  href: string | null | undefined
  children: Child
}) {
  const safe = safeHref(href)
  if (!safe) return <span class="muted">{children}</span>
  return (
    <a href={safe} rel="noopener noreferrer nofollow" target="_blank">
      {children}
    </a>
  )
}

/** The hidden CSRF field every form carries. */
export function CsrfField({ token }: { token: string | null }) {
  return <input type="hidden" name="_csrf" value={token ?? ''} />
}

/** A countdown to a due time; app.js keeps it ticking from `data-due`. */
export function Countdown({ due, now }: { due: Date | null; now: Date }) {
  return (
    <time
      class={`countdown${due && due.getTime() <= now.getTime() ? ' overdue' : ''}`}
      data-due={due?.toISOString()}
      datetime={due?.toISOString()}
    >
      {formatCountdown(due, now)}
    </time>
  )
}

/**
 * A chart: a canvas plus the Chart.js configuration as inert JSON, drawn by /assets/app.js
 * (no inline script, so the CSP can forbid it). `label` describes the chart for screen readers.
 */
export function Chart({
  id,
  label,
  config,
  table,
}: {
  id: string
  label: string
  config: unknown
  table?: Child
}) {
  return (
    <figure class="chart">
      <figcaption>{label}</figcaption>
      <div class="chart-box">
        <canvas id={`${id}-canvas`} data-chart={`${id}-data`} role="img" aria-label={label} />
      </div>
      <script
        type="application/json"
        id={`${id}-data`}
        dangerouslySetInnerHTML={{ __html: jsonForScript(config) }}
      />
      {table ? (
        <details class="chart-table">
          <summary>Show the data</summary>
          {table}
        </details>
      ) : null}
    </figure>
  )
}

/** A KPI card: a figure, its label, and how it compares with the promise. */
export function KpiCard({
  label,
  value,
  detail,
  tone,
}: {
  label: string
  value: string
  detail?: Child
  tone?: 'good' | 'warn' | 'bad' | 'neutral'
}) {
  return (
    <div class={`kpi kpi-${tone ?? 'neutral'}`}>
      <div class="kpi-label">{label}</div>
      <div class="kpi-value">{value}</div>
      {detail ? <div class="kpi-detail">{detail}</div> : null}
    </div>
  )
}

/** Period choices (days back from now). */
export const PERIOD_CHOICES = [7, 30, 90] as const

/** Links to switch the period, keeping the other query parameters. */
export function PeriodPicker({ days, base }: { days: number; base: string }) {
  return (
    <nav class="period" aria-label="Period">
      {PERIOD_CHOICES.map((d) => (
        <a
          href={`${base}${base.includes('?') ? '&' : '?'}days=${d}`}
          aria-current={d === days ? 'true' : undefined}
        >
          Last {d} days
        </a>
      ))}
    </nav>
  )
}

/** Tone of a rate against a goal: at or above goal good, within 10 points warn, below bad. */
export function toneFor(rate: number | null, goal: number): 'good' | 'warn' | 'bad' | 'neutral' {
  if (rate === null) return 'neutral'
  if (rate >= goal) return 'good'
  return rate >= goal - 0.1 ? 'warn' : 'bad'
}

/** A flash message after a redirect (`?notice=` values are fixed keys, never echoed text). */
export function Notice({ kind, children }: { kind: 'ok' | 'error'; children: Child }) {
  return (
    <p class={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </p>
  )
}

/** Crisis alerts above a page: what spiked, where, against the usual daily count. */
export function SpikeAlerts({
  spikes,
}: {
  spikes: readonly {
    practiceName: string
    kind: 'negative' | 'total'
    count: number
    baselineMean: number
  }[]
}) {
  if (spikes.length === 0) return null
  return (
    <div class="notice notice-error" role="alert">
      <strong>Spike alert.</strong>{' '}
      {spikes.map((s, i) => (
        <span>
          {i > 0 ? ' · ' : ''}
          {s.practiceName}: {s.count} {s.kind === 'negative' ? 'negative mentions' : 'mentions'} in
          the last 24 hours (usually {s.baselineMean.toFixed(1)} a day)
        </span>
      ))}
    </div>
  )
}

/** What a mention's author, channel and text line needs (a list item or an inbox item). */
type MentionTextFields = Pick<
  MentionListItem,
  'authorName' | 'authorHandle' | 'channelName' | 'platform' | 'kind' | 'rating' | 'text'
>

/** A mention's author, channel and text, as every list shows it. */
export function MentionText({ item }: { item: MentionTextFields }) {
  return (
    <div class="mention-text">
      <div class="mention-meta">
        <strong>{item.authorName ?? item.authorHandle ?? 'unknown author'}</strong>
        {item.authorHandle && item.authorName ? (
          <span class="muted"> @{item.authorHandle}</span>
        ) : null}
        <span class="muted">
          {' '}
          · {item.channelName} ({item.platform} {item.kind})
        </span>
        {item.rating !== null ? <span class="muted"> · {item.rating}★</span> : null}
      </div>
      <p>{item.text || <em class="muted">(no text)</em>}</p>
    </div>
  )
}
