import { createTestTenant, startFakeServer } from '@earshot/collectors/testing'
import {
  createDefaultEnricher,
  type EarshotDatabase,
  enricherTag,
  ingest,
  openDatabase,
} from '@earshot/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimPollSlot, enqueueDueChannels } from './channel-poll-jobs.js'
import { defineJob } from './job-definition.js'
import { JOB_HANDLERS } from './job-handlers.js'
import { JOB_QUEUES } from './job-queues.js'
import { type JobSystem, startJobSystem } from './job-system.js'
import { enricherReenrichJob } from './reenrich-job.js'
import { waitUntil } from './wait-until.js'

const FEED = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Comments</title>
<item><title>By: Sam</title><link>https://clinic.example/?p=1#comment-1</link>
<guid>https://clinic.example/?p=1#comment-1</guid><dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">Sam</dc:creator>
<pubDate>Mon, 06 Jan 2025 10:00:00 GMT</pubDate><description>Do you bulk bill on Saturdays?</description></item>
</channel></rss>`

const attempts: number[] = []
const failingJob = defineJob<{ n: number }>({
  queue: 'test-always-fails',
  options: { retryLimit: 1, retryDelay: 0, retryBackoff: false },
  async handle(job) {
    attempts.push(job.retryCount)
    throw new Error(`nope ${job.data.n}`)
  },
})

let database: EarshotDatabase
let jobs: JobSystem
const feed = await startFakeServer((req) =>
  req.path === '/feed'
    ? { headers: { 'content-type': 'application/rss+xml' }, body: FEED }
    : { status: 404 },
)

beforeAll(async () => {
  database = await openDatabase()
  jobs = await startJobSystem({
    database,
    jobs: [...JOB_HANDLERS, failingJob] as never,
    schedule: false,
    pollingIntervalSeconds: 0.5,
  })
})
afterAll(async () => {
  await jobs?.stop()
  await database?.close()
  await feed.close()
})

describe('the job system on the embedded database', () => {
  it('polls a due channel once, however often it is dispatched', async () => {
    const tenant = await createTestTenant(database.db)
    const channel = await tenant.channel({
      platform: 'rss',
      externalAccountId: 'feed-1',
      config: { url: `${feed.url}/feed` },
    })
    // Two dispatchers (two processes' minute ticks) see the same due channel.
    const [first, second] = await Promise.all([
      enqueueDueChannels(jobs.context),
      enqueueDueChannels(jobs.context),
    ])
    expect(first + second).toBeGreaterThanOrEqual(1)
    const polled = await waitUntil(() =>
      database.db
        .selectFrom('channels')
        .select(['last_success_at', 'next_poll_at'])
        .where('id', '=', channel.id)
        .where('last_success_at', 'is not', null)
        .executeTakeFirst(),
    )
    expect(polled.next_poll_at).not.toBeNull()
    const mentions = await database.db
      .selectFrom('mentions')
      .select('id')
      .where('channel_id', '=', channel.id)
      .execute()
    expect(mentions).toHaveLength(1)
    // Dispatched again before the next slot: nothing is due, nothing is enqueued.
    expect(await enqueueDueChannels(jobs.context)).toBe(0)
    expect(feed.requests.filter((r) => r.path === '/feed')).toHaveLength(1)
  })

  it('claims a due slot once: a second job for the same slot does nothing', async () => {
    const tenant = await createTestTenant(database.db)
    const channel = await tenant.channel({
      platform: 'rss',
      externalAccountId: 'feed-2',
      config: { url: `${feed.url}/feed` },
    })
    // Paused: only this test claims it.
    await database.db
      .updateTable('channels')
      .set({ status: 'paused' })
      .where('id', '=', channel.id)
      .execute()
    const at = new Date('2026-12-02T12:00:00Z')
    expect(await claimPollSlot(database.db, channel, null, at)).toBe(false)
    await database.db
      .updateTable('channels')
      .set({ status: 'active' })
      .where('id', '=', channel.id)
      .execute()
    const [a, b] = await Promise.all([
      claimPollSlot(database.db, channel, null, at),
      claimPollSlot(database.db, channel, null, at),
    ])
    expect([a, b].sort()).toEqual([false, true])
  })

  it('retries a failing job, then keeps it as failed with its error', async () => {
    const id = await jobs.send(failingJob.queue, { n: 7 })
    expect(id).toBeTruthy()
    const job = await waitUntil(async () => {
      const found = await jobs.boss.findJobs(failingJob.queue, { id: id! })
      return found.find((j) => j.state === 'failed')
    })
    expect(attempts).toEqual([0, 1])
    expect(JSON.stringify(job.output)).toContain('nope 7')
  })

  it('re-enriches mentions of an older enricher version when a process starts', async () => {
    const tenant = await createTestTenant(database.db)
    const channel = await tenant.channel({ platform: 'rss', externalAccountId: 'feed-3' })
    const older = {
      name: 'earshot-rules',
      version: '0.older',
      enrich: (inputs: readonly unknown[]) =>
        inputs.map(() => ({ needsReply: false, category: 'chatter' as const, reasons: ['old'] })),
    }
    await ingest(
      database.db,
      [
        {
          channelId: channel.id,
          externalId: 'stale-1',
          kind: 'comment',
          author: { id: 'u1', name: 'Sam' },
          text: 'can I book a flu shot for saturday?',
          createdAt: '2026-12-01T00:00:00Z',
        },
      ],
      { enricher: older },
    )
    await enricherReenrichJob.onStart!(jobs.context)
    const current = enricherTag(createDefaultEnricher())
    const row = await waitUntil(() =>
      database.db
        .selectFrom('mentions')
        .select(['enricher', 'needs_reply'])
        .where('channel_id', '=', channel.id)
        .where('enricher', '=', current)
        .executeTakeFirst(),
    )
    expect(row.needs_reply).toBe(true)
  })

  it('names every queue it creates in JOB_QUEUES', async () => {
    const names = (await jobs.boss.getQueues()).map((q) => q.name)
    for (const queue of Object.values(JOB_QUEUES)) expect(names).toContain(queue)
  })
})
