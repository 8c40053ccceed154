/**
 * @module Connecting accounts with each platform's own OAuth flow:
 * `/practices/:id/connect` (the buttons) → POST starts a connection (state bound to the
 * session, stored hashed) and hands the browser to the provider → `/connect/:provider/callback`
 * checks the state, trades the code and lists the accounts → `/connect/pick/:id` creates the
 * picked channels with their tokens sealed (a Page is subscribed to webhooks).
 * `/channels/:id/connect` reconnects an existing channel (its status goes back to `active`).
 * Tokens stay on the server: no page, redirect or log line carries one.
 */
import {
  CONNECT_PROVIDERS,
  type ConnectProvider,
  finalizeConnection,
  isConnectError,
  providerName,
  readCallback,
} from '@earshot/collectors'
import { getChannel } from '@earshot/core'
import type { Context } from 'hono'
import { Hono } from 'hono'
import { recordUserAction } from '../audit/user-actions.js'
import { CONNECT_ENV } from '../connect/connect-config.js'
import {
  deleteConnection,
  loadPickingConnection,
  startConnection,
  storeAccountsForPicking,
  takeAuthorizingConnection,
} from '../connect/pending-connections.js'
import { listChannels } from '../core.js'
import { assertCanWrite, authOf, permittedPractice } from '../http/auth-middleware.js'
import type { AuthState, DashboardEnv } from '../http/dashboard-env.js'
import { HttpError } from '../http/http-errors.js'
import { Notice, StatusBadge } from '../views/components.js'
import { ConnectButtons, ConnectFailed, HandOffPage, PickAccounts } from '../views/connect-views.js'
import { formatDateTime } from '../views/format.js'

function providerParam(value: string | undefined): ConnectProvider {
  const provider = CONNECT_PROVIDERS.find((p) => p === value)
  if (!provider) throw new HttpError('NOT_FOUND', 'no such provider')
  return provider
}

/** A session is what a connection is bound to: API tokens cannot connect accounts. */
function sessionOf(auth: AuthState): string {
  if (!auth.sessionId)
    throw new HttpError('FORBIDDEN', 'sign in to the dashboard to connect accounts')
  return auth.sessionId
}

async function permittedChannel(c: Context<DashboardEnv>, auth: AuthState) {
  const channel = await getChannel(
    c.var.services.db,
    c.req.param('channelId') ?? '',
    auth.organisationId,
  )
  if (!channel) throw new HttpError('NOT_FOUND', 'no such channel')
  const practice = permittedPractice(auth, channel.practice_id)
  return { channel, practice }
}

const PROVIDER_OF: Record<string, ConnectProvider | undefined> = {
  facebook: 'facebook',
  instagram: 'facebook',
  google: 'google',
  youtube: 'google',
  x: 'x',
}

const NOTICES: Record<string, string> = {
  connected: 'Connected. New channels start collecting within a minute.',
  reconnected: 'Reconnected: the channel is active again.',
  cancelled: 'Cancelled: nothing was connected.',
}

/** Routes of the connect flow. */
export function connectRoutes(): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()

  app.get('/practices/:practiceId/connect', async (c) => {
    const auth = authOf(c)
    const practice = permittedPractice(auth, c.req.param('practiceId'))
    const { db } = c.var.services
    const connect = c.var.services.connect ?? {}
    const channels = await listChannels(db, auth.organisationId, practice.id)
    const pid = encodeURIComponent(practice.id)
    const notice = NOTICES[c.req.query('notice') ?? '']
    return c.render(
      <>
        <p class="breadcrumb">
          <a href={`/practices/${pid}`}>{practice.name}</a> ›
        </p>
        <h1>Connect accounts</h1>
        {notice ? <Notice kind="ok">{notice}</Notice> : null}
        <p class="lede">
          Sign in with the platform and pick what Earshot may read and answer. Tokens are kept
          encrypted on the server and never shown.
        </p>
        <ConnectButtons
          action={(p) => `/practices/${pid}/connect/${p}`}
          providers={CONNECT_PROVIDERS}
          configured={(p) => connect[p] !== undefined}
          envOf={(p) => CONNECT_ENV[p]}
          csrf={auth.csrfToken}
          canWrite={auth.canWrite}
        />
        <h2>Channels of {practice.name}</h2>
        <ul class="plain-list">
          {channels.map((ch) => (
            <li>
              <strong>{ch.name}</strong> <span class="muted">{ch.platform}</span>{' '}
              <StatusBadge status={ch.status} />
              {PROVIDER_OF[ch.platform] ? (
                <>
                  {' '}
                  <a href={`/channels/${encodeURIComponent(ch.id)}/connect`}>Reconnect</a>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      </>,
      { title: 'Connect accounts', active: 'settings' },
    )
  })

  app.post('/practices/:practiceId/connect/:provider', async (c) => {
    const auth = authOf(c)
    assertCanWrite(auth)
    const practice = permittedPractice(auth, c.req.param('practiceId'))
    const provider = providerParam(c.req.param('provider'))
    const { db, now } = c.var.services
    const connect = c.var.services.connect ?? {}
    const flow = connect[provider]
    if (!flow)
      throw new HttpError('NOT_FOUND', `${providerName(provider)} is not set up on this server`)
    const { authorizeUrl } = await startConnection(db, {
      organisationId: auth.organisationId,
      userId: auth.user.id,
      sessionId: sessionOf(auth),
      practiceId: practice.id,
      flow,
      now: now(),
    })
    return c.html(<HandOffPage provider={provider} url={authorizeUrl} />)
  })

  app.get('/channels/:channelId/connect', async (c) => {
    const auth = authOf(c)
    const { channel, practice } = await permittedChannel(c, auth)
    const provider = PROVIDER_OF[channel.platform]
    const connect = c.var.services.connect ?? {}
    const notice = NOTICES[c.req.query('notice') ?? '']
    return c.render(
      <>
        <p class="breadcrumb">
          <a href={`/practices/${encodeURIComponent(practice.id)}`}>{practice.name}</a> ›{' '}
          <a href={`/practices/${encodeURIComponent(practice.id)}/connect`}>Connect accounts</a> ›
        </p>
        <h1>{channel.name}</h1>
        {notice ? <Notice kind="ok">{notice}</Notice> : null}
        <dl class="facts">
          <dt>Platform</dt>
          <dd>{channel.platform}</dd>
          <dt>Status</dt>
          <dd>
            <StatusBadge status={channel.status} />
          </dd>
          <dt>Last success</dt>
          <dd>
            {channel.last_success_at
              ? formatDateTime(new Date(channel.last_success_at), practice.time_zone)
              : 'never'}
          </dd>
          <dt>Last error</dt>
          <dd>{channel.last_error ?? 'none'}</dd>
        </dl>
        {provider ? (
          <ConnectButtons
            action={(p) => `/channels/${encodeURIComponent(channel.id)}/connect/${p}`}
            providers={CONNECT_PROVIDERS}
            only={provider}
            configured={(p) => connect[p] !== undefined}
            envOf={(p) => CONNECT_ENV[p]}
            csrf={auth.csrfToken}
            canWrite={auth.canWrite}
          />
        ) : (
          <p class="muted">{channel.platform} channels are not connected by signing in.</p>
        )}
      </>,
      { title: `Reconnect ${channel.name}`, active: 'settings' },
    )
  })

  app.post('/channels/:channelId/connect/:provider', async (c) => {
    const auth = authOf(c)
    assertCanWrite(auth)
    const { channel, practice } = await permittedChannel(c, auth)
    const provider = providerParam(c.req.param('provider'))
    if (PROVIDER_OF[channel.platform] !== provider)
      throw new HttpError(
        'INVALID_INPUT',
        `a ${channel.platform} channel is not reconnected with ${providerName(provider)}`,
      )
    const { db, now } = c.var.services
    const connect = c.var.services.connect ?? {}
    const flow = connect[provider]
    if (!flow)
      throw new HttpError('NOT_FOUND', `${providerName(provider)} is not set up on this server`)
    const { authorizeUrl } = await startConnection(db, {
      organisationId: auth.organisationId,
      userId: auth.user.id,
      sessionId: sessionOf(auth),
      practiceId: practice.id,
      channelId: channel.id,
      flow,
      now: now(),
    })
    return c.html(<HandOffPage provider={provider} url={authorizeUrl} />)
  })

  app.get('/connect/:provider/callback', async (c) => {
    const auth = authOf(c)
    const provider = providerParam(c.req.param('provider'))
    const { db, now } = c.var.services
    const connect = c.var.services.connect ?? {}
    const query = new URL(c.req.url).searchParams
    let back = '/settings'
    try {
      const pending = await takeAuthorizingConnection(db, {
        state: query.get('state') ?? '',
        provider,
        sessionId: sessionOf(auth),
        now: now(),
      })
      if (pending.organisationId !== auth.organisationId || pending.userId !== auth.user.id)
        throw new HttpError('NOT_FOUND', 'no such connection')
      const practice = permittedPractice(auth, pending.practiceId)
      back = pending.channelId
        ? `/channels/${encodeURIComponent(pending.channelId)}/connect`
        : `/practices/${encodeURIComponent(practice.id)}/connect`
      const flow = connect[provider]
      if (!flow)
        throw new HttpError('NOT_FOUND', `${providerName(provider)} is not set up on this server`)
      const { code } = readCallback(provider, query)
      const grant = await flow.exchangeCode({ code, codeVerifier: pending.codeVerifier })
      const accounts = await flow.listAccounts(grant)
      if (pending.channelId) {
        // A reconnect needs no picking: the channel's own account is the one to renew.
        await finalizeConnection(db, {
          organisationId: auth.organisationId,
          practiceId: practice.id,
          flow,
          accounts,
          channelId: pending.channelId,
        })
        await recordUserAction(
          db,
          {
            organisationId: auth.organisationId,
            userId: auth.user.id,
            practiceId: practice.id,
            action: 'channel.connected',
            targetType: 'channel',
            targetId: pending.channelId,
            detail: { provider, reconnect: true },
          },
          now(),
        )
        return c.redirect(`${back}?notice=reconnected`, 303)
      }
      const id = await storeAccountsForPicking(db, {
        organisationId: auth.organisationId,
        userId: auth.user.id,
        sessionId: sessionOf(auth),
        pending,
        accounts,
        now: now(),
      })
      return c.redirect(`/connect/pick/${encodeURIComponent(id)}`, 303)
    } catch (error) {
      if (!isConnectError(error)) throw error
      c.status(error.kind === 'state_mismatch' ? 403 : 400)
      return c.render(<ConnectFailed message={error.message} back={back} />, {
        title: 'Nothing was connected',
        active: 'settings',
      })
    }
  })

  app.get('/connect/pick/:id', async (c) => {
    const auth = authOf(c)
    const { db, now } = c.var.services
    const pending = await loadPickingConnection(db, {
      organisationId: auth.organisationId,
      userId: auth.user.id,
      sessionId: sessionOf(auth),
      id: c.req.param('id'),
      now: now(),
    })
    if (!pending)
      throw new HttpError('NOT_FOUND', 'this connection expired or was already used; start again')
    const practice = permittedPractice(auth, pending.practiceId)
    return c.render(
      <PickAccounts
        provider={pending.provider}
        accounts={pending.accounts}
        practiceName={practice.name}
        action={`/connect/pick/${encodeURIComponent(pending.id)}`}
        csrf={auth.csrfToken}
      />,
      { title: 'Choose what to connect', active: 'settings' },
    )
  })

  app.post('/connect/pick/:id', async (c) => {
    const auth = authOf(c)
    assertCanWrite(auth)
    const { db, now } = c.var.services
    const connect = c.var.services.connect ?? {}
    const pending = await loadPickingConnection(db, {
      organisationId: auth.organisationId,
      userId: auth.user.id,
      sessionId: sessionOf(auth),
      id: c.req.param('id'),
      now: now(),
    })
    if (!pending)
      throw new HttpError('NOT_FOUND', 'this connection expired or was already used; start again')
    const practice = permittedPractice(auth, pending.practiceId)
    const back = `/practices/${encodeURIComponent(practice.id)}/connect`
    const body = await c.req.parseBody({ all: true })
    if (body.cancel) {
      await deleteConnection(db, auth.organisationId, pending.id)
      return c.redirect(`${back}?notice=cancelled`, 303)
    }
    const raw = body.account
    const keys = new Set((Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String))
    const picked = pending.accounts.filter((a) => keys.has(a.key))
    const flow = connect[pending.provider]
    if (!flow)
      throw new HttpError(
        'NOT_FOUND',
        `${providerName(pending.provider)} is not set up on this server`,
      )
    try {
      const done = await finalizeConnection(db, {
        organisationId: auth.organisationId,
        practiceId: practice.id,
        flow,
        accounts: picked,
      })
      await deleteConnection(db, auth.organisationId, pending.id)
      for (const d of done)
        await recordUserAction(
          db,
          {
            organisationId: auth.organisationId,
            userId: auth.user.id,
            practiceId: practice.id,
            action: 'channel.connected',
            targetType: 'channel',
            targetId: d.channelId,
            detail: {
              provider: pending.provider,
              platform: d.platform,
              name: d.name,
              created: d.created,
            },
          },
          now(),
        )
      return c.redirect(`${back}?notice=connected`, 303)
    } catch (error) {
      if (!isConnectError(error)) throw error
      c.status(400)
      return c.render(<ConnectFailed message={error.message} back={back} />, {
        title: 'Nothing was connected',
        active: 'settings',
      })
    }
  })

  return app
}
