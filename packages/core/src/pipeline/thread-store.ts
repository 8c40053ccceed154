/**
 * @module Where the thread pass reads and writes: every mention of a set of threads, and the
 * bulk upserts of mentions and response links (one statement per chunk, only what differs).
 */
import { type Kysely, sql } from 'kysely'
import { LINK_EVALUATION_COLUMNS } from '../sla/link-columns.js'
import type { ThreadLink } from '../sla/link-thread.js'
import type { Database, ResponseLinkTable } from '../storage/database.js'
import { chunks, groupBy } from '../util/collections.js'
import { jsonList } from '../util/json-list.js'
import { MENTION_COLUMNS, MENTION_UPDATE_COLUMNS, type MentionState } from './mention-state.js'

const CHUNK = 2000

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
  ...LINK_EVALUATION_COLUMNS,
  'explanation',
  'evaluated_at',
] as const satisfies readonly (keyof ResponseLinkTable)[]

export async function writeLinks(
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
