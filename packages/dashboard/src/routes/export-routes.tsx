/**
 * @module Exports (row-level CSV of mentions with every SLA column, aggregate CSV per practice)
 * and the printable monthly report of a practice.
 */
import { Hono } from 'hono'
import {
  exportAggregateCsv,
  exportMentionBytes,
  MENTION_EXPORT_COLUMNS,
} from '../data/export-rows.js'
import { getPracticeCharts, getPracticeSummaries } from '../data/practice-metrics.js'
import { currentPromises, currentSchedule } from '../data/practice-promises.js'
import { authOf, permittedPractice } from '../http/auth-middleware.js'
import type { DashboardEnv } from '../http/dashboard-env.js'
import { HttpError } from '../http/http-errors.js'
import { readDatabase } from '../http/read-database.js'
import { Chart } from '../views/components.js'
import { formatDate, formatDuration, formatNumber, formatPercent } from '../views/format.js'
import { parseLocalDateTime } from '../views/zoned-time.js'
import { scopeOf } from './mention-routes.js'

function monthRange(
  month: string | undefined,
  timeZone: string,
  now: Date,
): { from: Date; to: Date; label: string; month: string } {
  const current = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' })
    .format(now)
    .slice(0, 7)
  const chosen = month && /^\d{4}-(0[1-9]|1[0-2])$/.test(month) ? month : previousMonth(current)
  const [y, m] = chosen.split('-').map(Number) as [number, number]
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`
  const from = parseLocalDateTime(`${chosen}-01T00:00`, timeZone)!
  const to = parseLocalDateTime(`${next}-01T00:00`, timeZone)!
  const label = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'UTC',
    month: 'long',
    year: 'numeric',
  }).format(new Date(Date.UTC(y, m - 1, 15)))
  return { from, to, label, month: chosen }
}

function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number]
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`
}

function dateParam(value: string | undefined, name: string): Date | undefined {
  if (!value) return undefined
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw new HttpError('INVALID_INPUT', `${name}: expected YYYY-MM-DD`)
  return new Date(`${value}T00:00:00Z`)
}

/** Routes: `/exports`, `/exports/mentions.csv`, `/exports/aggregate.csv`, `/practices/:practiceId/report`. */
export function exportRoutes(): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()

  app.get('/exports', (c) => {
    const auth = authOf(c)
    const now = c.var.services.now()
    const to = now.toISOString().slice(0, 10)
    const from = new Date(now.getTime() - 30 * 86_400_000).toISOString().slice(0, 10)
    const practiceSelect = (
      <label>
        Practice
        <select name="practice">
          <option value="">All practices</option>
          {auth.practices.map((p) => (
            <option value={p.id}>{p.name}</option>
          ))}
        </select>
      </label>
    )
    const dates = (
      <>
        <label>
          From
          <input type="date" name="from" value={from} required />
        </label>
        <label>
          To (inclusive)
          <input type="date" name="to" value={to} required />
        </label>
      </>
    )
    return c.render(
      <>
        <h1>Exports and reports</h1>
        <section class="card" aria-labelledby="rows-h">
          <h2 id="rows-h">Mentions, row by row</h2>
          <p class="muted">
            Every inbound mention created in the period, with every SLA column: the target that
            applied, when the clock started and stopped, due time, response times (wall-clock and
            business), status, schedule and promise versions, and the explanation. Statuses of
            unanswered mentions are as of the moment of export.
          </p>
          <form method="get" action="/exports/mentions.csv" class="filters">
            {practiceSelect}
            {dates}
            <button type="submit">Download CSV</button>
          </form>
          <details>
            <summary>Columns</summary>
            <p class="small">{MENTION_EXPORT_COLUMNS.join(', ')}</p>
          </details>
        </section>
        <section class="card" aria-labelledby="agg-h">
          <h2 id="agg-h">Figures per practice</h2>
          <p class="muted">
            One row per practice: response rate, compliance, response times, backlog, sentiment,
            liveness.
          </p>
          <form method="get" action="/exports/aggregate.csv" class="filters">
            {dates}
            <button type="submit">Download CSV</button>
          </form>
        </section>
        <section class="card" aria-labelledby="report-h">
          <h2 id="report-h">Monthly report</h2>
          <p class="muted">
            A printable page per practice (use your browser's Print, or save as PDF).
          </p>
          <ul class="plain-list">
            {auth.practices.map((p) => (
              <li>
                <a href={`/practices/${encodeURIComponent(p.id)}/report`}>{p.name}</a>
              </li>
            ))}
          </ul>
        </section>
        {auth.canWrite ? (
          <section class="card" aria-labelledby="scheduled-h">
            <h2 id="scheduled-h">Scheduled reports by e-mail</h2>
            <p class="muted">Weekly or monthly, with the figures, charts, CSV and PDF.</p>
            <ul class="plain-list">
              {auth.user.role === 'agency_admin' ? (
                <li>
                  <a href="/reports/agency">Agency report (all practices)</a>
                </li>
              ) : null}
              {auth.practices.map((p) => (
                <li>
                  <a href={`/practices/${encodeURIComponent(p.id)}/reports`}>{p.name}</a>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </>,
      { title: 'Exports', active: 'exports' },
    )
  })

  const periodOf = (c: { req: { query: (k: string) => string | undefined } }, now: Date) => {
    const from = dateParam(c.req.query('from'), 'from') ?? new Date(now.getTime() - 30 * 86_400_000)
    const toDay = dateParam(c.req.query('to'), 'to')
    const to = toDay ? new Date(toDay.getTime() + 86_400_000) : now
    if (to.getTime() <= from.getTime())
      throw new HttpError('INVALID_INPUT', 'the period ends before it starts')
    if (to.getTime() - from.getTime() > 400 * 86_400_000)
      throw new HttpError('INVALID_INPUT', 'export at most 400 days at a time')
    return { from, to, now }
  }

  app.get('/exports/mentions.csv', async (c) => {
    const auth = authOf(c)
    const now = c.var.services.now()
    const period = periodOf(c, now)
    const scope = scopeOf(auth, c.req.query('practice') || undefined)
    const lines = exportMentionBytes(readDatabase(c), scope, period)
    // Streamed: a year of mentions need not sit in memory. The header line is read before the
    // response starts so a failing query still becomes a proper error page.
    const first = await lines.next()
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        if (!first.done) controller.enqueue(first.value)
      },
      async pull(controller) {
        const next = await lines.next()
        if (next.done) controller.close()
        else controller.enqueue(next.value)
      },
      async cancel() {
        await lines.return(undefined)
      },
    })
    c.header('Content-Type', 'text/csv; charset=utf-8')
    c.header(
      'Content-Disposition',
      `attachment; filename="earshot-mentions-${period.from.toISOString().slice(0, 10)}.csv"`,
    )
    return c.body(stream)
  })

  app.get('/exports/aggregate.csv', async (c) => {
    const auth = authOf(c)
    const now = c.var.services.now()
    const period = periodOf(c, now)
    const csv = await exportAggregateCsv(
      readDatabase(c),
      auth.organisationId,
      auth.practices,
      period,
    )
    c.header('Content-Type', 'text/csv; charset=utf-8')
    c.header(
      'Content-Disposition',
      `attachment; filename="earshot-practices-${period.from.toISOString().slice(0, 10)}.csv"`,
    )
    return c.body(csv)
  })

  app.get('/practices/:practiceId/report', async (c) => {
    const auth = authOf(c)
    const practice = permittedPractice(auth, c.req.param('practiceId'))
    const { now: clock } = c.var.services
    const db = readDatabase(c)
    const now = clock()
    const range = monthRange(c.req.query('month'), practice.time_zone, now)
    const period = { from: range.from, to: range.to, now }
    const [[s], charts, promises, schedule] = await Promise.all([
      getPracticeSummaries(db, auth.organisationId, [practice.id], period),
      getPracticeCharts(db, auth.organisationId, practice.id, period),
      currentPromises(db, auth.organisationId, [practice.id]),
      currentSchedule(db, auth.organisationId, practice.id),
    ])
    const summary = s!
    const promise = promises.get(practice.id)
    const goal = promise?.goal ?? 0.9
    const pid = encodeURIComponent(practice.id)
    const compliance = {
      type: 'line',
      data: {
        labels: charts.complianceByWeek.map((w) => w.week),
        datasets: [
          {
            label: 'Compliance %',
            data: charts.complianceByWeek.map((w) =>
              w.compliance === null ? null : Math.round(w.compliance * 1000) / 10,
            ),
            borderColor: '#2563eb',
            backgroundColor: '#2563eb',
          },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { min: 0, max: 100 } },
      },
    }
    const prev = previousMonth(range.month)
    return c.render(
      <article class="report">
        <nav class="no-print subnav" aria-label="Report">
          <a href={`/practices/${pid}`}>← {practice.name}</a>
          <a href={`/practices/${pid}/report?month=${prev}`}>Previous month</a>
          <span class="muted">Use your browser's Print to save this report as PDF.</span>
        </nav>
        <header>
          <p class="muted">{auth.organisationName}</p>
          <h1>
            {practice.name}: {range.label}
          </h1>
          <p class="muted">
            Mentions created from {formatDate(range.from, practice.time_zone)} to{' '}
            {formatDate(new Date(range.to.getTime() - 1), practice.time_zone)} ({practice.time_zone}
            ). A mention counts in the month it was created, even when the reply came later.
            Response times use the schedule and promise versions in force when each mention arrived
            (current: schedule v{schedule?.version ?? '—'}, promise v{promise?.version ?? '—'}).
          </p>
          {promise?.statement ? (
            <blockquote class="promise">“{promise.statement}”</blockquote>
          ) : null}
        </header>
        <table class="data report-table">
          <caption>Key figures</caption>
          <tbody>
            <tr>
              <th scope="row">Compliance (goal {formatPercent(goal, 0)})</th>
              <td class="num">{formatPercent(summary.compliance)}</td>
              <td class="muted">
                {summary.met} met, {summary.missed} missed, {summary.breached} breached
              </td>
            </tr>
            <tr>
              <th scope="row">Response rate</th>
              <td class="num">{formatPercent(summary.responseRate)}</td>
              <td class="muted">
                {summary.answered} of {summary.needingReply} needing a reply
              </td>
            </tr>
            <tr>
              <th scope="row">Median response time</th>
              <td class="num">{formatDuration(summary.medianBusinessMs)}</td>
              <td class="muted">
                business time; wall-clock {formatDuration(summary.medianWallMs)}
              </td>
            </tr>
            <tr>
              <th scope="row">90th percentile</th>
              <td class="num">{formatDuration(summary.p90BusinessMs)}</td>
              <td class="muted">business time; wall-clock {formatDuration(summary.p90WallMs)}</td>
            </tr>
            <tr>
              <th scope="row">Inbound mentions</th>
              <td class="num">{summary.inbound}</td>
              <td class="muted">
                sentiment {formatNumber(summary.sentimentMean, 2)}:{' '}
                {formatPercent(summary.sentimentShares.positive, 0)} positive,{' '}
                {formatPercent(summary.sentimentShares.negative, 0)} negative
              </td>
            </tr>
            <tr>
              <th scope="row">Practice posts</th>
              <td class="num">{summary.postsInPeriod}</td>
              <td class="muted">{formatNumber(summary.postsPerWeek)} per week</td>
            </tr>
          </tbody>
        </table>
        <h2>Response-time distribution</h2>
        <table class="data report-table">
          <thead>
            <tr>
              <th scope="col">Bucket</th>
              <th scope="col" class="num">
                Business time
              </th>
              <th scope="col" class="num">
                Wall-clock
              </th>
            </tr>
          </thead>
          <tbody>
            {charts.buckets.labels.map((label, i) => (
              <tr>
                <th scope="row">{label}</th>
                <td class="num">{charts.buckets.business[i]}</td>
                <td class="num">{charts.buckets.wall[i]}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <Chart id="report-compliance" label="Compliance by week" config={compliance} />
        <h2>Volume by channel</h2>
        <table class="data report-table">
          <thead>
            <tr>
              <th scope="col">Channel</th>
              <th scope="col" class="num">
                Inbound
              </th>
              <th scope="col" class="num">
                Outbound
              </th>
            </tr>
          </thead>
          <tbody>
            {charts.volumeByChannel.map((v) => (
              <tr>
                <th scope="row">{v.channel}</th>
                <td class="num">{v.inbound}</td>
                <td class="num">{v.outbound}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <footer class="muted small">
          Generated by Earshot on {formatDate(now, practice.time_zone)}.
        </footer>
      </article>,
      { title: `Report ${range.label} · ${practice.name}`, active: 'exports', charts: true },
    )
  })

  return app
}
