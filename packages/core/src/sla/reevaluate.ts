/**
 * @module Re-evaluation of a practice's SLAs after its schedule or promise changed, or under
 * today's schedule for a "what if" report. Works thread by thread in pages, in transactions.
 */
import type { Kysely } from 'kysely'
import type { Enricher } from '../enrich/enricher.js'
import { createDefaultEnricher } from '../enrich/index.js'
import { loadThreadMentions, runThreadPass, type ThreadKey } from '../ingest/thread-state.js'
import type { Database } from '../storage/database.js'

export interface ReevaluateOptions {
  /** `historical` (default): each mention under the schedule in force when it was written; `current`: today's schedule for all. */
  scheduleMode?: 'historical' | 'current'
  /** Re-run the enricher too (after upgrading it or switching to your own). */
  reenrich?: boolean
  enricher?: Enricher
  now?: Date
  /** Threads per transaction (default 500). */
  pageSize?: number
}

/** Recomputes links and SLA evaluations of every thread of a practice. Returns the number of threads. */
export async function reevaluatePractice(
  db: Kysely<Database>,
  organisationId: string,
  practiceId: string,
  options: ReevaluateOptions = {},
): Promise<number> {
  const keys = await db
    .selectFrom('mentions')
    .select(['channel_id', 'thread_key'])
    .distinct()
    .where('organisation_id', '=', organisationId)
    .where('practice_id', '=', practiceId)
    .orderBy('channel_id')
    .orderBy('thread_key')
    .execute()
  const pageSize = options.pageSize ?? 500
  const enricher = options.enricher ?? createDefaultEnricher()
  for (let i = 0; i < keys.length; i += pageSize) {
    const page: ThreadKey[] = keys
      .slice(i, i + pageSize)
      .map((k) => ({ organisationId, channelId: k.channel_id, threadKey: k.thread_key }))
    await db.transaction().execute(async (trx) => {
      const threads = await loadThreadMentions(trx, page)
      const stored = new Map<string, typeof threads extends Map<string, (infer T)[]> ? T : never>()
      for (const list of threads.values()) for (const m of list) stored.set(m.id, { ...m })
      await runThreadPass(trx, threads, {
        enricher,
        now: options.now ?? new Date(),
        stored,
        reenrichAll: options.reenrich === true,
        scheduleMode: options.scheduleMode ?? 'historical',
      })
    })
  }
  return keys.length
}
