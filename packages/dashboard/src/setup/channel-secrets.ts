/**
 * @module The secrets Earshot generates for a channel so its owner can paste them into the
 * platform: a web-chat signing secret and a Facebook/Instagram webhook verify token. One place,
 * so a channel made on the page, made by the CLI and rotated later get values of the same shape.
 */
import { randomBytes } from 'node:crypto'
import type { Platform } from '@earshot/core'

export type ChannelSecretKind = 'secret' | 'verifyToken'

/** Which generated secret a platform's channel has, if any. */
export function channelSecretKind(platform: Platform): ChannelSecretKind | undefined {
  if (platform === 'webchat') return 'secret'
  if (platform === 'facebook' || platform === 'instagram') return 'verifyToken'
  return undefined
}

/** A new random value of that kind. */
export function newChannelSecret(kind: ChannelSecretKind): string {
  return kind === 'secret'
    ? `whsec_${randomBytes(24).toString('base64')}`
    : randomBytes(18).toString('base64url')
}

/** The config keys a new channel of `platform` starts with (empty when it has no secret). */
export function initialChannelSecrets(platform: Platform): Record<string, string> {
  const kind = channelSecretKind(platform)
  return kind ? { [kind]: newChannelSecret(kind) } : {}
}
