/**
 * @module Channel polling as jobs. A dispatcher (every minute, and once at start) enqueues one
 * `channel-poll` job per due channel with the channel as singleton key, so a channel has at most
 * one poll queued or running across every worker. The poll claims its due slot (moves
 * `next_poll_at` from the value it was enqueued for) before collecting, so a poll enqueued twice
 * for the same slot, or retried after its worker died, never collects that slot twice.
 */
import { collect } from '@earshot/collectors'
import { type ChannelRow, type Database, getChannel, listDueChannels } from '@earshot/core'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { defineJob, type JobContext } from './job-definition.js'
import { JOB_QUEUES } from './job-queues.js'

/**
 * A claimed slot stays claimed this long; past it, a dead worker's slot is due again. Not the
 * poll interval: a worker killed mid-poll of a channel polled daily would otherwise leave it
 * unpolled for a day (found by bench/worker-kill.ts). A poll that runs longer is still never
 * doubled: its pg-boss job holds the channel's singleton key while it runs.
 */
export const MIN_POLL_LEASE_SECONDS = 300

const pollData = z.object({
  organisationId: z.string().min(1),
  channelId: z.string().min(1),
  /** The `next_poll_at` the dispatcher saw (ISO), or null for a channel never polled. */
  slot: z.string().nullable(),
})
export type ChannelPollData = z.infer<typeof pollData>

/** Enqueues a poll for every due channel; returns how many were new (not already queued). */
export async function enqueueDueChannels(context: JobContext): Promise<number> {
  const due = await listDueChannels(context.db, context.now())
  let enqueued = 0
  for (const channel of due) {
    const data: ChannelPollData = {
      organisationId: channel.organisation_id,
      channelId: channel.id,
      slot: channel.next_poll_at ? new Date(channel.next_poll_at).toISOString() : null,
    }
    const id = await context.send(JOB_QUEUES.channelPoll, data, { singletonKey: channel.id })
    if (id) enqueued += 1
  }
  return enqueued
}

/**
 * Moves `next_poll_at` from the slot the job was enqueued for to a lease; true when this call did
 * it. False means the slot was already polled (or claimed) by another job.
 */
export async function claimPollSlot(
  db: Kysely<Database>,
  channel: ChannelRow,
  slot: string | null,
  at: Date,
): Promise<boolean> {
  const lease = new Date(at.getTime() + MIN_POLL_LEASE_SECONDS * 1000)
  let q = db
    .updateTable('channels')
    .set({ next_poll_at: lease })
    .where('organisation_id', '=', channel.organisation_id)
    .where('id', '=', channel.id)
    .where('status', 'in', ['active', 'error'])
  q =
    slot === null
      ? q.where('next_poll_at', 'is', null)
      : q.where('next_poll_at', '=', new Date(slot))
  const result = await q.executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Every minute: enqueue the channels that are due. */
export const channelDispatchJob = defineJob<Record<string, never>>({
  queue: JOB_QUEUES.channelDispatch,
  options: { policy: 'exclusive', retryLimit: 0 },
  schedule: { cron: '* * * * *' },
  async handle(_job, context) {
    await enqueueDueChannels(context)
  },
})

/** One poll of one channel, for the slot it was enqueued for. */
export const channelPollJob = defineJob<unknown>({
  queue: JOB_QUEUES.channelPoll,
  // The collector records failures on the channel and backs off itself, so a failed attempt is
  // not retried by the queue; the dispatcher enqueues it again when it falls due.
  options: { policy: 'exclusive', retryLimit: 2, retryDelay: 10, heartbeatSeconds: 30 },
  concurrency: 2,
  async handle(job, context) {
    const data = pollData.parse(job.data)
    const channel = await getChannel(context.db, data.channelId)
    if (!channel || channel.organisation_id !== data.organisationId) return
    if (!(await claimPollSlot(context.db, channel, data.slot, context.now()))) return
    await collect(context.db, channel, { now: context.now })
  },
})
