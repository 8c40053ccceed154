/**
 * @module The loop core owns (`collectChannel`), re-exported for this package's users.
 */
export {
  type CollectChannelOptions,
  type CollectChannelResult,
  type CollectChannelStatus,
  canonicalJson,
  collectChannel,
  toCollectorChannel,
} from '@earshot/core'
