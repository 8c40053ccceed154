/**
 * @module The database-backed replay guard for signed webhooks (table `webhook_replays`,
 * migration 910). One statement decides: a key not seen, or seen but expired, is taken; a live
 * key is a replay. Expired keys are swept as it goes, so the table stays small.
 */
import { createHash } from 'node:crypto'
import type { Database } from '@earshot/core'
import { type Kysely, sql } from 'kysely'

interface WebhookReplayTable {
  key: string
  expires_at: Date
}
type ReplayDb = Kysely<Database & { webhook_replays: WebhookReplayTable }>

/** True the first time `key` is presented before it expires; false for a replay. */
export async function takeReplayKey(
  db: Kysely<Database>,
  replay: { key: string; expiresAt: Date; now: Date },
): Promise<boolean> {
  const store = db as unknown as ReplayDb
  // Hashed: the table holds no signature someone could lift from a backup.
  const key = createHash('sha256').update(replay.key).digest('hex')
  const taken = await store
    .insertInto('webhook_replays')
    .values({ key, expires_at: replay.expiresAt })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet({ expires_at: replay.expiresAt })
        .where(sql<boolean>`webhook_replays.expires_at <= ${replay.now}`),
    )
    .returning('key')
    .executeTakeFirst()
  await store.deleteFrom('webhook_replays').where('expires_at', '<=', replay.now).execute()
  return taken !== undefined
}
