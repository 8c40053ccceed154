/**
 * @module @earshot/collectors: one collector per platform, the shared HTTP client, the loop
 * entry points (`collect`, `collectDueChannels`) and the webhook handler the dashboard mounts.
 */
export type { CollectorOptions } from './collector-options.js'
export * from './connect/index.js'
export {
  COLLECTOR_HTTP_ERROR_KINDS,
  CollectorAuthError,
  CollectorHttpError,
  type CollectorHttpErrorKind,
  type CollectorHttpErrorOptions,
  isCollectorAuthError,
  isCollectorHttpError,
} from './errors.js'
export {
  type FacebookConfig,
  type FacebookCursor,
  facebookCollector,
  facebookConfigSchema,
  parseFacebookWebhook,
} from './facebook/facebook-collector.js'
export { graphClassifier, metaSignature, verifyMetaWebhook } from './facebook/graph-api.js'
export {
  type GoogleConfig,
  type GoogleCursor,
  googleCollector,
  googleConfigSchema,
  originalReviewText,
} from './google/google-collector.js'
export {
  abortableSleep,
  backoffDelay,
  type ClassifiableResponse,
  createHttpClient,
  defaultVerdict,
  type HttpClient,
  type HttpClientOptions,
  type HttpRequestOptions,
  type HttpResponse,
  type ResponseClassifier,
  type ResponseVerdict,
} from './http/http-client.js'
export { metaUsageWait, parseRetryAfter, xRateLimitWait } from './http/rate-limit-headers.js'
export { IMPORT_ENCODINGS, type ImportEncoding } from './import/file-encoding.js'
export {
  type ImportConfig,
  type ImportCursor,
  type ImportFileOptions,
  type ImportFileResult,
  importCollector,
  importConfigSchema,
  importFile,
} from './import/import-collector.js'
export {
  IMPORT_FORMATS,
  type ImportBatch,
  type ImportFormat,
  importFormatOf,
  mapImportRecord,
  type ReadImportFileOptions,
  readImportFile,
} from './import/read-import-file.js'
export {
  type InstagramConfig,
  type InstagramCursor,
  instagramCollector,
  instagramConfigSchema,
  parseInstagramWebhook,
} from './instagram/instagram-collector.js'
export { builtInCollectors, type CollectorLookup, collectorFor } from './registry.js'
export {
  parseFeed,
  type RssConfig,
  type RssCursor,
  rssCollector,
  rssConfigSchema,
} from './rss/rss-collector.js'
export {
  type CollectDueChannelsOptions,
  type CollectDueChannelsResult,
  type CollectOptions,
  collect,
  collectDueChannels,
} from './run/collect.js'
export {
  type CollectChannelOptions,
  type CollectChannelResult,
  type CollectChannelStatus,
  collectChannel,
  toCollectorChannel,
} from './run/core-loop.js'
export {
  type HandleWebhookOptions,
  handleWebhook,
  type IngestWebhookResult,
  ingestWebhook,
  type VerifiedWebhookChannel,
  verifyWebhook,
  type WebhookResponse,
  type WebhookVerificationResult,
} from './run/handle-webhook.js'
export {
  type IngestWebhookBatchResult,
  ingestWebhookBatch,
  type WebhookDeliveryInput,
  type WebhookDeliveryOutcome,
} from './run/ingest-webhook-batch.js'
export { senderConfigFor } from './send/channel-credentials.js'
export {
  type GoogleSenderConfig,
  googleSendClassifier,
  googleSender,
} from './send/google-sender.js'
export {
  facebookSender,
  graphSendClassifier,
  HUMAN_AGENT_WINDOW_MS,
  instagramSender,
  MESSAGING_WINDOW_MS,
  type MetaSenderConfig,
} from './send/meta-sender.js'
export { canReplyOn, REPLY_PLATFORMS, type ReplyPlatform, replySenderFor } from './send/registry.js'
export {
  isReplySendError,
  type ReplyRequest,
  ReplySendError,
  type ReplySender,
  type ReplyTarget,
  SEND_FAILURE_KINDS,
  type SenderOptions,
  type SendFailureKind,
  type SentReply,
} from './send/reply-sender.js'
export {
  blockingLint,
  repliesOf,
  replyTargetOf,
  retryReply,
  type SendReplyDeps,
  type SendReplyInput,
  type SendReplyResult,
  sendReply,
  sendReplyInputSchema,
} from './send/send-reply.js'
export { type WebchatSenderConfig, webchatReplyId, webchatSender } from './send/webchat-sender.js'
export { type XSenderConfig, xSendClassifier, xSender } from './send/x-sender.js'
export {
  type YoutubeSenderConfig,
  youtubeSendClassifier,
  youtubeSender,
} from './send/youtube-sender.js'
export { parseTime } from './util/parse-time.js'
export { redactUrl } from './util/redact-url.js'
export { resolveSecret } from './util/resolve-secret.js'
export {
  parseWebchatEvent,
  signStandardWebhook,
  signWebchatBody,
  verifyWebchat,
  type WebchatCollectorOptions,
  type WebchatConfig,
  webchatCollector,
  webchatConfigSchema,
} from './webchat/webchat-collector.js'
export {
  mapTweet,
  maxId,
  snowflakeTime,
  type XConfig,
  type XCursor,
  xClassifier,
  xCollector,
  xConfigSchema,
} from './x/x-collector.js'
export {
  msUntilPacificMidnight,
  type YoutubeConfig,
  type YoutubeCursor,
  youtubeClassifier,
  youtubeCollector,
  youtubeConfigSchema,
} from './youtube/youtube-collector.js'
