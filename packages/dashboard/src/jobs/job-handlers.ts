/**
 * @module Every job the workers run. To add background work: name its queue in `JOB_QUEUES`
 * (job-queues.ts), write it with `defineJob` in its own module, and list it here.
 *
 * @example
 * // alerts/alert-jobs.ts
 * export const alertEvaluateJob = defineJob<{ practiceId: string }>({
 *   queue: JOB_QUEUES.alertEvaluate,
 *   options: { policy: 'exclusive' },
 *   schedule: { cron: '* * * * *' },
 *   async handle(job, { db, now, send, mail }) { … },
 * })
 */
import { alertEvaluateJob } from '../alerts/alert-jobs.js'
import { tokenRefreshJob } from '../connect/token-refresh-job.js'
import { dataRetentionJob } from '../privacy/retention-job.js'
import { reportDispatchJob, reportSendJob } from '../reports/report-jobs.js'
import { channelDispatchJob, channelPollJob } from './channel-poll-jobs.js'
import type { JobDefinition } from './job-definition.js'
import { enricherReenrichJob } from './reenrich-job.js'
import { webhookDrainJob, webhookIngestLegacyJob } from './webhook-drain.js'

export const JOB_HANDLERS: readonly JobDefinition<never>[] = [
  channelDispatchJob,
  channelPollJob,
  webhookDrainJob,
  webhookIngestLegacyJob,
  alertEvaluateJob,
  tokenRefreshJob,
  enricherReenrichJob,
  dataRetentionJob,
  reportDispatchJob,
  reportSendJob(),
] as readonly JobDefinition<never>[]
