/**
 * @module The one place a sender's credentials come from. Today they are read from the channel's
 * collector config the way the collectors read them (inline or `env:NAME`); when core's
 * encrypted `loadChannelCredentials` lands, this function switches to it and nothing else changes.
 */
import type { ChannelRow } from '@earshot/core'
import { EarshotError } from '@earshot/core'
import { googleAccessToken } from '../google/google-auth.js'
import { googleConfigSchema } from '../google/google-collector.js'
import { youtubeConfigSchema } from '../youtube/youtube-collector.js'

/** Sender config for a channel (the shape `replySenderFor` validates per platform). */
export async function senderConfigFor(
  channel: Pick<ChannelRow, 'platform' | 'external_account_id' | 'config'>,
  fetch?: typeof globalThis.fetch,
): Promise<Record<string, unknown>> {
  const config = (channel.config ?? {}) as Record<string, unknown>
  switch (channel.platform) {
    case 'facebook':
    case 'instagram':
      return {
        accessToken: config.accessToken,
        accountId: channel.external_account_id,
        ...(config.apiVersion ? { apiVersion: config.apiVersion } : {}),
        ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
        humanAgentTag: config.humanAgentTag === true,
      }
    case 'x':
      return {
        // A write needs a user-context token; an app-only bearer token cannot post.
        accessToken: config.userAccessToken ?? config.bearerToken,
        ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
        canSendDms: config.canSendDms === true,
      }
    case 'google': {
      const parsed = googleConfigSchema.parse(config)
      return {
        accessToken: await googleAccessToken(parsed, 'google', fetch ? { fetch } : {}),
        location: parsed.locationName ?? channel.external_account_id,
        baseUrl: parsed.baseUrl,
      }
    }
    case 'youtube': {
      const parsed = youtubeConfigSchema.parse(config)
      return {
        accessToken: await googleAccessToken(parsed, 'youtube', fetch ? { fetch } : {}),
        baseUrl: parsed.baseUrl,
      }
    }
    case 'webchat':
      return { secret: config.secret, replyUrl: config.replyUrl }
    default:
      throw new EarshotError('INVALID_INPUT', `replying on ${channel.platform} is not supported`)
  }
}
