import { createHmac } from 'node:crypto'
import { createTestTenant } from '@earshot/collectors/testing'
import { type EarshotDatabase, openDatabase } from '@earshot/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDashboard } from '../app.js'
import type { JobContext } from './job-definition.js'
import { JOB_QUEUES } from './job-queues.js'
import {
  durableWebhookHandler,
  enqueueStrandedDeliveries,
  WEBHOOK_RETRY_LIMIT,
  webhookIngestJob,
} from './webhook-deliveries.js'

const SECRET = 'test_app_secret'
const BODY =
  '{"object":"page","entry":[{"id":"1111","time":1735800000,"changes":[{"field":"feed","value":{"item":"comment","verb":"add","comment_id":"2222_3333","post_id":"1111_2222","parent_id":"1111_2222","from":{"id":"4444","name":"Ana K"},"message":"Hvala!","created_time":1735799990}}]}]}'
const sign = (body: string, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
const NOW = new Date('2026-12-02T12:00:00Z')

let database: EarshotDatabase
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
afterAll(() => database?.close())

const deliveryRow = (id: string) =>
  database.db
    .selectFrom('webhook_deliveries' as never)
    .selectAll()
    .where('id' as never, '=', id as never)
    .executeTakeFirstOrThrow() as Promise<Record<string, unknown>>

describe('durable webhook deliveries', () => {
  it('stores a signed delivery, answers 202 at once, and a job ingests it exactly once', async () => {
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
    expect(sent.at(-1)).toEqual({
      queue: JOB_QUEUES.webhookIngest,
      data: { deliveryId: delivery },
      key: delivery,
    })

    await webhookIngestJob.handle(
      { id: 'j1', data: { deliveryId: delivery }, retryCount: 0 },
      context,
    )
    // A second run of the same job (a retry after a lost acknowledgement) changes nothing.
    await webhookIngestJob.handle(
      { id: 'j1', data: { deliveryId: delivery }, retryCount: 1 },
      context,
    )
    expect(await mentions()).toHaveLength(1)
    expect(await deliveryRow(delivery)).toMatchObject({ status: 'ingested', attempts: 1 })
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

  it('keeps a delivery that keeps failing: retried, then quarantined with its reason', async () => {
    const id = 'delivery-that-fails'
    await database.db
      .insertInto('webhook_deliveries' as never)
      .values({
        id,
        platform: 'no-such-platform',
        channels: JSON.stringify([]),
        body: '{}',
        status: 'received',
        received_at: new Date(NOW.getTime() - 120_000),
      } as never)
      .execute()
    const run = (retryCount: number) =>
      webhookIngestJob.handle({ id: 'j', data: { deliveryId: id }, retryCount }, context)
    await expect(run(0)).rejects.toThrow(/no-such-platform/)
    expect(await deliveryRow(id)).toMatchObject({ status: 'received', attempts: 1 })
    // Still `received`, so the minute dispatcher enqueues it again (its job may have been lost).
    const before = sent.length
    expect(await enqueueStrandedDeliveries(context)).toBe(1)
    expect(sent.slice(before).map((s) => s.key)).toEqual([id])
    await expect(run(WEBHOOK_RETRY_LIMIT)).rejects.toThrow()
    const row = await deliveryRow(id)
    expect(row).toMatchObject({ status: 'quarantined', attempts: 2 })
    expect(String(row.last_error)).toMatch(/no-such-platform/)
  })
})
