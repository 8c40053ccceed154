/**
 * @module The agency overview (every practice side by side, sortable, with a benchmark chart) and
 * the practice overview (KPIs against the promise, distribution, trends, volume, liveness).
 */
import { Hono } from 'hono'
import {
  BENCHMARK_LABELS,
  getPracticeCharts,
  getPracticeRanking,
  getPracticeSummaries,
  type PracticeSummary,
} from '../data/practice-metrics.js'
import { currentPromises } from '../data/practice-promises.js'
import { getSpikeAlerts } from '../data/spike-alerts.js'
import { authOf, permittedPractice } from '../http/auth-middleware.js'
import type { DashboardEnv } from '../http/dashboard-env.js'
import { daysParam, lastDays } from '../http/period.js'
import { readDatabase } from '../http/read-database.js'
import { Chart, KpiCard, PeriodPicker, SpikeAlerts, toneFor } from '../views/components.js'
import { formatDateTime, formatDuration, formatNumber, formatPercent } from '../views/format.js'

/** A page that has not posted for this many days is flagged "set up but dead?". */
export const DEAD_PAGE_DAYS = 21

const SORTS = {
  name: { label: 'Practice', get: (_s: PracticeSummary, name: string) => name.toLowerCase() },
  responseRate: { label: 'Response rate', get: (s: PracticeSummary) => s.responseRate },
  compliance: { label: 'Compliance', get: (s: PracticeSummary) => s.compliance },
  median: { label: 'Median (business)', get: (s: PracticeSummary) => s.medianBusinessMs },
  p90: { label: 'p90 (business)', get: (s: PracticeSummary) => s.p90BusinessMs },
  backlog: { label: 'Backlog', get: (s: PracticeSummary) => s.backlog },
  sentiment: { label: 'Sentiment', get: (s: PracticeSummary) => s.sentimentMean },
  liveness: { label: 'Last post', get: (s: PracticeSummary) => s.daysSinceLastPost },
} as const
type SortKey = keyof typeof SORTS

const PALETTE = [
  '#2563eb',
  '#0d9488',
  '#d97706',
  '#7c3aed',
  '#db2777',
  '#059669',
  '#dc2626',
  '#4b5563',
]

/** Routes: `/` and `/practices/:practiceId`. */
export function overviewRoutes(): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()

  app.get('/', async (c) => {
    const auth = authOf(c)
    const { now } = c.var.services
    const db = readDatabase(c)
    const days = daysParam(c.req.query('days'))
    const period = lastDays(days, now())
    const practices = auth.practices
    const [board, promises, spikes] = await Promise.all([
      getPracticeRanking(
        db,
        auth.organisationId,
        practices.map((p) => p.id),
        period,
      ),
      currentPromises(
        db,
        auth.organisationId,
        practices.map((p) => p.id),
      ),
      getSpikeAlerts(
        db,
        { organisationId: auth.organisationId, practiceIds: practices.map((p) => p.id) },
        period.now,
      ),
    ])
    const sortParam = c.req.query('sort') ?? 'name'
    const sort: SortKey = sortParam in SORTS ? (sortParam as SortKey) : 'name'
    const dir = c.req.query('dir') === 'desc' ? 'desc' : 'asc'
    const names = new Map(practices.map((p) => [p.id, p.name]))
    const summaries = board.map((b) => b.summary)
    const rankOf = new Map(board.map((b) => [b.practiceId, b.rank]))
    const rows = summaries
      .map((s) => ({ s, name: names.get(s.practiceId) ?? '' }))
      .sort((a, b) => {
        const va = SORTS[sort].get(a.s, a.name)
        const vb = SORTS[sort].get(b.s, b.name)
        // Missing values sort last whatever the direction: "no data" is never the best practice.
        if (va === null && vb === null) return 0
        if (va === null) return 1
        if (vb === null) return -1
        const cmp = va < vb ? -1 : va > vb ? 1 : 0
        return dir === 'asc' ? cmp : -cmp
      })
    const header = (key: SortKey, numeric = true) => {
      const isCurrent = sort === key
      const nextDir = isCurrent && dir === 'asc' ? 'desc' : 'asc'
      return (
        <th
          scope="col"
          class={numeric ? 'num' : undefined}
          aria-sort={isCurrent ? (dir === 'asc' ? 'ascending' : 'descending') : undefined}
        >
          <a href={`/?days=${days}&sort=${key}&dir=${nextDir}`}>
            {SORTS[key].label}
            {isCurrent ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}
          </a>
        </th>
      )
    }
    const ranked = summaries
    // Each practice's percentile among the others per metric (100 = best of the organisation).
    const metricKeys = Object.keys(BENCHMARK_LABELS) as (keyof typeof BENCHMARK_LABELS)[]
    const standing = {
      type: 'bar',
      data: {
        labels: metricKeys.map((k) => BENCHMARK_LABELS[k]),
        datasets: board.map((b, i) => ({
          label: names.get(b.practiceId),
          data: metricKeys.map((k) =>
            b.benchmark[k] === null ? null : Math.round((b.benchmark[k] as number) * 100),
          ),
          backgroundColor: PALETTE[i % PALETTE.length],
          // The worst practice sits at 0: keep a sliver so it is visibly there, not missing.
          minBarLength: 3,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          y: {
            min: 0,
            max: 100,
            title: { display: true, text: 'percentile among your practices (100 = best)' },
          },
        },
      },
    }
    const benchmark = {
      type: 'bar',
      data: {
        labels: ranked.map((s) => names.get(s.practiceId)),
        datasets: [
          {
            label: 'Compliance %',
            data: ranked.map((s) =>
              s.compliance === null ? null : Math.round(s.compliance * 1000) / 10,
            ),
            backgroundColor: '#2563eb',
          },
          {
            label: 'Response rate %',
            data: ranked.map((s) =>
              s.responseRate === null ? null : Math.round(s.responseRate * 1000) / 10,
            ),
            backgroundColor: '#94a3b8',
          },
        ],
      },
      options: {
        indexAxis: 'y',
        responsive: true,
        maintainAspectRatio: false,
        scales: { x: { min: 0, max: 100, title: { display: true, text: '%' } } },
      },
    }
    const speed = {
      type: 'bar',
      data: {
        labels: ranked.map((s) => names.get(s.practiceId)),
        datasets: [
          {
            label: 'Median business hours',
            data: ranked.map((s) =>
              s.medianBusinessMs === null ? null : Math.round(s.medianBusinessMs / 36_000) / 100,
            ),
            backgroundColor: '#0d9488',
          },
          {
            label: 'p90 business hours',
            data: ranked.map((s) =>
              s.p90BusinessMs === null ? null : Math.round(s.p90BusinessMs / 36_000) / 100,
            ),
            backgroundColor: '#d97706',
          },
        ],
      },
      options: {
        indexAxis: 'y',
        responsive: true,
        maintainAspectRatio: false,
        scales: { x: { min: 0, title: { display: true, text: 'business hours' } } },
      },
    }
    const dead = rows.filter(
      ({ s }) => s.daysSinceLastPost === null || s.daysSinceLastPost > DEAD_PAGE_DAYS,
    )
    return c.render(
      <>
        <div class="page-head">
          <h1>{auth.organisationName || 'Overview'}</h1>
          <PeriodPicker days={days} base={`/?sort=${sort}&dir=${dir}`} />
        </div>
        <p class="lede">
          {practices.length} practice{practices.length === 1 ? '' : 's'} · mentions created in the
          last {days} days (a mention counts in the period it was created, even when the reply came
          later).
        </p>
        <SpikeAlerts spikes={spikes} />
        {dead.length ? (
          <p class="notice notice-warn" role="status">
            Set up but dead? {dead.map(({ name }) => name).join(', ')}{' '}
            {dead.length === 1 ? 'has' : 'have'} not posted for more than {DEAD_PAGE_DAYS} days.
          </p>
        ) : null}
        {practices.length === 0 ? (
          <p>You do not have access to any practice yet. Ask an agency admin to add you to one.</p>
        ) : (
          <>
            <div class="table-wrap">
              <table class="data sortable" id="practice-table">
                <caption class="visually-hidden">
                  Practices compared over the last {days} days; select a column heading to sort.
                </caption>
                <thead>
                  <tr>
                    <th scope="col" class="num" title="Rank by compliance">
                      #
                    </th>
                    {header('name', false)}
                    {header('responseRate')}
                    {header('compliance')}
                    {header('median')}
                    {header('p90')}
                    {header('backlog')}
                    {header('sentiment')}
                    {header('liveness')}
                  </tr>
                </thead>
                <tbody>
                  {rows.map(({ s, name }) => {
                    const goal = promises.get(s.practiceId)?.goal ?? 0.9
                    return (
                      <tr>
                        <td class="num">{rankOf.get(s.practiceId) ?? '—'}</td>
                        <th scope="row">
                          <a href={`/practices/${encodeURIComponent(s.practiceId)}?days=${days}`}>
                            {name}
                          </a>
                        </th>
                        <td class="num">
                          {formatPercent(s.responseRate)}
                          <div class="sub">
                            {s.answered}/{s.needingReply}
                          </div>
                        </td>
                        <td class={`num tone-${toneFor(s.compliance, goal)}`}>
                          {formatPercent(s.compliance)}
                          <div class="sub">goal {formatPercent(goal, 0)}</div>
                        </td>
                        <td class="num">{formatDuration(s.medianBusinessMs)}</td>
                        <td class="num">{formatDuration(s.p90BusinessMs)}</td>
                        <td class="num">
                          {s.backlog}
                          {s.oldestOpenAt ? (
                            <div class="sub">
                              oldest{' '}
                              {formatDuration(period.now.getTime() - s.oldestOpenAt.getTime())}
                            </div>
                          ) : null}
                        </td>
                        <td class="num">
                          {formatNumber(s.sentimentMean, 2)}
                          <div class="sub">
                            {formatPercent(s.sentimentShares.negative, 0)} negative
                          </div>
                        </td>
                        <td
                          class={`num${s.daysSinceLastPost === null || s.daysSinceLastPost > DEAD_PAGE_DAYS ? ' tone-bad' : ''}`}
                        >
                          {s.daysSinceLastPost === null ? 'never' : `${s.daysSinceLastPost} d ago`}
                          <div class="sub">{formatNumber(s.postsPerWeek)} posts/week</div>
                        </td>
                      </tr>
                    )
                  })}
                </tbody>
              </table>
            </div>
            <section class="chart-grid" aria-label="Benchmarks">
              <Chart
                id="benchmark-standing"
                label="Benchmark: where each practice stands among the others, per metric"
                config={standing}
              />
              <Chart
                id="benchmark-compliance"
                label="Benchmark: compliance and response rate by practice"
                config={benchmark}
              />
              <Chart
                id="benchmark-speed"
                label="Benchmark: business response time by practice"
                config={speed}
              />
            </section>
          </>
        )}
      </>,
      { title: 'Overview', active: 'overview', charts: practices.length > 0 },
    )
  })

  app.get('/practices/:practiceId', async (c) => {
    const auth = authOf(c)
    const practice = permittedPractice(auth, c.req.param('practiceId'))
    const { now } = c.var.services
    const db = readDatabase(c)
    const days = daysParam(c.req.query('days'))
    const period = lastDays(days, now())
    const [[summary], charts, promises, spikes] = await Promise.all([
      getPracticeSummaries(db, auth.organisationId, [practice.id], period),
      getPracticeCharts(db, auth.organisationId, practice.id, period),
      currentPromises(db, auth.organisationId, [practice.id]),
      getSpikeAlerts(
        db,
        { organisationId: auth.organisationId, practiceIds: [practice.id] },
        period.now,
        { practiceId: practice.id },
      ),
    ])
    const s = summary!
    const promise = promises.get(practice.id)
    const goal = promise?.goal ?? 0.9
    // Every target in order, as the practice wrote it: "urgent: 1 business hour · everything else: 2 business hours".
    const targetText = (promise?.spec.targets ?? [])
      .map((t) => {
        const duration = typeof t.duration === 'string' ? t.duration : JSON.stringify(t.duration)
        const f = (t.filter ?? {}) as {
          platforms?: string[]
          categories?: string[]
          kinds?: string[]
        }
        const scope =
          t.name ??
          [f.categories?.join('/'), f.platforms?.join('/'), f.kinds?.join('/')]
            .filter(Boolean)
            .join(' · ')
        return `${scope || 'everything'}: ${duration}`
      })
      .join(' · ')
    const pid = encodeURIComponent(practice.id)
    const bucketChart = {
      type: 'bar',
      data: {
        labels: charts.buckets.labels,
        datasets: [
          { label: 'Business time', data: charts.buckets.business, backgroundColor: '#2563eb' },
          { label: 'Wall-clock time', data: charts.buckets.wall, backgroundColor: '#94a3b8' },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, title: { display: true, text: 'replies' } } },
      },
    }
    const complianceChart = {
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
            tension: 0.2,
            spanGaps: true,
          },
          {
            label: `Goal ${formatPercent(goal, 0)}`,
            data: charts.complianceByWeek.map(() => goal * 100),
            borderColor: '#16a34a',
            borderDash: [6, 4],
            pointRadius: 0,
            backgroundColor: '#16a34a',
          },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          y: { min: 0, max: 100, title: { display: true, text: '% within target' } },
          x: { title: { display: true, text: 'week starting' } },
        },
      },
    }
    const sentimentChart = {
      type: 'bar',
      data: {
        labels: charts.sentimentByWeek.map((w) => w.week),
        datasets: [
          {
            label: 'Negative',
            data: charts.sentimentByWeek.map((w) => w.negative),
            backgroundColor: '#dc2626',
            stack: 's',
          },
          {
            label: 'Neutral',
            data: charts.sentimentByWeek.map((w) => w.neutral),
            backgroundColor: '#cbd5e1',
            stack: 's',
          },
          {
            label: 'Positive',
            data: charts.sentimentByWeek.map((w) => w.positive),
            backgroundColor: '#16a34a',
            stack: 's',
          },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { stacked: true },
          y: { stacked: true, beginAtZero: true, title: { display: true, text: 'mentions' } },
        },
      },
    }
    const volumeChart = {
      type: 'bar',
      data: {
        labels: charts.volumeByChannel.map((v) => v.channel),
        datasets: [
          {
            label: 'Inbound',
            data: charts.volumeByChannel.map((v) => v.inbound),
            backgroundColor: PALETTE[0],
          },
          {
            label: 'Outbound',
            data: charts.volumeByChannel.map((v) => v.outbound),
            backgroundColor: PALETTE[1],
          },
        ],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true } },
      },
    }
    const deadPage = s.daysSinceLastPost === null || s.daysSinceLastPost > DEAD_PAGE_DAYS
    return c.render(
      <>
        <div class="page-head">
          <div>
            <p class="breadcrumb">
              <a href="/">Overview</a> ›
            </p>
            <h1>{practice.name}</h1>
          </div>
          <PeriodPicker days={days} base={`/practices/${pid}`} />
        </div>
        <nav class="subnav" aria-label="Practice">
          <a href={`/inbox?practice=${pid}`}>Inbox ({s.backlog})</a>
          <a href={`/mentions?practice=${pid}`}>Mentions</a>
          <a href={`/practices/${pid}/report`}>Monthly report</a>
          {auth.canWrite ? <a href={`/practices/${pid}/settings`}>Settings</a> : null}
        </nav>
        <SpikeAlerts spikes={spikes} />
        {promise?.statement ? (
          <blockquote class="promise">
            <p>“{promise.statement}”</p>
            <footer>
              Our public promise · goal {formatPercent(goal, 0)} within target
              {targetText ? ` · ${targetText}` : ''}
            </footer>
          </blockquote>
        ) : null}
        {deadPage ? (
          <p class="notice notice-warn" role="status">
            Liveness:{' '}
            {s.lastPostAt
              ? `the practice last posted ${s.daysSinceLastPost} days ago`
              : 'the practice has never posted'}
            . A page that is set up but silent is a finding, not a footnote.
          </p>
        ) : null}
        <section class="kpis" aria-label="Key figures">
          <KpiCard
            label="Compliance"
            value={formatPercent(s.compliance)}
            tone={toneFor(s.compliance, goal)}
            detail={`goal ${formatPercent(goal, 0)} · ${s.met} met, ${s.missed} missed, ${s.breached} breached`}
          />
          <KpiCard
            label="Response rate"
            value={formatPercent(s.responseRate)}
            tone={toneFor(s.responseRate, goal)}
            detail={`${s.answered} of ${s.needingReply} answered`}
          />
          <KpiCard
            label="Median response (business)"
            value={formatDuration(s.medianBusinessMs)}
            detail={`p90 ${formatDuration(s.p90BusinessMs)} · wall-clock median ${formatDuration(s.medianWallMs)}`}
          />
          <KpiCard
            label="Backlog"
            value={String(s.backlog)}
            tone={s.backlog === 0 ? 'good' : s.breached > 0 ? 'bad' : 'warn'}
            detail={
              s.oldestOpenAt
                ? `oldest waiting ${formatDuration(period.now.getTime() - s.oldestOpenAt.getTime())}`
                : 'nothing waiting'
            }
          />
          <KpiCard
            label="Sentiment"
            value={formatNumber(s.sentimentMean, 2)}
            detail={`${formatPercent(s.sentimentShares.positive, 0)} positive · ${formatPercent(s.sentimentShares.negative, 0)} negative · ${s.inbound} inbound`}
          />
          <KpiCard
            label="Liveness"
            value={
              s.daysSinceLastPost === null
                ? 'never posted'
                : `${s.daysSinceLastPost} d since last post`
            }
            tone={deadPage ? 'bad' : 'good'}
            detail={`${formatNumber(s.postsPerWeek)} posts/week · last ${formatDateTime(s.lastPostAt, practice.time_zone)}`}
          />
        </section>
        <section class="chart-grid" aria-label="Charts">
          <Chart id="buckets" label="Response-time distribution" config={bucketChart} />
          <Chart id="compliance" label="Compliance by week" config={complianceChart} />
          <Chart
            id="sentiment"
            label="Sentiment over time (inbound mentions per week)"
            config={sentimentChart}
          />
          <Chart id="volume" label="Volume by channel" config={volumeChart} />
        </section>
      </>,
      { title: practice.name, active: 'practice', charts: true },
    )
  })

  return app
}
