/**
 * @module The scheduled-report settings page, shared by a practice's reports and the agency
 * report: the schedules with their next send and recent outcomes, and a form to add one.
 */
import type { ReportSchedule, ReportSend } from '../reports/report-schedule-store.js'
import { CsrfField, Notice } from './components.js'
import { formatDateTime } from './format.js'

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']

function whenText(s: ReportSchedule): string {
  const day =
    s.frequency === 'weekly' ? `every ${WEEKDAYS[s.day - 1]}` : `on day ${s.day} of every month`
  return `${s.frequency === 'weekly' ? 'Weekly' : 'Monthly'}, ${day} at ${s.localTime} (${s.timeZone})`
}

export interface ReportScheduleViewProps {
  /** "Harbour GP" or "Harbour Health Agency (all practices)". */
  title: string
  /** Where the form posts, e.g. `/practices/p1/reports` or `/reports/agency`. */
  base: string
  schedules: ReadonlyArray<ReportSchedule & { nextAt: Date }>
  sends: readonly ReportSend[]
  defaultTimeZone: string
  csrf: string | null
  mailConfigured: boolean
  notice?: string | undefined
  error?: string | undefined
  /** The form's values after a rejected submission. */
  values?: Record<string, string> | undefined
}

export function ReportScheduleView(props: ReportScheduleViewProps) {
  const v = props.values ?? {}
  const byId = new Map(props.schedules.map((s) => [s.id, s]))
  return (
    <>
      <h1>Scheduled reports · {props.title}</h1>
      <p class="lede">
        A report by e-mail every week or month: the key figures against the promise, the charts, the
        period's mentions as CSV and the report as PDF. Weekly reports cover the last whole week
        (Monday to Sunday), monthly ones the last whole month, in the schedule's time zone.
      </p>
      {props.mailConfigured ? null : (
        <Notice kind="error">
          Mail is not configured on this server (EARSHOT_SMTP_URL): reports will be recorded as
          failed until it is.
        </Notice>
      )}
      {props.notice ? <Notice kind="ok">{props.notice}</Notice> : null}
      {props.error ? <Notice kind="error">{props.error}</Notice> : null}
      <section class="card" aria-labelledby="schedules-h">
        <h2 id="schedules-h">Schedules</h2>
        {props.schedules.length === 0 ? (
          <p class="muted">No scheduled reports yet.</p>
        ) : (
          <table class="data">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Recipients</th>
                <th scope="col">Next</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {props.schedules.map((s) => (
                <tr>
                  <td>{whenText(s)}</td>
                  <td>{s.recipients.join(', ')}</td>
                  <td>{formatDateTime(s.nextAt, s.timeZone)}</td>
                  <td>
                    <form method="post" action={`${props.base}/${encodeURIComponent(s.id)}/delete`}>
                      <CsrfField token={props.csrf} />
                      <button type="submit" class="secondary">
                        Delete
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section class="card" aria-labelledby="sends-h">
        <h2 id="sends-h">Recent sends</h2>
        {props.sends.length === 0 ? (
          <p class="muted">Nothing sent yet.</p>
        ) : (
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Period</th>
                <th scope="col">Schedule</th>
                <th scope="col">Outcome</th>
                <th scope="col">Attempts</th>
              </tr>
            </thead>
            <tbody>
              {props.sends.map((r) => (
                <tr>
                  <td>{r.period}</td>
                  <td>{byId.get(r.scheduleId) ? whenText(byId.get(r.scheduleId)!) : '—'}</td>
                  <td>
                    <span class={`delivery-status delivery-${r.status}`}>{r.status}</span>
                    {r.sentAt
                      ? ` ${formatDateTime(r.sentAt, byId.get(r.scheduleId)?.timeZone ?? 'UTC')}`
                      : ''}
                    {r.error ? <div class="small">{r.error}</div> : null}
                  </td>
                  <td class="num">{r.attempts}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section class="card" aria-labelledby="add-h">
        <h2 id="add-h">Add a schedule</h2>
        <form method="post" action={props.base} class="stack">
          <CsrfField token={props.csrf} />
          <label>
            How often
            <select name="frequency">
              <option value="weekly" selected={v.frequency !== 'monthly'}>
                Weekly
              </option>
              <option value="monthly" selected={v.frequency === 'monthly'}>
                Monthly
              </option>
            </select>
          </label>
          <label>
            Day (weekly: 1 = Monday … 7 = Sunday; monthly: day of the month, 1–28)
            <input type="number" name="day" min="1" max="28" value={v.day ?? '1'} required />
          </label>
          <label>
            Local time (24-hour)
            <input type="time" name="local_time" value={v.local_time ?? '08:00'} required />
          </label>
          <label>
            Time zone
            <input
              type="text"
              name="time_zone"
              value={v.time_zone ?? props.defaultTimeZone}
              required
            />
          </label>
          <label>
            Recipients (e-mail addresses, separated by commas or spaces)
            <textarea name="recipients" rows={2} required>
              {v.recipients ?? ''}
            </textarea>
          </label>
          <button type="submit">Add schedule</button>
        </form>
      </section>
    </>
  )
}
