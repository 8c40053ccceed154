/**
 * @module API tokens for `Authorization: Bearer` clients. A token acts as its user (same role and
 * practices), narrowed to its scopes, until it expires; only its SHA-256 digest is stored, and
 * the clear token is shown once.
 */
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { type Database, EarshotError, formatZodIssues } from '../core.js'
import {
  type ApiTokenScope,
  apiTokenScopeSchema,
  DEFAULT_TOKEN_DAYS,
  MAX_TOKEN_DAYS,
  normaliseScopes,
  scopesFromRow,
} from './api-token-scopes.js'
import { randomSecret, sha256Hex } from './secret-token.js'

const DAY_MS = 86_400_000

export const createApiTokenInputSchema = z.object({
  organisationId: z.string().min(1),
  userId: z.string().min(1),
  name: z.string().trim().min(1, 'an API token needs a name').max(200),
  /** Default: read only. `write` and `admin` imply `read`. */
  scopes: z.array(apiTokenScopeSchema).min(1, 'give at least one scope').default(['read']),
  /** Lifetime in whole days (default 90, at most 366). */
  expiresInDays: z.number().int().min(1).max(MAX_TOKEN_DAYS).default(DEFAULT_TOKEN_DAYS),
})
export type CreateApiTokenInput = z.input<typeof createApiTokenInputSchema>

/** A token as lists show it (never the token or its digest). */
export interface ApiTokenSummary {
  id: string
  name: string
  userId: string
  userEmail: string
  scopes: ApiTokenScope[]
  createdAt: Date
  expiresAt: Date
  lastUsedAt: Date | null
}

/**
 * Creates an API token for a user. The returned `token` is the only time it exists in clear.
 *
 * @example
 * const { token } = await createApiToken(db, { organisationId: org.id, userId: user.id, name: 'reporting script' }, new Date())
 * // curl -H "Authorization: Bearer $token" http://127.0.0.1:3000/api/v1/practices
 */
export async function createApiToken(
  db: Kysely<Database>,
  input: CreateApiTokenInput,
  now: Date = new Date(),
): Promise<{ id: string; token: string; scopes: ApiTokenScope[]; expiresAt: Date }> {
  const parsed = createApiTokenInputSchema.safeParse(input)
  if (!parsed.success)
    throw new EarshotError(
      'INVALID_INPUT',
      `invalid API token: ${formatZodIssues(parsed.error.issues)}`,
    )
  const t = parsed.data
  const user = await db
    .selectFrom('users')
    .select('id')
    .where('organisation_id', '=', t.organisationId)
    .where('id', '=', t.userId)
    .executeTakeFirst()
  if (!user) throw new EarshotError('NOT_FOUND', `no user ${t.userId} in this organisation`)
  const id = randomUUID()
  const token = `es_${randomSecret()}`
  const scopes = normaliseScopes(t.scopes)
  const expiresAt = new Date(now.getTime() + t.expiresInDays * DAY_MS)
  await db
    .insertInto('api_tokens')
    .values({
      organisation_id: t.organisationId,
      id,
      token_hash: sha256Hex(token),
      name: t.name,
      user_id: t.userId,
      scopes: JSON.stringify(scopes),
      expires_at: expiresAt,
      created_at: now,
    })
    .execute()
  return { id, token, scopes, expiresAt }
}

/** What a valid bearer token stands for. */
export interface ResolvedApiToken {
  organisationId: string
  userId: string
  tokenId: string
  scopes: ApiTokenScope[]
  expiresAt: Date
}

/** The organisation, user and scopes a bearer token stands for, if it is valid and unexpired; records its use. */
export async function resolveApiToken(
  db: Kysely<Database>,
  token: string,
  now: Date,
): Promise<ResolvedApiToken | undefined> {
  if (!token || token.length > 200) return undefined
  const row = await db
    .selectFrom('api_tokens')
    .select(['organisation_id', 'id', 'user_id', 'scopes', 'expires_at'])
    .where('token_hash', '=', sha256Hex(token))
    .executeTakeFirst()
  if (!row) return undefined
  const expiresAt = new Date(row.expires_at)
  if (expiresAt.getTime() <= now.getTime()) return undefined
  await db
    .updateTable('api_tokens')
    .set({ last_used_at: now })
    .where('organisation_id', '=', row.organisation_id)
    .where('id', '=', row.id)
    .execute()
  return {
    organisationId: row.organisation_id,
    userId: row.user_id,
    tokenId: row.id,
    scopes: scopesFromRow(row.scopes),
    expiresAt,
  }
}

/** The organisation's tokens (optionally one user's), oldest first, with scopes and expiry. */
export async function listApiTokens(
  db: Kysely<Database>,
  organisationId: string,
  filter: { userId?: string } = {},
): Promise<ApiTokenSummary[]> {
  let query = db
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
      'api_tokens.scopes',
      'api_tokens.created_at',
      'api_tokens.expires_at',
      'api_tokens.last_used_at',
    ])
    .where('api_tokens.organisation_id', '=', organisationId)
  if (filter.userId) query = query.where('api_tokens.user_id', '=', filter.userId)
  const rows = await query.orderBy('api_tokens.created_at').orderBy('api_tokens.id').execute()
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    userId: r.user_id,
    userEmail: r.email,
    scopes: scopesFromRow(r.scopes),
    createdAt: new Date(r.created_at),
    expiresAt: new Date(r.expires_at),
    lastUsedAt: r.last_used_at ? new Date(r.last_used_at) : null,
  }))
}

/** Deletes one token of the organisation (optionally only if it is this user's); its name, or undefined. */
export async function revokeApiToken(
  db: Kysely<Database>,
  organisationId: string,
  tokenId: string,
  filter: { userId?: string } = {},
): Promise<{ id: string; name: string } | undefined> {
  let query = db
    .deleteFrom('api_tokens')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', tokenId)
  if (filter.userId) query = query.where('user_id', '=', filter.userId)
  return query.returning(['id', 'name']).executeTakeFirst()
}
