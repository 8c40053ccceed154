/**
 * @module Validation and normalisation of ingest items: from whatever a collector sent to a row
 * ready for the `mentions` table, or a precise reason why not.
 */
import { createHash } from 'node:crypto'
import {
  mentionDeletionSchema,
  mentionInputSchema,
  type ParsedMentionInput,
} from '../model/mention-input.js'
import type { MentionKind } from '../model/vocabulary.js'
import { itemHazard } from '../safety/ingest-hazards.js'
import type { ChannelRow } from '../storage/database.js'
import { formatZodIssues } from '../util/parse-or-throw.js'
import { CONTENT_COLUMNS, columnsKey, type MentionState, NO_ENRICHMENT } from './mention-state.js'

export type ParsedItem =
  | { type: 'mention'; index: number; input: ParsedMentionInput }
  | {
      type: 'deletion'
      index: number
      channelId: string
      externalId: string
      deletedAt: Date
      kind?: MentionKind
      threadKey?: string
      parentExternalId?: string
      raw?: unknown
    }

/** Validates one item; returns the parsed item or the reason it was rejected. */
export function parseItem(item: unknown, index: number): ParsedItem | { reason: string } {
  if (item === null || typeof item !== 'object') return { reason: 'item is not an object' }
  if ((item as { deleted?: unknown }).deleted === true) {
    const r = mentionDeletionSchema.safeParse(item)
    if (!r.success) return { reason: `invalid deletion notice: ${formatZodIssues(r.error.issues)}` }
    const hazard = itemHazard(item)
    if (hazard) return { reason: `invalid deletion notice: ${hazard}` }
    const d = r.data
    return {
      type: 'deletion',
      index,
      channelId: d.channelId,
      externalId: d.externalId,
      deletedAt: d.deletedAt,
      ...(d.kind ? { kind: d.kind } : {}),
      ...(d.threadKey ? { threadKey: d.threadKey } : {}),
      ...(d.parentExternalId ? { parentExternalId: d.parentExternalId } : {}),
      raw: d.raw,
    }
  }
  const r = mentionInputSchema.safeParse(item)
  if (!r.success) return { reason: `invalid mention: ${formatZodIssues(r.error.issues)}` }
  // After the schema, so a wrong shape gets the schema's precise message first.
  const hazard = itemHazard(item)
  if (hazard) return { reason: `invalid mention: ${hazard}` }
  return { type: 'mention', index, input: r.data }
}

/**
 * A stable id for a mention identity, so every replica and every arrival order gives the same id.
 * Formatted like a UUID for readability in URLs.
 */
export function mentionId(
  organisationId: string,
  channelId: string,
  platform: string,
  externalId: string,
): string {
  const h = createHash('sha256')
    .update(`${organisationId}\u0001${channelId}\u0001${platform}\u0001${externalId}`)
    .digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`
}

/** Postgres text and jsonb cannot hold NUL; everything else is kept, NFC-normalised. */
export function cleanText(text: string): string {
  return text.replace(/\u0000/g, '').normalize('NFC')
}

export function cleanJson(value: unknown): unknown {
  if (value === undefined) return null
  try {
    return JSON.parse(JSON.stringify(value).replace(/\\u0000/g, ''))
  } catch {
    return null
  }
}

/** Where a mention's thread comes from: the collector's key, or the parent chain (see threading.ts). */
export interface ThreadPlacement {
  threadKey: string
  inherited: boolean
}

/** Builds the row for a full mention (enrichment left empty: the thread pass fills it). */
export function mentionToState(
  input: ParsedMentionInput,
  channel: ChannelRow,
  thread: ThreadPlacement,
): MentionState {
  const identities = channel.own_identities as unknown as string[]
  const isOwn =
    (input.author.id !== undefined && identities.includes(input.author.id)) ||
    (input.author.handle !== undefined &&
      identities.some(
        (i) => i.toLowerCase() === input.author.handle!.replace(/^@/, '').toLowerCase(),
      ))
  const state: MentionState = {
    organisation_id: channel.organisation_id,
    practice_id: channel.practice_id,
    channel_id: channel.id,
    id: mentionId(channel.organisation_id, channel.id, channel.platform, input.externalId),
    platform: channel.platform,
    external_id: input.externalId,
    kind: input.kind,
    direction: input.direction ?? (isOwn ? 'outbound' : 'inbound'),
    thread_key: thread.threadKey,
    thread_inherited: thread.inherited,
    parent_external_id: input.parentExternalId ?? null,
    author_id: input.author.id ?? null,
    author_name: input.author.name !== undefined ? cleanText(input.author.name) : null,
    author_handle: input.author.handle ?? null,
    text: cleanText(input.text),
    permalink: input.permalink ?? null,
    created_at: input.createdAt,
    edited_at: input.editedAt ?? null,
    deleted_at: input.deletedAt ?? null,
    rating: input.rating ?? null,
    is_auto_reply: input.isAutoReply ?? false,
    is_tombstone: false,
    language: input.language ?? null,
    raw: cleanJson(input.raw),
    content_hash: '',
    ...NO_ENRICHMENT,
  }
  state.content_hash = contentHash(state)
  return state
}

/** Hash of everything a delivery can change; equal hashes mean "unchanged". */
export function contentHash(m: MentionState): string {
  return createHash('sha1').update(columnsKey(m, CONTENT_COLUMNS)).digest('hex')
}

/** Recomputes the content hash after merging deliveries or moving a mention to another thread. */
export function rehash(m: MentionState): MentionState {
  m.content_hash = contentHash(m)
  return m
}
