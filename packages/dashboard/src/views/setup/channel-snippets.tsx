/**
 * @module What a channel's owner pastes elsewhere: the feed URL of an RSS channel, the signing
 * secret and a signed example request of a web-chat channel, and the callback URL and verify
 * token of a webhook channel. Shown only to people who may change the channel.
 */
import type { ChannelRow } from '@earshot/core'

/** Platforms whose webhook subscription is verified with a token pasted into the platform. */
const VERIFY_TOKEN_PLATFORMS = new Set(['facebook', 'instagram'])
/** Platforms that can push to `/hooks/:platform/:channelId`. */
const WEBHOOK_PLATFORMS = new Set(['facebook', 'instagram', 'webchat', 'x', 'google'])

function configOf(channel: ChannelRow): Record<string, unknown> {
  return channel.config && typeof channel.config === 'object'
    ? (channel.config as Record<string, unknown>)
    : {}
}

/** The snippets for one channel; nothing for platforms that only poll. */
export function ChannelSnippets({
  channel,
  publicUrl,
}: {
  channel: ChannelRow
  publicUrl: string
}) {
  const config = configOf(channel)
  const callback = `${publicUrl}/hooks/${channel.platform}/${channel.id}`
  const secret = typeof config.secret === 'string' ? config.secret : undefined
  const verifyToken = typeof config.verifyToken === 'string' ? config.verifyToken : undefined
  return (
    <>
      {channel.platform === 'rss' && typeof config.url === 'string' ? (
        <p>
          Feed URL: <code>{config.url}</code>
        </p>
      ) : null}
      {WEBHOOK_PLATFORMS.has(channel.platform) ? (
        <p>
          Callback URL (paste into the platform's webhook settings): <code>{callback}</code>
        </p>
      ) : null}
      {VERIFY_TOKEN_PLATFORMS.has(channel.platform) && verifyToken ? (
        <p>
          Verify token: <code class="secret">{verifyToken}</code>
        </p>
      ) : null}
      {channel.platform === 'webchat' && secret ? (
        <>
          <p>
            Signing secret: <code class="secret">{secret}</code>
          </p>
          <p class="muted">
            Your site signs each chat message with it: <code>x-earshot-timestamp</code> (Unix
            seconds) and{' '}
            <code>x-earshot-signature: sha256=HMAC-SHA256(secret, timestamp.body)</code>, hex. For
            example, from a shell:
          </p>
          <pre class="snippet">
            <code>{`SECRET='${secret}'
BODY='{"type":"chat.message.created","id":"evt_1","occurred_at":"2026-12-02T10:00:00Z","data":{"message_id":"m1","conversation_id":"c1","author":{"id":"v1","name":"Visitor","role":"visitor"},"text":"Hello, can I book?"}}'
TS=$(date +%s)
SIG=$(printf '%s.%s' "$TS" "$BODY" | openssl dgst -sha256 -hmac "$SECRET" -hex | sed 's/^.* //')
curl -X POST '${callback}' \\
  -H 'content-type: application/json' \\
  -H "x-earshot-timestamp: $TS" -H "x-earshot-signature: sha256=$SIG" \\
  --data "$BODY"`}</code>
          </pre>
        </>
      ) : null}
    </>
  )
}
