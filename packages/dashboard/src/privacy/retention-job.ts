/**
 * @module Retention as background work: once a day one job (exclusive queue, so one at a time
 * across all workers) runs `purgeExpiredData` for every organisation that set a retention, and
 * writes what it did — counts, never text — to the user-action log. A run that dies halfway is
 * simply run again: the purge is idempotent.
 */
import { purgeDidSomething, purgeExpiredData } from '@earshot/core'
import type { Kysely } from 'kysely'
import { recordUserAction } from '../audit/user-actions.js'
import type { Database } from '../core.js'
import { defineJob } from '../jobs/job-definition.js'
import { JOB_QUEUES } from '../jobs/job-queues.js'

/** Purges every organisation with a retention setting; returns how many it looked at. */
export async function runRetention(db: Kysely<Database>, now: Date): Promise<number> {
  const organisations = await db
    .selectFrom('privacy_settings')
    .select('organisation_id')
    .where((eb) =>
      eb.or([
        eb('mention_retention_months', 'is not', null),
        eb('raw_retention_months', 'is not', null),
      ]),
    )
    .orderBy('organisation_id')
    .execute()
  for (const { organisation_id: organisationId } of organisations) {
    const result = await purgeExpiredData(db, { organisationId, now })
    if (purgeDidSomething(result))
      await recordUserAction(
        db,
        {
          organisationId,
          userId: null,
          action: 'data.retention_purged',
          targetType: 'organisation',
          targetId: organisationId,
          detail: { ...result },
        },
        now,
      )
  }
  return organisations.length
}

export const dataRetentionJob = defineJob<Record<string, never>>({
  queue: JOB_QUEUES.dataRetention,
  options: { policy: 'exclusive', retryLimit: 2, expireInSeconds: 3600 },
  // Daily at 03:17 UTC: away from the hour, when most of Australia and the UK is quiet.
  schedule: { cron: '17 3 * * *' },
  async handle(_job, context) {
    await runRetention(context.db, context.now())
  },
})
