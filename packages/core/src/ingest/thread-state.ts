/**
 * @module The thread pass shared by ingestion, manual overrides and policy changes: load the
 * threads a change touched, enrich what changed (with thread context), link responses, evaluate
 * SLAs, and write back only what differs — in bulk, one statement per table and chunk.
 */
import { type Kysely, sql } from 'kysely'
import type { Enricher, EnrichInput, Enrichment } from '../enrich/enricher.js'
import type { Platform } from '../model/vocabulary.js'
import {
  loadPracticePolicy,
  type PracticePolicy,
  versionAt,
} from '../repositories/practice-policy.js'
import type { SlaPolicy } from '../sla/evaluate-sla.js'
import { type LinkOverride, linkThread, type ThreadLink } from '../sla/link-thread.js'
import type { Database } from '../storage/database.js'
import { jsonList } from '../util/json-list.js'
import { contentHash, type MentionState } from './normalise.js'

/** A thread's address. */
export interface ThreadKey {
  organisationId: string
  channelId: string
  threadKey: string
}

export const threadId = (k: {
  organisation_id: string
  channel_id: string
  thread_key: string
}): string => `${k.organisation_id}\u0001${k.channel_id}\u0001${k.thread_key}`

const CHUNK = 2000
const CONTEXT_SIZE = 10

/** Loads every mention of the given threads, keyed by thread id. */
export async function loadThreadMentions(
  db: Kysely<Database>,
  keys: readonly ThreadKey[],
): Promise<Map<string, MentionState[]>> {
  const threads = new Map<string, MentionState[]>()
  const byOrg = groupBy(keys, (k) => k.organisationId)
  for (const [organisationId, orgKeys] of byOrg) {
    for (const chunk of chunks(orgKeys, CHUNK)) {
      // The keys travel as one json parameter and join as a relation: a thousand-tuple IN list
      // costs more to plan than to run.
      const keysJson = JSON.stringify(chunk.map((k) => ({ c: k.channelId, t: k.threadKey })))
      const rows = await db
        .selectFrom('mentions')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where((eb) =>
          eb(
            eb.refTuple('channel_id', 'thread_key'),
            'in',
            sql<
              [string, string]
            >`(select k.c, k.t from json_to_recordset(${keysJson}::json) as k(c text, t text))`,
          ),
        )
        .execute()
      for (const row of rows) {
        const state = rowToState(row)
        const id = threadId(state)
        const list = threads.get(id)
        if (list) list.push(state)
        else threads.set(id, [state])
      }
    }
  }
  return threads
}

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
    const policy = policies.get(`${first.organisation_id}\u0001${first.practice_id}`)!
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
  await upsertMentions(db, toWrite, options.now)
  const { written, deleted } = await writeLinks(db, existed, links, options.now)
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
        platform: m.platform as Platform,
        kind: m.kind as EnrichInput['kind'],
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
  for (const [i, m] of targets.entries()) applyEnrichment(m, results[i]!, tag)
}

function applyEnrichment(m: MentionState, e: Enrichment, tag: string): void {
  m.sentiment_score = e.sentiment?.score ?? null
  m.sentiment_label = e.sentiment?.label ?? null
  m.sentiment_confidence = e.sentiment?.confidence ?? null
  m.needs_reply = m.direction === 'outbound' ? false : (e.needsReply ?? null)
  m.category = e.category ?? null
  m.triage_reasons = e.reasons ?? null
  m.privacy = e.privacy ?? false
  m.urgent = e.urgent ?? false
  m.lint = e.lint ?? null
  m.language = m.language ?? e.language ?? null
  m.enricher = tag
}

const enrichmentKey = (m: MentionState): string =>
  JSON.stringify([
    m.sentiment_score,
    m.sentiment_label,
    m.sentiment_confidence,
    m.needs_reply,
    m.category,
    m.triage_reasons,
    m.privacy,
    m.urgent,
    m.lint,
    m.language,
    m.enricher,
  ])

async function loadPolicies(
  db: Kysely<Database>,
  mentions: readonly MentionState[],
): Promise<Map<string, PracticePolicy>> {
  const keys = new Map<string, [string, string]>()
  for (const m of mentions)
    keys.set(`${m.organisation_id}\u0001${m.practice_id}`, [m.organisation_id, m.practice_id])
  const policies = new Map<string, PracticePolicy>()
  for (const [key, [org, practice]] of keys)
    policies.set(key, await loadPracticePolicy(db, org, practice))
  return policies
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

const MENTION_COLUMNS = [
  'organisation_id',
  'practice_id',
  'channel_id',
  'id',
  'platform',
  'external_id',
  'kind',
  'direction',
  'thread_key',
  'parent_external_id',
  'author_id',
  'author_name',
  'author_handle',
  'text',
  'permalink',
  'created_at',
  'edited_at',
  'deleted_at',
  'rating',
  'is_auto_reply',
  'is_tombstone',
  'language',
  'raw',
  'content_hash',
  'sentiment_score',
  'sentiment_label',
  'sentiment_confidence',
  'needs_reply',
  'category',
  'triage_reasons',
  'privacy',
  'urgent',
  'lint',
  'enricher',
  'ingested_at',
  'updated_at',
] as const
const MENTION_UPDATE_COLUMNS = MENTION_COLUMNS.filter(
  (c) =>
    !['organisation_id', 'channel_id', 'platform', 'external_id', 'id', 'ingested_at'].includes(c),
)

/**
 * Upserts rows with ONE statement per chunk: the rows travel as a single json parameter and
 * `json_populate_recordset` turns them into a relation server-side, which is far cheaper than
 * thousands of bind parameters and works the same on PGlite and PostgreSQL.
 */
export async function upsertMentions(
  db: Kysely<Database>,
  rows: readonly MentionState[],
  now: Date,
): Promise<void> {
  const cols = sql.raw(MENTION_COLUMNS.join(', '))
  const updates = sql.raw(MENTION_UPDATE_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', '))
  for (const chunk of chunks(rows, CHUNK)) {
    const json = JSON.stringify(chunk.map((m) => ({ ...m, ingested_at: now, updated_at: now })))
    await sql`insert into mentions (${cols}) select ${cols} from json_populate_recordset(null::mentions, ${json}::json)
      on conflict (organisation_id, channel_id, platform, external_id) do update set ${updates}`.execute(
      db,
    )
  }
}

const LINK_COLUMNS = [
  'organisation_id',
  'practice_id',
  'channel_id',
  'inbound_id',
  'outbound_id',
  'response_source',
  'responded_at',
  'needs_reply',
  'exempt_reason',
  'category',
  'target_index',
  'target_name',
  'clock',
  'target_ms',
  'clock_started_at',
  'due_at',
  'at_risk_at',
  'wall_ms',
  'business_ms',
  'outcome',
  'schedule_version',
  'promise_version',
  'explanation',
  'evaluated_at',
] as const

async function writeLinks(
  db: Kysely<Database>,
  mentions: readonly MentionState[],
  links: ReadonlyArray<ThreadLink & { mention: MentionState }>,
  now: Date,
): Promise<{ written: number; deleted: number }> {
  const existing = new Map<string, string>()
  for (const [organisationId, list] of groupBy(mentions, (m) => m.organisation_id)) {
    for (const chunk of chunks(list, CHUNK)) {
      const rows = await db
        .selectFrom('response_links')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('inbound_id', 'in', jsonList(chunk.map((m) => m.id)))
        .execute()
      for (const r of rows)
        existing.set(`${organisationId}\u0001${r.inbound_id}`, linkFingerprint(r))
    }
  }
  const rows = links.map(({ mention: m, evaluation: e, inboundId }) => ({
    organisation_id: m.organisation_id,
    practice_id: m.practice_id,
    channel_id: m.channel_id,
    inbound_id: inboundId,
    outbound_id: e.outboundId,
    response_source: e.responseSource,
    responded_at: e.respondedAt,
    needs_reply: e.needsReply,
    exempt_reason: e.exemptReason,
    category: m.category,
    target_index: e.targetIndex,
    target_name: e.targetName,
    clock: e.clock,
    target_ms: e.targetMs,
    clock_started_at: e.clockStartedAt,
    due_at: e.dueAt,
    at_risk_at: e.atRiskAt,
    wall_ms: e.wallMs,
    business_ms: e.businessMs,
    outcome: e.outcome,
    schedule_version: e.scheduleVersion,
    promise_version: e.promiseVersion,
    explanation: e.explanation,
    evaluated_at: now,
  }))
  const changed = rows.filter(
    (r) => existing.get(`${r.organisation_id}\u0001${r.inbound_id}`) !== linkFingerprint(r),
  )
  const cols = sql.raw(LINK_COLUMNS.join(', '))
  const updates = sql.raw(
    LINK_COLUMNS.filter((c) => c !== 'organisation_id' && c !== 'inbound_id')
      .map((c) => `${c} = excluded.${c}`)
      .join(', '),
  )
  for (const chunk of chunks(changed, CHUNK)) {
    await sql`insert into response_links (${cols}) select ${cols} from json_populate_recordset(null::response_links, ${JSON.stringify(chunk)}::json)
      on conflict (organisation_id, inbound_id) do update set ${updates}`.execute(db)
  }
  // Links of mentions that are no longer inbound (or are tombstones) go away.
  const keep = new Set(rows.map((r) => `${r.organisation_id}\u0001${r.inbound_id}`))
  const stale = [...existing.keys()].filter((k) => !keep.has(k))
  for (const [organisationId, ids] of groupBy(
    stale.map((k) => k.split('\u0001') as [string, string]),
    (k) => k[0],
  )) {
    await db
      .deleteFrom('response_links')
      .where('organisation_id', '=', organisationId)
      .where('inbound_id', 'in', jsonList(ids.map((k) => k[1])))
      .execute()
  }
  return { written: changed.length, deleted: stale.length }
}

// Everything but evaluated_at, with times as epoch ms, so a re-evaluation that changes nothing writes nothing.
function linkFingerprint(r: Record<string, unknown>): string {
  return JSON.stringify(
    LINK_COLUMNS.filter((c) => c !== 'evaluated_at').map((c) => {
      const v = r[c]
      return v instanceof Date
        ? v.getTime()
        : v === undefined
          ? null
          : typeof v === 'object' && v !== null
            ? JSON.stringify(v)
            : v
    }),
  )
}

/** A stored row as in-memory state. */
export function rowToState(row: Record<string, unknown>): MentionState {
  const d = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string))
  const state = { ...row } as unknown as MentionState
  state.created_at = new Date(row.created_at as string)
  state.edited_at = d(row.edited_at)
  state.deleted_at = d(row.deleted_at)
  state.rating = row.rating === null ? null : Number(row.rating)
  delete (state as unknown as Record<string, unknown>).ingested_at
  delete (state as unknown as Record<string, unknown>).updated_at
  return state
}

/** Recomputes the content hash after merging deliveries. */
export function rehash(m: MentionState): MentionState {
  m.content_hash = contentHash(m)
  return m
}

export function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>()
  for (const item of items) {
    const k = key(item)
    const list = map.get(k)
    if (list) list.push(item)
    else map.set(k, [item])
  }
  return map
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
