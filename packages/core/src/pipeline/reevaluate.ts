/**
 * @module Commands that re-run the thread pass over threads that did not receive a delivery:
 * after a manual decision (`recordOverride`), after a schedule or promise change, or under
 * today's schedule for a "what if" report (`reevaluatePractice`).
 */
import type { Kysely } from 'kysely'
import type { Enricher } from '../enrich/enricher.js'
import { createDefaultEnricher } from '../enrich/index.js'
import type { Database } from '../storage/database.js'
import type { MentionState } from './mention-state.js'
import { runThreadPass, type ThreadPassOptions, type ThreadPassResult } from './thread-pass.js'
import { loadThreadMentions, type ThreadKey } from './thread-store.js'

/** Options of {@link reevaluateThreads}. */
export type ReevaluateThreadsOptions = Pick<
  ThreadPassOptions,
  'now' | 'reenrichAll' | 'scheduleMode'
> & { enricher?: Enricher }

/**
 * Re-links and re-evaluates the given threads as they are stored, writing only what changes.
 * Runs in the caller's transaction when `db` is one, else in its own.
 */
export async function reevaluateThreads(
  db: Kysely<Database>,
  keys: readonly ThreadKey[],
  options: ReevaluateThreadsOptions,
): Promise<ThreadPassResult> {
  if (!db.isTransaction)
    return db.transaction().execute((trx) => reevaluateThreads(trx, keys, options))
  const threads = await loadThreadMentions(db, keys)
  const stored = new Map<string, MentionState>()
  for (const list of threads.values()) for (const m of list) stored.set(m.id, { ...m })
  return runThreadPass(db, threads, {
    ...options,
    enricher: options.enricher ?? createDefaultEnricher(),
    stored,
  })
}

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
  const now = options.now ?? new Date()
  for (let i = 0; i < keys.length; i += pageSize) {
    const page: ThreadKey[] = keys
      .slice(i, i + pageSize)
      .map((k) => ({ organisationId, channelId: k.channel_id, threadKey: k.thread_key }))
    await db.transaction().execute((trx) =>
      reevaluateThreads(trx, page, {
        enricher,
        now,
        reenrichAll: options.reenrich === true,
        scheduleMode: options.scheduleMode ?? 'historical',
      }),
    )
  }
  return keys.length
}
