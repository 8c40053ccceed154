/**
 * @module Turning a practice's public badge on and off. The public id is random and stays the
 * same across off/on, so an embed keeps working when a practice switches it back on.
 */
import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database } from '../core.js'
import { badgeDb } from './badge-tables.js'

export interface BadgeSetting {
  enabled: boolean
  publicId: string | null
}

export async function getBadgeSetting(
  db: Kysely<Database>,
  organisationId: string,
  practiceId: string,
): Promise<BadgeSetting> {
  const row = await badgeDb(db)
    .selectFrom('public_badges')
    .select(['enabled', 'public_id'])
    .where('organisation_id', '=', organisationId)
    .where('practice_id', '=', practiceId)
    .executeTakeFirst()
  return { enabled: row?.enabled ?? false, publicId: row?.public_id ?? null }
}

export async function setBadgeEnabled(
  db: Kysely<Database>,
  organisationId: string,
  practiceId: string,
  enabled: boolean,
  now: Date,
): Promise<BadgeSetting> {
  const row = await badgeDb(db)
    .insertInto('public_badges')
    .values({
      organisation_id: organisationId,
      practice_id: practiceId,
      public_id: randomBytes(12).toString('base64url'),
      enabled,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['organisation_id', 'practice_id']).doUpdateSet({ enabled, updated_at: now }),
    )
    .returning(['enabled', 'public_id'])
    .executeTakeFirstOrThrow()
  return { enabled: row.enabled, publicId: row.public_id }
}

/** The practice behind an enabled badge, or null (unknown, or switched off). */
export async function practiceOfBadge(
  db: Kysely<Database>,
  publicId: string,
): Promise<{ organisationId: string; practiceId: string } | null> {
  const row = await badgeDb(db)
    .selectFrom('public_badges')
    .select(['organisation_id', 'practice_id'])
    .where('public_id', '=', publicId)
    .where('enabled', '=', true)
    .executeTakeFirst()
  return row ? { organisationId: row.organisation_id, practiceId: row.practice_id } : null
}
