/**
 * @module Re-enrichment as a background job: when the built-in enricher's version changes (its
 * rules, lexicon or model weights changed), the stored mentions it classified are re-enriched
 * and their SLA re-evaluated (`reenrichStale` in core). Enqueued on start when any mention is
 * stale; one at a time; resumable, so a retried or restarted job carries on where it stopped.
 */
import { createDefaultEnricher, enricherTag, reenrichStale } from '@earshot/core'
import type { Kysely } from 'kysely'
import type { Database } from '../core.js'
import { defineJob, type JobContext } from './job-definition.js'
import { JOB_QUEUES } from './job-queues.js'

/** Does any stored (non-tombstone) mention carry another enricher tag than the current one? */
export async function hasStaleMentions(db: Kysely<Database>, tag: string): Promise<boolean> {
  const row = await db
    .selectFrom('mentions')
    .select('id')
    .where('is_tombstone', '=', false)
    .where((eb) => eb.or([eb('enricher', 'is', null), eb('enricher', '!=', tag)]))
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}

export const enricherReenrichJob = defineJob<{ organisationId?: string }>({
  queue: JOB_QUEUES.enricherReenrich,
  // One run at a time: two would re-enrich the same threads twice.
  options: { policy: 'exclusive', expireInSeconds: 3600, retryDelay: 60 },
  async onStart({ db, send }: JobContext) {
    const tag = enricherTag(createDefaultEnricher())
    if (await hasStaleMentions(db, tag)) {
      await send(JOB_QUEUES.enricherReenrich, {}, { singletonKey: tag })
    }
  },
  async handle(job, { db, now }) {
    await reenrichStale(db, {
      ...(job.data.organisationId ? { organisationId: job.data.organisationId } : {}),
      batchSize: 200,
      now,
    })
  },
})
