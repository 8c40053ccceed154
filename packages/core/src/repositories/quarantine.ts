/**
 * @module Quarantine: input that could not be ingested, kept whole with the reason, so nothing a
 * platform sent is ever silently lost.
 */
import type { Kysely } from 'kysely'
import { storableJson } from '../safety/ingest-hazards.js'
import type { Database, QuarantineRow } from '../storage/database.js'

export interface QuarantineEntry {
  organisationId?: string | null
  channelId?: string | null
  /** Where it came from: `ingest`, `webhook:facebook`, `import:csv` … */
  source: string
  reason: string
  payload: unknown
}

/** Stores rejected input in bulk (one statement). */
export async function quarantineItems(
  db: Kysely<Database>,
  entries: readonly QuarantineEntry[],
): Promise<void> {
  if (entries.length === 0) return
  await db
    .insertInto('quarantine')
    .values(
      entries.map((e) => ({
        organisation_id: e.organisationId ?? null,
        channel_id: e.channelId ?? null,
        source: e.source,
        reason: e.reason,
        payload: JSON.stringify(storableJson(e.payload)),
      })),
    )
    .execute()
}

export async function listQuarantine(
  db: Kysely<Database>,
  organisationId: string,
  options: { limit?: number; channelId?: string } = {},
): Promise<QuarantineRow[]> {
  let q = db.selectFrom('quarantine').selectAll().where('organisation_id', '=', organisationId)
  if (options.channelId) q = q.where('channel_id', '=', options.channelId)
  return q
    .orderBy('id', 'desc')
    .limit(options.limit ?? 100)
    .execute()
}
