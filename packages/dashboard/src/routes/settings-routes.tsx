/**
 * @module Settings of a practice: opening hours (several sessions a day), dated overrides and
 * closures, holiday region, the promise's targets, and the channels with their collectors'
 * health. Saving writes a new schedule or promise version; old versions stay for reports.
 */
import { Hono } from 'hono'
import {
  CATEGORIES,
  listChannels,
  MENTION_KINDS,
  PLATFORMS,
  type PromiseSpec,
  savePromise,
  saveSchedule,
  WEEKDAYS,
} from '../core.js'
import { currentPromises, currentSchedule } from '../data/practice-promises.js'
import {
  formatClosures,
  formatOverrides,
  formatSessions,
  promiseFromForm,
  scheduleFromForm,
  TARGET_ROWS,
} from '../data/settings-form.js'
import { assertCanWrite, authOf, permittedPractice } from '../http/auth-middleware.js'
import type { DashboardEnv } from '../http/dashboard-env.js'
import { CsrfField, Notice } from '../views/components.js'
import { formatDateTime, humanise } from '../views/format.js'

const NOTICES: Record<string, string> = {
  'schedule-saved': 'Opening hours saved as a new schedule version.',
  'promise-saved': 'Promise saved as a new version.',
}

const DAY_NAMES: Record<string, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
}

function durationText(value: unknown): string {
  if (typeof value === 'string') return value
  if (value && typeof value === 'object') {
    const v = value as Record<string, number | undefined>
    return [
      v.days ? `${v.days}d` : '',
      v.hours ? `${v.hours}h` : '',
      v.minutes ? `${v.minutes}m` : '',
    ]
      .filter(Boolean)
      .join(' ')
  }
  return ''
}

/** Routes: `/settings`, `/practices/:practiceId/settings` and its two POST forms. */
export function settingsRoutes(): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()

  app.get('/settings', (c) => {
    const auth = authOf(c)
    if (auth.practices.length === 1)
      return c.redirect(`/practices/${encodeURIComponent(auth.practices[0]!.id)}/settings`, 303)
    return c.render(
      <>
        <h1>Settings</h1>
        <p class="lede">Choose a practice.</p>
        {auth.user.role === 'agency_admin' ? (
          <p>
            <a href="/alerts/settings">Alert defaults for the organisation</a> ·{' '}
            <a href="/jobs">Background jobs</a> ·{' '}
            <a href="/settings/privacy">Patient data: retention, redaction, erasure</a>
          </p>
        ) : null}
        <ul class="plain-list">
          {auth.practices.map((p) => (
            <li>
              <a href={`/practices/${encodeURIComponent(p.id)}/settings`}>{p.name}</a>{' '}
              <span class="muted">{p.time_zone}</span>
            </li>
          ))}
        </ul>
      </>,
      { title: 'Settings', active: 'settings' },
    )
  })

  app.get('/practices/:practiceId/settings', async (c) => {
    const auth = authOf(c)
    const practice = permittedPractice(auth, c.req.param('practiceId'))
    const { db } = c.var.services
    const [schedule, promises, channels] = await Promise.all([
      currentSchedule(db, auth.organisationId, practice.id),
      currentPromises(db, auth.organisationId, [practice.id]),
      listChannels(db, auth.organisationId, practice.id),
    ])
    const promise = promises.get(practice.id)
    const spec = schedule?.spec ?? { timeZone: practice.time_zone, weekly: {} }
    const p: PromiseSpec = promise?.spec ?? { targets: [] }
    const targets = [...(p.targets ?? [])]
    const rows = Math.max(TARGET_ROWS, targets.length + 1)
    const readOnly = !auth.canWrite
    const pid = encodeURIComponent(practice.id)
    const notice = NOTICES[c.req.query('notice') ?? '']
    return c.render(
      <>
        <p class="breadcrumb">
          <a href={`/practices/${pid}`}>{practice.name}</a> ›
        </p>
        <h1>Settings</h1>
        {readOnly ? null : (
          <p>
            <a href={`/practices/${pid}/alerts`}>Alerts: rules, on call, where they go</a> ·{' '}
            <a href={`/practices/${pid}/badge`}>Public promise badge</a>
          </p>
        )}
        {notice ? <Notice kind="ok">{notice}</Notice> : null}
        {readOnly ? (
          <Notice kind="ok">
            Your role is read-only: you can see the settings but not change them.
          </Notice>
        ) : null}

        <section aria-labelledby="hours-h" class="card">
          <h2 id="hours-h">Opening hours</h2>
          <p class="muted">
            Business time only runs in these hours, in the practice's time zone, minus public
            holidays and closures. Several sessions a day are separated by commas (a lunch break:{' '}
            <code>08:00-12:30, 13:30-18:00</code>); a session ending before it starts runs past
            midnight. Current: schedule version {schedule?.version ?? '—'}, in force since{' '}
            {formatDateTime(schedule?.effectiveFrom, practice.time_zone)}.
          </p>
          <form method="post" action={`/practices/${pid}/settings/schedule`} class="stack">
            <CsrfField token={auth.csrfToken} />
            <fieldset disabled={readOnly}>
              <legend>Time zone and holidays</legend>
              <div class="row">
                <label>
                  Time zone (IANA)
                  <input
                    type="text"
                    name="time_zone"
                    required
                    value={spec.timeZone}
                    placeholder="Australia/Sydney"
                  />
                </label>
                <label>
                  Public holiday region
                  <input
                    type="text"
                    name="holiday_region"
                    value={spec.holidayRegion ?? ''}
                    placeholder="AU-NSW"
                  />
                </label>
              </div>
            </fieldset>
            <fieldset disabled={readOnly}>
              <legend>Weekly sessions</legend>
              <div class="week-grid">
                {WEEKDAYS.map((day) => (
                  <label>
                    {DAY_NAMES[day]}
                    <input
                      type="text"
                      name={`weekly_${day}`}
                      value={formatSessions(spec.weekly?.[day])}
                      placeholder="closed"
                    />
                  </label>
                ))}
              </div>
            </fieldset>
            <fieldset disabled={readOnly}>
              <legend>Dated overrides and closures</legend>
              <div class="row">
                <label>
                  Dated overrides, one per line
                  <textarea
                    name="overrides"
                    rows={4}
                    placeholder={'2026-12-14 08:00-21:00 late clinic\n2026-12-18 closed staff day'}
                  >
                    {formatOverrides(spec)}
                  </textarea>
                </label>
                <label>
                  Closures, one per line
                  <textarea
                    name="closures"
                    rows={4}
                    placeholder="2026-12-24..2027-01-02 Christmas shutdown"
                  >
                    {formatClosures(spec)}
                  </textarea>
                </label>
              </div>
            </fieldset>
            {readOnly ? null : <button type="submit">Save opening hours</button>}
          </form>
        </section>

        <section aria-labelledby="promise-h" class="card">
          <h2 id="promise-h">Engagement promise</h2>
          <p class="muted">
            Targets are tried in order: the first whose filter matches a mention applies. Leave a
            filter empty to match everything. Durations read like “2 business hours”, “90m” or “1
            day”. Current: promise version {promise?.version ?? '—'}.
          </p>
          <form method="post" action={`/practices/${pid}/settings/promise`} class="stack">
            <CsrfField token={auth.csrfToken} />
            <fieldset disabled={readOnly}>
              <legend>Statement and goal</legend>
              <label>
                Public statement
                <input
                  type="text"
                  name="statement"
                  maxlength={500}
                  value={p.statement ?? ''}
                  placeholder="We reply to every message within 2 business hours"
                />
              </label>
              <div class="row">
                <label>
                  Goal (% within target)
                  <input
                    type="number"
                    name="goal"
                    min={1}
                    max={100}
                    step="0.1"
                    value={String(Math.round((p.goal ?? 0.9) * 1000) / 10)}
                  />
                </label>
                <label>
                  At risk in the last (% of the window)
                  <input
                    type="number"
                    name="at_risk"
                    min={1}
                    max={99}
                    step="1"
                    value={String(Math.round((p.atRiskFraction ?? 0.25) * 100))}
                  />
                </label>
                <label class="check">
                  <input
                    type="checkbox"
                    name="count_auto_replies"
                    checked={p.countAutoReplies === true}
                  />{' '}
                  Auto-replies count as responses
                </label>
              </div>
            </fieldset>
            <fieldset disabled={readOnly}>
              <legend>Targets</legend>
              <div class="table-wrap">
                <table class="data targets">
                  <thead>
                    <tr>
                      <th scope="col">#</th>
                      <th scope="col">Name</th>
                      <th scope="col">Platforms</th>
                      <th scope="col">Categories</th>
                      <th scope="col">Kinds</th>
                      <th scope="col">Duration</th>
                      <th scope="col">Clock</th>
                    </tr>
                  </thead>
                  <tbody>
                    {Array.from({ length: rows }, (_, i) => {
                      const t = targets[i]
                      const f = (t?.filter ?? {}) as {
                        platforms?: string[]
                        categories?: string[]
                        kinds?: string[]
                      }
                      return (
                        <tr>
                          <td>{i + 1}</td>
                          <td>
                            <input
                              type="text"
                              name={`target_${i}_name`}
                              aria-label={`Target ${i + 1} name`}
                              value={t?.name ?? ''}
                            />
                          </td>
                          <td>
                            <input
                              type="text"
                              name={`target_${i}_platforms`}
                              aria-label={`Target ${i + 1} platforms`}
                              value={(f.platforms ?? []).join(', ')}
                              placeholder="any"
                            />
                          </td>
                          <td>
                            <input
                              type="text"
                              name={`target_${i}_categories`}
                              aria-label={`Target ${i + 1} categories`}
                              value={(f.categories ?? []).join(', ')}
                              placeholder="any"
                            />
                          </td>
                          <td>
                            <input
                              type="text"
                              name={`target_${i}_kinds`}
                              aria-label={`Target ${i + 1} kinds`}
                              value={(f.kinds ?? []).join(', ')}
                              placeholder="any"
                            />
                          </td>
                          <td>
                            <input
                              type="text"
                              name={`target_${i}_duration`}
                              aria-label={`Target ${i + 1} duration`}
                              value={durationText(t?.duration)}
                              placeholder="2 business hours"
                            />
                          </td>
                          <td>
                            <select name={`target_${i}_clock`} aria-label={`Target ${i + 1} clock`}>
                              <option value="">as written</option>
                              <option value="business" selected={t?.clock === 'business'}>
                                business
                              </option>
                              <option value="calendar" selected={t?.clock === 'calendar'}>
                                calendar
                              </option>
                            </select>
                          </td>
                        </tr>
                      )
                    })}
                  </tbody>
                </table>
              </div>
              <p class="muted small">
                Platforms: {PLATFORMS.join(', ')}. Categories: {CATEGORIES.join(', ')}. Kinds:{' '}
                {MENTION_KINDS.join(', ')}.
              </p>
              <label>
                Auto-reply patterns (regular expressions, one per line)
                <textarea name="auto_reply_patterns" rows={2}>
                  {(p.autoReplyPatterns ?? []).join('\n')}
                </textarea>
              </label>
            </fieldset>
            {readOnly ? null : <button type="submit">Save promise</button>}
          </form>
        </section>

        <section aria-labelledby="channels-h" class="card">
          <h2 id="channels-h">Channels</h2>
          {channels.length === 0 ? (
            <p class="muted">No channels yet. Add one with the CLI or the API.</p>
          ) : (
            <div class="table-wrap">
              <table class="data">
                <thead>
                  <tr>
                    <th scope="col">Channel</th>
                    <th scope="col">Collector status</th>
                    <th scope="col">Last success</th>
                    <th scope="col">Last error</th>
                    <th scope="col" class="num">
                      Items
                    </th>
                    <th scope="col">Webhook URL</th>
                  </tr>
                </thead>
                <tbody>
                  {channels.map((ch) => (
                    <tr>
                      <th scope="row">
                        {ch.name}
                        <div class="sub">
                          {ch.platform} · {ch.external_account_id}
                        </div>
                      </th>
                      <td>
                        <span class={`badge channel-${ch.status}`}>{humanise(ch.status)}</span>
                      </td>
                      <td>
                        {formatDateTime(
                          ch.last_success_at ? new Date(ch.last_success_at) : null,
                          practice.time_zone,
                        )}
                      </td>
                      <td>
                        {ch.last_error ? (
                          <>
                            <span class="error-text">{ch.last_error}</span>
                            <div class="sub">
                              {formatDateTime(
                                ch.last_error_at ? new Date(ch.last_error_at) : null,
                                practice.time_zone,
                              )}
                            </div>
                          </>
                        ) : (
                          <span class="muted">none</span>
                        )}
                      </td>
                      <td class="num">{ch.items_collected}</td>
                      <td>
                        <code>
                          /hooks/{ch.platform}/{ch.id}
                        </code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </>,
      { title: `Settings · ${practice.name}`, active: 'settings' },
    )
  })

  app.post('/practices/:practiceId/settings/schedule', async (c) => {
    const auth = authOf(c)
    const practice = permittedPractice(auth, c.req.param('practiceId'))
    assertCanWrite(auth)
    const spec = scheduleFromForm(await c.req.parseBody())
    await saveSchedule(c.var.services.db, auth.organisationId, practice.id, spec, {
      effectiveFrom: c.var.services.now(),
      createdBy: auth.user.email,
    })
    return c.redirect(
      `/practices/${encodeURIComponent(practice.id)}/settings?notice=schedule-saved`,
      303,
    )
  })

  app.post('/practices/:practiceId/settings/promise', async (c) => {
    const auth = authOf(c)
    const practice = permittedPractice(auth, c.req.param('practiceId'))
    assertCanWrite(auth)
    const spec = promiseFromForm(await c.req.parseBody())
    await savePromise(c.var.services.db, auth.organisationId, practice.id, spec, {
      effectiveFrom: c.var.services.now(),
      createdBy: auth.user.email,
    })
    return c.redirect(
      `/practices/${encodeURIComponent(practice.id)}/settings?notice=promise-saved`,
      303,
    )
  })

  return app
}
