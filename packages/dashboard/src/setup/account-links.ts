/**
 * @module Account links (migration 2026-12-02-110): single-use, expiring links that set a
 * password, for invitations and password resets. The secret is only in the link; the database
 * keeps its SHA-256 digest. Issuing a new link deletes the user's older unused ones of the same
 * purpose, and redeeming is one conditional update, so a link works once even if clicked twice
 * at the same moment.
 */
import { randomUUID } from 'node:crypto'
import type { Database } from '@earshot/core'
import type { ColumnType, Kysely } from 'kysely'
import { hashPassword } from '../auth/password-hash.js'
import { randomSecret, sha256Hex } from '../auth/secret-token.js'

type Timestamp = ColumnType<Date, Date | string, Date | string>

export const ACCOUNT_LINK_PURPOSES = ['invite', 'reset'] as const
export type AccountLinkPurpose = (typeof ACCOUNT_LINK_PURPOSES)[number]

/** How long a link works: an invitation waits a week, a reset an hour. */
export const ACCOUNT_LINK_TTL_MS: Readonly<Record<AccountLinkPurpose, number>> = {
  invite: 7 * 24 * 3600 * 1000,
  reset: 3600 * 1000,
}

export interface AccountLinkTable {
  organisation_id: string
  id: string
  user_id: string
  purpose: AccountLinkPurpose
  token_hash: string
  expires_at: Timestamp
  used_at: Timestamp | null
  created_by: string | null
  created_at: Timestamp
}

export type AccountLinksDb = Kysely<Database & { account_links: AccountLinkTable }>

/** Core's handle, seen with the account-links table. */
export function accountLinksDb(db: Kysely<Database>): AccountLinksDb {
  return db.withTables<{ account_links: AccountLinkTable }>()
}

/** Issues a link for a user; returns the secret (for the URL, never stored) and its expiry. */
export async function issueAccountLink(
  db: Kysely<Database>,
  input: {
    organisationId: string
    userId: string
    purpose: AccountLinkPurpose
    createdBy: string | null
  },
  now: Date,
): Promise<{ token: string; expiresAt: Date }> {
  const links = accountLinksDb(db)
  const token = randomSecret()
  const expiresAt = new Date(now.getTime() + ACCOUNT_LINK_TTL_MS[input.purpose])
  // The newest link is the only one that works: older unused ones are deleted (so `used_at`
  // always means the link set a password).
  await links
    .deleteFrom('account_links')
    .where('organisation_id', '=', input.organisationId)
    .where('user_id', '=', input.userId)
    .where('purpose', '=', input.purpose)
    .where('used_at', 'is', null)
    .execute()
  await links
    .insertInto('account_links')
    .values({
      organisation_id: input.organisationId,
      id: randomUUID(),
      user_id: input.userId,
      purpose: input.purpose,
      token_hash: sha256Hex(token),
      expires_at: expiresAt,
      used_at: null,
      created_by: input.createdBy,
      created_at: now,
    })
    .execute()
  return { token, expiresAt }
}

/** What a link is, for the page it opens. */
export type AccountLinkState =
  | {
      ok: true
      organisationId: string
      userId: string
      purpose: AccountLinkPurpose
      email: string
      name: string
    }
  | { ok: false; problem: 'unknown' | 'used' | 'expired' }

/** Looks a link's secret up without using it. */
export async function findAccountLink(
  db: Kysely<Database>,
  token: string,
  now: Date,
): Promise<AccountLinkState> {
  if (!token || token.length > 200) return { ok: false, problem: 'unknown' }
  const row = await accountLinksDb(db)
    .selectFrom('account_links')
    .innerJoin('users', (j) =>
      j
        .onRef('users.organisation_id', '=', 'account_links.organisation_id')
        .onRef('users.id', '=', 'account_links.user_id'),
    )
    .select([
      'account_links.organisation_id',
      'account_links.user_id',
      'account_links.purpose',
      'account_links.expires_at',
      'account_links.used_at',
      'users.email',
      'users.name',
    ])
    .where('account_links.token_hash', '=', sha256Hex(token))
    .executeTakeFirst()
  if (!row) return { ok: false, problem: 'unknown' }
  if (row.used_at) return { ok: false, problem: 'used' }
  if (new Date(row.expires_at).getTime() <= now.getTime()) return { ok: false, problem: 'expired' }
  return {
    ok: true,
    organisationId: row.organisation_id,
    userId: row.user_id,
    purpose: row.purpose,
    email: row.email,
    name: row.name,
  }
}

/**
 * Uses a link to set the user's password: marks the link used (only if still unused and
 * unexpired), stores the new hash and ends the user's sessions, in one transaction. The
 * password must already satisfy the password rules.
 */
export async function redeemAccountLink(
  db: Kysely<Database>,
  token: string,
  password: string,
  now: Date,
): Promise<AccountLinkState> {
  const found = await findAccountLink(db, token, now)
  if (!found.ok) return found
  const hash = await hashPassword(password)
  return db.transaction().execute(async (trx) => {
    const claimed = await accountLinksDb(trx)
      .updateTable('account_links')
      .set({ used_at: now })
      .where('token_hash', '=', sha256Hex(token))
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning(['organisation_id', 'user_id'])
      .executeTakeFirst()
    // Another request redeemed it between the lookup and here.
    if (!claimed) return { ok: false, problem: 'used' } as const
    await trx
      .updateTable('users')
      .set({ password_hash: hash })
      .where('organisation_id', '=', claimed.organisation_id)
      .where('id', '=', claimed.user_id)
      .execute()
    // A reset usually follows a lost or leaked password: every old session ends.
    await trx
      .deleteFrom('sessions')
      .where('organisation_id', '=', claimed.organisation_id)
      .where('user_id', '=', claimed.user_id)
      .execute()
    return found
  })
}

/** Users of the organisation whose invitation is not accepted yet, with when it expires(d). */
export async function pendingInvitations(
  db: Kysely<Database>,
  organisationId: string,
): Promise<Map<string, Date>> {
  const rows = await accountLinksDb(db)
    .selectFrom('account_links')
    .select(['user_id', 'expires_at'])
    .where('organisation_id', '=', organisationId)
    .where('purpose', '=', 'invite')
    .where('used_at', 'is', null)
    .execute()
  return new Map(rows.map((r) => [r.user_id, new Date(r.expires_at)]))
}
