/**
 * @module The thread an inbox item answers in, for the inline composer: the few messages of the
 * same conversation posted before it (the post, the comment it replies to, earlier replies), read
 * for a whole page of items in one query.
 */
import { type Kysely, sql } from 'kysely'
import type { Database } from '../core.js'

/** How many earlier messages of a thread the inbox shows above the composer. */
export const THREAD_CONTEXT = 3

export interface ThreadMessage {
  id: string
  direction: 'inbound' | 'outbound'
  authorName: string | null
  text: string
  createdAt: Date
}

/** For each item, up to {@link THREAD_CONTEXT} earlier messages of its thread, oldest first. */
export async function threadContextOf(
  db: Kysely<Database>,
  organisationId: string,
  items: readonly { id: string; channelId: string; threadKey: string; createdAt: Date }[],
): Promise<Map<string, ThreadMessage[]>> {
  const out = new Map<string, ThreadMessage[]>()
  if (items.length === 0) return out
  const wanted = sql.join(
    items.map(
      (i) =>
        sql`(${i.id}, ${i.channelId}, ${i.threadKey}, cast(${i.createdAt.toISOString()} as timestamptz))`,
    ),
  )
  const rows = await sql<{
    item_id: string
    id: string
    direction: 'inbound' | 'outbound'
    author_name: string | null
    text: string
    created_at: Date
  }>`
    select * from (
      select w.item_id, m.id, m.direction, m.author_name, m.text, m.created_at,
        row_number() over (partition by w.item_id order by m.created_at desc, m.id desc) as n
      from (values ${wanted}) as w(item_id, channel_id, thread_key, created_at)
      join mentions m on m.organisation_id = ${organisationId} and m.channel_id = w.channel_id
        and m.thread_key = w.thread_key and m.created_at <= w.created_at and m.id <> w.item_id
        and not m.is_tombstone and m.deleted_at is null
    ) t where n <= ${THREAD_CONTEXT}
    order by item_id, created_at, id`.execute(db)
  for (const r of rows.rows) {
    const list = out.get(r.item_id) ?? []
    list.push({
      id: r.id,
      direction: r.direction,
      authorName: r.author_name,
      text: r.text,
      createdAt: new Date(r.created_at),
    })
    out.set(r.item_id, list)
  }
  return out
}
