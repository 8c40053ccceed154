/**
 * @module Which sender answers a channel: built from the platform and the sender config the
 * channel's credentials provide.
 */
import { EarshotError } from '@earshot/core'
import { googleSender, googleSenderConfigSchema } from './google-sender.js'
import { facebookSender, instagramSender, metaSenderConfigSchema } from './meta-sender.js'
import type { ReplySender, SenderOptions } from './reply-sender.js'
import { webchatSender, webchatSenderConfigSchema } from './webchat-sender.js'
import { xSender, xSenderConfigSchema } from './x-sender.js'
import { youtubeSender, youtubeSenderConfigSchema } from './youtube-sender.js'

/** The platforms Earshot can reply on. */
export const REPLY_PLATFORMS = [
  'facebook',
  'instagram',
  'x',
  'google',
  'youtube',
  'webchat',
] as const
export type ReplyPlatform = (typeof REPLY_PLATFORMS)[number]

/** Whether Earshot can reply on a platform at all (RSS, imports and others cannot). */
export function canReplyOn(platform: string): platform is ReplyPlatform {
  return (REPLY_PLATFORMS as readonly string[]).includes(platform)
}

/** Builds the sender of a platform; `config` is validated by the platform's schema. */
export function replySenderFor(
  platform: string,
  config: unknown,
  options: SenderOptions = {},
): ReplySender {
  switch (platform) {
    case 'facebook':
      return facebookSender(metaSenderConfigSchema.parse(config), options)
    case 'instagram':
      return instagramSender(metaSenderConfigSchema.parse(config), options)
    case 'x':
      return xSender(xSenderConfigSchema.parse(config), options)
    case 'google':
      return googleSender(googleSenderConfigSchema.parse(config), options)
    case 'youtube':
      return youtubeSender(youtubeSenderConfigSchema.parse(config), options)
    case 'webchat':
      return webchatSender(webchatSenderConfigSchema.parse(config), options)
    default:
      throw new EarshotError(
        'INVALID_INPUT',
        `[collectors] replying on ${platform} is not supported`,
      )
  }
}
