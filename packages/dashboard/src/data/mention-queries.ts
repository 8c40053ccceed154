/**
 * @module Inbox, mention search and mention detail for the pages and the API, read through
 * core's `listInbox`, `searchMentions` and `getMentionDetail` (one definition of SLA status for
 * the whole product). Every call is scoped to the organisation and the practices the user may
 * see; a mention outside them does not exist for the caller.
 */
import {
  type MentionDetail as CoreMentionDetail,
  getMentionDetail,
  type MentionSummary,
  type SentimentLabel,
  searchMentions,
} from '@earshot/core'
import type { Kysely } from 'kysely'
import type { Database, SlaStatus } from '../core.js'

/** Who is asking: the organisation and the practices they may see. */
export interface Scope {
  organisationId: string
  practiceIds: readonly string[]
}

/** A mention as listed in the inbox and search results: core's list shape, as core returns it. */
export type MentionListItem = MentionSummary

/** Search filters (all optional). Dates bound `created_at`: `from` inclusive, `to` exclusive. */
export interface MentionFilters {
  q?: string
  channelId?: string
  category?: string
  sentiment?: SentimentLabel
  status?: SlaStatus
  direction?: 'inbound' | 'outbound'
  from?: Date
  to?: Date
  page?: number
  perPage?: number
}

/** One page of mentions matching the filters, newest first, with the total count. */
export async function searchMentionItems(
  db: Kysely<Database>,
  scope: Scope,
  now: Date,
  filters: MentionFilters,
): Promise<{ items: MentionListItem[]; total: number; page: number; perPage: number }> {
  const perPage = Math.min(Math.max(filters.perPage ?? 50, 1), 200)
  const page = Math.max(filters.page ?? 1, 1)
  const result = await searchMentions(db, {
    organisationId: scope.organisationId,
    practiceIds: scope.practiceIds,
    now,
    q: filters.q?.trim() || undefined,
    channelIds: filters.channelId ? [filters.channelId] : undefined,
    categories: filters.category ? [filters.category] : undefined,
    sentiment: filters.sentiment ? [filters.sentiment] : undefined,
    status: filters.status ? [filters.status] : undefined,
    direction: filters.direction,
    from: filters.from,
    to: filters.to,
    limit: perPage,
    offset: (page - 1) * perPage,
  })
  return { items: result.rows, total: result.total, page, perPage }
}

/** A mention with its thread, its SLA evaluation (the audit trail) and the overrides recorded on it. */
export interface MentionDetail {
  mention: MentionListItem & { triageReasons: string[]; editedAt: Date | null }
  thread: MentionListItem[]
  link: LinkView | null
  overrides: OverrideView[]
}

/** A response link as the pages and the API show it (camel case, numbers as numbers). */
export type LinkView = ReturnType<typeof toLinkView>
/** A recorded decision as the pages and the API show it. */
export type OverrideView = ReturnType<typeof toOverrideView>

const dateOrNull = (v: Date | string | null): Date | null => (v === null ? null : new Date(v))
const numOrNull = (v: number | string | null): number | null => (v === null ? null : Number(v))

/** One mention in scope, or undefined (unknown, or another tenant's or practice's: callers answer 404 either way). */
export async function getMentionDetailInScope(
  db: Kysely<Database>,
  scope: Scope,
  mentionId: string,
  now: Date,
): Promise<MentionDetail | undefined> {
  const detail = await getMentionDetail(db, scope.organisationId, mentionId, now)
  if (
    !detail ||
    !scope.practiceIds.includes(detail.mention.practice_id) ||
    detail.mention.is_tombstone
  )
    return undefined
  const { mention: m, link } = detail
  const item = (row: (typeof detail.thread)[number]): MentionListItem => ({
    id: row.id,
    practiceId: row.practice_id,
    practiceName: m.practiceName,
    channelId: row.channel_id,
    channelName: m.channelName,
    platform: row.platform,
    kind: row.kind,
    direction: row.direction,
    authorName: row.author_name,
    authorHandle: row.author_handle,
    text: row.text,
    permalink: row.permalink,
    createdAt: new Date(row.created_at),
    deletedAt: dateOrNull(row.deleted_at),
    category: row.category,
    sentimentLabel: row.sentiment_label,
    sentimentScore: numOrNull(row.sentiment_score),
    privacy: row.privacy,
    urgent: row.urgent,
    rating: numOrNull(row.rating),
    status: row.status,
    dueAt: null,
    respondedAt: null,
    targetName: null,
    threadKey: row.thread_key,
    needsReply: row.needs_reply,
  })
  const self = detail.thread.find((t) => t.id === m.id) ?? { ...m, status: link?.status ?? null }
  return {
    mention: {
      ...item(self),
      dueAt: dateOrNull(link?.due_at ?? null),
      respondedAt: dateOrNull(link?.responded_at ?? null),
      targetName: link?.target_name ?? null,
      triageReasons: Array.isArray(m.triage_reasons) ? m.triage_reasons : [],
      editedAt: dateOrNull(m.edited_at),
      threadKey: m.thread_key,
    },
    thread: detail.thread.filter((t) => !t.is_tombstone).map(item),
    link: link ? toLinkView(link) : null,
    // Newest decision first: the one in force is on top.
    overrides: [...detail.overrides].reverse().map(toOverrideView),
  }
}

function toLinkView(link: NonNullable<CoreMentionDetail['link']>) {
  return {
    status: link.status,
    needsReply: link.needs_reply,
    exemptReason: link.exempt_reason,
    category: link.category,
    targetIndex: link.target_index,
    targetName: link.target_name,
    clock: link.clock,
    targetMs: numOrNull(link.target_ms),
    clockStartedAt: dateOrNull(link.clock_started_at),
    dueAt: dateOrNull(link.due_at),
    atRiskAt: dateOrNull(link.at_risk_at),
    respondedAt: dateOrNull(link.responded_at),
    responseSource: link.response_source,
    outboundId: link.outbound_id,
    wallMs: numOrNull(link.wall_ms),
    businessMs: numOrNull(link.business_ms),
    outcome: link.outcome,
    scheduleVersion: link.schedule_version,
    promiseVersion: link.promise_version,
    explanation: link.explanation,
    evaluatedAt: new Date(link.evaluated_at),
  }
}

function toOverrideView(o: CoreMentionDetail['overrides'][number]) {
  return {
    id: o.id,
    action: o.action,
    handledAt: dateOrNull(o.handled_at),
    note: o.note,
    actor: o.actor,
    createdAt: new Date(o.created_at),
  }
}
