/**
 * @module Live inbox: `GET /inbox/events`, a Server-Sent Events stream telling an open inbox page
 * that something in the user's practices changed (a new item, a status change, an answer, an
 * assignment), so its script re-reads the page. It polls the `inbox_changes` feed (migration 230,
 * written by triggers in every writer's transaction) by sequence number, so it works the same
 * with one serve process or many and on PGlite. Events carry no patient data: only which kinds
 * of change happened.
 */

import { Hono } from 'hono'
import { streamSSE } from 'hono/streaming'
import { type Kysely, sql } from 'kysely'
import type { Database } from '../core.js'
import type { Scope } from '../data/mention-queries.js'
import { authOf } from '../http/auth-middleware.js'
import type { DashboardEnv } from '../http/dashboard-env.js'
import { scopeOf } from '../routes/mention-routes.js'

export interface InboxEventsOptions {
  /** How often each stream polls the change feed (default 2 s). */
  pollMs?: number
  /** A comment line after this much silence keeps proxies from closing the stream (default 25 s). */
  heartbeatMs?: number
}

type ChangesDb = Kysely<Database & { inbox_changes: InboxChangeTable }>

interface InboxChangeTable {
  seq: string | number | bigint
  organisation_id: string
  practice_id: string
  kind: string
  created_at: Date
}

const changesDb = (db: Kysely<Database>) =>
  db.withTables<{ inbox_changes: InboxChangeTable }>() as ChangesDb

/** The latest change in the scope (0 when none) and the kinds of change after `after`. */
export async function inboxChangesSince(
  db: Kysely<Database>,
  scope: Scope,
  after: number,
): Promise<{ seq: number; kinds: string[] }> {
  if (scope.practiceIds.length === 0) return { seq: after, kinds: [] }
  const rows = await changesDb(db)
    .selectFrom('inbox_changes')
    .select(['kind', sql<string>`max(seq)`.as('seq')])
    .where('organisation_id', '=', scope.organisationId)
    .where('practice_id', 'in', [...scope.practiceIds])
    .where('seq', '>', String(after))
    .groupBy('kind')
    .execute()
  const seq = rows.reduce((m, r) => Math.max(m, Number(r.seq)), after)
  return { seq, kinds: rows.map((r) => r.kind).sort() }
}

/** Drops feed rows older than an hour (no stream reads that far back). */
async function prune(db: Kysely<Database>, organisationId: string): Promise<void> {
  await changesDb(db)
    .deleteFrom('inbox_changes')
    .where('organisation_id', '=', organisationId)
    .where(sql<boolean>`created_at < now() - interval '1 hour'`)
    .execute()
}

/** A feed sequence number from the client, or undefined when absent or not one. */
function feedPosition(value: string | undefined): number | undefined {
  if (!value || !/^\d{1,15}$/.test(value)) return undefined
  return Number(value)
}

/** Every so many polls a stream prunes the feed of its organisation. */
const PRUNE_EVERY = 600

export function inboxEventRoutes(options: InboxEventsOptions = {}): Hono<DashboardEnv> {
  const pollMs = options.pollMs ?? 2000
  const heartbeatMs = options.heartbeatMs ?? 25_000
  const app = new Hono<DashboardEnv>()

  app.get('/inbox/events', (c) => {
    const auth = authOf(c)
    const scope = scopeOf(auth)
    const { db } = c.var.services
    return streamSSE(c, async (stream) => {
      let open = true
      stream.onAbort(() => {
        open = false
      })
      // Start where the page left off: the inbox page names the feed position it was rendered
      // at (`?after=`), and a reconnecting EventSource sends the last event it saw, so a change
      // landing between the page's render and the stream's start is still announced. Without
      // either, start from "now".
      let last =
        feedPosition(c.req.header('last-event-id')) ??
        feedPosition(c.req.query('after')) ??
        (await inboxChangesSince(db, scope, 0)).seq
      await stream.writeSSE({ event: 'ready', id: String(last), data: '{}' })
      let quiet = 0
      for (let polls = 1; open; polls++) {
        await stream.sleep(pollMs)
        if (!open) break
        const changes = await inboxChangesSince(db, scope, last)
        if (changes.seq > last) {
          last = changes.seq
          quiet = 0
          await stream.writeSSE({
            event: 'inbox',
            id: String(last),
            data: JSON.stringify({ kinds: changes.kinds }),
          })
        } else {
          quiet += pollMs
          if (quiet >= heartbeatMs) {
            quiet = 0
            await stream.write(': keep-alive\n\n')
          }
        }
        if (polls % PRUNE_EVERY === 0) await prune(db, scope.organisationId)
      }
    })
  })

  return app
}
