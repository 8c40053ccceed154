/**
 * @module Quarantine: input that could not be ingested, kept whole with the reason, so nothing a
 * platform sent is ever silently lost.
 */
import { createHash } from 'node:crypto'
import type { Insertable, Kysely } from 'kysely'
import { storableJson, storableText } from '../safety/ingest-hazards.js'
import type { Database, QuarantineRow, QuarantineTable } from '../storage/database.js'

export interface QuarantineEntry {
  organisationId?: string | null
  channelId?: string | null
  /** Where it came from: `ingest`, `webhook:facebook`, `import:csv` … */
  source: string
  reason: string
  payload: unknown
}

/**
 * Stores rejected input in bulk (one statement). The same item quarantined again for the same
 * reason (an import re-run, a redelivered webhook) is kept once.
 */
export async function quarantineItems(
  db: Kysely<Database>,
  entries: readonly QuarantineEntry[],
): Promise<void> {
  if (entries.length === 0) return
  const rows = new Map<string, Insertable<QuarantineTable>>()
  for (const e of entries) {
    const payload = JSON.stringify(storableJson(e.payload))
    const row = {
      organisation_id: e.organisationId ?? null,
      // The channel id and reason come from the same hostile input as the payload.
      channel_id: e.channelId == null ? null : storableText(e.channelId),
      source: e.source,
      reason: storableText(e.reason),
      payload,
    }
    const fingerprint = createHash('sha256')
      .update(JSON.stringify(Object.values(row)))
      .digest('hex')
    rows.set(fingerprint, { ...row, fingerprint })
  }
  await db
    .insertInto('quarantine')
    .values([...rows.values()])
    .onConflict((oc) => oc.column('fingerprint').doNothing())
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
