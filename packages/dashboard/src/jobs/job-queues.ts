/**
 * @module The names of every queue, in one table. Another part of Earshot adds a queue by adding
 * a name here and its `defineJob(…)` to `JOB_HANDLERS` (job-handlers.ts): two lines.
 */
export const JOB_QUEUES = {
  /** Every minute: enqueue a poll for each due channel. */
  channelDispatch: 'channel-dispatch',
  /** One poll of one channel (singleton per channel). */
  channelPoll: 'channel-poll',
  /** Claims stored webhook deliveries in batches and ingests them (nudged, and every minute). */
  webhookDrain: 'webhook-drain',
  /** The old one-job-per-delivery queue: its jobs (from processes of an earlier version) nudge a drain. */
  webhookIngest: 'webhook-ingest',
  /** Every minute: evaluate alert rules, then deliver what is due (alerts/alert-jobs.ts). */
  alertEvaluate: 'alert-evaluate',
  /** Every 5 minutes: renew OAuth tokens that expire soon (connect/token-refresh-job.ts). */
  tokenRefresh: 'token-refresh',
  /** Every five minutes: record due report periods and enqueue their sends (reports/report-jobs.ts). */
  reportDispatch: 'report-dispatch',
  /** Mails one period of one report schedule (singleton per schedule and period). */
  reportSend: 'report-send',
  /** Re-enriches mentions of an older enricher version (enqueued on start when any are stale). */
  enricherReenrich: 'enricher-reenrich',
  /** Daily: delete or redact what each organisation's retention says is too old (privacy/retention-job.ts). */
  dataRetention: 'data-retention',
} as const

export type JobQueueName = (typeof JOB_QUEUES)[keyof typeof JOB_QUEUES]
