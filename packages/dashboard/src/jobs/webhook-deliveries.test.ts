import { createHmac } from 'node:crypto'
import { createTestTenant } from '@earshot/collectors/testing'
import { type EarshotDatabase, openDatabase } from '@earshot/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDashboard } from '../app.js'
import type { JobContext } from './job-definition.js'
import { JOB_QUEUES } from './job-queues.js'
import { type JobSystem, startJobSystem } from './job-system.js'
import { waitUntil } from './wait-until.js'
import { durableWebhookHandler } from './webhook-deliveries.js'
import { drainWebhookDeliveries, webhookDrainJob } from './webhook-drain.js'

const SECRET = 'test_app_secret'
const BODY =
  '{"object":"page","entry":[{"id":"1111","time":1735800000,"changes":[{"field":"feed","value":{"item":"comment","verb":"add","comment_id":"2222_3333","post_id":"1111_2222","parent_id":"1111_2222","from":{"id":"4444","name":"Ana K"},"message":"Hvala!","created_time":1735799990}}]}]}'
const sign = (body: string, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
const NOW = new Date('2026-12-02T12:00:00Z')

let database: EarshotDatabase
let jobs: JobSystem | undefined
const sent: { queue: string; data: object; key?: string }[] = []
let context: JobContext

beforeAll(async () => {
  database = await openDatabase()
  context = {
    db: database.db,
    now: () => NOW,
    send: async (queue, data, options) => {
      sent.push({ queue, data, ...(options?.singletonKey ? { key: options.singletonKey } : {}) })
      return `job-${sent.length}`
    },
  }
})
afterAll(async () => {
  await jobs?.stop()
  await database?.close()
})

const deliveryRow = (id: string) =>
  database.db
    .selectFrom('webhook_deliveries' as never)
    .selectAll()
    .where('id' as never, '=', id as never)
    .executeTakeFirstOrThrow() as Promise<Record<string, unknown>>

describe('durable webhook deliveries', () => {
  it('stores a signed delivery, answers 202 at once, nudges a drainer, and the drain ingests it exactly once', async () => {
    const tenant = await createTestTenant(database.db)
    const channel = await tenant.channel({
      platform: 'facebook',
      externalAccountId: '1111',
      config: { accessToken: 'x', appSecret: SECRET, verifyToken: 'verify-me' },
    })
    const app = createDashboard({
      db: database.db,
      webhookHandler: durableWebhookHandler(context.send, () => NOW),
    })
    const res = await app.request(`/hooks/facebook/${channel.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(BODY) },
      body: BODY,
    })
    expect(res.status).toBe(202)
    const { delivery } = (await res.json()) as { delivery: string }
    // Nothing ingested yet: the answer did not wait for it.
    const mentions = () =>
      database.db.selectFrom('mentions').select('id').where('channel_id', '=', channel.id).execute()
    expect(await mentions()).toHaveLength(0)
    expect(sent.at(-1)).toEqual({ queue: JOB_QUEUES.webhookDrain, data: {} })
    expect(await deliveryRow(delivery)).toMatchObject({
      status: 'received',
      attempts: 0,
      available_at: NOW,
    })

    const first = await drainWebhookDeliveries(context, { platform: 'facebook' })
    // A second drain (another worker, the minute's run) finds nothing left to do.
    const second = await drainWebhookDeliveries(context, { platform: 'facebook' })
    expect([first.ingested, second.claimed]).toEqual([1, 0])
    expect(await mentions()).toHaveLength(1)
    expect(await deliveryRow(delivery)).toMatchObject({
      status: 'ingested',
      attempts: 1,
      claim_token: null,
      processed_at: NOW,
    })
  })

  it('refuses a bad signature without storing anything', async () => {
    const tenant = await createTestTenant(database.db)
    const channel = await tenant.channel({
      platform: 'facebook',
      externalAccountId: '1111',
      config: { accessToken: 'x', appSecret: SECRET, verifyToken: 'verify-me' },
    })
    const before = sent.length
    const app = createDashboard({
      db: database.db,
      webhookHandler: durableWebhookHandler(context.send),
    })
    const res = await app.request(`/hooks/facebook/${channel.id}`, {
      method: 'POST',
      headers: { 'x-hub-signature-256': sign(BODY, 'wrong') },
      body: BODY,
    })
    expect(res.status).toBe(401)
    expect(sent.length).toBe(before)
  })

  it('drains deliveries posted to the server through the job system, nudged by the receiver', async () => {
    const tenant = await createTestTenant(database.db)
    const channel = await tenant.channel({
      platform: 'facebook',
      externalAccountId: '1111',
      config: { accessToken: 'x', appSecret: SECRET, verifyToken: 'verify-me' },
    })
    jobs = await startJobSystem({
      database,
      jobs: [webhookDrainJob] as never,
      schedule: false,
      pollingIntervalSeconds: 0.5,
    })
    const app = createDashboard({
      db: database.db,
      webhookHandler: durableWebhookHandler(jobs.send),
    })
    const bodies = Array.from({ length: 30 }, (_, i) =>
      BODY.replace('2222_3333', `2222_${4000 + i}`),
    )
    const answers = await Promise.all(
      bodies.map((body) =>
        app.request(`/hooks/facebook/${channel.id}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body) },
          body,
        }),
      ),
    )
    expect(answers.map((a) => a.status)).toEqual(bodies.map(() => 202))
    const stored = await waitUntil(async () => {
      const rows = await database.db
        .selectFrom('mentions')
        .select('id')
        .where('channel_id', '=', channel.id)
        .execute()
      return rows.length === bodies.length && rows
    })
    expect(stored).toHaveLength(30)
  })
})
