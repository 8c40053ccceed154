/**
 * @module Alerts as background work: every minute one job (exclusive queue, so one at a time
 * across all workers) evaluates the rules and then delivers what is due. Both steps are
 * idempotent (unique alert keys, one delivery row per alert and endpoint, leased claims), so a
 * job that runs twice or dies halfway never sends twice what it already sent.
 */
import { defineJob } from '../jobs/job-definition.js'
import { JOB_QUEUES } from '../jobs/job-queues.js'
import { deliverAlerts } from './deliver-alerts.js'
import { evaluateAlerts } from './evaluate-alerts.js'

/** Where links in alerts point: the dashboard's public address. */
export function alertBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.EARSHOT_PUBLIC_URL?.trim() || `http://localhost:${env.PORT?.trim() || '3000'}`
}

export const alertEvaluateJob = defineJob<Record<string, never>>({
  queue: JOB_QUEUES.alertEvaluate,
  options: { policy: 'exclusive', retryLimit: 0 },
  schedule: { cron: '* * * * *' },
  async handle(_job, context) {
    const now = context.now()
    await evaluateAlerts(context.db, { now })
    await deliverAlerts(context.db, {
      now,
      baseUrl: alertBaseUrl(),
      ...(context.mail ? { mail: context.mail } : {}),
    })
  },
})
