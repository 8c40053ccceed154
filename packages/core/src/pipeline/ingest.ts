/**
 * @module `ingest()`: validate → normalise → upsert → enrich and link per thread, one
 * transaction per batch, bulk statements throughout. Invalid items are quarantined with a
 * precise reason and the rest of the batch still lands.
 */
import { type Kysely, sql } from 'kysely'
import { createDefaultEnricher } from '../enrich/index.js'
import { redactPayload } from '../redaction/redact-identifiers.js'
import { quarantineItems } from '../repositories/quarantine.js'
import type { ChannelRow, Database } from '../storage/database.js'
import { groupBy } from '../util/collections.js'
import { jsonList } from '../util/json-list.js'
import { organisationsRedactingIdentifiers, redactParsedItem } from './identifier-redaction.js'
import { emptyIngestResult, type IngestOptions, type IngestResult } from './ingest-types.js'
import type { MentionState } from './mention-state.js'
import { mergeDelivery } from './merge-delivery.js'
import { mentionId, type ParsedItem, parseItem } from './normalise.js'
import { runThreadPass } from './thread-pass.js'
import { loadThreadMentions, rowToState, type ThreadKey, threadId } from './thread-store.js'
import { createBatchThreadResolver, rethreadChildren, type ThreadNode } from './threading.js'

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
  const result = emptyIngestResult()
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
        // The caller's tenant sent it, so the caller's tenant sees it in quarantine.
        organisationId: options.organisationId ?? null,
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
        // The caller's tenant sent it, so the caller's tenant sees it in quarantine.
        organisationId: options.organisationId ?? null,
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

  const redacting = await organisationsRedactingIdentifiers(db, [
    ...accepted.map((a) => a.channel.organisation_id),
    ...rejections.flatMap((r) => (r.organisationId ? [r.organisationId] : [])),
  ])
  if (redacting.size > 0)
    for (const a of accepted) if (redacting.has(a.channel.organisation_id)) redactParsedItem(a.item)

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

    const threadOf = batchThreadResolvers(accepted, working)
    // Mentions that may have children waiting for them (new ones, or ones that moved thread).
    const parents: MentionState[] = []
    for (const { item, channel } of accepted) {
      const externalId = item.type === 'mention' ? item.input.externalId : item.externalId
      const outcome = mergeDelivery(item, channel, threadOf(channel)(externalId), working)
      result[outcome.outcome]++
      if (outcome.outcome !== 'unchanged') {
        changedIds.add(outcome.state.id)
        touch(outcome.state)
        const before = stored.get(outcome.state.id)
        if (before && before.thread_key !== outcome.state.thread_key) touch(before)
        if (
          !before ||
          before.thread_key !== outcome.state.thread_key ||
          before.kind !== outcome.state.kind
        )
          parents.push(outcome.state)
      }
    }
    for (const { before, after } of await rethreadChildren(db, parents, working)) {
      if (!stored.has(before.id)) stored.set(before.id, before)
      working.set(after.id, after)
      changedIds.add(after.id)
      touch(before)
      touch(after)
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
        payload:
          r.organisationId && redacting.has(r.organisationId)
            ? redactPayload(items[r.index])
            : items[r.index],
      })),
    )
    result.quarantined = rejections.length
    result.rejected = rejections.map(({ index, reason }) => ({ index, reason }))
  }
  return result
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
  // The batch's mentions, and the parents of those that inherit their thread.
  const ids = accepted.flatMap(({ item, channel }) => {
    const own = item.type === 'mention' ? item.input.externalId : item.externalId
    const parent = item.type === 'mention' ? item.input.parentExternalId : item.parentExternalId
    const threadKey = item.type === 'mention' ? item.input.threadKey : item.threadKey
    return [own, ...(parent && !threadKey ? [parent] : [])].map((externalId) => ({
      org: channel.organisation_id,
      id: mentionId(channel.organisation_id, channel.id, channel.platform, externalId),
    }))
  })
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

/**
 * One thread resolver per channel of the batch: the batch's own mentions first (a parent and its
 * reply delivered together), then what is stored.
 */
function batchThreadResolvers(
  accepted: ReadonlyArray<{ item: ParsedItem; channel: ChannelRow }>,
  stored: ReadonlyMap<string, MentionState>,
) {
  const nodes = new Map<string, Map<string, ThreadNode>>()
  for (const { item, channel } of accepted) {
    const byExternalId = nodes.get(channel.id) ?? new Map<string, ThreadNode>()
    nodes.set(channel.id, byExternalId)
    const node: ThreadNode =
      item.type === 'mention'
        ? {
            kind: item.input.kind,
            ...(item.input.threadKey ? { threadKey: item.input.threadKey } : {}),
            ...(item.input.parentExternalId
              ? { parentExternalId: item.input.parentExternalId }
              : {}),
          }
        : {
            kind: item.kind ?? 'comment',
            ...(item.threadKey ? { threadKey: item.threadKey } : {}),
            ...(item.parentExternalId ? { parentExternalId: item.parentExternalId } : {}),
          }
    const externalId = item.type === 'mention' ? item.input.externalId : item.externalId
    // A full mention says more about its place than a deletion notice does, and so does the
    // stored mention a deletion refers to: a notice carries no parent, so letting it stand for a
    // stored reply would make that reply look like a root to its children in this batch.
    if (
      item.type === 'mention' ||
      (!byExternalId.has(externalId) &&
        !stored.has(mentionId(channel.organisation_id, channel.id, channel.platform, externalId)))
    )
      byExternalId.set(externalId, node)
  }
  const resolvers = new Map<string, ReturnType<typeof createBatchThreadResolver>>()
  return (channel: ChannelRow) => {
    let resolve = resolvers.get(channel.id)
    if (!resolve) {
      resolve = createBatchThreadResolver(channel.platform, nodes.get(channel.id)!, (externalId) =>
        stored.get(mentionId(channel.organisation_id, channel.id, channel.platform, externalId)),
      )
      resolvers.set(channel.id, resolve)
    }
    return resolve
  }
}

// Two writers on one thread could each link against a view without the other's messages;
// serialising per channel inside the transaction rules that out on a real server.
export async function lockChannels(
  db: Kysely<Database>,
  channelIds: readonly string[],
): Promise<void> {
  const keys = [...channelIds].sort().map((id) => `earshot:channel:${id}`)
  await sql`select pg_advisory_xact_lock(hashtext(k)) from (select k from json_array_elements_text(${JSON.stringify(keys)}::json) as k order by k) as sorted`.execute(
    db,
  )
}

function channelIdOf(item: unknown): string | null {
  const id = (item as { channelId?: unknown } | null)?.channelId
  return typeof id === 'string' ? id : null
}
