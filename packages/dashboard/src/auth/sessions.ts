/**
 * @module Server-side sessions. The cookie carries a random id; the database keeps only its
 * SHA-256 digest, the user, a per-session CSRF token and the expiry.
 */
import type { Kysely } from 'kysely'
import type { Database } from '../core.js'
import { randomSecret, sha256Hex } from './secret-token.js'

/** How long a session lasts (a working week). */
export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000

export interface SessionRecord {
  organisationId: string
  userId: string
  csrfToken: string
  expiresAt: Date
}

/** Starts a session; returns the secret id for the cookie and the CSRF token. */
export async function createSession(
  db: Kysely<Database>,
  user: { organisationId: string; id: string },
  now: Date,
): Promise<{ sessionId: string; csrfToken: string; expiresAt: Date }> {
  const sessionId = randomSecret()
  const csrfToken = randomSecret()
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS)
  await db
    .insertInto('sessions')
    .values({
      id_hash: sha256Hex(sessionId),
      organisation_id: user.organisationId,
      user_id: user.id,
      csrf_token: csrfToken,
      expires_at: expiresAt,
    })
    .execute()
  // Expired sessions are swept opportunistically at sign-in, so the table does not grow forever.
  await db.deleteFrom('sessions').where('expires_at', '<', now).execute()
  return { sessionId, csrfToken, expiresAt }
}

/** The live session for a cookie value, if any. */
export async function loadSession(
  db: Kysely<Database>,
  sessionId: string,
  now: Date,
): Promise<SessionRecord | undefined> {
  if (!sessionId || sessionId.length > 200) return undefined
  const row = await db
    .selectFrom('sessions')
    .selectAll()
    .where('id_hash', '=', sha256Hex(sessionId))
    .executeTakeFirst()
  if (!row || new Date(row.expires_at).getTime() <= now.getTime()) return undefined
  return {
    organisationId: row.organisation_id,
    userId: row.user_id,
    csrfToken: row.csrf_token,
    expiresAt: new Date(row.expires_at),
  }
}

/** Ends a session (sign-out). */
export async function deleteSession(db: Kysely<Database>, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', sha256Hex(sessionId)).execute()
}
