/**
 * @module The public promise page (no app chrome, no cookies, no scripts) and the badge's
 * settings page with the copy-paste embed snippet.
 */
import { badgeValue } from '../badge/badge-svg.js'
import type { PublicFigures } from '../badge/public-figures.js'
import { CsrfField, Notice } from './components.js'
import { formatDuration, formatPercent } from './format.js'

export function PublicPromisePage({ f, badgePath }: { f: PublicFigures; badgePath: string }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${f.practiceName}: our reply promise`}</title>
        <link rel="stylesheet" href="/assets/app.css" />
      </head>
      <body class="bare public-promise">
        <main id="main">
          <h1>{f.practiceName}</h1>
          <p class="lede">{f.statement}</p>
          <h2>{f.monthLabel} so far</h2>
          {f.answered === 0 || f.onTimeShare === null ? (
            <p>No replies have been due yet this month.</p>
          ) : (
            <dl class="public-figures">
              <div>
                <dt>Median time to reply (opening hours)</dt>
                <dd>{formatDuration(f.medianBusinessMs)}</dd>
              </div>
              <div>
                <dt>Replied on time</dt>
                <dd>{formatPercent(f.onTimeShare, 0)}</dd>
              </div>
              <div>
                <dt>Messages answered</dt>
                <dd>{String(f.answered)}</dd>
              </div>
            </dl>
          )}
          <p>
            <img src={badgePath} alt={`Replies this month: ${badgeValue(f)}`} />
          </p>
          <p class="muted">
            Live figures measured by Earshot against the practice's opening hours and holidays.
            Counts only: no messages or names are shown.
          </p>
        </main>
      </body>
    </html>
  )
}

export function BadgeSettingsView(props: {
  practice: { id: string; name: string }
  enabled: boolean
  pageUrl: string | null
  badgeUrl: string | null
  csrf: string | null
  notice?: string | undefined
}) {
  const base = `/practices/${encodeURIComponent(props.practice.id)}/badge`
  const snippet =
    props.pageUrl && props.badgeUrl
      ? `<a href="${props.pageUrl}"><img src="${props.badgeUrl}" alt="Our reply times this month" height="20"></a>`
      : null
  return (
    <>
      <h1>Public promise badge · {props.practice.name}</h1>
      <p class="lede">
        Show patients when you reply, kept honest by the numbers: a badge for your website and a
        small public page with this month's median reply time and share on time. Counts only, no
        patient data, no cookies.
      </p>
      {props.notice ? <Notice kind="ok">{props.notice}</Notice> : null}
      <form method="post" action={base}>
        <CsrfField token={props.csrf} />
        <input type="hidden" name="enabled" value={props.enabled ? 'off' : 'on'} />
        <button type="submit">
          {props.enabled ? 'Switch the badge off' : 'Publish the badge'}
        </button>
      </form>
      {props.enabled && snippet ? (
        <>
          <h2>Embed it</h2>
          <p>
            Public page: <a href={props.pageUrl!}>{props.pageUrl}</a>
          </p>
          <p>
            <img src={props.badgeUrl!} alt="The badge as it shows now" />
          </p>
          <label>
            Copy this into your website
            <textarea readonly rows={3} class="snippet">
              {snippet}
            </textarea>
          </label>
        </>
      ) : null}
    </>
  )
}
