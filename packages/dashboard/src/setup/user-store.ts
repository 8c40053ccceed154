/**
 * @module Users of an organisation for the set-up pages: the list, changing a role and its
 * practices, and removing someone. The organisation always keeps one agency admin, so nobody
 * can lock everyone out. Every change is logged.
 */
import { EarshotError, ROLES, type Role } from '@earshot/core'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { recordUserAction } from '../audit/user-actions.js'
import type { Database } from '../core.js'

/** A user row for the list (never the password hash). */
export interface UserListItem {
  id: string
  email: string
  name: string
  role: Role
  practiceIds: string[]
  createdAt: Date
}

export async function listUsers(
  db: Kysely<Database>,
  organisationId: string,
): Promise<UserListItem[]> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'role', 'practice_ids', 'created_at'])
    .where('organisation_id', '=', organisationId)
    .orderBy('name')
    .orderBy('id')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role as Role,
    practiceIds: Array.isArray(r.practice_ids)
      ? r.practice_ids.filter((x): x is string => typeof x === 'string')
      : [],
    createdAt: new Date(r.created_at),
  }))
}

export const roleChangeSchema = z.object({
  role: z.enum(ROLES, 'pick a role'),
  practiceIds: z.array(z.string().min(1)).default([]),
})

async function adminCount(db: Kysely<Database>, organisationId: string): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('organisation_id', '=', organisationId)
    .where('role', '=', 'agency_admin')
    .executeTakeFirst()
  return Number(row?.n ?? 0)
}

/** Who acts, for the log. */
export interface UserChangeActor {
  organisationId: string
  userId: string | null
}

/**
 * Changes a user's role and practices. Practice ids must be the organisation's; the last agency
 * admin stays one. Throws NOT_FOUND for a user of another organisation.
 */
export async function changeUserRole(
  db: Kysely<Database>,
  actor: UserChangeActor,
  userId: string,
  change: z.input<typeof roleChangeSchema>,
  now: Date,
): Promise<void> {
  const c = roleChangeSchema.parse(change)
  await db.transaction().execute(async (trx) => {
    const user = await trx
      .selectFrom('users')
      .select(['id', 'role', 'email'])
      .where('organisation_id', '=', actor.organisationId)
      .where('id', '=', userId)
      .forUpdate()
      .executeTakeFirst()
    if (!user) throw new EarshotError('NOT_FOUND', 'no such user')
    if (user.role === 'agency_admin' && c.role !== 'agency_admin')
      if ((await adminCount(trx, actor.organisationId)) <= 1)
        throw new EarshotError('INVALID_INPUT', 'the organisation needs at least one agency admin')
    const practiceIds = c.role === 'agency_admin' ? [] : [...new Set(c.practiceIds)]
    if (practiceIds.length) {
      const found = await trx
        .selectFrom('practices')
        .select('id')
        .where('organisation_id', '=', actor.organisationId)
        .where('id', 'in', practiceIds)
        .execute()
      if (found.length !== practiceIds.length)
        throw new EarshotError('NOT_FOUND', 'no such practice')
    }
    await trx
      .updateTable('users')
      .set({ role: c.role, practice_ids: JSON.stringify(practiceIds) })
      .where('organisation_id', '=', actor.organisationId)
      .where('id', '=', userId)
      .execute()
    await recordUserAction(
      trx,
      {
        organisationId: actor.organisationId,
        userId: actor.userId,
        action: 'user.updated',
        targetType: 'user',
        targetId: userId,
        detail: { email: user.email, from: user.role, role: c.role, practiceIds },
      },
      now,
    )
  })
}

/**
 * Removes a user (their sessions, tokens and links go with them). Nobody removes themselves, and
 * the last agency admin stays. Throws NOT_FOUND for a user of another organisation.
 */
export async function removeUser(
  db: Kysely<Database>,
  actor: UserChangeActor,
  userId: string,
  now: Date,
): Promise<void> {
  if (actor.userId === userId)
    throw new EarshotError('INVALID_INPUT', 'you cannot remove yourself; ask another admin')
  await db.transaction().execute(async (trx) => {
    const user = await trx
      .selectFrom('users')
      .select(['id', 'role', 'email'])
      .where('organisation_id', '=', actor.organisationId)
      .where('id', '=', userId)
      .forUpdate()
      .executeTakeFirst()
    if (!user) throw new EarshotError('NOT_FOUND', 'no such user')
    if (user.role === 'agency_admin' && (await adminCount(trx, actor.organisationId)) <= 1)
      throw new EarshotError('INVALID_INPUT', 'the organisation needs at least one agency admin')
    await trx
      .deleteFrom('users')
      .where('organisation_id', '=', actor.organisationId)
      .where('id', '=', userId)
      .execute()
    await recordUserAction(
      trx,
      {
        organisationId: actor.organisationId,
        userId: actor.userId,
        action: 'user.updated',
        targetType: 'user',
        targetId: userId,
        detail: { email: user.email, removed: true },
      },
      now,
    )
  })
}
