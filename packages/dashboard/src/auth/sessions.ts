/**
 * @module Server-side sessions. The cookie carries a random id; the database keeps only its
 * SHA-256 digest, the user, a per-session CSRF token, the expiry, the device (user agent), when
 * it was created and last used, and when the password was last entered (for re-authentication).
 * A session in the `totp` stage has passed the password but not the second factor: it signs
 * nobody in, and lives only minutes.
 */
import type { Kysely } from 'kysely'
import type { Database } from '../core.js'
import { randomSecret, sha256Hex } from './secret-token.js'

/** How long a session lasts (a working week). */
export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000
/** How long the second-factor step may take after the password. */
export const TOTP_STAGE_TTL_MS = 10 * 60 * 1000
/** Last-seen times are written at most this often (not on every request). */
const LAST_SEEN_GRANULARITY_MS = 60 * 1000

export type SessionStage = 'active' | 'totp'

export interface SessionRecord {
  organisationId: string
  userId: string
  publicId: string
  csrfToken: string
  expiresAt: Date
  authenticatedAt: Date
  stage: SessionStage
}

/** A session as the security page lists it. */
export interface SessionSummary {
  publicId: string
  userAgent: string | null
  createdAt: Date
  lastSeenAt: Date
}

/** Starts a session; returns the secret id for the cookie and the CSRF token. */
export async function createSession(
  db: Kysely<Database>,
  user: { organisationId: string; id: string },
  now: Date,
  options: { userAgent?: string; stage?: SessionStage } = {},
): Promise<{ sessionId: string; csrfToken: string; expiresAt: Date }> {
  const sessionId = randomSecret()
  const csrfToken = randomSecret()
  const stage = options.stage ?? 'active'
  const expiresAt = new Date(
    now.getTime() + (stage === 'active' ? SESSION_TTL_MS : TOTP_STAGE_TTL_MS),
  )
  await db
    .insertInto('sessions')
    .values({
      id_hash: sha256Hex(sessionId),
      organisation_id: user.organisationId,
      user_id: user.id,
      csrf_token: csrfToken,
      expires_at: expiresAt,
      created_at: now,
      last_seen_at: now,
      authenticated_at: now,
      user_agent: options.userAgent ? options.userAgent.slice(0, 300) : null,
      stage,
    })
    .execute()
  // Expired sessions are swept opportunistically at sign-in, so the table does not grow forever.
  await db.deleteFrom('sessions').where('expires_at', '<', now).execute()
  return { sessionId, csrfToken, expiresAt }
}

/** The live session for a cookie value, if any (any stage: callers check it); notes its use. */
export async function loadSession(
  db: Kysely<Database>,
  sessionId: string,
  now: Date,
): Promise<SessionRecord | undefined> {
  if (!sessionId || sessionId.length > 200) return undefined
  const idHash = sha256Hex(sessionId)
  const row = await db
    .selectFrom('sessions')
    .selectAll()
    .where('id_hash', '=', idHash)
    .executeTakeFirst()
  if (!row || new Date(row.expires_at).getTime() <= now.getTime()) return undefined
  const lastSeen = row.last_seen_at ? new Date(row.last_seen_at).getTime() : 0
  if (now.getTime() - lastSeen >= LAST_SEEN_GRANULARITY_MS)
    await db
      .updateTable('sessions')
      .set({ last_seen_at: now })
      .where('id_hash', '=', idHash)
      .execute()
  return {
    organisationId: row.organisation_id,
    userId: row.user_id,
    publicId: row.public_id,
    csrfToken: row.csrf_token,
    expiresAt: new Date(row.expires_at),
    authenticatedAt: new Date(row.authenticated_at ?? row.created_at),
    stage: row.stage === 'active' ? 'active' : 'totp',
  }
}

/** Ends a session (sign-out). */
export async function deleteSession(db: Kysely<Database>, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', sha256Hex(sessionId)).execute()
}

/** Records that the user just entered their password (and second factor) again. */
export async function markReauthenticated(
  db: Kysely<Database>,
  sessionId: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ authenticated_at: now })
    .where('id_hash', '=', sha256Hex(sessionId))
    .execute()
}

/** A user's signed-in sessions, most recently used first. */
export async function listSessions(
  db: Kysely<Database>,
  user: { organisationId: string; id: string },
  now: Date,
): Promise<SessionSummary[]> {
  const rows = await db
    .selectFrom('sessions')
    .select(['public_id', 'user_agent', 'created_at', 'last_seen_at'])
    .where('organisation_id', '=', user.organisationId)
    .where('user_id', '=', user.id)
    .where('stage', '=', 'active')
    .where('expires_at', '>', now)
    .orderBy('last_seen_at', 'desc')
    .orderBy('public_id')
    .execute()
  return rows.map((r) => ({
    publicId: r.public_id,
    userAgent: r.user_agent,
    createdAt: new Date(r.created_at),
    lastSeenAt: new Date(r.last_seen_at ?? r.created_at),
  }))
}

/** Revokes one of the user's sessions by its public id; whether there was one. */
export async function revokeSession(
  db: Kysely<Database>,
  user: { organisationId: string; id: string },
  publicId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('sessions')
    .where('organisation_id', '=', user.organisationId)
    .where('user_id', '=', user.id)
    .where('public_id', '=', publicId)
    .executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

/** Revokes every session of the user but the given one (after a password change, or on request). */
export async function revokeOtherSessions(
  db: Kysely<Database>,
  user: { organisationId: string; id: string },
  keepSessionId: string | null,
): Promise<number> {
  let query = db
    .deleteFrom('sessions')
    .where('organisation_id', '=', user.organisationId)
    .where('user_id', '=', user.id)
  if (keepSessionId) query = query.where('id_hash', '!=', sha256Hex(keepSessionId))
  const result = await query.executeTakeFirst()
  return Number(result.numDeletedRows)
}
