/**
 * @module The scheduled report as an e-mail: a text part and an HTML part with the key figures
 * against the promise (one row per practice for the agency), the charts as inline PNG images
 * (`cid:`), the period's row-level CSV and a PDF of the printable report attached. Without a
 * browser the charts' data go in as tables, the PDF is left out, and the mail says why.
 * The subject names the practice or agency and the period only, never patient text.
 */
import type { MailAttachment, MailMessage } from '../mail/mail-sender.js'
import { formatDateTime, formatDuration, formatPercent } from '../views/format.js'
import type { ReportBrowser } from './report-browser.js'
import type { ReportContent, ReportRow } from './report-content.js'

const CHART_SIZE = { width: 640, height: 260 }

function esc(value: unknown): string {
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}

/** A chart as the mail shows it: a Chart.js config for the image, rows for the table fallback. */
interface ReportChart {
  cid: string
  title: string
  config: unknown
  columns: string[]
  rows: Array<Array<string | number>>
}

function chartsOf(content: ReportContent): ReportChart[] {
  if (content.kind === 'agency') {
    return [
      {
        cid: 'chart-compliance-by-practice',
        title: 'Compliance by practice (line: goal)',
        config: {
          type: 'bar',
          data: {
            labels: content.rows.map((r) => r.practice.name),
            datasets: [
              {
                type: 'bar',
                label: 'Compliance %',
                data: content.rows.map((r) => pct(r.summary.compliance)),
                backgroundColor: '#2563eb',
              },
              {
                type: 'line',
                label: 'Goal %',
                data: content.rows.map((r) => pct(r.goal)),
                borderColor: '#b42318',
                backgroundColor: '#b42318',
              },
            ],
          },
          options: { scales: { y: { min: 0, max: 100 } } },
        },
        columns: ['Practice', 'Compliance', 'Goal'],
        rows: content.rows.map((r) => [
          r.practice.name,
          formatPercent(r.summary.compliance),
          formatPercent(r.goal, 0),
        ]),
      },
    ]
  }
  const charts = content.charts
  if (!charts) return []
  return [
    {
      cid: 'chart-compliance-by-week',
      title: 'Compliance by week',
      config: {
        type: 'line',
        data: {
          labels: charts.complianceByWeek.map((w) => w.week),
          datasets: [
            {
              label: 'Compliance %',
              data: charts.complianceByWeek.map((w) => pct(w.compliance)),
              borderColor: '#2563eb',
              backgroundColor: '#2563eb',
            },
          ],
        },
        options: { scales: { y: { min: 0, max: 100 } } },
      },
      columns: ['Week', 'Compliance', 'Counted'],
      rows: charts.complianceByWeek.map((w) => [w.week, formatPercent(w.compliance), w.counted]),
    },
    {
      cid: 'chart-response-times',
      title: 'Response-time distribution',
      config: {
        type: 'bar',
        data: {
          labels: charts.buckets.labels,
          datasets: [
            { label: 'Business time', data: charts.buckets.business, backgroundColor: '#2563eb' },
            { label: 'Wall-clock', data: charts.buckets.wall, backgroundColor: '#94a3b8' },
          ],
        },
      },
      columns: ['Bucket', 'Business time', 'Wall-clock'],
      rows: charts.buckets.labels.map((l, i) => [
        l,
        charts.buckets.business[i] ?? 0,
        charts.buckets.wall[i] ?? 0,
      ]),
    },
  ]
}

function pct(value: number | null): number | null {
  return value === null ? null : Math.round(value * 1000) / 10
}

function verdict(row: ReportRow): string {
  const c = row.summary.compliance
  if (c === null) return 'nothing to rate'
  return c >= row.goal ? 'promise kept' : 'below goal'
}

/** The key figures of one practice, as label/value pairs (shared by both parts). */
function figures(row: ReportRow): Array<[string, string]> {
  const s = row.summary
  return [
    [
      `Compliance (goal ${formatPercent(row.goal, 0)})`,
      `${formatPercent(s.compliance)}, ${verdict(row)} (${s.met} met, ${s.missed} missed, ${s.breached} breached)`,
    ],
    [
      'Response rate',
      `${formatPercent(s.responseRate)} (${s.answered} of ${s.needingReply} needing a reply)`,
    ],
    ['Median response time', `${formatDuration(s.medianBusinessMs)} business time`],
    ['90th percentile', `${formatDuration(s.p90BusinessMs)} business time`],
    ['Backlog', `${s.backlog} unanswered`],
    ['Volume', `${s.inbound} inbound, ${s.outbound} outbound`],
  ]
}

const AGENCY_COLUMNS = [
  'Practice',
  'Compliance',
  'Goal',
  'Response rate',
  'Median',
  'p90',
  'Backlog',
  'Inbound',
]

function agencyCells(row: ReportRow): string[] {
  const s = row.summary
  return [
    row.practice.name,
    formatPercent(s.compliance),
    formatPercent(row.goal, 0),
    formatPercent(s.responseRate),
    formatDuration(s.medianBusinessMs),
    formatDuration(s.p90BusinessMs),
    String(s.backlog),
    String(s.inbound),
  ]
}

const TABLE = 'border-collapse:collapse;width:100%;max-width:680px;font-size:14px'
const CELL = 'border-bottom:1px solid #e2e8f0;padding:4px 8px;text-align:left'

function htmlTable(columns: string[] | null, rows: Array<Array<string | number>>): string {
  const head = columns
    ? `<thead><tr>${columns.map((c) => `<th style="${CELL}">${esc(c)}</th>`).join('')}</tr></thead>`
    : ''
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((v, i) => (i === 0 && !columns ? `<th style="${CELL}">${esc(v)}</th>` : `<td style="${CELL}">${esc(v)}</td>`)).join('')}</tr>`,
    )
    .join('')
  return `<table style="${TABLE}">${head}<tbody>${body}</tbody></table>`
}

export interface ReportMailOptions {
  to: readonly string[]
  /** Links in the mail point here (`EARSHOT_PUBLIC_URL`); none when unknown. */
  baseUrl?: string
  /** The browser, or null with the reason there is none. */
  browser: ReportBrowser | null
  noBrowserReason?: string
}

/** What went into a report mail, besides the message itself (for the test and the record). */
export interface ReportMail {
  message: MailMessage
  charts: 'images' | 'tables'
  pdf: boolean
}

function subjectOf(content: ReportContent): string {
  const kind = content.frequency === 'weekly' ? 'Weekly' : 'Monthly'
  const scope = content.kind === 'agency' ? `${content.title} (all practices)` : content.title
  return `${kind} report: ${scope}, ${content.period.label}`
}

function fileStem(content: ReportContent): string {
  return `earshot-${content.kind === 'agency' ? 'agency' : (content.rows[0]?.practice.id ?? 'practice')}-${content.period.key}`
}

/** The report's body HTML (shared by the mail and its PDF); `img` says where each chart comes from. */
function bodyHtml(
  content: ReportContent,
  charts: ReportChart[],
  img: ((chart: ReportChart) => string) | null,
  fallbackLine: string | null,
): string {
  const parts: string[] = []
  parts.push(`<p style="color:#64748b;margin:0">${esc(content.organisationName)}</p>`)
  parts.push(`<h1 style="font-size:20px">${esc(subjectOf(content))}</h1>`)
  parts.push(
    `<p style="color:#64748b">Mentions created from ${esc(formatDateTime(content.period.from, content.timeZone))} to ${esc(formatDateTime(content.period.to, content.timeZone))} (${esc(content.timeZone)}). Response times in business time, under the promise in force when each mention arrived.</p>`,
  )
  if (content.kind === 'practice') {
    const row = content.rows[0]!
    if (row.statement)
      parts.push(
        `<blockquote style="border-left:3px solid #2563eb;margin:0 0 12px;padding:4px 12px">${esc(row.statement)}</blockquote>`,
      )
    parts.push('<h2 style="font-size:16px">Key figures</h2>')
    parts.push(htmlTable(null, figures(row)))
  } else {
    parts.push('<h2 style="font-size:16px">Key figures by practice</h2>')
    parts.push(htmlTable(AGENCY_COLUMNS, content.rows.map(agencyCells)))
  }
  if (fallbackLine)
    parts.push(
      `<p style="color:#713f12;background:#fef9c3;padding:6px 10px">${esc(fallbackLine)}</p>`,
    )
  for (const chart of charts) {
    parts.push(`<h2 style="font-size:16px">${esc(chart.title)}</h2>`)
    parts.push(
      img
        ? `<img src="${esc(img(chart))}" alt="${esc(chart.title)}" width="${CHART_SIZE.width}" height="${CHART_SIZE.height}" style="max-width:100%;height:auto">`
        : htmlTable(chart.columns, chart.rows),
    )
  }
  return parts.join('\n')
}

function textPart(
  content: ReportContent,
  charts: ReportChart[],
  link: string | null,
  notes: string[],
): string {
  const lines = [content.organisationName, subjectOf(content), '']
  for (const row of content.rows) {
    if (content.kind === 'agency') lines.push(row.practice.name)
    for (const [label, value] of figures(row))
      lines.push(`${content.kind === 'agency' ? '  ' : ''}${label}: ${value}`)
    lines.push('')
  }
  for (const chart of charts) {
    lines.push(`${chart.title}:`)
    for (const r of chart.rows) lines.push(`  ${r.map(String).join(' · ')}`)
    lines.push('')
  }
  lines.push(...notes)
  lines.push("Attached: the period's mentions, row by row (CSV).")
  if (link) lines.push(`In the dashboard: ${link}`)
  return `${lines.join('\n')}\n`
}

/** Builds the e-mail for a report, drawing charts and the PDF with the browser when there is one. */
export async function buildReportMail(
  content: ReportContent,
  options: ReportMailOptions,
): Promise<ReportMail> {
  const charts = chartsOf(content)
  const { browser } = options
  const attachments: MailAttachment[] = []
  const pngs = new Map<string, Buffer>()
  if (browser)
    for (const chart of charts)
      pngs.set(chart.cid, await browser.chartPng(chart.config, CHART_SIZE))
  const notes: string[] = []
  const reason = options.noBrowserReason ?? 'no browser'
  const fallback = browser
    ? null
    : `Charts and the PDF copy need Chromium on the Earshot server (${reason}); the charts' figures are shown as tables instead.`
  if (fallback) notes.push(fallback)

  const stem = fileStem(content)
  let pdf = false
  if (browser) {
    const document = `<!doctype html><html><head><meta charset="utf-8"><title>${esc(subjectOf(content))}</title><style>@page{size:A4;margin:15mm}body{font-family:system-ui,sans-serif;color:#0f172a}img{max-width:100%;height:auto}table,img,h2{break-inside:avoid}h2{break-after:avoid}</style></head><body>${bodyHtml(content, charts, (c) => `data:image/png;base64,${pngs.get(c.cid)!.toString('base64')}`, null)}</body></html>`
    attachments.push({
      filename: `${stem}.pdf`,
      content: await browser.pdf(document),
      contentType: 'application/pdf',
    })
    pdf = true
  }
  attachments.push({
    filename: `${stem}-mentions.csv`,
    content: content.csv,
    contentType: 'text/csv; charset=utf-8',
  })
  for (const chart of charts) {
    const png = pngs.get(chart.cid)
    if (png)
      attachments.push({
        filename: `${chart.cid}.png`,
        content: png,
        contentType: 'image/png',
        cid: chart.cid,
      })
  }

  const base = options.baseUrl?.replace(/\/+$/, '')
  const row = content.rows[0]
  const link = base
    ? content.kind === 'agency'
      ? `${base}/`
      : `${base}/practices/${encodeURIComponent(row?.practice.id ?? '')}`
    : null
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#0f172a">${bodyHtml(content, charts, browser ? (c) => `cid:${c.cid}` : null, fallback)}<p style="color:#64748b;font-size:12px">Attached: the period's mentions, row by row (CSV)${pdf ? ', and this report as PDF' : ''}.${link ? ` <a href="${esc(link)}">Open the dashboard</a>.` : ''}</p></body></html>`
  return {
    message: {
      to: options.to,
      subject: subjectOf(content),
      text: textPart(content, charts, link, notes),
      html,
      attachments,
    },
    charts: browser ? 'images' : 'tables',
    pdf,
  }
}
