/**
 * @module The one place a sender's credentials come from: core's sealed channel credentials put
 * back into the channel's config (`configWithCredentials`, the same view the collectors get;
 * older channels keep inline or `env:NAME` tokens in the config), mapped to each sender's shape.
 */
import { type ChannelRow, configWithCredentials, type Database, EarshotError } from '@earshot/core'
import type { Kysely } from 'kysely'
import { googleAccessToken } from '../google/google-auth.js'
import { googleConfigSchema } from '../google/google-collector.js'
import { youtubeConfigSchema } from '../youtube/youtube-collector.js'

/** Sender config for a channel (the shape `replySenderFor` validates per platform). */
export async function senderConfigFor(
  db: Kysely<Database>,
  channel: Pick<
    ChannelRow,
    'organisation_id' | 'id' | 'platform' | 'external_account_id' | 'config'
  >,
  fetch?: typeof globalThis.fetch,
): Promise<Record<string, unknown>> {
  const config = await configWithCredentials(
    db,
    channel.organisation_id,
    channel.id,
    (channel.config ?? {}) as Record<string, unknown>,
  )
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
        accessToken: config.accessToken ?? config.userAccessToken ?? config.bearerToken,
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
