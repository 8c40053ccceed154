/**
 * @module Re-enrichment after an enricher upgrade: finds stored mentions classified by another
 * enricher version than the current one, re-enriches their threads in batches through the one
 * write path (`commitBatch`, so SLA evaluations and rollups follow), and records an enrichment
 * event per mention whose classification changed. Idempotent (a second run finds nothing) and
 * resumable (each batch commits on its own; a crash leaves the rest stale for the next run).
 */
import { randomUUID } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import type { Enricher } from '../enrich/enricher.js'
import { createDefaultEnricher } from '../enrich/index.js'
import type { Database } from '../storage/database.js'
import { jsonList } from '../util/json-list.js'
import { commitBatch } from './commit-batch.js'
import type { ThreadKey } from './thread-store.js'

/** Options of {@link reenrichStale}. */
export interface ReenrichOptions {
  /** Only this tenant's mentions (default: every organisation). */
  organisationId?: string
  /** Threads per transaction (default 200). */
  batchSize?: number
  /** The current enricher (default: the built-in one). */
  enricher?: Enricher
  /** The clock for `updated_at`, SLA evaluation and the events (tests pin it). */
  now?: () => Date
  /** Called after each committed batch (progress for the CLI and the job). */
  onBatch?: (progress: ReenrichProgress) => void
}

/** What a run did. */
export interface ReenrichProgress {
  /** Batches committed. */
  batches: number
  /** Threads re-enriched. */
  threads: number
  /** Mentions whose enricher tag was stale when their batch started. */
  stale: number
  /** Of those, mentions whose classification changed (one enrichment event each). */
  changed: number
}

/** `name@version`, as stored in `mentions.enricher`. */
export const enricherTag = (e: Pick<Enricher, 'name' | 'version'>): string =>
  `${e.name}@${e.version}`

/** The classification columns compared, and recorded, before and after. */
const CLASSIFICATION = [
  'needs_reply',
  'category',
  'sentiment_label',
  'privacy',
  'urgent',
  'enricher',
] as const

/** How many stored mentions an enricher would re-enrich (tombstones have nothing to enrich). */
export async function countStaleMentions(
  db: Kysely<Database>,
  enricher: Pick<Enricher, 'name' | 'version'>,
  organisationId?: string,
): Promise<number> {
  let q = db
    .selectFrom('mentions')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('is_tombstone', '=', false)
    .where((eb) => eb.or([eb('enricher', 'is', null), eb('enricher', '!=', enricherTag(enricher))]))
  if (organisationId !== undefined) q = q.where('organisation_id', '=', organisationId)
  const row = await q.executeTakeFirstOrThrow()
  return Number(row.n)
}

/**
 * Re-enriches every stale mention (enricher tag missing or different from `enricher`'s), thread
 * by thread, `batchSize` threads per transaction, in (organisation, channel, thread) order with
 * a keyset cursor, so every run ends even if a thread cannot be re-tagged.
 *
 * @example
 * const done = await reenrichStale(db, { organisationId, batchSize: 200 })
 * // → { batches: 3, threads: 512, stale: 1304, changed: 87 }
 */
export async function reenrichStale(
  db: Kysely<Database>,
  options: ReenrichOptions = {},
): Promise<ReenrichProgress> {
  const enricher = options.enricher ?? createDefaultEnricher()
  const tag = enricherTag(enricher)
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 200))
  const clock = options.now ?? (() => new Date())
  const progress: ReenrichProgress = { batches: 0, threads: 0, stale: 0, changed: 0 }
  let after: [string, string, string] | null = null
  for (;;) {
    const keys = await nextStaleThreads(db, tag, batchSize, options.organisationId, after)
    if (keys.length === 0) break
    const last = keys[keys.length - 1]!
    after = [last.organisationId, last.channelId, last.threadKey]
    for (const [organisationId, orgKeys] of byOrganisation(keys)) {
      const now = clock()
      await db.transaction().execute(async (trx) => {
        const before = await classificationOf(trx, organisationId, orgKeys, tag)
        await commitBatch(trx, {
          organisationId,
          source: 'reenrich',
          items: [],
          reenrich: orgKeys,
          enricher,
          now,
        })
        const afterRows = await classificationOf(
          trx,
          organisationId,
          orgKeys,
          null,
          before.map((b) => b.id),
        )
        const events = changedEvents(organisationId, before, afterRows, tag, now)
        if (events.length > 0) await trx.insertInto('enrichment_events').values(events).execute()
        progress.stale += before.length
        progress.changed += events.length
      })
    }
    progress.batches++
    progress.threads += keys.length
    options.onBatch?.({ ...progress })
  }
  return progress
}

async function nextStaleThreads(
  db: Kysely<Database>,
  tag: string,
  limit: number,
  organisationId: string | undefined,
  after: [string, string, string] | null,
): Promise<ThreadKey[]> {
  let q = db
    .selectFrom('mentions')
    .select(['organisation_id', 'channel_id', 'thread_key'])
    .distinct()
    .where('is_tombstone', '=', false)
    .where((eb) => eb.or([eb('enricher', 'is', null), eb('enricher', '!=', tag)]))
  if (organisationId !== undefined) q = q.where('organisation_id', '=', organisationId)
  if (after !== null) {
    q = q.where(
      sql<boolean>`(organisation_id, channel_id, thread_key) > (${after[0]}, ${after[1]}, ${after[2]})`,
    )
  }
  const rows = await q
    .orderBy('organisation_id')
    .orderBy('channel_id')
    .orderBy('thread_key')
    .limit(limit)
    .execute()
  return rows.map((r) => ({
    organisationId: r.organisation_id,
    channelId: r.channel_id,
    threadKey: r.thread_key,
  }))
}

function byOrganisation(keys: readonly ThreadKey[]): Map<string, ThreadKey[]> {
  const out = new Map<string, ThreadKey[]>()
  for (const k of keys) {
    const list = out.get(k.organisationId)
    if (list) list.push(k)
    else out.set(k.organisationId, [k])
  }
  return out
}

type Classification = { id: string } & Record<(typeof CLASSIFICATION)[number], unknown>

/** The stale mentions of the threads (or the given ids) and how they are classified now. */
async function classificationOf(
  db: Kysely<Database>,
  organisationId: string,
  keys: readonly ThreadKey[],
  staleAgainst: string | null,
  ids?: readonly string[],
): Promise<Classification[]> {
  if (ids !== undefined && ids.length === 0) return []
  let q = db
    .selectFrom('mentions')
    .select(['id', ...CLASSIFICATION])
    .where('organisation_id', '=', organisationId)
    .where('is_tombstone', '=', false)
  if (ids !== undefined) q = q.where('id', 'in', jsonList([...ids]))
  else {
    const keysJson = JSON.stringify(keys.map((k) => ({ c: k.channelId, t: k.threadKey })))
    q = q.where((eb) =>
      eb(
        eb.refTuple('channel_id', 'thread_key'),
        'in',
        sql<
          [string, string]
        >`(select k.c, k.t from json_to_recordset(${keysJson}::json) as k(c text, t text))`,
      ),
    )
  }
  if (staleAgainst !== null) {
    q = q.where((eb) => eb.or([eb('enricher', 'is', null), eb('enricher', '!=', staleAgainst)]))
  }
  return (await q.execute()) as Classification[]
}

function changedEvents(
  organisationId: string,
  before: readonly Classification[],
  after: readonly Classification[],
  tag: string,
  now: Date,
) {
  const afterById = new Map(after.map((a) => [a.id, a]))
  const events = []
  for (const b of before) {
    const a = afterById.get(b.id)
    if (a === undefined || a.enricher !== tag) continue
    const was: Record<string, unknown> = {}
    const is: Record<string, unknown> = {}
    for (const col of CLASSIFICATION) {
      if (col === 'enricher' || b[col] === a[col]) continue
      was[col] = b[col]
      is[col] = a[col]
    }
    // Only a first classification or a changed one is worth an entry in the audit trail.
    if (Object.keys(is).length === 0 && b.enricher !== null) continue
    events.push({
      organisation_id: organisationId,
      id: randomUUID(),
      mention_id: b.id,
      at: now,
      from_enricher: (b.enricher as string | null) ?? null,
      to_enricher: tag,
      before: JSON.stringify(was),
      after: JSON.stringify(is),
    })
  }
  return events
}
