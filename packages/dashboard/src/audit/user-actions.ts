/**
 * @module The user-action log: one append-only record per thing a person did (replied, overrode,
 * changed settings, exported, invited). Every writer calls `recordUserAction`; agency admins read
 * it with `listUserActions` (keyset-paged, newest first) and export it.
 */
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Database, UserActionRow } from '../core.js'

/** The actions the log knows; a new kind of action is added here first. */
export const USER_ACTIONS = [
  'reply.sent',
  'reply.failed',
  'override.recorded',
  'mention.assigned',
  'mention.noted',
  'settings.changed',
  'practice.created',
  'practice.updated',
  'practice.deleted',
  'channel.created',
  'channel.updated',
  'channel.connected',
  'channel.disconnected',
  'token.created',
  'token.revoked',
  'user.invited',
  'user.updated',
  'user.password_reset',
  'export.downloaded',
  'alert.rule_changed',
  'report.schedule_changed',
  'privacy.settings_changed',
  'data.retention_purged',
  'data.erased',
  'user.password_changed',
  'user.two_factor_enabled',
  'user.two_factor_disabled',
  'session.revoked',
] as const
export type UserAction = (typeof USER_ACTIONS)[number]

export const userActionInputSchema = z.object({
  organisationId: z.string().min(1),
  /** Null when the system or the CLI acted without a signed-in user. */
  userId: z.string().min(1).nullable(),
  practiceId: z.string().min(1).nullable().default(null),
  action: z.enum(USER_ACTIONS),
  targetType: z.string().min(1).max(40),
  targetId: z.string().min(1).max(200).nullable().default(null),
  /** Structured detail. Never put secrets here (tokens, passwords). */
  detail: z.record(z.string(), z.unknown()).default({}),
})
export type UserActionInput = z.input<typeof userActionInputSchema>

/**
 * Appends one entry. Pass the transaction of the change it describes, so the log and the change
 * commit together.
 */
export async function recordUserAction(
  db: Kysely<Database>,
  input: UserActionInput,
  now: Date,
): Promise<string> {
  const entry = userActionInputSchema.parse(input)
  const id = randomUUID()
  await db
    .insertInto('user_actions')
    .values({
      organisation_id: entry.organisationId,
      id,
      user_id: entry.userId,
      practice_id: entry.practiceId,
      action: entry.action,
      target_type: entry.targetType,
      target_id: entry.targetId,
      detail: JSON.stringify(entry.detail),
      created_at: now,
    })
    .execute()
  return id
}

export interface ListUserActionsOptions {
  organisationId: string
  /** Only these practices' entries (plus organisation-wide ones when `includeOrganisationWide`). */
  practiceIds?: readonly string[]
  action?: UserAction
  userId?: string
  /** Keyset cursor: the last entry of the previous page. */
  before?: { createdAt: Date; id: string }
  limit?: number
}

/** Newest first, keyset-paged: pass the last row's `created_at` and `id` as `before`. */
export async function listUserActions(
  db: Kysely<Database>,
  options: ListUserActionsOptions,
): Promise<UserActionRow[]> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 1000)
  let query = db
    .selectFrom('user_actions')
    .selectAll()
    .where('organisation_id', '=', options.organisationId)
  if (options.practiceIds) {
    const ids = [...options.practiceIds]
    if (ids.length === 0) return []
    query = query.where('practice_id', 'in', ids)
  }
  if (options.action) query = query.where('action', '=', options.action)
  if (options.userId) query = query.where('user_id', '=', options.userId)
  const before = options.before
  if (before) {
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', before.createdAt),
        eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)]),
      ]),
    )
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute()
}
