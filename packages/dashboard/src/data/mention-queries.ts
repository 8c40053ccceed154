/**
 * @module Inbox, mention search and mention detail. Every query takes the organisation id and the
 * practice ids the user may see, and never returns a row outside them.
 */
import { type Kysely, sql } from 'kysely'
import type { Database, SlaStatus } from '../core.js'
import { countedSql, slaStatusOf, slaStatusSql } from './sla-status.js'

/** Who is asking: the organisation and the practices they may see. */
export interface Scope {
  organisationId: string
  practiceIds: readonly string[]
}

/** A mention as listed in the inbox and search results. */
export interface MentionListItem {
  id: string
  practiceId: string
  practiceName: string
  channelId: string
  channelName: string
  platform: string
  kind: string
  direction: string
  authorName: string | null
  authorHandle: string | null
  text: string
  permalink: string | null
  createdAt: Date
  deletedAt: Date | null
  category: string | null
  sentimentLabel: string | null
  sentimentScore: number | null
  privacy: boolean
  urgent: boolean
  rating: number | null
  status: SlaStatus | null
  dueAt: Date | null
  atRiskAt: Date | null
  respondedAt: Date | null
  targetName: string | null
}

function baseMentions(db: Kysely<Database>, scope: Scope, now: Date) {
  return db
    .selectFrom('mentions as m')
    .innerJoin('practices as p', (j) =>
      j.onRef('p.organisation_id', '=', 'm.organisation_id').onRef('p.id', '=', 'm.practice_id'),
    )
    .innerJoin('channels as ch', (j) =>
      j.onRef('ch.organisation_id', '=', 'm.organisation_id').onRef('ch.id', '=', 'm.channel_id'),
    )
    .leftJoin('response_links as rl', (j) =>
      j.onRef('rl.organisation_id', '=', 'm.organisation_id').onRef('rl.inbound_id', '=', 'm.id'),
    )
    .where('m.organisation_id', '=', scope.organisationId)
    .where(
      'm.practice_id',
      'in',
      scope.practiceIds.length ? [...scope.practiceIds] : ['\u0000none'],
    )
    .where('m.is_tombstone', '=', false)
    .select([
      'm.id',
      'm.practice_id as practiceId',
      'p.name as practiceName',
      'm.channel_id as channelId',
      'ch.name as channelName',
      'm.platform',
      'm.kind',
      'm.direction',
      'm.author_name as authorName',
      'm.author_handle as authorHandle',
      'm.text',
      'm.permalink',
      'm.created_at as createdAt',
      'm.deleted_at as deletedAt',
      'm.category',
      'm.sentiment_label as sentimentLabel',
      'm.sentiment_score as sentimentScore',
      'm.privacy',
      'm.urgent',
      'm.rating',
      slaStatusSql(now).as('status'),
      'rl.due_at as dueAt',
      'rl.at_risk_at as atRiskAt',
      'rl.responded_at as respondedAt',
      'rl.target_name as targetName',
    ])
}

function toItem(r: Record<string, unknown>): MentionListItem {
  const d = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string))
  return {
    ...(r as unknown as MentionListItem),
    createdAt: new Date(r.createdAt as string),
    deletedAt: d(r.deletedAt),
    dueAt: d(r.dueAt),
    atRiskAt: d(r.atRiskAt),
    respondedAt: d(r.respondedAt),
    sentimentScore: r.sentimentScore === null ? null : Number(r.sentimentScore),
    rating: r.rating === null ? null : Number(r.rating),
  }
}

/** Everything that still needs a reply, most urgent (earliest due) first. */
export async function listInboxItems(
  db: Kysely<Database>,
  scope: Scope,
  now: Date,
  options: { limit?: number } = {},
): Promise<MentionListItem[]> {
  const rows = await baseMentions(db, scope, now)
    .where('m.direction', '=', 'inbound')
    .where('m.deleted_at', 'is', null)
    .where(countedSql)
    .where('rl.responded_at', 'is', null)
    .orderBy(sql`rl.due_at asc nulls last`)
    .orderBy('m.created_at', 'asc')
    .limit(options.limit ?? 500)
    .execute()
  return rows.map(toItem)
}

/** Search filters (all optional). Dates bound `created_at`: `from` inclusive, `to` exclusive. */
export interface MentionFilters {
  q?: string
  practiceId?: string
  channelId?: string
  category?: string
  sentiment?: string
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
  let q = baseMentions(db, scope, now)
  if (filters.q?.trim()) {
    // LIKE wildcards typed by the user are matched literally.
    const pattern = `%${filters.q.trim().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`
    q = q.where((eb) =>
      eb.or([
        eb('m.text', 'ilike', pattern),
        eb('m.author_name', 'ilike', pattern),
        eb('m.author_handle', 'ilike', pattern),
      ]),
    )
  }
  if (filters.practiceId) q = q.where('m.practice_id', '=', filters.practiceId)
  if (filters.channelId) q = q.where('m.channel_id', '=', filters.channelId)
  if (filters.category) q = q.where('m.category', '=', filters.category)
  if (filters.sentiment) q = q.where('m.sentiment_label', '=', filters.sentiment)
  if (filters.direction) q = q.where('m.direction', '=', filters.direction)
  if (filters.status) q = q.where(slaStatusSql(now), '=', filters.status)
  if (filters.from) q = q.where('m.created_at', '>=', filters.from)
  if (filters.to) q = q.where('m.created_at', '<', filters.to)
  const [rows, count] = await Promise.all([
    q
      .orderBy('m.created_at', 'desc')
      .orderBy('m.id')
      .limit(perPage)
      .offset((page - 1) * perPage)
      .execute(),
    q.clearSelect().select(sql<string>`count(*)`.as('n')).executeTakeFirst(),
  ])
  return { items: rows.map(toItem), total: Number(count?.n ?? 0), page, perPage }
}

/** A mention with its thread, its SLA evaluation (the audit trail) and the overrides recorded on it. */
export interface MentionDetail {
  mention: MentionListItem & { triageReasons: string[]; editedAt: Date | null; threadKey: string }
  thread: MentionListItem[]
  link: {
    status: SlaStatus | null
    needsReply: boolean
    exemptReason: string | null
    category: string | null
    targetIndex: number | null
    targetName: string | null
    clock: string | null
    targetMs: number | null
    clockStartedAt: Date | null
    dueAt: Date | null
    atRiskAt: Date | null
    respondedAt: Date | null
    responseSource: string | null
    outboundId: string | null
    wallMs: number | null
    businessMs: number | null
    outcome: string | null
    scheduleVersion: number | null
    promiseVersion: number | null
    explanation: unknown
    evaluatedAt: Date
  } | null
  overrides: {
    id: string
    action: string
    handledAt: Date | null
    note: string | null
    actor: string
    createdAt: Date
  }[]
}

/** One mention in scope, or undefined (unknown, or another tenant's: callers answer 404 either way). */
export async function getMentionDetailInScope(
  db: Kysely<Database>,
  scope: Scope,
  mentionId: string,
  now: Date,
): Promise<MentionDetail | undefined> {
  const row = await baseMentions(db, scope, now)
    .where('m.id', '=', mentionId)
    .select([
      'm.triage_reasons as triageReasons',
      'm.edited_at as editedAt',
      'm.thread_key as threadKey',
    ])
    .executeTakeFirst()
  if (!row) return undefined
  const mention = toItem(row)
  const [thread, link, overrides] = await Promise.all([
    baseMentions(db, scope, now)
      .where('m.channel_id', '=', mention.channelId)
      .where('m.thread_key', '=', row.threadKey)
      .orderBy('m.created_at')
      .limit(200)
      .execute(),
    db
      .selectFrom('response_links')
      .selectAll()
      .where('organisation_id', '=', scope.organisationId)
      .where('inbound_id', '=', mentionId)
      .executeTakeFirst(),
    db
      .selectFrom('overrides')
      .selectAll()
      .where('organisation_id', '=', scope.organisationId)
      .where('mention_id', '=', mentionId)
      .orderBy('created_at', 'desc')
      .execute(),
  ])
  const d = (v: Date | string | null) => (v === null ? null : new Date(v))
  return {
    mention: {
      ...mention,
      triageReasons: Array.isArray(row.triageReasons) ? (row.triageReasons as string[]) : [],
      editedAt: d(row.editedAt as Date | null),
      threadKey: row.threadKey,
    },
    thread: thread.map(toItem),
    link: link
      ? {
          status: slaStatusOf(link, now),
          needsReply: link.needs_reply,
          exemptReason: link.exempt_reason,
          category: link.category,
          targetIndex: link.target_index,
          targetName: link.target_name,
          clock: link.clock,
          targetMs: link.target_ms === null ? null : Number(link.target_ms),
          clockStartedAt: d(link.clock_started_at),
          dueAt: d(link.due_at),
          atRiskAt: d(link.at_risk_at),
          respondedAt: d(link.responded_at),
          responseSource: link.response_source,
          outboundId: link.outbound_id,
          wallMs: link.wall_ms === null ? null : Number(link.wall_ms),
          businessMs: link.business_ms === null ? null : Number(link.business_ms),
          outcome: link.outcome,
          scheduleVersion: link.schedule_version,
          promiseVersion: link.promise_version,
          explanation: link.explanation,
          evaluatedAt: new Date(link.evaluated_at),
        }
      : null,
    overrides: overrides.map((o) => ({
      id: o.id,
      action: o.action,
      handledAt: d(o.handled_at),
      note: o.note,
      actor: o.actor,
      createdAt: new Date(o.created_at),
    })),
  }
}
