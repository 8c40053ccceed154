/**
 * @module `ingest()`: validate → normalise → upsert → enrich and link per thread, one
 * transaction per batch, bulk statements throughout. Invalid items are quarantined with a
 * precise reason and the rest of the batch still lands.
 */
import { type Kysely, sql } from 'kysely'
import { createDefaultEnricher } from '../enrich/index.js'
import { quarantineItems } from '../repositories/quarantine.js'
import type { ChannelRow, Database } from '../storage/database.js'
import { jsonList } from '../util/json-list.js'
import type { IngestOptions, IngestResult } from './ingest-types.js'
import {
  type MentionState,
  mentionId,
  mentionToState,
  type ParsedItem,
  parseItem,
} from './normalise.js'
import {
  groupBy,
  loadThreadMentions,
  rehash,
  rowToState,
  runThreadPass,
  type ThreadKey,
  threadId,
} from './thread-state.js'

/**
 * Ingests a batch of mentions and deletion notices. Runs in one transaction (or in the caller's,
 * when `db` is already a transaction — collectors use that to commit their checkpoint with the
 * batch). Never throws for bad items: they are quarantined and counted.
 *
 * @example
 * const result = await ingest(db, [
 *   { channelId, externalId: 'c1', kind: 'comment', author: { id: 'u1', name: 'Sam' },
 *     text: 'do you bulk bill on saturdays', createdAt: '2026-11-20T06:45:00Z' },
 * ])
 * // → { inserted: 1, updated: 0, unchanged: 0, quarantined: 0, deleted: 0, … }
 */
export async function ingest(
  db: Kysely<Database>,
  items: readonly unknown[],
  options: IngestOptions = {},
): Promise<IngestResult> {
  if (db.isTransaction) return ingestInTransaction(db, items, options)
  return db.transaction().execute((trx) => ingestInTransaction(trx, items, options))
}

async function ingestInTransaction(
  db: Kysely<Database>,
  items: readonly unknown[],
  options: IngestOptions,
): Promise<IngestResult> {
  const now = options.now ?? new Date()
  const source = options.source ?? 'ingest'
  const result: IngestResult = {
    inserted: 0,
    updated: 0,
    unchanged: 0,
    quarantined: 0,
    deleted: 0,
    rejected: [],
    threadsRelinked: 0,
  }
  const rejections: Array<{
    index: number
    reason: string
    channelId: string | null
    organisationId: string | null
  }> = []

  const parsed: ParsedItem[] = []
  for (const [index, item] of items.entries()) {
    const p = parseItem(item, index)
    if ('reason' in p)
      rejections.push({
        index,
        reason: p.reason,
        channelId: channelIdOf(item),
        organisationId: null,
      })
    else parsed.push(p)
  }

  const channels = await loadChannels(
    db,
    parsed.map((p) => (p.type === 'mention' ? p.input.channelId : p.channelId)),
  )
  const accepted: Array<{ item: ParsedItem; channel: ChannelRow }> = []
  for (const p of parsed) {
    const channelId = p.type === 'mention' ? p.input.channelId : p.channelId
    const channel = channels.get(channelId)
    if (!channel) {
      rejections.push({
        index: p.index,
        reason: `unknown channel ${channelId}`,
        channelId,
        organisationId: null,
      })
    } else if (
      options.organisationId !== undefined &&
      channel.organisation_id !== options.organisationId
    ) {
      rejections.push({
        index: p.index,
        reason: `channel ${channelId} belongs to another organisation`,
        channelId,
        organisationId: options.organisationId,
      })
    } else if (
      p.type === 'mention' &&
      p.input.platform !== undefined &&
      p.input.platform !== channel.platform
    ) {
      rejections.push({
        index: p.index,
        reason: `platform ${p.input.platform} does not match channel ${channelId} (${channel.platform})`,
        channelId,
        organisationId: channel.organisation_id,
      })
    } else {
      accepted.push({ item: p, channel })
    }
  }

  if (accepted.length > 0) {
    await lockChannels(db, [...new Set(accepted.map((a) => a.channel.id))])
    const stored = await loadIdentities(db, accepted)
    const working = new Map(stored)
    const changedIds = new Set<string>()
    const touched = new Map<string, ThreadKey>()
    const touch = (m: MentionState) =>
      touched.set(threadId(m), {
        organisationId: m.organisation_id,
        channelId: m.channel_id,
        threadKey: m.thread_key,
      })

    for (const { item, channel } of accepted) {
      const outcome = applyItem(item, channel, working)
      result[outcome.counter]++
      if (
        outcome.counter === 'deleted' ||
        outcome.counter === 'inserted' ||
        outcome.counter === 'updated'
      ) {
        changedIds.add(outcome.state.id)
        touch(outcome.state)
        const before = stored.get(outcome.state.id)
        if (before && before.thread_key !== outcome.state.thread_key) touch(before)
      }
    }

    if (touched.size > 0) {
      const threads = await loadThreadMentions(db, [...touched.values()])
      // What the database holds, as the baseline the thread pass diffs against when writing.
      const baseline = new Map<string, MentionState>(stored)
      for (const list of threads.values())
        for (const m of list) if (!baseline.has(m.id)) baseline.set(m.id, { ...m })
      // Overlay this batch's versions on what the database holds.
      for (const [key, list] of threads) {
        const rest = list.filter((m) => !changedIds.has(m.id))
        if (rest.length) threads.set(key, rest)
        else threads.delete(key)
      }
      for (const id of changedIds) {
        const m = working.get(id)!
        const key = threadId(m)
        const list = threads.get(key)
        if (list) list.push(m)
        else threads.set(key, [m])
      }
      await runThreadPass(db, threads, {
        enricher: options.enricher ?? createDefaultEnricher(),
        now,
        changedIds,
        stored: baseline,
      })
      result.threadsRelinked = threads.size
    }
  }

  if (rejections.length > 0) {
    rejections.sort((a, b) => a.index - b.index)
    await quarantineItems(
      db,
      rejections.map((r) => ({
        organisationId: r.organisationId,
        channelId: r.channelId,
        source,
        reason: r.reason,
        payload: items[r.index],
      })),
    )
    result.quarantined = rejections.length
    result.rejected = rejections.map(({ index, reason }) => ({ index, reason }))
  }
  return result
}

type Counter = 'inserted' | 'updated' | 'unchanged' | 'deleted'

/** Merges one delivery into the working set; see docs/concepts.md § Edits and deletions. */
function applyItem(
  item: ParsedItem,
  channel: ChannelRow,
  working: Map<string, MentionState>,
): { counter: Counter; state: MentionState } {
  if (item.type === 'deletion') {
    const id = mentionId(channel.organisation_id, channel.id, channel.platform, item.externalId)
    const existing = working.get(id)
    if (existing) {
      if (existing.deleted_at) return { counter: 'unchanged', state: existing }
      const next = rehash({ ...existing, deleted_at: item.deletedAt })
      working.set(id, next)
      return { counter: 'deleted', state: next }
    }
    // A deletion before the mention itself (webhooks arrive out of order): keep a tombstone so
    // the late original is recorded as deleted rather than resurrected.
    const tombstone = mentionToState(
      {
        channelId: channel.id,
        externalId: item.externalId,
        kind: (item.kind ?? 'comment') as never,
        direction: 'inbound',
        author: {},
        text: '',
        createdAt: item.deletedAt,
        deletedAt: item.deletedAt,
        raw: item.raw,
        ...(item.threadKey ? { threadKey: item.threadKey } : {}),
        ...(item.parentExternalId ? { parentExternalId: item.parentExternalId } : {}),
      },
      channel,
    )
    tombstone.is_tombstone = true
    working.set(id, rehash(tombstone))
    return { counter: 'deleted', state: tombstone }
  }

  const incoming = mentionToState(item.input, channel)
  const existing = working.get(incoming.id)
  if (!existing) {
    working.set(incoming.id, incoming)
    return { counter: 'inserted', state: incoming }
  }
  if (
    !existing.is_tombstone &&
    existing.edited_at &&
    (!incoming.edited_at || incoming.edited_at < existing.edited_at)
  ) {
    return { counter: 'unchanged', state: existing } // an older version delivered late
  }
  const merged = rehash({
    ...incoming,
    // A mention was written when it was first written: an edit delivered with a later creation
    // time (an owner reply's update time, a webhook that only knows its delivery time) must
    // not move the clock. The earliest wins, whatever the arrival order.
    created_at:
      existing.is_tombstone || incoming.created_at < existing.created_at
        ? incoming.created_at
        : existing.created_at,
    // A deletion is final, whichever delivery carried it.
    deleted_at: incoming.deleted_at ?? existing.deleted_at,
    // Keep the enrichment until the thread pass decides whether it must change.
    sentiment_score: existing.sentiment_score,
    sentiment_label: existing.sentiment_label,
    sentiment_confidence: existing.sentiment_confidence,
    needs_reply: existing.needs_reply,
    category: existing.category,
    triage_reasons: existing.triage_reasons,
    privacy: existing.privacy,
    urgent: existing.urgent,
    lint: existing.lint,
    enricher: existing.enricher,
  })
  if (merged.content_hash === existing.content_hash)
    return { counter: 'unchanged', state: existing }
  working.set(merged.id, merged)
  return { counter: 'updated', state: merged }
}

async function loadChannels(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Map<string, ChannelRow>> {
  const unique = [...new Set(ids)]
  if (unique.length === 0) return new Map()
  const rows = await db.selectFrom('channels').selectAll().where('id', 'in', unique).execute()
  return new Map(rows.map((r) => [r.id, r]))
}

async function loadIdentities(
  db: Kysely<Database>,
  accepted: ReadonlyArray<{ item: ParsedItem; channel: ChannelRow }>,
): Promise<Map<string, MentionState>> {
  const stored = new Map<string, MentionState>()
  const ids = accepted.map(({ item, channel }) => ({
    org: channel.organisation_id,
    id: mentionId(
      channel.organisation_id,
      channel.id,
      channel.platform,
      item.type === 'mention' ? item.input.externalId : item.externalId,
    ),
  }))
  for (const [org, list] of groupBy(ids, (x) => x.org)) {
    const unique = [...new Set(list.map((x) => x.id))]
    for (let i = 0; i < unique.length; i += 5000) {
      const rows = await db
        .selectFrom('mentions')
        .selectAll()
        .where('organisation_id', '=', org)
        .where('id', 'in', jsonList(unique.slice(i, i + 5000)))
        .execute()
      for (const row of rows) stored.set(row.id, rowToState(row))
    }
  }
  return stored
}

// Two writers on one thread could each link against a view without the other's messages;
// serialising per channel inside the transaction rules that out on a real server.
async function lockChannels(db: Kysely<Database>, channelIds: readonly string[]): Promise<void> {
  const keys = [...channelIds].sort().map((id) => `earshot:channel:${id}`)
  await sql`select pg_advisory_xact_lock(hashtext(k)) from (select k from json_array_elements_text(${JSON.stringify(keys)}::json) as k order by k) as sorted`.execute(
    db,
  )
}

function channelIdOf(item: unknown): string | null {
  const id = (item as { channelId?: unknown } | null)?.channelId
  return typeof id === 'string' ? id : null
}
