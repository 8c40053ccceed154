/**
 * @module The token-refresh job: every five minutes, channels whose access token expires within
 * 15 minutes get new tokens through their provider's flow (X every ~2 h, Google every hour). A
 * refusal (revoked, expired, permission removed) sets the channel `needs_reauth` with the reason
 * in words, which the reconnect banner shows; an unreachable provider is tried again next run.
 */
import {
  channelsDueForRefresh,
  PROVIDER_OF_PLATFORM,
  type RefreshOutcome,
  refreshChannelCredentials,
} from '@earshot/collectors'
import type { Kysely } from 'kysely'
import type { Database } from '../core.js'
import { defineJob } from '../jobs/job-definition.js'
import { JOB_QUEUES } from '../jobs/job-queues.js'
import { type ConnectFlows, connectFlowsFromEnv } from './connect-config.js'

/** How many channels ended up how in one run. */
export type RefreshRunSummary = Record<RefreshOutcome['status'], number>

/** Refreshes every due channel's tokens with the configured flows. */
export async function refreshDueTokens(input: {
  db: Kysely<Database>
  flows: ConnectFlows
  now: Date
}): Promise<RefreshRunSummary> {
  const summary: RefreshRunSummary = { refreshed: 0, needs_reauth: 0, failed: 0, skipped: 0 }
  for (const due of await channelsDueForRefresh(input.db, input.now)) {
    const provider = PROVIDER_OF_PLATFORM[due.platform]
    const flow = provider ? input.flows[provider] : undefined
    if (!flow) {
      // Without the app's client secret nothing can be refreshed; the channel's own errors will say so.
      summary.skipped += 1
      continue
    }
    const outcome = await refreshChannelCredentials(input.db, due, flow, { now: input.now })
    summary[outcome.status] += 1
  }
  return summary
}

export const tokenRefreshJob = defineJob<Record<string, never>>({
  queue: JOB_QUEUES.tokenRefresh,
  options: { policy: 'exclusive', retryLimit: 0 },
  schedule: { cron: '*/5 * * * *' },
  async handle(_job, { db, now }) {
    const summary = await refreshDueTokens({
      db,
      flows: connectFlowsFromEnv(process.env, { now }),
      now: now(),
    })
    if (summary.needs_reauth > 0 || summary.failed > 0)
      console.warn(
        `[token-refresh] ${summary.refreshed} refreshed, ${summary.needs_reauth} need reconnecting, ${summary.failed} failed (will retry)`,
      )
  },
})
