/**
 * @module The channels pages: every channel of the user's practices with its health (last
 * success, last error in words, whether it needs reconnecting), a new channel, and for each one
 * what to paste into the platform, its settings (channel-edit-routes), the paste-a-token form for self-hosters (the token is sealed
 * with core's `saveChannelCredentials` and never shown again), pause/resume and delete (only
 * while it has no mentions: a channel's history stays in the reports, so pause it instead).
 */
import {
  type ChannelRow,
  createChannel,
  getChannel,
  listChannels,
  PLATFORMS,
  type Platform,
  saveChannelCredentials,
  setChannelStatus,
} from '@earshot/core'
import { type Context, Hono } from 'hono'
import { recordUserAction } from '../../audit/user-actions.js'
import {
  assertCanWrite,
  authOf,
  permittedPractice,
  sensitiveAction,
} from '../../http/auth-middleware.js'
import type { AuthState, DashboardEnv } from '../../http/dashboard-env.js'
import { HttpError } from '../../http/http-errors.js'
import { reconnectHref } from '../../setup/channel-health.js'
import { initialChannelSecrets } from '../../setup/channel-secrets.js'
import { CsrfField, Notice } from '../../views/components.js'
import { formatDateTime, humanise } from '../../views/format.js'
import { ChannelSettingsForm } from '../../views/setup/channel-settings-form.js'
import { ChannelSnippets } from '../../views/setup/channel-snippets.js'
import { FieldError } from '../../views/setup/field-error.js'

const NOTICES: Record<string, string> = {
  created: 'Channel created.',
  token: 'Token stored encrypted. It is not shown again; paste a new one to replace it.',
  paused: 'Channel paused: nothing is collected until you resume it.',
  active: 'Channel resumed.',
  deleted: 'Channel deleted.',
  saved: 'Channel saved.',
  rotated: 'Channel saved with a new secret: give the platform or site the value below.',
}

/** A channel of the user's practices, or the same 404 as another tenant's id. */
async function permittedChannel(
  c: Context<DashboardEnv>,
  auth: AuthState,
): Promise<{ channel: ChannelRow; practiceName: string; zone: string }> {
  const channel = await getChannel(
    c.var.services.db,
    c.req.param('channelId') ?? '',
    auth.organisationId,
  )
  const practice = channel ? auth.practices.find((p) => p.id === channel.practice_id) : undefined
  if (!channel || !practice) throw new HttpError('NOT_FOUND', 'no such channel')
  return { channel, practiceName: practice.name, zone: practice.time_zone }
}

function Health({ channel, zone }: { channel: ChannelRow; zone: string }) {
  return (
    <>
      <span class={`badge channel-${channel.status}`}>{humanise(channel.status)}</span>
      <div class="sub">
        last success{' '}
        {channel.last_success_at
          ? formatDateTime(new Date(channel.last_success_at), zone)
          : 'never'}
      </div>
      {channel.last_error ? (
        <div class="sub">
          <span class="error-text">{channel.last_error}</span>{' '}
          {channel.last_error_at
            ? `(${formatDateTime(new Date(channel.last_error_at), zone)})`
            : ''}
        </div>
      ) : null}
    </>
  )
}

interface NewChannelForm {
  values: { practice: string; platform: string; name: string; account: string; url: string }
  errors: Partial<Record<'practice' | 'platform' | 'name' | 'account' | 'url', string>>
}

async function renderList(
  c: Context<DashboardEnv>,
  form?: NewChannelForm,
  status: 200 | 400 = 200,
) {
  const auth = authOf(c)
  assertCanWrite(auth)
  const only = c.req.query('practice')
  const practices = only ? [permittedPractice(auth, only)] : auth.practices
  const all = await listChannels(c.var.services.db, auth.organisationId)
  const ids = new Set(practices.map((p) => p.id))
  const channels = all.filter((ch) => ids.has(ch.practice_id))
  const notice = NOTICES[c.req.query('notice') ?? '']
  const v = form?.values ?? {
    practice: only ?? '',
    platform: 'facebook',
    name: '',
    account: '',
    url: '',
  }
  const e = form?.errors ?? {}
  c.status(status)
  return c.render(
    <>
      <h1>Channels</h1>
      {notice ? <Notice kind="ok">{notice}</Notice> : null}
      {practices.map((p) => {
        const mine = channels.filter((ch) => ch.practice_id === p.id)
        return (
          <section class="card" aria-labelledby={`p-${p.id}`}>
            <h2 id={`p-${p.id}`}>{p.name}</h2>
            <p>
              <a href={`/practices/${encodeURIComponent(p.id)}/connect`}>Connect an account</a>{' '}
              <span class="muted">(Facebook, Instagram, Google, YouTube, X by signing in)</span>
            </p>
            {mine.length === 0 ? (
              <p class="muted">No channels yet.</p>
            ) : (
              <div class="table-wrap">
                <table class="data">
                  <thead>
                    <tr>
                      <th scope="col">Channel</th>
                      <th scope="col">Health</th>
                      <th scope="col" class="num">
                        Items
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {mine.map((ch) => (
                      <tr>
                        <th scope="row">
                          <a href={`/setup/channels/${encodeURIComponent(ch.id)}`}>{ch.name}</a>
                          <div class="sub">
                            {ch.platform} · {ch.external_account_id}
                          </div>
                        </th>
                        <td>
                          <Health channel={ch} zone={p.time_zone} />
                          {ch.status === 'needs_reauth' ? (
                            <a href={reconnectHref(ch)}>Reconnect</a>
                          ) : null}
                        </td>
                        <td class="num">{ch.items_collected}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        )
      })}
      <section class="card" aria-labelledby="new-h">
        <h2 id="new-h">Add a channel by hand</h2>
        <p class="muted">
          For RSS feeds, web chat, and self-hosters who paste a token instead of signing in.
        </p>
        <form method="post" action="/setup/channels" class="stack" novalidate>
          <CsrfField token={auth.csrfToken} />
          <div class="row">
            <label>
              Practice
              <select name="practice">
                {auth.practices.map((p) => (
                  <option value={p.id} selected={p.id === v.practice}>
                    {p.name}
                  </option>
                ))}
              </select>
              <FieldError id="practice-error" message={e.practice} />
            </label>
            <label>
              Platform
              <select name="platform">
                {PLATFORMS.map((pl) => (
                  <option value={pl} selected={pl === v.platform}>
                    {pl}
                  </option>
                ))}
              </select>
              <FieldError id="platform-error" message={e.platform} />
            </label>
          </div>
          <div class="row">
            <label>
              Name
              <input
                type="text"
                name="name"
                maxlength={200}
                value={v.name}
                placeholder="Harbour Dental Facebook"
              />
              <FieldError id="name-error" message={e.name} />
            </label>
            <label>
              Account id on the platform
              <input
                type="text"
                name="account"
                maxlength={512}
                value={v.account}
                placeholder="page id, channel id, site name…"
              />
              <FieldError id="account-error" message={e.account} />
            </label>
            <label>
              Feed URL (RSS only)
              <input
                type="url"
                name="url"
                maxlength={2000}
                value={v.url}
                placeholder="https://…/feed.xml"
              />
              <FieldError id="url-error" message={e.url} />
            </label>
          </div>
          <div>
            <button type="submit">Add channel</button>
          </div>
        </form>
      </section>
    </>,
    { title: 'Channels', active: 'setup' },
  )
}

/** A form field as trimmed text of at most `max` characters ('' when absent). */
export const str = (v: unknown, max: number) =>
  typeof v === 'string' ? v.trim().slice(0, max) : ''

/** Routes under `/setup/channels`. */
export function channelSetupRoutes(): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()

  app.get('/setup/channels', (c) => renderList(c))

  app.post('/setup/channels', async (c) => {
    const auth = authOf(c)
    assertCanWrite(auth)
    const body = await c.req.parseBody()
    const values = {
      practice: str(body.practice, 200),
      platform: str(body.platform, 40),
      name: str(body.name, 200),
      account: str(body.account, 512),
      url: str(body.url, 2000),
    }
    const errors: NewChannelForm['errors'] = {}
    const practice = auth.practices.find((p) => p.id === values.practice)
    // Another tenant's practice id gets the same 404 as an unknown one.
    if (!practice) throw new HttpError('NOT_FOUND', 'no such practice')
    if (!(PLATFORMS as readonly string[]).includes(values.platform))
      errors.platform = 'pick a platform from the list'
    if (!values.name) errors.name = 'give the channel a name'
    if (values.platform === 'rss') {
      if (!/^https?:\/\/\S+$/.test(values.url))
        errors.url = 'an RSS channel needs the feed URL (http or https)'
      if (!values.account) values.account = values.url
    }
    if (!values.account) errors.account = 'type the account id on the platform'
    if (Object.keys(errors).length || !practice) return renderList(c, { values, errors }, 400)
    const platform = values.platform as Platform
    // Generated here so the owner can paste them into the platform (shown on the channel page).
    const config: Record<string, unknown> = initialChannelSecrets(platform)
    if (platform === 'rss') config.url = values.url
    const { db, now } = c.var.services
    const channel = await db.transaction().execute(async (trx) => {
      const created = await createChannel(trx, {
        organisationId: auth.organisationId,
        practiceId: practice.id,
        platform,
        name: values.name,
        externalAccountId: values.account,
        config,
      })
      await recordUserAction(
        trx,
        {
          organisationId: auth.organisationId,
          userId: auth.user.id,
          practiceId: practice.id,
          action: 'channel.created',
          targetType: 'channel',
          targetId: created.id,
          detail: { via: 'dashboard', platform, name: created.name },
        },
        now(),
      )
      return created
    })
    return c.redirect(`/setup/channels/${encodeURIComponent(channel.id)}?notice=created`, 303)
  })

  app.get('/setup/channels/:channelId', async (c) => {
    const auth = authOf(c)
    assertCanWrite(auth)
    const { channel, practiceName, zone } = await permittedChannel(c, auth)
    const cid = encodeURIComponent(channel.id)
    const notice = NOTICES[c.req.query('notice') ?? '']
    const tokenError =
      c.req.query('error') === 'token' ? 'Paste the token (it was empty or too long).' : undefined
    return c.render(
      <>
        <p class="breadcrumb">
          <a href={`/setup/channels?practice=${encodeURIComponent(channel.practice_id)}`}>
            {practiceName}
          </a>{' '}
          ›
        </p>
        <h1>{channel.name}</h1>
        {notice ? <Notice kind="ok">{notice}</Notice> : null}
        <section class="card" aria-labelledby="health-h">
          <h2 id="health-h">Health</h2>
          <p>
            {channel.platform} · {channel.external_account_id}
          </p>
          <Health channel={channel} zone={zone} />
          {channel.status === 'needs_reauth' ? (
            <p>
              <a class="button" href={reconnectHref(channel)}>
                Reconnect
              </a>
            </p>
          ) : null}
        </section>
        <section class="card" aria-labelledby="paste-h">
          <h2 id="paste-h">Set up on the platform</h2>
          <ChannelSnippets
            channel={channel}
            publicUrl={c.var.services.publicUrl ?? 'http://localhost:3000'}
          />
        </section>
        <section class="card" aria-labelledby="settings-h">
          <h2 id="settings-h">Settings</h2>
          <ChannelSettingsForm channel={channel} csrfToken={auth.csrfToken} />
        </section>
        <section class="card" id="token" aria-labelledby="token-h">
          <h2 id="token-h">Paste an access token</h2>
          <p class="muted">
            For self-hosters without an OAuth app. The token is stored encrypted and never shown
            again; pasting a new one replaces it and clears “needs reconnect”.
          </p>
          <form
            method="post"
            action={`/setup/channels/${cid}/token`}
            class="stack"
            autocomplete="off"
          >
            <CsrfField token={auth.csrfToken} />
            <label>
              Access token
              <input type="password" name="token" required maxlength={8192} autocomplete="off" />
              <FieldError id="token-error" message={tokenError} />
            </label>
            <div>
              <button type="submit">Store token</button>
            </div>
          </form>
        </section>
        <section class="card" aria-labelledby="manage-h">
          <h2 id="manage-h">Pause or delete</h2>
          <form method="post" action={`/setup/channels/${cid}/status`} class="inline">
            <CsrfField token={auth.csrfToken} />
            <input
              type="hidden"
              name="status"
              value={channel.status === 'paused' ? 'active' : 'paused'}
            />
            <button type="submit" class="secondary">
              {channel.status === 'paused' ? 'Resume collecting' : 'Pause collecting'}
            </button>
          </form>{' '}
          <form method="post" action={`/setup/channels/${cid}/delete`} class="inline">
            <CsrfField token={auth.csrfToken} />
            <button type="submit" class="secondary">
              Delete channel
            </button>
          </form>
          <p class="muted small">
            A channel with mentions cannot be deleted (its history stays in reports): pause it.
          </p>
        </section>
      </>,
      { title: channel.name, active: 'setup' },
    )
  })

  app.post('/setup/channels/:channelId/token', sensitiveAction(), async (c) => {
    const auth = authOf(c)
    assertCanWrite(auth)
    const { channel } = await permittedChannel(c, auth)
    const body = await c.req.parseBody()
    const token = typeof body.token === 'string' ? body.token.trim() : ''
    const cid = encodeURIComponent(channel.id)
    if (!token || token.length > 8192)
      return c.redirect(`/setup/channels/${cid}?error=token#token`, 303)
    const { db, now } = c.var.services
    await saveChannelCredentials(db, {
      organisationId: auth.organisationId,
      channelId: channel.id,
      accessToken: token,
    })
    if (channel.status === 'needs_reauth')
      await setChannelStatus(db, auth.organisationId, channel.id, 'active')
    await recordUserAction(
      db,
      {
        organisationId: auth.organisationId,
        userId: auth.user.id,
        practiceId: channel.practice_id,
        action: 'channel.connected',
        targetType: 'channel',
        targetId: channel.id,
        detail: { via: 'pasted token' },
      },
      now(),
    )
    return c.redirect(`/setup/channels/${cid}?notice=token`, 303)
  })

  app.post('/setup/channels/:channelId/status', async (c) => {
    const auth = authOf(c)
    assertCanWrite(auth)
    const { channel } = await permittedChannel(c, auth)
    const body = await c.req.parseBody()
    const status =
      body.status === 'paused' ? 'paused' : body.status === 'active' ? 'active' : undefined
    if (!status) throw new HttpError('INVALID_INPUT', 'status must be paused or active')
    const { db, now } = c.var.services
    await setChannelStatus(db, auth.organisationId, channel.id, status)
    await recordUserAction(
      db,
      {
        organisationId: auth.organisationId,
        userId: auth.user.id,
        practiceId: channel.practice_id,
        action: 'channel.updated',
        targetType: 'channel',
        targetId: channel.id,
        detail: { status, from: channel.status },
      },
      now(),
    )
    return c.redirect(`/setup/channels/${encodeURIComponent(channel.id)}?notice=${status}`, 303)
  })

  app.post('/setup/channels/:channelId/delete', async (c) => {
    const auth = authOf(c)
    assertCanWrite(auth)
    const { channel } = await permittedChannel(c, auth)
    const { db, now } = c.var.services
    const used = await db
      .selectFrom('mentions')
      .select('id')
      .where('organisation_id', '=', auth.organisationId)
      .where('channel_id', '=', channel.id)
      .limit(1)
      .executeTakeFirst()
    if (used)
      throw new HttpError(
        'CONFLICT',
        'this channel has mentions, which stay in the reports: pause it instead',
      )
    await db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('channels')
        .where('organisation_id', '=', auth.organisationId)
        .where('id', '=', channel.id)
        .execute()
      await recordUserAction(
        trx,
        {
          organisationId: auth.organisationId,
          userId: auth.user.id,
          practiceId: channel.practice_id,
          action: 'channel.disconnected',
          targetType: 'channel',
          targetId: channel.id,
          detail: { deleted: true, name: channel.name, platform: channel.platform },
        },
        now(),
      )
    })
    return c.redirect(
      `/setup/channels?practice=${encodeURIComponent(channel.practice_id)}&notice=deleted`,
      303,
    )
  })

  return app
}
