/**
 * @module Test fixtures for the metric queries: inserts practices, channels, mentions and
 * response_links rows directly, so the query tests do not depend on ingestion or linking.
 */
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { MentionKind, Platform } from '../src/model/vocabulary.js'
import type { Database } from '../src/storage/database.js'

export interface SeedPractice {
  id?: string
  name: string
  timeZone?: string
}

/** Inserts a practice row (no schedule/promise: the metric queries do not read them). */
export async function seedPractice(
  db: Kysely<Database>,
  organisationId: string,
  p: SeedPractice,
): Promise<string> {
  const id = p.id ?? `p-${randomUUID()}`
  await db
    .insertInto('practices')
    .values({
      organisation_id: organisationId,
      id,
      name: p.name,
      slug: `${p.name.toLowerCase().replace(/\W+/g, '-')}-${id.slice(-6)}`,
      time_zone: p.timeZone ?? 'UTC',
      holiday_region: null,
    })
    .execute()
  return id
}

/** Inserts a channel row. */
export async function seedChannel(
  db: Kysely<Database>,
  organisationId: string,
  practiceId: string,
  c: { name: string; platform?: Platform; id?: string },
): Promise<string> {
  const id = c.id ?? `c-${randomUUID()}`
  await db
    .insertInto('channels')
    .values({
      organisation_id: organisationId,
      practice_id: practiceId,
      id,
      platform: c.platform ?? 'facebook',
      external_account_id: `acct-${id}`,
      name: c.name,
      own_identities: '[]',
      config: '{}',
    })
    .execute()
  return id
}

export interface SeedMention {
  id?: string
  direction?: 'inbound' | 'outbound'
  kind?: MentionKind
  createdAt: Date | string
  text?: string
  category?: string | null
  sentimentScore?: number | null
  sentimentLabel?: string | null
  threadKey?: string
  deletedAt?: Date | string | null
  isTombstone?: boolean
  privacy?: boolean
  urgent?: boolean
  authorName?: string
  permalink?: string
  /** The response_links row for an inbound mention; omit for none. */
  link?: SeedLink
}

export interface SeedLink {
  needsReply?: boolean
  exemptReason?: string | null
  outboundId?: string | null
  responseSource?: 'reply' | 'manual' | null
  respondedAt?: Date | string | null
  dueAt?: Date | string | null
  atRiskAt?: Date | string | null
  wallMs?: number | null
  businessMs?: number | null
  outcome?: 'met' | 'missed' | null
  targetName?: string
  explanation?: unknown
}

/** Inserts mentions (and their links) on one channel; returns the mention ids in input order. */
export async function seedMentions(
  db: Kysely<Database>,
  organisationId: string,
  practiceId: string,
  channelId: string,
  mentions: readonly SeedMention[],
  platform: Platform = 'facebook',
): Promise<string[]> {
  const ids = mentions.map((m) => m.id ?? `m-${randomUUID()}`)
  if (mentions.length === 0) return ids
  await db
    .insertInto('mentions')
    .values(
      mentions.map((m, i) => {
        const id = ids[i]!
        return {
          organisation_id: organisationId,
          practice_id: practiceId,
          channel_id: channelId,
          id,
          platform,
          external_id: id,
          kind: m.kind ?? (m.direction === 'outbound' ? 'reply' : 'comment'),
          direction: m.direction ?? 'inbound',
          thread_key: m.threadKey ?? id,
          text: m.text ?? '',
          permalink: m.permalink ?? null,
          author_name: m.authorName ?? null,
          created_at: m.createdAt,
          deleted_at: m.deletedAt ?? null,
          is_tombstone: m.isTombstone ?? false,
          content_hash: id,
          sentiment_score: m.sentimentScore ?? null,
          sentiment_label: m.sentimentLabel ?? null,
          needs_reply: m.link ? (m.link.needsReply ?? true) : null,
          category: m.category ?? null,
          privacy: m.privacy ?? false,
          urgent: m.urgent ?? false,
          updated_at: new Date(),
        }
      }),
    )
    .execute()
  const links = mentions.flatMap((m, i) => (m.link ? [{ m, l: m.link, id: ids[i]! }] : []))
  if (links.length > 0) {
    await db
      .insertInto('response_links')
      .values(
        links.map(({ m, l, id }) => ({
          organisation_id: organisationId,
          practice_id: practiceId,
          channel_id: channelId,
          inbound_id: id,
          outbound_id: l.outboundId ?? null,
          response_source: l.responseSource ?? (l.outcome ? 'reply' : null),
          responded_at: l.respondedAt ?? null,
          needs_reply: l.needsReply ?? true,
          exempt_reason: l.exemptReason ?? null,
          category: m.category ?? null,
          target_name: l.targetName ?? 'default',
          clock: 'business',
          target_ms: 7_200_000,
          clock_started_at: m.createdAt,
          due_at: l.dueAt ?? null,
          at_risk_at: l.atRiskAt ?? null,
          wall_ms: l.wallMs ?? null,
          business_ms: l.businessMs ?? null,
          outcome: l.outcome ?? null,
          schedule_version: 1,
          promise_version: 1,
          explanation: JSON.stringify(l.explanation ?? { target: l.targetName ?? 'default' }),
          evaluated_at: new Date(),
        })),
      )
      .execute()
  }
  return ids
}
