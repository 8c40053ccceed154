/**
 * @module The inbox for the page and the API, read through core's `listInbox`: the same filters,
 * order and opaque cursor for both, scoped to the organisation and the practices the user may see.
 */
import { type InboxPage, listInbox } from '@earshot/core'
import type { Kysely } from 'kysely'
import type { InboxQuery } from '../api/api-schemas.js'
import type { Database } from '../core.js'
import type { Scope } from './mention-queries.js'

export type { InboxPage }

/** One page of the inbox for `userId` ("mine" means assigned to them), with true totals. */
export async function listInboxPage(
  db: Kysely<Database>,
  scope: Scope,
  userId: string,
  now: Date,
  q: InboxQuery,
): Promise<InboxPage> {
  return listInbox(db, {
    organisationId: scope.organisationId,
    practiceIds: scope.practiceIds,
    now,
    ...(q.channel ? { channelIds: [q.channel] } : {}),
    ...(q.status ? { status: [q.status] } : {}),
    ...(q.category ? { categories: [q.category] } : {}),
    ...(q.urgent ? { urgent: q.urgent === 'yes' } : {}),
    ...(q.privacy ? { privacy: q.privacy === 'yes' } : {}),
    ...(q.assignee === 'mine' ? { assignee: { userId } } : {}),
    ...(q.assignee === 'unassigned' ? { assignee: 'unassigned' as const } : {}),
    ...(q.q?.trim() ? { q: q.q.trim() } : {}),
    ...(q.order ? { order: q.order } : {}),
    ...(q.cursor ? { cursor: q.cursor } : {}),
    limit: q.limit ?? 50,
  })
}

/** Names of the given users of the organisation, by id (for "assigned to …"). */
export async function userNames(
  db: Kysely<Database>,
  organisationId: string,
  ids: readonly string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .selectFrom('users')
    .select(['id', 'name'])
    .where('organisation_id', '=', organisationId)
    .where('id', 'in', [...new Set(ids)])
    .execute()
  return new Map(rows.map((r) => [r.id, r.name]))
}

/** The channels of the scope's practices, by name (for the channel filter). */
export async function channelsInScope(
  db: Kysely<Database>,
  scope: Scope,
): Promise<{ id: string; name: string }[]> {
  if (scope.practiceIds.length === 0) return []
  return db
    .selectFrom('channels')
    .select(['id', 'name'])
    .where('organisation_id', '=', scope.organisationId)
    .where('practice_id', 'in', [...scope.practiceIds])
    .orderBy('name')
    .orderBy('id')
    .execute()
}
