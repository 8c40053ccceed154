/**
 * @module Editing a channel: rename it, change an RSS feed's URL or the poll interval, and rotate
 * the web-chat signing secret or the Facebook/Instagram verify token (new random values, shown on
 * the channel page like the first ones). Managers and admins of its practice; another tenant's
 * channel is a 404. Tokens are not edited here: they are pasted (sealed) or connected by OAuth.
 */
import { getChannel, updateChannel } from '@earshot/core'
import { Hono } from 'hono'
import { recordUserAction } from '../../audit/user-actions.js'
import { assertCanWrite, authOf } from '../../http/auth-middleware.js'
import type { DashboardEnv } from '../../http/dashboard-env.js'
import { HttpError } from '../../http/http-errors.js'
import { channelSecretKind, newChannelSecret } from '../../setup/channel-secrets.js'
import {
  type ChannelSettingsErrors,
  ChannelSettingsForm,
} from '../../views/setup/channel-settings-form.js'
import { str } from './channel-setup-routes.js'

/** Routes under `/setup/channels/:channelId/settings`. */
export function channelEditRoutes(): Hono<DashboardEnv> {
  const app = new Hono<DashboardEnv>()

  app.post('/setup/channels/:channelId/settings', async (c) => {
    const auth = authOf(c)
    assertCanWrite(auth)
    const { db, now } = c.var.services
    const channel = await getChannel(db, c.req.param('channelId'), auth.organisationId)
    if (!channel || !auth.practices.some((p) => p.id === channel.practice_id))
      throw new HttpError('NOT_FOUND', 'no such channel')
    const body = await c.req.parseBody()
    const name = str(body.name, 200)
    const url = str(body.url, 2000)
    const pollText = str(body.poll, 10)
    const poll = pollText === '' ? undefined : Number(pollText)
    const errors: ChannelSettingsErrors = {}
    if (!name) errors.name = 'give the channel a name'
    if (channel.platform === 'rss' && !/^https?:\/\/\S+$/.test(url))
      errors.url = 'an RSS channel needs the feed URL (http or https)'
    if (poll !== undefined && !(Number.isInteger(poll) && poll >= 1 && poll <= 1440))
      errors.poll = 'a whole number of minutes from 1 to 1440'
    if (Object.keys(errors).length) {
      c.status(400)
      return c.render(
        <>
          <h1>{channel.name}</h1>
          <section class="card">
            <h2>Settings</h2>
            <ChannelSettingsForm
              channel={{ ...channel, name: name || channel.name }}
              csrfToken={auth.csrfToken}
              errors={errors}
            />
          </section>
        </>,
        { title: channel.name, active: 'setup' },
      )
    }
    const rotatable = channelSecretKind(channel.platform)
    const rotate = rotatable !== undefined && body.rotate === rotatable ? rotatable : undefined
    const config: Record<string, unknown> = {}
    if (channel.platform === 'rss') config.url = url
    if (rotate) config[rotate] = newChannelSecret(rotate)
    await db.transaction().execute(async (trx) => {
      await updateChannel(trx, auth.organisationId, channel.id, {
        name,
        config,
        ...(poll !== undefined ? { pollIntervalSeconds: poll * 60 } : {}),
      })
      await recordUserAction(
        trx,
        {
          organisationId: auth.organisationId,
          userId: auth.user.id,
          practiceId: channel.practice_id,
          action: 'channel.updated',
          targetType: 'channel',
          targetId: channel.id,
          // Never the secret itself: only that it was rotated.
          detail: {
            name,
            ...(channel.platform === 'rss' ? { url } : {}),
            ...(poll !== undefined ? { pollMinutes: poll } : {}),
            ...(rotate ? { rotated: rotate } : {}),
          },
        },
        now(),
      )
    })
    return c.redirect(
      `/setup/channels/${encodeURIComponent(channel.id)}?notice=${rotate ? 'rotated' : 'saved'}`,
      303,
    )
  })

  return app
}
