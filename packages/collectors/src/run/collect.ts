/**
 * @module Running collectors against the database: one channel (`collect`), or every channel
 * that is due (`collectDueChannels`, behind `earshot collect [--once]`).
 */
import { type ChannelRow, type Collector, type Database, listDueChannels } from '@earshot/core'
import type { Kysely } from 'kysely'
import { abortableSleep } from '../http/http-client.js'
import { type CollectorLookup, collectorFor } from '../registry.js'
import {
  type CollectChannelOptions,
  type CollectChannelResult,
  collectChannel,
} from './core-loop.js'

/** Options of {@link collect}. */
export interface CollectOptions extends CollectChannelOptions {
  /** Swap collectors (tests, plugins); default: the built-in collector of the channel's platform. */
  collectors?: CollectorLookup
}

/**
 * Collects one channel with its platform's collector. Never throws for collector errors: the
 * result says what happened, and the channel row records it.
 *
 * @example
 * const result = await collect(db, await getChannel(db, channelId))
 */
export async function collect(
  db: Kysely<Database>,
  channel: ChannelRow,
  options: CollectOptions = {},
): Promise<CollectChannelResult> {
  let collector: Collector<unknown> | undefined
  try {
    collector = options.collectors?.(channel.platform) ?? collectorFor(channel.platform)
  } catch (error) {
    return {
      channelId: channel.id,
      platform: channel.platform as CollectChannelResult['platform'],
      status: 'error',
      batches: 0,
      inserted: 0,
      updated: 0,
      unchanged: 0,
      deleted: 0,
      quarantined: 0,
      error,
      errorMessage: (error as Error).message,
    }
  }
  return collectChannel(db, channel, collector, options)
}

/** Options of {@link collectDueChannels}. */
export interface CollectDueChannelsOptions extends CollectOptions {
  /** Run the due channels once and return (default false: keep running until `signal` aborts). */
  once?: boolean
  /** Channels collected at the same time (default 2). */
  concurrency?: number
  /** Longest sleep between rounds when nothing is due (default 30 s). */
  idleMs?: number
  /** Told about each finished channel (the CLI prints these). */
  onResult?: (result: CollectChannelResult) => void
  /** Injected by tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

/** Everything one call did, like Kysely's `MigrationResultSet`: never throws for a channel's failure. */
export interface CollectDueChannelsResult {
  results: CollectChannelResult[]
  /** Set when the loop itself failed (e.g. the database went away). */
  error?: unknown
}

/**
 * Collects every channel whose `next_poll_at` is due. With `once`, one round; otherwise rounds
 * until `signal` aborts, sleeping until the next channel is due. A channel is claimed (its
 * `next_poll_at` pushed forward) before it is collected, so two processes do not collect it at once.
 *
 * @example
 * const { results } = await collectDueChannels(db, { once: true })
 */
export async function collectDueChannels(
  db: Kysely<Database>,
  options: CollectDueChannelsOptions = {},
): Promise<CollectDueChannelsResult> {
  const results: CollectChannelResult[] = []
  const sleep = options.sleep ?? abortableSleep
  const now = options.now ?? (() => new Date())
  const concurrency = Math.max(1, options.concurrency ?? 2)
  try {
    for (;;) {
      if (options.signal?.aborted) break
      const due = await listDueChannels(db, now())
      const queue = [...due]
      const worker = async () => {
        for (let channel = queue.shift(); channel; channel = queue.shift()) {
          if (options.signal?.aborted) return
          if (!(await claim(db, channel, now()))) continue
          const result = await collect(db, channel, options)
          results.push(result)
          options.onResult?.(result)
        }
      }
      await Promise.all(
        Array.from({ length: Math.min(concurrency, Math.max(queue.length, 1)) }, worker),
      )
      if (options.once) break
      const wait = await msUntilNextDue(db, now(), options.idleMs ?? 30_000)
      try {
        await sleep(wait, options.signal)
      } catch {
        break // aborted
      }
    }
  } catch (error) {
    return { results, error }
  }
  return { results }
}

// A lease: whoever moves next_poll_at from the value it read owns this round of the channel.
async function claim(db: Kysely<Database>, channel: ChannelRow, at: Date): Promise<boolean> {
  const lease = new Date(at.getTime() + Math.max(channel.poll_interval_seconds, 300) * 1000)
  let q = db
    .updateTable('channels')
    .set({ next_poll_at: lease })
    .where('organisation_id', '=', channel.organisation_id)
    .where('id', '=', channel.id)
  q =
    channel.next_poll_at === null
      ? q.where('next_poll_at', 'is', null)
      : q.where('next_poll_at', '=', channel.next_poll_at)
  const result = await q.executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

async function msUntilNextDue(db: Kysely<Database>, at: Date, idleMs: number): Promise<number> {
  const next = await db
    .selectFrom('channels')
    .select((eb) => eb.fn.min('next_poll_at').as('next'))
    .where('status', 'in', ['active', 'error'])
    .executeTakeFirst()
  const nextAt = next?.next ? new Date(next.next as Date | string).getTime() : undefined
  if (nextAt === undefined) return idleMs
  return Math.min(idleMs, Math.max(1000, nextAt - at.getTime()))
}
