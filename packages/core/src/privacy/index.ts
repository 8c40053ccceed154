export {
  authorKeyHash,
  type ErasureCounts,
  type ErasureRequest,
  type ErasureResult,
  eraseAuthor,
  erasureRequestSchema,
  listErasureRecords,
} from './erase-author.js'
export {
  DEFAULT_PRIVACY_SETTINGS,
  getPrivacySettings,
  monthsBefore,
  type PrivacySettings,
  type PrivacySettingsInput,
  privacySettingsSchema,
  savePrivacySettings,
} from './privacy-settings.js'
export {
  type PurgeExpiredDataOptions,
  type PurgeResult,
  purgeDidSomething,
  purgeExpiredData,
} from './purge-expired-data.js'
