/**
 * @module API tokens as the set-up pages see them: listed without their secret (only a digest is
 * stored anyway), created through `createApiToken`, and revoked by deleting the row, which
 * refuses the token from the next request on. Every change is logged.
 */
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { recordUserAction } from '../audit/user-actions.js'
import { createApiToken } from '../auth/create-api-token.js'
import type { Database } from '../core.js'

/** A token row for the list (never the digest). */
export interface ApiTokenListItem {
  id: string
  name: string
  userId: string
  userEmail: string
  createdAt: Date
  lastUsedAt: Date | null
}

/** Tokens of the organisation, or only one user's; newest first. */
export async function listApiTokens(
  db: Kysely<Database>,
  organisationId: string,
  onlyUserId?: string,
): Promise<ApiTokenListItem[]> {
  let q = db
    .selectFrom('api_tokens')
    .innerJoin('users', (j) =>
      j
        .onRef('users.organisation_id', '=', 'api_tokens.organisation_id')
        .onRef('users.id', '=', 'api_tokens.user_id'),
    )
    .select([
      'api_tokens.id',
      'api_tokens.name',
      'api_tokens.user_id',
      'users.email',
      'api_tokens.created_at',
      'api_tokens.last_used_at',
    ])
    .where('api_tokens.organisation_id', '=', organisationId)
  if (onlyUserId !== undefined) q = q.where('api_tokens.user_id', '=', onlyUserId)
  const rows = await q.orderBy('api_tokens.created_at', 'desc').orderBy('api_tokens.id').execute()
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    userId: r.user_id,
    userEmail: r.email,
    createdAt: new Date(r.created_at),
    lastUsedAt: r.last_used_at ? new Date(r.last_used_at) : null,
  }))
}

export const tokenNameSchema = z
  .string()
  .trim()
  .min(1, 'give the token a name that says what it is for')
  .max(100, 'at most 100 characters')

/** Who acts, for the log. */
export interface Actor {
  organisationId: string
  userId: string | null
  via: 'dashboard' | 'cli'
}

/** Creates a token for `userId` and logs it; the clear token is returned once. */
export async function createLoggedApiToken(
  db: Kysely<Database>,
  actor: Actor,
  input: { userId: string; name: string },
  now: Date,
): Promise<{ id: string; token: string }> {
  return db.transaction().execute(async (trx) => {
    const created = await createApiToken(trx, {
      organisationId: actor.organisationId,
      userId: input.userId,
      name: input.name,
    })
    await recordUserAction(
      trx,
      {
        organisationId: actor.organisationId,
        userId: actor.userId,
        action: 'token.created',
        targetType: 'api_token',
        targetId: created.id,
        detail: { via: actor.via, name: input.name, forUser: input.userId },
      },
      now,
    )
    return created
  })
}

/**
 * Revokes a token of the organisation (only `onlyUserId`'s, when given); false when there is no
 * such token, which callers answer with the same 404 as another tenant's id.
 */
export async function revokeLoggedApiToken(
  db: Kysely<Database>,
  actor: Actor,
  tokenId: string,
  now: Date,
  onlyUserId?: string,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    let q = trx
      .deleteFrom('api_tokens')
      .where('organisation_id', '=', actor.organisationId)
      .where('id', '=', tokenId)
    if (onlyUserId !== undefined) q = q.where('user_id', '=', onlyUserId)
    const row = await q.returning(['id', 'name', 'user_id']).executeTakeFirst()
    if (!row) return false
    await recordUserAction(
      trx,
      {
        organisationId: actor.organisationId,
        userId: actor.userId,
        action: 'token.revoked',
        targetType: 'api_token',
        targetId: row.id,
        detail: { via: actor.via, name: row.name, forUser: row.user_id },
      },
      now,
    )
    return true
  })
}
