/**
 * @module Pages of the notification centre (the list, one alert with its deliveries) and a
 * practice's alert settings (rules, quiet hours and on-call, where alerts go). Every text shown
 * comes from staff or from `buildAlertContent`, never from a patient, and is escaped by JSX.
 */
import type { Child } from 'hono/jsx'
import { ENDPOINT_KINDS, type EndpointKind } from '../alerts/alert-channels.js'
import type { EndpointSummary } from '../alerts/alert-endpoint-store.js'
import type { AlertDeliveryView, AlertListItem, AlertPreferences } from '../alerts/alert-queries.js'
import { ALERT_RULES, type ResolvedRule, RULE_DEFINITIONS } from '../alerts/alert-rules.js'
import { CsrfField, Notice } from './components.js'
import { formatDateTime, humanise } from './format.js'

export const ENDPOINT_KIND_LABELS: Readonly<Record<EndpointKind, string>> = {
  email: 'E-mail',
  slack: 'Slack incoming webhook',
  teams: 'Microsoft Teams incoming webhook',
  google_chat: 'Google Chat incoming webhook',
  webhook: 'Signed webhook (Standard Webhooks)',
}

/** The parameters a person may tune, in words. */
const PARAM_LABELS: Readonly<Record<string, string>> = {
  lookbackHours: 'Only mentions from the last … hours',
  throttleHours: 'At most one alert per … hours',
  maxStars: 'Ratings at or below … stars',
  k: 'Standard deviations above the usual',
  minCount: 'At least … mentions in 24 hours',
  warmupDays: 'Warm-up days for a new practice',
  quietDays: 'Quiet for … days',
}

function AlertRow({ alert, timeZone }: { alert: AlertListItem; timeZone: string }) {
  return (
    <li class={`alert-item${alert.read ? '' : ' unread'}`} data-alert-id={alert.id}>
      <a href={`/alerts/${encodeURIComponent(alert.id)}`} class="alert-title">
        {alert.read ? null : <span class="visually-hidden">Unread: </span>}
        {alert.title}
      </a>{' '}
      <span class="muted">
        {RULE_DEFINITIONS[alert.rule].label} · {formatDateTime(alert.createdAt, timeZone)}
      </span>
    </li>
  )
}

export function AlertListView(props: {
  alerts: AlertListItem[]
  unread: number
  csrf: string | null
  zoneOf: (practiceId: string) => string
  nextHref: string | null
  notice?: string | undefined
}) {
  return (
    <>
      <div class="page-head">
        <h1>Notifications</h1>
        <p class="lede">
          <span class="alert-unread-total" data-unread={String(props.unread)}>
            {props.unread === 0 ? 'Nothing unread.' : `${props.unread} unread.`}
          </span>
        </p>
      </div>
      {props.notice ? <Notice kind="ok">{props.notice}</Notice> : null}
      <div class="actions">
        {props.unread > 0 ? (
          <form method="post" action="/alerts/read" class="inline">
            <CsrfField token={props.csrf} />
            <button type="submit">Mark all read</button>
          </form>
        ) : null}
        <button type="button" class="secondary" data-enable-browser-notifications hidden>
          Notify me in this browser
        </button>
      </div>
      {props.alerts.length === 0 ? (
        <p class="muted">No alerts yet. They appear here as they fire, and go out as configured.</p>
      ) : (
        <ol class="alert-list">
          {props.alerts.map((a) => (
            <AlertRow alert={a} timeZone={props.zoneOf(a.practiceId)} />
          ))}
        </ol>
      )}
      {props.nextHref ? (
        <nav class="paging" aria-label="More notifications">
          <a href={props.nextHref}>Older</a>
        </nav>
      ) : null}
    </>
  )
}

function DeliveryRow({ d, timeZone }: { d: AlertDeliveryView; timeZone: string }) {
  return (
    <tr>
      <td>{d.endpointName}</td>
      <td>{ENDPOINT_KIND_LABELS[d.kind as EndpointKind] ?? d.kind}</td>
      <td>
        <span class={`delivery-status delivery-${d.status}`}>{humanise(d.status)}</span>
      </td>
      <td>{d.attempts}</td>
      <td>
        {d.deliveredAt
          ? formatDateTime(d.deliveredAt, timeZone)
          : d.status === 'pending' || d.status === 'failed'
            ? `next try ${formatDateTime(d.nextAttemptAt, timeZone)}`
            : '—'}
      </td>
      <td>
        {d.lastError ?? ''}
        {d.log.length > 0 ? (
          <details>
            <summary>{d.log.length} attempt(s)</summary>
            <ol>
              {d.log.map((l) => (
                <li>
                  {formatDateTime(new Date(l.at), timeZone)}: {l.ok ? 'delivered' : 'failed'}
                  {l.status ? ` (HTTP ${l.status})` : ''}
                  {l.error ? ` — ${l.error}` : ''}
                </li>
              ))}
            </ol>
          </details>
        ) : null}
      </td>
    </tr>
  )
}

export function AlertDetailView(props: {
  alert: AlertListItem
  lines: string[]
  deliveries: AlertDeliveryView[]
  timeZone: string
}) {
  const { alert } = props
  return (
    <>
      <p>
        <a href="/alerts">← Notifications</a>
      </p>
      <h1>{alert.title}</h1>
      <p class="muted">
        {RULE_DEFINITIONS[alert.rule].label} · {alert.practiceName} · fired{' '}
        {formatDateTime(alert.createdAt, props.timeZone)}
      </p>
      <div class="alert-lines">
        {props.lines.map((l) => (
          <p>{l}</p>
        ))}
      </div>
      {alert.mentionId ? (
        <p>
          <a class="button" href={alert.link}>
            Open the mention
          </a>
        </p>
      ) : null}
      <h2>Deliveries</h2>
      {props.deliveries.length === 0 ? (
        <p class="muted">
          In the app only: no endpoint takes this rule. Add one under the practice's alert settings.
        </p>
      ) : (
        <table class="deliveries">
          <thead>
            <tr>
              <th scope="col">Endpoint</th>
              <th scope="col">Kind</th>
              <th scope="col">Outcome</th>
              <th scope="col">Attempts</th>
              <th scope="col">Delivered</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {props.deliveries.map((d) => (
              <DeliveryRow d={d} timeZone={props.timeZone} />
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}

function RuleFields({ rule }: { rule: ResolvedRule }) {
  const def = RULE_DEFINITIONS[rule.rule]
  const names = Object.keys(def.params)
  return (
    <fieldset class="alert-rule">
      <legend>
        <label>
          <input type="checkbox" name={`enabled_${rule.rule}`} value="on" checked={rule.enabled} />{' '}
          {def.label}
        </label>
        {def.urgent ? <span class="badge badge-urgent">skips quiet hours</span> : null}
      </legend>
      <div class="field-row">
        {names.map((name) => (
          <label>
            {PARAM_LABELS[name] ?? name}
            <input
              type="number"
              step="any"
              min="0"
              name={`param_${rule.rule}_${name}`}
              value={String((rule.params as Record<string, number | undefined>)[name] ?? '')}
            />
          </label>
        ))}
      </div>
    </fieldset>
  )
}

export function AlertSettingsView(props: {
  practice: { id: string; name: string } | null
  rules: ResolvedRule[]
  preferences: AlertPreferences | null
  endpoints: EndpointSummary[]
  csrf: string | null
  notice?: string | undefined
  error?: string | undefined
  /** Shown once, right after a signed webhook endpoint was added. */
  signingSecret?: string | undefined
}) {
  const base = props.practice
    ? `/practices/${encodeURIComponent(props.practice.id)}/alerts`
    : '/alerts/settings'
  const heading = props.practice
    ? `Alerts for ${props.practice.name}`
    : 'Alert defaults for the organisation'
  const section = (title: string, body: Child) => (
    <section class="card">
      <h2>{title}</h2>
      {body}
    </section>
  )
  return (
    <>
      <h1>{heading}</h1>
      {props.practice ? (
        <p class="lede">
          Rules left as they are follow the organisation's defaults.{' '}
          <a href="/alerts">See the notifications</a>.
        </p>
      ) : (
        <p class="lede">Every practice follows these until its own alert settings change a rule.</p>
      )}
      {props.notice ? <Notice kind="ok">{props.notice}</Notice> : null}
      {props.error ? <Notice kind="error">{props.error}</Notice> : null}
      {props.signingSecret ? (
        <Notice kind="ok">
          Signing secret (shown once; the receiver verifies <code>webhook-signature</code> with it):{' '}
          <code class="secret-once">{props.signingSecret}</code>
        </Notice>
      ) : null}
      {section(
        'Rules',
        <form method="post" action={`${base}/rules`}>
          <CsrfField token={props.csrf} />
          {props.rules.map((r) => (
            <RuleFields rule={r} />
          ))}
          <button type="submit">Save rules</button>
        </form>,
      )}
      {props.practice && props.preferences
        ? section(
            'Quiet hours, on call and previews',
            <form method="post" action={`${base}/preferences`}>
              <CsrfField token={props.csrf} />
              <div class="field-row">
                <label>
                  Quiet from (HH:MM, practice time)
                  <input name="quiet_start" value={props.preferences.quietStart ?? ''} />
                </label>
                <label>
                  Quiet until
                  <input name="quiet_end" value={props.preferences.quietEnd ?? ''} />
                </label>
              </div>
              <label>
                On-call e-mail (urgent clinical posts out of opening hours)
                <input
                  type="email"
                  name="on_call_email"
                  value={props.preferences.onCallEmail ?? ''}
                />
              </label>
              <label>
                <input
                  type="checkbox"
                  name="include_patient_text"
                  value="on"
                  checked={props.preferences.includePatientText}
                />{' '}
                Include the patient's words in e-mail bodies (never in subjects or chat previews:
                those can show on a lock screen)
              </label>
              <button type="submit">Save</button>
            </form>,
          )
        : null}
      {section(
        'Where alerts go',
        <>
          {props.endpoints.length === 0 ? (
            <p class="muted">Nowhere yet but this app's notifications.</p>
          ) : (
            <table class="endpoints">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Target</th>
                  <th scope="col">Rules</th>
                  <th scope="col">Digest</th>
                  <th scope="col" />
                </tr>
              </thead>
              <tbody>
                {props.endpoints.map((e) => (
                  <tr>
                    <td>
                      {e.name}
                      {e.onCall ? ' (on call)' : ''}
                    </td>
                    <td>{ENDPOINT_KIND_LABELS[e.kind]}</td>
                    <td>{e.display}</td>
                    <td>
                      {e.rules.length === 0
                        ? 'all'
                        : e.rules
                            .map(
                              (r) =>
                                RULE_DEFINITIONS[r as keyof typeof RULE_DEFINITIONS]?.label ?? r,
                            )
                            .join(', ')}
                    </td>
                    <td>{e.digestMinutes > 0 ? `every ${e.digestMinutes} min` : 'at once'}</td>
                    <td>
                      <form
                        method="post"
                        action={`${base}/endpoints/${encodeURIComponent(e.id)}/delete`}
                        class="inline"
                      >
                        <CsrfField token={props.csrf} />
                        <button type="submit" class="link-button">
                          Remove
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>Add an endpoint</h3>
          <form method="post" action={`${base}/endpoints`}>
            <CsrfField token={props.csrf} />
            <div class="field-row">
              <label>
                Kind
                <select name="kind">
                  {ENDPOINT_KINDS.map((k) => (
                    <option value={k}>{ENDPOINT_KIND_LABELS[k]}</option>
                  ))}
                </select>
              </label>
              <label>
                Name
                <input name="name" required maxlength={100} />
              </label>
            </div>
            <label>
              E-mail addresses (comma separated) or the webhook URL
              <input name="target" required maxlength={2000} />
            </label>
            <fieldset>
              <legend>Rules it takes (none ticked: all)</legend>
              {ALERT_RULES.map((r) => (
                <label class="inline-check">
                  <input type="checkbox" name="rules" value={r} /> {RULE_DEFINITIONS[r].label}
                </label>
              ))}
            </fieldset>
            <div class="field-row">
              <label>
                Digest every … minutes (0 sends at once; urgent alerts always at once)
                <input type="number" name="digest_minutes" min="0" max="1440" value="0" />
              </label>
              {props.practice ? (
                <label class="inline-check">
                  <input type="checkbox" name="on_call" value="on" /> On call (urgent posts out of
                  hours)
                </label>
              ) : null}
            </div>
            <button type="submit">Add endpoint</button>
          </form>
        </>,
      )}
    </>
  )
}
