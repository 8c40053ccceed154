/**
 * @module Manual decisions recorded about inbound mentions, as history. Recording one is a
 * command of the pipeline (`pipeline/record-override.ts`), since it re-links the thread.
 */
import type { Kysely } from 'kysely'
import type { Database, OverrideRow } from '../storage/database.js'

/** Every decision recorded about a mention, oldest first. */
export async function listOverrides(
  db: Kysely<Database>,
  organisationId: string,
  mentionId: string,
): Promise<OverrideRow[]> {
  return db
    .selectFrom('overrides')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('mention_id', '=', mentionId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
}
