/**
 * @module Default threading (design § What counts as a response): a mention delivered without a
 * thread key belongs to its parent's thread — never to the parent's own id — and on platforms
 * that thread one level deep a comment on a post is its own sub-thread. The answer must not
 * depend on arrival order, so a reply whose parent has not arrived yet waits in the parent's id
 * (a provisional thread) and is moved once the parent arrives ({@link rethreadChildren}).
 */
import type { Kysely } from 'kysely'
import type { MentionKind, Platform } from '../model/vocabulary.js'
import type { Database } from '../storage/database.js'
import { groupBy } from '../util/collections.js'
import { jsonList } from '../util/json-list.js'
import type { MentionState } from './mention-state.js'
import { rehash } from './normalise.js'
import { rowToState } from './thread-store.js'

/**
 * Platforms whose comments thread one level deep (Facebook, Instagram and YouTube comments): the
 * first-level comment under a post is the thread, and replies to replies stay in it.
 */
export const ONE_LEVEL_THREAD_PLATFORMS = [
  'facebook',
  'instagram',
  'youtube',
] as const satisfies readonly Platform[]

/** What threading needs to know about a parent. */
export interface ThreadParent {
  kind: MentionKind
  thread_key: string
}

/**
 * The inherited thread of a mention with no thread key of its own.
 *
 * - no parent: the mention starts a thread (its own external id);
 * - parent not arrived yet: the parent's id, provisionally;
 * - parent is a post on a one-level platform: the mention's own id (a sub-thread);
 * - otherwise: the parent's thread.
 */
export function inheritedThreadKey(
  platform: Platform,
  externalId: string,
  parentExternalId: string | null | undefined,
  parent: ThreadParent | undefined,
): string {
  if (!parentExternalId) return externalId
  if (!parent) return parentExternalId
  if (
    parent.kind === 'post' &&
    (ONE_LEVEL_THREAD_PLATFORMS as readonly Platform[]).includes(platform)
  )
    return externalId
  return parent.thread_key
}

/** A mention of the batch as threading sees it (before its row exists). */
export interface ThreadNode {
  kind: MentionKind
  threadKey?: string
  parentExternalId?: string
}

/**
 * Resolves the thread of every mention of a batch on one channel. The batch's own mentions are
 * looked up first (a parent and its reply in the same batch), then what is stored.
 */
export function createBatchThreadResolver(
  platform: Platform,
  batch: ReadonlyMap<string, ThreadNode>,
  stored: (externalId: string) => ThreadParent | undefined,
): (externalId: string) => { threadKey: string; inherited: boolean } {
  const memo = new Map<string, { threadKey: string; inherited: boolean }>()
  const resolving = new Set<string>()
  const parentOf = (externalId: string): ThreadParent | undefined => {
    const node = batch.get(externalId)
    if (!node) return stored(externalId)
    // A parent cycle (a → b → a) cannot be resolved: leave the provisional key.
    if (resolving.has(externalId)) return undefined
    return { kind: node.kind, thread_key: resolve(externalId).threadKey }
  }
  const resolve = (externalId: string) => {
    const known = memo.get(externalId)
    if (known) return known
    const node = batch.get(externalId)
    let placed: { threadKey: string; inherited: boolean }
    if (node?.threadKey) placed = { threadKey: node.threadKey, inherited: false }
    else {
      resolving.add(externalId)
      const parentId = node?.parentExternalId
      placed = {
        threadKey: inheritedThreadKey(
          platform,
          externalId,
          parentId,
          parentId ? parentOf(parentId) : undefined,
        ),
        inherited: true,
      }
      resolving.delete(externalId)
    }
    memo.set(externalId, placed)
    return placed
  }
  return resolve
}

/**
 * Moves mentions that inherited their thread from one of `parents` (and, in turn, their own
 * children) to the thread their parent now implies: the stored ones and those of the batch in
 * `working` (by id; the batch's version wins). Returns each moved mention as it was and as it is.
 */
export async function rethreadChildren(
  db: Kysely<Database>,
  parents: readonly MentionState[],
  working: ReadonlyMap<string, MentionState>,
): Promise<Array<{ before: MentionState; after: MentionState }>> {
  const childKey = (m: Pick<MentionState, 'organisation_id' | 'channel_id'>, parent: string) =>
    `${m.organisation_id}\u0001${m.channel_id}\u0001${parent}`
  const batchChildren = new Map<string, string[]>()
  for (const m of working.values()) {
    if (!m.thread_inherited || !m.parent_external_id) continue
    const key = childKey(m, m.parent_external_id)
    const list = batchChildren.get(key)
    if (list) list.push(m.id)
    else batchChildren.set(key, [m.id])
  }
  // A parent can itself be the child of another parent of the batch, and a child can be reached
  // first through a parent's old place and later through its new one; so a child is re-placed
  // whenever it is reached under a parent thread it has not been placed under yet (finite: each
  // visit is keyed by the parent's thread), always from its latest state.
  const placedUnder = new Set<string>()
  const latest = new Map<string, MentionState>()
  const original = new Map<string, MentionState>()
  let frontier = [...parents]
  while (frontier.length > 0) {
    const next: MentionState[] = []
    for (const list of groupBy(frontier, (p) => childKey(p, '')).values()) {
      const first = list[0]!
      const byExternalId = new Map(list.map((p) => [p.external_id, p]))
      const rows = await db
        .selectFrom('mentions')
        .selectAll()
        .where('organisation_id', '=', first.organisation_id)
        .where('channel_id', '=', first.channel_id)
        .where('thread_inherited', '=', true)
        .where('parent_external_id', 'in', jsonList([...byExternalId.keys()]))
        .execute()
      const children = new Map<string, MentionState>(rows.map((r) => [r.id, rowToState(r)]))
      for (const p of list)
        for (const id of batchChildren.get(childKey(p, p.external_id)) ?? [])
          children.set(id, working.get(id)!)
      for (const [id, stored] of children) {
        const before = latest.get(id) ?? working.get(id) ?? stored
        if (!before.thread_inherited || !before.parent_external_id) continue
        const parent = byExternalId.get(before.parent_external_id)
        if (!parent) continue
        const visit = `${id}\u0001${parent.thread_key}\u0001${parent.kind}`
        if (placedUnder.has(visit)) continue
        placedUnder.add(visit)
        const threadKey = inheritedThreadKey(
          before.platform,
          before.external_id,
          before.parent_external_id,
          parent,
        )
        if (threadKey === before.thread_key) continue
        const after = rehash({ ...before, thread_key: threadKey })
        if (!original.has(id)) original.set(id, before)
        latest.set(id, after)
        next.push(after)
      }
    }
    frontier = next
  }
  const moved: Array<{ before: MentionState; after: MentionState }> = []
  for (const [id, after] of latest) {
    const before = original.get(id)!
    if (after.thread_key !== before.thread_key) moved.push({ before, after })
  }
  return moved
}
