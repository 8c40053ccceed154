/**
 * @module What the composer offers per mention: a private reply / DM only where the platform
 * has one (Facebook and Instagram comments and conversations, X when the connection may send
 * DMs; not Google reviews or YouTube comments).
 */
import { canReplyOn } from '@earshot/collectors'

export function replyOptionsFor(mention: { platform: string; kind: string }): {
  canReply: boolean
  canReplyPrivately: boolean
} {
  const canReply = canReplyOn(mention.platform)
  const privately =
    (mention.platform === 'facebook' || mention.platform === 'instagram') &&
    (mention.kind === 'comment' || mention.kind === 'reply' || mention.kind === 'message')
  return { canReply, canReplyPrivately: canReply && privately }
}
