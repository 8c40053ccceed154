/**
 * @module The security pages: the signed-in sessions (device, created, last seen) with revoke
 * buttons, two-factor status and enrolment (QR code, secret, recovery codes shown once), the
 * password change form, and the re-authentication form sensitive actions send people to.
 */
import type { SessionSummary } from '../../auth/sessions.js'
import type { TotpEnrolment } from '../../auth/two-factor.js'
import { CsrfField, Notice } from '../components.js'
import { formatDateTime } from '../format.js'

/** A short device description from a user agent (the whole string is in the title). */
export function deviceOf(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device'
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrome\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : 'Browser'
  const os = /Windows/.test(userAgent)
    ? 'Windows'
    : /iPhone|iPad/.test(userAgent)
      ? 'iOS'
      : /Android/.test(userAgent)
        ? 'Android'
        : /Mac OS X/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : ''
  return os ? `${browser} on ${os}` : browser
}

export interface SecurityPageProps {
  csrf: string
  sessions: SessionSummary[]
  currentSessionId: string | null
  twoFactor: { enabled: boolean; recoveryCodesLeft: number }
  notice?: { kind: 'ok' | 'error'; text: string }
  passwordError?: string
}

export function SecurityPage(props: SecurityPageProps) {
  const { csrf, sessions, currentSessionId, twoFactor, notice } = props
  return (
    <>
      <h1>Security</h1>
      <p class="lede">Your sign-ins, two-step sign-in and password.</p>
      {notice ? <Notice kind={notice.kind}>{notice.text}</Notice> : null}

      <section class="card" aria-labelledby="sessions-h">
        <h2 id="sessions-h">Where you are signed in</h2>
        <table class="data">
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Signed in</th>
              <th scope="col">Last seen</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr>
                <td title={s.userAgent ?? ''}>
                  {deviceOf(s.userAgent)}
                  {s.publicId === currentSessionId ? (
                    <strong class="muted"> (this device)</strong>
                  ) : null}
                </td>
                <td>{formatDateTime(s.createdAt)}</td>
                <td>{formatDateTime(s.lastSeenAt)}</td>
                <td>
                  {s.publicId === currentSessionId ? null : (
                    <form
                      method="post"
                      action={`/account/sessions/${s.publicId}/revoke`}
                      class="inline"
                    >
                      <CsrfField token={csrf} />
                      <button type="submit" class="link-button">
                        Sign out
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {sessions.length > 1 ? (
          <form method="post" action="/account/sessions/revoke-others">
            <CsrfField token={csrf} />
            <button type="submit">Sign out everywhere else</button>
          </form>
        ) : null}
      </section>

      <section class="card" aria-labelledby="two-factor-h">
        <h2 id="two-factor-h">Two-step sign-in</h2>
        {twoFactor.enabled ? (
          <>
            <p>
              On: signing in asks for a code from your authenticator app.{' '}
              {twoFactor.recoveryCodesLeft} unused recovery code(s) left.
            </p>
            <form method="post" action="/account/two-factor/disable">
              <CsrfField token={csrf} />
              <button type="submit">Turn off two-step sign-in</button>
            </form>
          </>
        ) : (
          <>
            <p>Off. Turn it on to ask for a code from an authenticator app at every sign-in.</p>
            <form method="post" action="/account/two-factor/enrol">
              <CsrfField token={csrf} />
              <button type="submit">Set up two-step sign-in</button>
            </form>
          </>
        )}
      </section>

      <section class="card" aria-labelledby="password-h">
        <h2 id="password-h">Change password</h2>
        <p class="muted">
          At least 12 characters; a few unrelated words work well. Other sign-ins are signed out.
        </p>
        {props.passwordError ? <Notice kind="error">{props.passwordError}</Notice> : null}
        <form method="post" action="/account/security/password" class="stack">
          <CsrfField token={csrf} />
          <label>
            Current password
            <input type="password" name="current" autocomplete="current-password" required />
          </label>
          <label>
            New password
            <input
              type="password"
              name="password"
              autocomplete="new-password"
              required
              minlength={12}
              maxlength={128}
            />
          </label>
          <label>
            New password again
            <input type="password" name="confirm" autocomplete="new-password" required />
          </label>
          <button type="submit">Change password</button>
        </form>
      </section>
    </>
  )
}

export function EnrolPage({
  csrf,
  enrolment,
  error,
}: {
  csrf: string
  enrolment: TotpEnrolment
  error?: string
}) {
  return (
    <>
      <h1>Set up two-step sign-in</h1>
      <section class="card">
        <p>Scan this code with an authenticator app, or type the key into it.</p>
        <img
          src={enrolment.qrDataUri}
          alt="QR code of your two-step sign-in key"
          width={200}
          height={200}
        />
        <p>
          Key: <code class="totp-secret">{enrolment.secret}</code>
        </p>
        {error ? <Notice kind="error">{error}</Notice> : null}
        <form method="post" action="/account/two-factor/confirm" class="stack">
          <CsrfField token={csrf} />
          <label>
            The 6-digit code the app shows now
            <input
              type="text"
              name="code"
              inputmode="numeric"
              autocomplete="one-time-code"
              required
            />
          </label>
          <button type="submit">Turn on</button>
        </form>
      </section>
    </>
  )
}

export function RecoveryCodesPage({ codes }: { codes: string[] }) {
  return (
    <>
      <h1>Two-step sign-in is on</h1>
      <section class="card token-once">
        <p>
          Keep these recovery codes somewhere safe. Each signs you in once if you lose your phone.
          They are not shown again.
        </p>
        <ul class="recovery-codes">
          {codes.map((code) => (
            <li>
              <code>{code}</code>
            </li>
          ))}
        </ul>
        <p>
          <a href="/account/security">Back to security</a>
        </p>
      </section>
    </>
  )
}

export function ReauthPage({
  csrf,
  next,
  needsCode,
  error,
}: {
  csrf: string
  next: string
  needsCode: boolean
  error?: string
}) {
  return (
    <>
      <h1>Confirm it is you</h1>
      <section class="card">
        <p>This needs your password{needsCode ? ' and a code from your authenticator app' : ''}.</p>
        {error ? <Notice kind="error">{error}</Notice> : null}
        <form method="post" action="/reauth" class="stack">
          <CsrfField token={csrf} />
          <input type="hidden" name="next" value={next} />
          <label>
            Password
            <input type="password" name="password" autocomplete="current-password" required />
          </label>
          {needsCode ? (
            <label>
              Code (or a recovery code)
              <input
                type="text"
                name="code"
                inputmode="numeric"
                autocomplete="one-time-code"
                required
              />
            </label>
          ) : null}
          <button type="submit">Continue</button>
        </form>
      </section>
    </>
  )
}
