/**
 * @module The loop core owns (`collectChannel`), re-exported for this package. It lives in
 * packages/core/src/collector/collect-channel.ts; until @earshot/core's index exports it, this
 * module reaches it by path (tests and tsx read source, so both resolve to the same file).
 */
export {
  type CollectChannelOptions,
  type CollectChannelResult,
  type CollectChannelStatus,
  canonicalJson,
  collectChannel,
  toCollectorChannel,
} from '../../../core/src/collector/collect-channel.js'
