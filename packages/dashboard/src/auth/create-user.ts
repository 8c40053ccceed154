/**
 * @module Dashboard users: creation (used by `earshot user add` and the demo) and sign-in checks.
 */
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { type Database, EarshotError, formatZodIssues, ROLES, type Role } from '../core.js'
import { dummyPasswordHash, hashPassword, verifyPassword } from './password-hash.js'
import { passwordProblem } from './password-policy.js'

/** A new password: long enough, not too long, not common (see password-policy). */
export const newPasswordSchema = z.string().superRefine((password, ctx) => {
  const problem = passwordProblem(password)
  if (problem) ctx.addIssue({ code: 'custom', message: problem })
})

export const createUserInputSchema = z.object({
  organisationId: z.string().min(1),
  id: z.string().min(1).optional(),
  email: z.email().max(320),
  name: z.string().trim().min(1).max(200),
  password: newPasswordSchema,
  role: z.enum(ROLES),
  /** Practices a practice manager or viewer may see; ignored for agency admins (they see all). */
  practiceIds: z.array(z.string().min(1)).default([]),
})
export type CreateUserInput = z.input<typeof createUserInputSchema>

/** A user as the dashboard sees it (never the password hash). */
export interface DashboardUser {
  id: string
  organisationId: string
  email: string
  name: string
  role: Role
  practiceIds: string[]
}

/**
 * Creates a user with a scrypt-hashed password. E-mails are unique across organisations
 * (sign-in looks users up by e-mail alone). Practice ids must belong to the organisation.
 *
 * @example
 * await createUser(db, { organisationId: org.id, email: 'demo@example.com', name: 'Demo', password: 'earshot-demo', role: 'agency_admin' })
 */
export async function createUser(
  db: Kysely<Database>,
  input: CreateUserInput,
): Promise<DashboardUser> {
  const parsed = createUserInputSchema.safeParse(input)
  if (!parsed.success)
    throw new EarshotError('INVALID_INPUT', `invalid user: ${formatZodIssues(parsed.error.issues)}`)
  const u = parsed.data
  if (u.practiceIds.length > 0) {
    const found = await db
      .selectFrom('practices')
      .select('id')
      .where('organisation_id', '=', u.organisationId)
      .where('id', 'in', u.practiceIds)
      .execute()
    const known = new Set(found.map((p) => p.id))
    const unknown = u.practiceIds.filter((id) => !known.has(id))
    if (unknown.length)
      throw new EarshotError(
        'NOT_FOUND',
        `unknown practice(s) in this organisation: ${unknown.join(', ')}`,
      )
  }
  const existing = await db
    .selectFrom('users')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['email']), '=', u.email.toLowerCase()))
    .executeTakeFirst()
  if (existing)
    throw new EarshotError('INVALID_INPUT', `a user with e-mail ${u.email} already exists`)
  const id = u.id ?? randomUUID()
  await db
    .insertInto('users')
    .values({
      organisation_id: u.organisationId,
      id,
      email: u.email,
      name: u.name,
      password_hash: await hashPassword(u.password),
      role: u.role,
      practice_ids: JSON.stringify(u.role === 'agency_admin' ? [] : u.practiceIds),
    })
    .execute()
  return {
    id,
    organisationId: u.organisationId,
    email: u.email,
    name: u.name,
    role: u.role,
    practiceIds: u.practiceIds,
  }
}

/** Checks an e-mail and password; the user when they match, undefined otherwise (same time either way). */
export async function authenticateUser(
  db: Kysely<Database>,
  email: string,
  password: string,
): Promise<DashboardUser | undefined> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.trim().toLowerCase()))
    .executeTakeFirst()
  const ok = await verifyPassword(password, row?.password_hash ?? (await dummyPasswordHash()))
  return row && ok ? toDashboardUser(row) : undefined
}

/** Whether `password` is this user's current password (the hash runs either way). */
export async function checkUserPassword(
  db: Kysely<Database>,
  user: { organisationId: string; id: string },
  password: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('password_hash')
    .where('organisation_id', '=', user.organisationId)
    .where('id', '=', user.id)
    .executeTakeFirst()
  const ok = await verifyPassword(password, row?.password_hash ?? (await dummyPasswordHash()))
  return Boolean(row) && ok
}

/** Sets a new password (already checked against the rules by the caller, or here). */
export async function setUserPassword(
  db: Kysely<Database>,
  user: { organisationId: string; id: string },
  password: string,
): Promise<void> {
  const parsed = newPasswordSchema.safeParse(password)
  if (!parsed.success) throw new EarshotError('INVALID_INPUT', formatZodIssues(parsed.error.issues))
  await db
    .updateTable('users')
    .set({ password_hash: await hashPassword(password) })
    .where('organisation_id', '=', user.organisationId)
    .where('id', '=', user.id)
    .execute()
}

/** Loads a user of an organisation by id. */
export async function getUser(
  db: Kysely<Database>,
  organisationId: string,
  userId: string,
): Promise<DashboardUser | undefined> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', userId)
    .executeTakeFirst()
  return row ? toDashboardUser(row) : undefined
}

function toDashboardUser(row: {
  id: string
  organisation_id: string
  email: string
  name: string
  role: string
  practice_ids: unknown
}): DashboardUser {
  const ids = Array.isArray(row.practice_ids)
    ? row.practice_ids.filter((x): x is string => typeof x === 'string')
    : []
  return {
    id: row.id,
    organisationId: row.organisation_id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    practiceIds: ids,
  }
}
