/**
 * @module API token changes from the set-up pages, each logged in the user-action log in the
 * same transaction: creation through the auth module's `createApiToken` (scopes, expiry) and
 * revocation through its `revokeApiToken`, which refuses the token from the next request on.
 */
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { recordUserAction } from '../audit/user-actions.js'
import type { ApiTokenScope } from '../auth/api-token-scopes.js'
import { createApiToken, revokeApiToken } from '../auth/create-api-token.js'
import type { Database } from '../core.js'

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
  input: { userId: string; name: string; scopes: ApiTokenScope[]; expiresInDays: number },
  now: Date,
): Promise<{ id: string; token: string; scopes: ApiTokenScope[]; expiresAt: Date }> {
  return db.transaction().execute(async (trx) => {
    const created = await createApiToken(
      trx,
      {
        organisationId: actor.organisationId,
        userId: input.userId,
        name: input.name,
        scopes: input.scopes,
        expiresInDays: input.expiresInDays,
      },
      now,
    )
    await recordUserAction(
      trx,
      {
        organisationId: actor.organisationId,
        userId: actor.userId,
        action: 'token.created',
        targetType: 'api_token',
        targetId: created.id,
        detail: {
          via: actor.via,
          name: input.name,
          forUser: input.userId,
          scopes: created.scopes,
          expiresAt: created.expiresAt.toISOString(),
        },
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
    const row = await revokeApiToken(
      trx,
      actor.organisationId,
      tokenId,
      onlyUserId === undefined ? {} : { userId: onlyUserId },
    )
    if (!row) return false
    await recordUserAction(
      trx,
      {
        organisationId: actor.organisationId,
        userId: actor.userId,
        action: 'token.revoked',
        targetType: 'api_token',
        targetId: row.id,
        detail: { via: actor.via, name: row.name },
      },
      now,
    )
    return true
  })
}
