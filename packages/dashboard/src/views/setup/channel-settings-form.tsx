/** @module The channel page's settings form: name, feed URL (RSS), poll interval, secret rotation. */
import type { ChannelRow } from '@earshot/core'
import { channelSecretKind } from '../../setup/channel-secrets.js'
import { CsrfField } from '../components.js'
import { FieldError } from './field-error.js'

export interface ChannelSettingsErrors {
  name?: string
  url?: string
  poll?: string
}

function configString(channel: ChannelRow, key: string): string {
  const config = channel.config as Record<string, unknown> | null
  const value = config && typeof config === 'object' ? config[key] : undefined
  return typeof value === 'string' ? value : ''
}

export function ChannelSettingsForm({
  channel,
  csrfToken,
  errors = {},
}: {
  channel: ChannelRow
  csrfToken: string | null
  errors?: ChannelSettingsErrors
}) {
  const rotatable = channelSecretKind(channel.platform)
  return (
    <form
      method="post"
      action={`/setup/channels/${encodeURIComponent(channel.id)}/settings`}
      class="stack"
    >
      <CsrfField token={csrfToken} />
      <label>
        Name
        <input name="name" required maxlength={200} value={channel.name} />
        <FieldError id="name-error" message={errors.name} />
      </label>
      {channel.platform === 'rss' ? (
        <label>
          Feed URL
          <input name="url" type="url" maxlength={2000} value={configString(channel, 'url')} />
          <FieldError id="url-error" message={errors.url} />
        </label>
      ) : null}
      <label>
        Check for new items every (minutes)
        <input
          name="poll"
          type="number"
          min={1}
          max={1440}
          value={String(Math.round(channel.poll_interval_seconds / 60))}
        />
        <FieldError id="poll-error" message={errors.poll} />
      </label>
      {rotatable ? (
        <label class="checkbox">
          <input type="checkbox" name="rotate" value={rotatable} />{' '}
          {rotatable === 'secret'
            ? 'Generate a new signing secret (the site must be given the new one; the old one stops working at once)'
            : 'Generate a new webhook verify token (paste it into the app’s webhook settings)'}
        </label>
      ) : null}
      <div>
        <button type="submit">Save channel</button>
      </div>
    </form>
  )
}
