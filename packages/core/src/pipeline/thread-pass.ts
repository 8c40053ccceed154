/**
 * @module The thread pass shared by ingestion, manual overrides and policy changes: given the
 * threads a change touched, enrich what changed (with thread context), link responses, evaluate
 * SLAs, and write back only what differs. Enrich → link → evaluate → write, in that order,
 * always inside the caller's transaction.
 */
import type { Kysely } from 'kysely'
import type { Enricher, EnrichInput } from '../enrich/enricher.js'
import {
  loadPracticePolicies,
  type PracticePolicy,
  policyKey,
  versionAt,
} from '../repositories/practice-policy.js'
import type { SlaPolicy } from '../sla/evaluate-sla.js'
import { type LinkOverride, linkThread, type ThreadLink } from '../sla/link-thread.js'
import type { Database } from '../storage/database.js'
import { chunks, groupBy } from '../util/collections.js'
import { jsonList } from '../util/json-list.js'
import { keepRedactedPrivacy } from './identifier-redaction.js'
import {
  columnsKey,
  ENRICHMENT_COLUMNS,
  enrichmentColumns,
  type MentionState,
} from './mention-state.js'
import { deferRollups, flushRollups } from './rollup-deferral.js'
import { upsertMentions, writeLinks } from './thread-store.js'

const CHUNK = 2000
const CONTEXT_SIZE = 10

/** Options of the thread pass. */
export interface ThreadPassOptions {
  enricher: Enricher
  now: Date
  /** Mention ids whose content changed in this pass (they and later messages of their thread are re-enriched). */
  changedIds?: ReadonlySet<string>
  /** Original rows as stored before this pass, by id, to write only what differs. */
  stored?: ReadonlyMap<string, MentionState>
  /** Re-enrich every mention of the threads (after an enricher upgrade). */
  reenrichAll?: boolean
  /** Which schedule to evaluate under: the one in force when each mention was written (default) or today's. */
  scheduleMode?: 'historical' | 'current'
}

export interface ThreadPassResult {
  mentionsWritten: number
  linksWritten: number
  linksDeleted: number
}

/**
 * Runs the thread pass over `threads` (the full post-change state of each thread) and writes the
 * result. Must run inside the caller's transaction.
 */
export async function runThreadPass(
  db: Kysely<Database>,
  threads: Map<string, MentionState[]>,
  options: ThreadPassOptions,
): Promise<ThreadPassResult> {
  const all = [...threads.values()].flat()
  if (all.length === 0) return { mentionsWritten: 0, linksWritten: 0, linksDeleted: 0 }

  await enrichThreads(threads, options)

  const policies = await loadPolicies(db, all)
  // Mentions new to the database cannot have overrides or links yet: only look up the others.
  const existed = options.stored ? all.filter((m) => options.stored!.has(m.id)) : all
  const overrides = await loadOverrides(db, existed)
  const links: Array<ThreadLink & { mention: MentionState }> = []
  for (const mentions of threads.values()) {
    const first = mentions[0]
    if (!first) continue
    const policy = policies.get(policyKey(first.organisation_id, first.practice_id))!
    const byId = new Map(mentions.map((m) => [m.id, m]))
    const linked = linkThread(
      mentions.map((m) => ({
        id: m.id,
        externalId: m.external_id,
        direction: m.direction,
        platform: m.platform,
        kind: m.kind,
        createdAt: m.created_at,
        deletedAt: m.deleted_at,
        isAutoReply: m.is_auto_reply,
        isTombstone: m.is_tombstone,
        text: m.text,
        needsReply: m.needs_reply,
        category: m.category,
      })),
      overrides,
      (at) => policyAt(policy, at, options.scheduleMode ?? 'historical'),
    )
    for (const l of linked) links.push({ ...l, mention: byId.get(l.inboundId)! })
  }

  const toWrite = all.filter((m) => {
    const before = options.stored?.get(m.id)
    return (
      !before ||
      before.content_hash !== m.content_hash ||
      enrichmentKey(before) !== enrichmentKey(m) ||
      before.thread_key !== m.thread_key
    )
  })
  // The two bulk statements (and a stale-link delete) queue their rollup keys; one recompute of
  // every touched (practice, day) follows, instead of one per statement.
  await deferRollups(db)
  await upsertMentions(db, toWrite, options.now)
  const { written, deleted } = await writeLinks(db, existed, links, options.now)
  await flushRollups(db)
  return { mentionsWritten: toWrite.length, linksWritten: written, linksDeleted: deleted }
}

async function enrichThreads(
  threads: Map<string, MentionState[]>,
  options: ThreadPassOptions,
): Promise<void> {
  const inputs: EnrichInput[] = []
  const targets: MentionState[] = []
  for (const mentions of threads.values()) {
    mentions.sort(
      (a, b) =>
        a.created_at.getTime() - b.created_at.getTime() || (a.external_id < b.external_id ? -1 : 1),
    )
    // A message's context is what came before it: once one message changes, everything after it
    // in the thread may read differently ("thanks" after a new answer), so it is re-enriched too.
    let dirty = options.reenrichAll === true
    for (const [i, m] of mentions.entries()) {
      if (!dirty && (options.changedIds?.has(m.id) || m.enricher === null)) dirty = true
      if (!dirty || m.is_tombstone) continue
      const context = mentions
        .slice(Math.max(0, i - CONTEXT_SIZE), i)
        .filter((c) => !c.is_tombstone)
      inputs.push({
        text: m.text,
        platform: m.platform,
        kind: m.kind,
        direction: m.direction,
        rating: m.rating,
        thread: context.map((c) => ({
          direction: c.direction,
          text: c.text,
          createdAt: c.created_at,
          category: c.category as never,
        })),
      })
      targets.push(m)
    }
  }
  if (inputs.length === 0) return
  const results = await options.enricher.enrich(inputs)
  if (results.length !== inputs.length) {
    throw new Error(
      `[earshot] enricher ${options.enricher.name} returned ${results.length} results for ${inputs.length} inputs`,
    )
  }
  const tag = `${options.enricher.name}@${options.enricher.version}`
  for (const [i, m] of targets.entries()) {
    const e = results[i]!
    Object.assign(m, keepRedactedPrivacy(m, enrichmentColumns(m, e, tag)))
    m.language = m.language ?? e.language ?? null
  }
}

// What the pass compares to decide whether a mention must be written again.
const WRITTEN_ENRICHMENT = [...ENRICHMENT_COLUMNS, 'language' as const]
const enrichmentKey = (m: MentionState): string => columnsKey(m, WRITTEN_ENRICHMENT)

/** Every practice of the pass in one look-up (not one per practice). */
function loadPolicies(
  db: Kysely<Database>,
  mentions: readonly MentionState[],
): Promise<Map<string, PracticePolicy>> {
  return loadPracticePolicies(
    db,
    mentions.map((m) => ({ organisationId: m.organisation_id, practiceId: m.practice_id })),
  )
}

function policyAt(policy: PracticePolicy, at: Date, mode: 'historical' | 'current'): SlaPolicy {
  const schedule =
    mode === 'current'
      ? policy.schedules[policy.schedules.length - 1]!
      : versionAt(policy.schedules, at)
  const promise = versionAt(policy.promises, at)
  return {
    calendar: schedule.calendar,
    scheduleVersion: schedule.version,
    promise: promise.spec,
    promiseVersion: promise.version,
  }
}

async function loadOverrides(
  db: Kysely<Database>,
  mentions: readonly MentionState[],
): Promise<Map<string, LinkOverride>> {
  const result = new Map<string, LinkOverride>()
  const inbound = mentions.filter((m) => m.direction === 'inbound')
  for (const [organisationId, list] of groupBy(inbound, (m) => m.organisation_id)) {
    for (const chunk of chunks(list, CHUNK)) {
      const rows = await db
        .selectFrom('overrides')
        .select(['mention_id', 'action', 'handled_at', 'actor', 'note', 'created_at'])
        .where('organisation_id', '=', organisationId)
        .where('mention_id', 'in', jsonList(chunk.map((m) => m.id)))
        .orderBy('created_at')
        .orderBy('id')
        .execute()
      // The latest decision wins; earlier ones stay in the table as history.
      for (const r of rows) {
        result.set(r.mention_id, {
          action: r.action as LinkOverride['action'],
          handledAt: r.handled_at ? new Date(r.handled_at) : null,
          actor: r.actor,
          note: r.note,
          createdAt: new Date(r.created_at),
        })
      }
    }
  }
  return result
}
