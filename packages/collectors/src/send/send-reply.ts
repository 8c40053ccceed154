/**
 * @module Sending a reply from Earshot: lint → outbox row → platform → the sent reply stored as an
 * outbound mention through the one write path (`commitBatch`), in the same transaction that marks
 * the outbox row sent and logs who sent it. The inbox item therefore leaves and its SLA shows met
 * at once; when the collector or a webhook later delivers the same reply (same platform id) it is
 * an upsert of that mention, never a second one. A failed send stays in the outbox with its
 * reason and can be retried.
 */
import { randomUUID } from 'node:crypto'
import {
  type ChannelRow,
  commitBatch,
  type Database,
  EarshotError,
  lintReply,
  type MentionRow,
  type ReplyOutboxRow,
} from '@earshot/core'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { senderConfigFor } from './channel-credentials.js'
import { canReplyOn, replySenderFor } from './registry.js'
import {
  isReplySendError,
  type ReplySender,
  type ReplyTarget,
  type SenderOptions,
} from './reply-sender.js'

/** What the composer posts. */
export const sendReplyInputSchema = z.object({
  organisationId: z.string().min(1),
  /** Practices the sender may act for; the mention must belong to one of them. */
  practiceIds: z.array(z.string().min(1)).readonly(),
  mentionId: z.string().min(1),
  userId: z.string().min(1).nullable(),
  text: z.string().trim().min(1, 'the reply is empty').max(10_000),
  visibility: z.enum(['public', 'private']).default('public'),
  /** Required to send a public reply with lint warnings: why it is fine anyway. */
  overrideReason: z.string().trim().min(3).max(500).optional(),
})
export type SendReplyInput = z.input<typeof sendReplyInputSchema>

/** How to reach the platforms (tests inject fetch, clock and sleep). */
export interface SendReplyDeps extends SenderOptions {
  /** Overrides the sender per channel (tests, or a future credentials store). */
  senderFor?: (channel: ChannelRow) => Promise<ReplySender> | ReplySender
}

/** The outcome shown to the user. */
export type SendReplyResult =
  | { status: 'sent'; outbox: ReplyOutboxRow; outboundMentionId: string }
  | { status: 'failed' | 'unknown'; outbox: ReplyOutboxRow; reason: string; retryable: boolean }

/** The blocking lint warnings of a reply (public replies only: private messages may discuss care). */
export function blockingLint(text: string, visibility: 'public' | 'private'): string[] {
  return visibility === 'public' ? lintReply(text) : []
}

/**
 * Sends a reply to an inbound mention. Throws `NOT_FOUND` for a mention outside the caller's
 * organisation or practices, `INVALID_INPUT` for bad input or unreplied lint warnings (with
 * `details.lint`), and returns `failed`/`unknown` with the reason in words when the platform refused.
 */
export async function sendReply(
  db: Kysely<Database>,
  input: SendReplyInput,
  deps: SendReplyDeps = {},
): Promise<SendReplyResult> {
  const parsed = sendReplyInputSchema.safeParse(input)
  if (!parsed.success)
    throw new EarshotError('INVALID_INPUT', parsed.error.issues.map((i) => i.message).join('; '))
  const req = parsed.data
  const now = deps.now ?? (() => new Date())
  const { mention, channel } = await loadAnswerable(
    db,
    req.organisationId,
    req.practiceIds,
    req.mentionId,
  )
  const lint = blockingLint(req.text, req.visibility)
  if (lint.length > 0 && !req.overrideReason)
    throw new EarshotError('INVALID_INPUT', `the reply ${lint[0]}`, { details: { lint } })
  const at = now()
  const outbox = await db
    .insertInto('reply_outbox')
    .values({
      organisation_id: req.organisationId,
      id: randomUUID(),
      practice_id: mention.practice_id,
      channel_id: channel.id,
      mention_id: mention.id,
      user_id: req.userId,
      text: req.text,
      visibility: req.visibility,
      status: 'pending',
      lint_warnings: JSON.stringify(lint),
      attempts: 0,
      override_reason: lint.length > 0 ? (req.overrideReason ?? null) : null,
      created_at: at,
      updated_at: at,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  return deliver(db, outbox, mention, channel, deps)
}

/** Sends a failed outbox row again (same outbox key, so Messenger metadata and web-chat ids repeat). */
export async function retryReply(
  db: Kysely<Database>,
  input: {
    organisationId: string
    practiceIds: readonly string[]
    outboxId: string
    userId: string | null
    /** When given, the reply must answer this mention (the page it was retried from). */
    mentionId?: string
  },
  deps: SendReplyDeps = {},
): Promise<SendReplyResult> {
  const outbox = await db
    .selectFrom('reply_outbox')
    .selectAll()
    .where('organisation_id', '=', input.organisationId)
    .where('id', '=', input.outboxId)
    .executeTakeFirst()
  if (
    !outbox ||
    !input.practiceIds.includes(outbox.practice_id) ||
    (input.mentionId !== undefined && outbox.mention_id !== input.mentionId)
  )
    throw new EarshotError('NOT_FOUND', 'no such reply')
  if (outbox.status === 'sent' || outbox.status === 'pending')
    throw new EarshotError('CONFLICT', `this reply is already ${outbox.status}`)
  const { mention, channel } = await loadAnswerable(
    db,
    input.organisationId,
    input.practiceIds,
    outbox.mention_id,
  )
  return deliver(db, { ...outbox, user_id: input.userId ?? outbox.user_id }, mention, channel, deps)
}

async function loadAnswerable(
  db: Kysely<Database>,
  organisationId: string,
  practiceIds: readonly string[],
  mentionId: string,
): Promise<{ mention: MentionRow; channel: ChannelRow }> {
  if (practiceIds.length === 0) throw new EarshotError('NOT_FOUND', 'no such mention')
  const mention = await db
    .selectFrom('mentions')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('practice_id', 'in', practiceIds)
    .where('id', '=', mentionId)
    .executeTakeFirst()
  if (!mention) throw new EarshotError('NOT_FOUND', 'no such mention')
  if (mention.direction !== 'inbound' || mention.is_tombstone)
    throw new EarshotError('INVALID_INPUT', 'only messages from other people can be answered')
  const channel = await db
    .selectFrom('channels')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', mention.channel_id)
    .executeTakeFirstOrThrow()
  if (!canReplyOn(channel.platform))
    throw new EarshotError(
      'INVALID_INPUT',
      `Earshot cannot reply on ${channel.platform}; answer on the platform itself`,
    )
  return { mention, channel }
}

/** The platform's view of what is answered. */
export async function replyTargetOf(
  db: Kysely<Database>,
  mention: MentionRow,
): Promise<ReplyTarget> {
  const latestInbound = await db
    .selectFrom('mentions')
    .select((eb) => eb.fn.max('created_at').as('at'))
    .where('organisation_id', '=', mention.organisation_id)
    .where('channel_id', '=', mention.channel_id)
    .where('thread_key', '=', mention.thread_key)
    .where('direction', '=', 'inbound')
    .executeTakeFirst()
  const kind: ReplyTarget['kind'] =
    mention.kind === 'message'
      ? 'dm'
      : mention.kind === 'review'
        ? 'review'
        : mention.kind === 'comment' || mention.kind === 'reply'
          ? 'comment'
          : 'post'
  return {
    kind,
    externalId: mention.external_id,
    threadKey: mention.thread_key,
    ...(mention.author_id ? { authorId: mention.author_id } : {}),
    createdAt: new Date(mention.created_at),
    ...(latestInbound?.at ? { lastInboundAt: new Date(latestInbound.at as string | Date) } : {}),
  }
}

async function deliver(
  db: Kysely<Database>,
  outbox: ReplyOutboxRow,
  mention: MentionRow,
  channel: ChannelRow,
  deps: SendReplyDeps,
): Promise<SendReplyResult> {
  const now = deps.now ?? (() => new Date())
  let sender: ReplySender
  try {
    sender = deps.senderFor
      ? await deps.senderFor(channel)
      : replySenderFor(channel.platform, await senderConfigFor(db, channel, deps.fetch), deps)
  } catch (error) {
    return fail(
      db,
      outbox,
      mention,
      'invalid',
      `The channel is not set up for replying: ${(error as Error).message}`,
      false,
      now(),
    )
  }
  const target = await replyTargetOf(db, mention)
  try {
    const sent = await sender.send({
      target,
      text: outbox.text,
      visibility: outbox.visibility,
      outboxKey: outbox.id,
    })
    return await db.transaction().execute(async (trx) => {
      const result = await commitBatch(trx, {
        organisationId: outbox.organisation_id,
        channelId: channel.id,
        source: 'reply',
        now: now(),
        items: [
          {
            channelId: channel.id,
            externalId: sent.externalId,
            kind: sent.kind === 'dm' || mention.kind === 'message' ? 'message' : 'reply',
            direction: 'outbound',
            // A private reply to a public comment still answers that comment.
            threadKey: mention.thread_key,
            parentExternalId: mention.external_id,
            author: { id: channel.external_account_id, name: channel.name },
            text: outbox.text,
            createdAt: sent.sentAt,
            raw: {
              earshot: {
                outboxId: outbox.id,
                sentBy: outbox.user_id,
                visibility: outbox.visibility,
              },
            },
          },
        ],
      })
      const stored = await trx
        .selectFrom('mentions')
        .select('id')
        .where('organisation_id', '=', outbox.organisation_id)
        .where('channel_id', '=', channel.id)
        .where('external_id', '=', sent.externalId)
        .executeTakeFirst()
      if (!stored || result.quarantined > 0)
        throw new EarshotError('UPSTREAM', 'the sent reply could not be stored (see quarantine)')
      const row = await trx
        .updateTable('reply_outbox')
        .set({
          status: 'sent',
          failure_kind: null,
          failure_reason: null,
          outbound_external_id: sent.externalId,
          outbound_mention_id: stored.id,
          attempts: outbox.attempts + 1,
          sent_at: sent.sentAt,
          updated_at: now(),
          user_id: outbox.user_id,
        })
        .where('organisation_id', '=', outbox.organisation_id)
        .where('id', '=', outbox.id)
        .returningAll()
        .executeTakeFirstOrThrow()
      await logAction(
        trx,
        row,
        mention,
        'reply.sent',
        {
          outboxId: row.id,
          platform: channel.platform,
          visibility: row.visibility,
          externalId: sent.externalId,
          ...(row.override_reason
            ? { lintOverride: row.override_reason, lint: row.lint_warnings }
            : {}),
        },
        now(),
      )
      return { status: 'sent' as const, outbox: row, outboundMentionId: stored.id }
    })
  } catch (error) {
    if (!isReplySendError(error)) throw error
    return fail(db, outbox, mention, error.kind, error.reason, error.retryable, now())
  }
}

async function fail(
  db: Kysely<Database>,
  outbox: ReplyOutboxRow,
  mention: MentionRow,
  kind: string,
  reason: string,
  retryable: boolean,
  at: Date,
): Promise<SendReplyResult> {
  const status = kind === 'unknown' ? ('unknown' as const) : ('failed' as const)
  const row = await db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('reply_outbox')
      .set({
        status,
        failure_kind: kind,
        failure_reason: reason,
        attempts: outbox.attempts + 1,
        updated_at: at,
        user_id: outbox.user_id,
      })
      .where('organisation_id', '=', outbox.organisation_id)
      .where('id', '=', outbox.id)
      .returningAll()
      .executeTakeFirstOrThrow()
    await logAction(
      trx,
      updated,
      mention,
      'reply.failed',
      { outboxId: updated.id, kind, reason },
      at,
    )
    return updated
  })
  return { status, outbox: row, reason, retryable }
}

// The user-action log lives in the dashboard package; the same append-only row is written here
// so the send and its log entry commit together.
async function logAction(
  db: Kysely<Database>,
  outbox: ReplyOutboxRow,
  mention: MentionRow,
  action: 'reply.sent' | 'reply.failed',
  detail: Record<string, unknown>,
  at: Date,
): Promise<void> {
  await db
    .insertInto('user_actions')
    .values({
      organisation_id: outbox.organisation_id,
      id: randomUUID(),
      user_id: outbox.user_id,
      practice_id: mention.practice_id,
      action,
      target_type: 'mention',
      target_id: mention.id,
      detail: JSON.stringify(detail),
      created_at: at,
    })
    .execute()
}

/** The outbox rows of a mention, newest first: the reply history on the mention page. */
export async function repliesOf(
  db: Kysely<Database>,
  organisationId: string,
  mentionId: string,
): Promise<ReplyOutboxRow[]> {
  return db
    .selectFrom('reply_outbox')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('mention_id', '=', mentionId)
    .orderBy('created_at', 'desc')
    .execute()
}
