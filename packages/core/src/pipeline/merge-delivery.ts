/**
 * @module How one delivery of a mention merges with what is known about it (docs/concepts.md
 * § Edits and deletions): edits win by edit time, a deletion is final, the earliest creation
 * time stands, and a deletion that arrives first leaves a tombstone.
 */
import type { ChannelRow } from '../storage/database.js'
import { type MentionState, pickEnrichment } from './mention-state.js'
import {
  mentionId,
  mentionToState,
  type ParsedItem,
  rehash,
  type ThreadPlacement,
} from './normalise.js'

export type DeliveryOutcome = 'inserted' | 'updated' | 'unchanged' | 'deleted'

/** Merges one delivery into the working set and says what it did. */
export function mergeDelivery(
  item: ParsedItem,
  channel: ChannelRow,
  thread: ThreadPlacement,
  working: Map<string, MentionState>,
): { outcome: DeliveryOutcome; state: MentionState } {
  if (item.type === 'deletion') {
    const id = mentionId(channel.organisation_id, channel.id, channel.platform, item.externalId)
    const existing = working.get(id)
    if (existing) {
      if (existing.deleted_at) return { outcome: 'unchanged', state: existing }
      const next = rehash({ ...existing, deleted_at: item.deletedAt })
      working.set(id, next)
      return { outcome: 'deleted', state: next }
    }
    // A deletion before the mention itself (webhooks arrive out of order): keep a tombstone so
    // the late original is recorded as deleted rather than resurrected.
    const tombstone = mentionToState(
      {
        channelId: channel.id,
        externalId: item.externalId,
        kind: item.kind ?? 'comment',
        direction: 'inbound',
        author: {},
        text: '',
        createdAt: item.deletedAt,
        deletedAt: item.deletedAt,
        raw: item.raw,
        ...(item.parentExternalId ? { parentExternalId: item.parentExternalId } : {}),
      },
      channel,
      thread,
    )
    tombstone.is_tombstone = true
    working.set(id, rehash(tombstone))
    return { outcome: 'deleted', state: tombstone }
  }

  const incoming = mentionToState(item.input, channel, thread)
  const existing = working.get(incoming.id)
  if (!existing) {
    working.set(incoming.id, incoming)
    return { outcome: 'inserted', state: incoming }
  }
  if (
    !existing.is_tombstone &&
    existing.edited_at &&
    (!incoming.edited_at || incoming.edited_at < existing.edited_at)
  ) {
    return { outcome: 'unchanged', state: existing } // an older version delivered late
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
    ...pickEnrichment(existing),
  })
  if (merged.content_hash === existing.content_hash)
    return { outcome: 'unchanged', state: existing }
  working.set(merged.id, merged)
  return { outcome: 'updated', state: merged }
}
