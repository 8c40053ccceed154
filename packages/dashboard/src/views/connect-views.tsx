/**
 * @module The pages of the connect flow: the provider buttons, the "taking you to …" hand-off,
 * the account picker and the failure page. Account names come from the platform and are
 * escaped like any user text; no page ever holds a token.
 */
import type { ConnectableAccount, ConnectProvider } from '@earshot/collectors'
import { providerName } from '@earshot/collectors'
import type { Child } from 'hono/jsx'
import { CsrfField, Notice } from './components.js'

/** What each provider connects, for the buttons. */
export const PROVIDER_OFFERS: Record<ConnectProvider, string> = {
  facebook: 'Facebook Pages and their Instagram professional accounts',
  google: 'Google Business Profile locations (reviews) and a YouTube channel',
  x: 'an X account (mentions and replies)',
}

/** One "Connect …" form per provider; unconfigured ones say which variables to set. */
export function ConnectButtons(props: {
  action: (provider: ConnectProvider) => string
  providers: readonly ConnectProvider[]
  configured: (provider: ConnectProvider) => boolean
  envOf: (provider: ConnectProvider) => string[]
  csrf: string | null
  canWrite: boolean
  only?: ConnectProvider
}) {
  const list = props.only ? [props.only] : props.providers
  return (
    <ul class="plain-list connect-list">
      {list.map((p) => (
        <li>
          {props.configured(p) && props.canWrite ? (
            <form method="post" action={props.action(p)} class="inline-form">
              <CsrfField token={props.csrf} />
              <button type="submit" class="button">
                {props.only ? `Reconnect with ${providerName(p)}` : `Connect ${providerName(p)}`}
              </button>{' '}
              <span class="muted">{PROVIDER_OFFERS[p]}</span>
            </form>
          ) : props.configured(p) ? (
            <span class="muted">
              {providerName(p)}: your role is read-only, ask a manager to connect it.
            </span>
          ) : (
            <span class="muted">
              {providerName(p)} is not set up on this server: the operator sets{' '}
              {props.envOf(p).map((name, i) => (
                <>
                  {i > 0 ? ' and ' : ''}
                  <code>{name}</code>
                </>
              ))}{' '}
              (see docs/deployment.md). A token can still be pasted with{' '}
              <code>earshot channel add --token</code>.
            </span>
          )}
        </li>
      ))}
    </ul>
  )
}

/**
 * The hand-off page after "Connect": a meta refresh to the provider. A redirect answering the
 * form would be blocked by the page's `form-action 'self'` policy; a navigation is not.
 */
export function HandOffPage({ provider, url }: { provider: ConnectProvider; url: string }) {
  const name = providerName(provider)
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta http-equiv="refresh" content={`0;url=${url}`} />
        <meta name="referrer" content="no-referrer" />
        <title>{`Continue to ${name} · Earshot`}</title>
        <link rel="stylesheet" href="/assets/app.css" />
      </head>
      <body class="bare">
        <main id="main">
          <p>
            Taking you to {name} to sign in… <a href={url}>Continue to {name}</a>
          </p>
        </main>
      </body>
    </html>
  )
}

/** The picker: every account the sign-in reaches, with why some cannot be connected. */
export function PickAccounts(props: {
  provider: ConnectProvider
  accounts: ConnectableAccount[]
  practiceName: string
  action: string
  csrf: string | null
}) {
  const connectable = props.accounts.filter((a) => a.problem === undefined)
  return (
    <>
      <h1>Choose what to connect</h1>
      <p class="lede">
        {providerName(props.provider)} lets Earshot reach {props.accounts.length}{' '}
        {props.accounts.length === 1 ? 'account' : 'accounts'}. Each one you tick becomes a channel
        of {props.practiceName}.
      </p>
      {props.accounts.length === 0 ? (
        <Notice kind="error">
          This sign-in reaches no Pages, locations or channels. Sign in as someone who manages them,
          or check that they were ticked on the consent screen.
        </Notice>
      ) : null}
      <form method="post" action={props.action} class="card">
        <CsrfField token={props.csrf} />
        <fieldset>
          <legend>Accounts</legend>
          <ul class="plain-list">
            {props.accounts.map((a) => (
              <li>
                <label>
                  <input
                    type="checkbox"
                    name="account"
                    value={a.key}
                    checked={a.problem === undefined}
                    disabled={a.problem !== undefined}
                  />{' '}
                  <strong>{a.name}</strong> <span class="muted">{a.detail ?? a.platform}</span>
                </label>
                {a.problem ? <p class="field-error">{a.problem}</p> : null}
              </li>
            ))}
          </ul>
        </fieldset>
        <button type="submit" class="button" disabled={connectable.length === 0}>
          Connect selected
        </button>{' '}
        <button type="submit" name="cancel" value="1" class="button secondary">
          Cancel
        </button>
      </form>
    </>
  )
}

/** Why a connection did not happen, and the way back. */
export function ConnectFailed({ message, back }: { message: string; back: string }): Child {
  return (
    <>
      <h1>Nothing was connected</h1>
      <Notice kind="error">{message}</Notice>
      <p>
        <a href={back}>Back to connecting accounts</a>
      </p>
    </>
  )
}
