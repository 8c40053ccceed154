/**
 * @module API tokens for `Authorization: Bearer` clients. A token acts as its user (same role and
 * practices); only its SHA-256 digest is stored, and the clear token is shown once.
 */
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { type Database, EarshotError } from '../core.js'
import { randomSecret, sha256Hex } from './secret-token.js'

export interface CreateApiTokenInput {
  organisationId: string
  userId: string
  name: string
}

/**
 * Creates an API token for a user. The returned `token` is the only time it exists in clear.
 *
 * @example
 * const { token } = await createApiToken(db, { organisationId: org.id, userId: user.id, name: 'reporting script' })
 * // curl -H "Authorization: Bearer $token" http://127.0.0.1:3000/api/v1/practices
 */
export async function createApiToken(
  db: Kysely<Database>,
  input: CreateApiTokenInput,
): Promise<{ id: string; token: string }> {
  const name = input.name.trim()
  if (!name) throw new EarshotError('INVALID_INPUT', 'an API token needs a name')
  const user = await db
    .selectFrom('users')
    .select('id')
    .where('organisation_id', '=', input.organisationId)
    .where('id', '=', input.userId)
    .executeTakeFirst()
  if (!user) throw new EarshotError('NOT_FOUND', `no user ${input.userId} in this organisation`)
  const id = randomUUID()
  const token = `es_${randomSecret()}`
  await db
    .insertInto('api_tokens')
    .values({
      organisation_id: input.organisationId,
      id,
      token_hash: sha256Hex(token),
      name,
      user_id: input.userId,
    })
    .execute()
  return { id, token }
}

/** The organisation and user a bearer token stands for, if it is valid; records its use. */
export async function resolveApiToken(
  db: Kysely<Database>,
  token: string,
  now: Date,
): Promise<{ organisationId: string; userId: string } | undefined> {
  if (!token || token.length > 200) return undefined
  const row = await db
    .selectFrom('api_tokens')
    .select(['organisation_id', 'id', 'user_id'])
    .where('token_hash', '=', sha256Hex(token))
    .executeTakeFirst()
  if (!row) return undefined
  await db
    .updateTable('api_tokens')
    .set({ last_used_at: now })
    .where('organisation_id', '=', row.organisation_id)
    .where('id', '=', row.id)
    .execute()
  return { organisationId: row.organisation_id, userId: row.user_id }
}
