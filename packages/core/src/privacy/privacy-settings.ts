/**
 * @module An organisation's privacy settings: how long mentions and platform payloads are kept,
 * whether an expired mention is deleted or redacted, and whether identifiers are redacted at
 * ingest. No row means the defaults: keep everything, redact nothing.
 */
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Database } from '../storage/database.js'

const months = z.number().int().min(1).max(1200).nullable()

/** The settings as the dashboard, the CLI and the API hand them in. */
export const privacySettingsSchema = z.object({
  /** Mentions older than this many months are deleted or redacted; null keeps them. */
  mentionRetentionMonths: months.default(null),
  mentionRetentionAction: z.enum(['delete', 'redact']).default('delete'),
  /** Platform payloads older than this many months are cleared; null keeps them with the mention. */
  rawRetentionMonths: months.default(null),
  /** Replace Medicare/NHS numbers, dates of birth and phone numbers by a token at ingest. */
  redactIdentifiers: z.boolean().default(false),
})
export type PrivacySettingsInput = z.input<typeof privacySettingsSchema>
export type PrivacySettings = z.output<typeof privacySettingsSchema>

/** Keep everything, redact nothing. */
export const DEFAULT_PRIVACY_SETTINGS: Readonly<PrivacySettings> = Object.freeze(
  privacySettingsSchema.parse({}),
)

/** The organisation's settings (the defaults when it never saved any). */
export async function getPrivacySettings(
  db: Kysely<Database>,
  organisationId: string,
): Promise<PrivacySettings> {
  const row = await db
    .selectFrom('privacy_settings')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst()
  if (!row) return { ...DEFAULT_PRIVACY_SETTINGS }
  return {
    mentionRetentionMonths: row.mention_retention_months,
    mentionRetentionAction: row.mention_retention_action,
    rawRetentionMonths: row.raw_retention_months,
    redactIdentifiers: row.redact_identifiers,
  }
}

/** Validates and stores the settings; returns what was stored. */
export async function savePrivacySettings(
  db: Kysely<Database>,
  organisationId: string,
  input: PrivacySettingsInput,
  now: Date,
): Promise<PrivacySettings> {
  const s = privacySettingsSchema.parse(input)
  const values = {
    mention_retention_months: s.mentionRetentionMonths,
    mention_retention_action: s.mentionRetentionAction,
    raw_retention_months: s.rawRetentionMonths,
    redact_identifiers: s.redactIdentifiers,
    updated_at: now,
  }
  await db
    .insertInto('privacy_settings')
    .values({ organisation_id: organisationId, ...values })
    .onConflict((oc) => oc.column('organisation_id').doUpdateSet(values))
    .execute()
  return s
}

/** The instant `months` calendar months before `now` (UTC; the 31st clamps to the month's end). */
export function monthsBefore(now: Date, months: number): Date {
  const y = now.getUTCFullYear()
  const m = now.getUTCMonth() - months
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate()
  return new Date(
    Date.UTC(
      y,
      m,
      Math.min(now.getUTCDate(), lastDay),
      now.getUTCHours(),
      now.getUTCMinutes(),
      now.getUTCSeconds(),
      now.getUTCMilliseconds(),
    ),
  )
}
