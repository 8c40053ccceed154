/**
 * @module The page shell: head (own stylesheet and scripts only), the navigation for the
 * signed-in user, and the main landmark. Used through Hono's jsxRenderer.
 */
import type { Context } from 'hono'
import type { Child } from 'hono/jsx'
import { jsxRenderer } from 'hono/jsx-renderer'
import type { DashboardEnv } from '../http/dashboard-env.js'

/** What every page passes to `c.render`. */
export interface PageProps {
  title: string
  /** Which navigation entry is current. */
  active?:
    | 'overview'
    | 'inbox'
    | 'mentions'
    | 'exports'
    | 'settings'
    | 'practice'
    | 'alerts'
    | 'setup'
  /** Loads chart.js and the chart wiring. */
  charts?: boolean
  /** A page without the app chrome (sign-in, printable report). */
  bare?: boolean
}

declare module 'hono' {
  interface ContextRenderer {
    // biome-ignore lint/style/useShorthandFunctionType: declaration merging needs an interface
    (content: string | Promise<string>, props: PageProps): Response | Promise<Response>
  }
}

function Nav({ c, active }: { c: Context<DashboardEnv>; active: PageProps['active'] }) {
  const auth = c.var.auth
  if (!auth) return null
  const item = (key: NonNullable<PageProps['active']>, href: string, label: string) => (
    <li>
      <a class="nav-link" href={href} aria-current={active === key ? 'page' : undefined}>
        {label}
      </a>
    </li>
  )
  return (
    <header class="topbar">
      <a class="brand" href="/">
        <span class="brand-mark" aria-hidden="true">
          ◉
        </span>{' '}
        Earshot
      </a>
      <nav aria-label="Main">
        <ul>
          {item('overview', '/', 'Overview')}
          {item('inbox', '/inbox', 'Inbox')}
          {item('mentions', '/mentions', 'Mentions')}
          {item('exports', '/exports', 'Exports & reports')}
          {auth.canWrite ? item('settings', '/settings', 'Settings') : null}
          {item('setup', '/setup', 'Set-up')}
        </ul>
      </nav>
      <Bell c={c} active={active === 'alerts'} />
      <div class="whoami">
        <span>
          {auth.user.name} · <span class="muted">{auth.organisationName}</span> ·{' '}
          <span class="role">{auth.user.role.replace(/_/g, ' ')}</span>
        </span>
        {auth.csrfToken ? <a href="/account/security">Security</a> : null}
        {auth.csrfToken ? (
          <form method="post" action="/logout" class="inline">
            <input type="hidden" name="_csrf" value={auth.csrfToken} />
            <button type="submit" class="link-button">
              Sign out
            </button>
          </form>
        ) : null}
      </div>
    </header>
  )
}

/** The notification bell: the unread count (kept fresh by notifications.js), linking to the centre. */
function Bell({ c, active }: { c: Context<DashboardEnv>; active: boolean }) {
  const unread = c.var.unreadAlerts ?? 0
  return (
    <a
      class={`bell${unread > 0 ? ' has-unread' : ''}`}
      href="/alerts"
      data-bell
      aria-current={active ? 'page' : undefined}
      aria-label={unread === 1 ? 'Notifications: 1 unread' : `Notifications: ${unread} unread`}
    >
      <span aria-hidden="true">🔔</span>{' '}
      <span class="bell-count" data-bell-count>
        {unread > 0 ? String(unread) : ''}
      </span>
    </a>
  )
}

/** "Reconnect" for every channel of the user's practices whose token expired or lost a permission. */
function ReconnectBanner({ c }: { c: Context<DashboardEnv> }) {
  const items = c.var.reconnect ?? []
  if (items.length === 0) return null
  return (
    <div class="banner-reconnect" role="alert">
      {items.length === 1
        ? 'A channel stopped collecting'
        : `${items.length} channels stopped collecting`}
      : the platform no longer accepts Earshot's access.{' '}
      {items.map((ch, i) => (
        <>
          {i > 0 ? ' · ' : ''}
          <a href={ch.href}>Reconnect {ch.name}</a> <span class="muted">({ch.platform})</span>
        </>
      ))}
    </div>
  )
}

/** The jsxRenderer middleware that wraps every page. */
export const layout = jsxRenderer<DashboardEnv>(
  ({ children, title, active, charts, bare }, c) => {
    const ctx = c as unknown as Context<DashboardEnv>
    const body: Child = children
    return (
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="referrer" content="same-origin" />
          <title>{`${title} · Earshot`}</title>
          <link rel="icon" href="/assets/favicon.svg" type="image/svg+xml" />
          <link rel="stylesheet" href="/assets/app.css" />
          {charts ? <script src="/assets/chart.umd.js" defer /> : null}
          <script src="/assets/app.js" defer />
          {ctx.var.auth && !bare ? <script src="/assets/notifications.js" defer /> : null}
        </head>
        <body class={bare ? 'bare' : undefined}>
          <a class="skip-link" href="#main">
            Skip to content
          </a>
          {bare ? null : <Nav c={ctx} active={active} />}
          {bare ? null : <ReconnectBanner c={ctx} />}
          <main id="main">{body}</main>
        </body>
      </html>
    )
  },
  { docType: '<!doctype html>' },
)
