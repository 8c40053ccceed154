/**
 * @module Quarantine: input that could not be ingested, kept whole with the reason, so nothing a
 * platform sent is ever silently lost.
 */
import type { Kysely } from 'kysely'
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
        payload: JSON.stringify(toJsonSafe(e.payload)),
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

// Payloads can be anything (a Buffer, a string that is not JSON, a cyclic object): store what we can.
function toJsonSafe(payload: unknown): unknown {
  if (payload === undefined) return null
  try {
    const text = JSON.stringify(payload, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))
    return text === undefined ? String(payload) : JSON.parse(text.replace(/\\u0000/g, ''))
  } catch {
    return { unserialisable: String(payload) }
  }
}
