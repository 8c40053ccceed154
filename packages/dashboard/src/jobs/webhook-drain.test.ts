import { randomUUID } from 'node:crypto'
import { type CollectorLookup, facebookCollector } from '@earshot/collectors'
import { createTestTenant, metaFeedCommentBody } from '@earshot/collectors/testing'
import { type ChannelRow, type Collector, type EarshotDatabase, openDatabase } from '@earshot/core'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JOB_QUEUES } from './job-queues.js'
import {
  claimWebhookDeliveries,
  createWebhookDrainJob,
  drainWebhookDeliveries,
  finishWebhookDeliveries,
  WEBHOOK_DRAIN_DEFAULTS,
  WEBHOOK_RETRY_LIMIT,
} from './webhook-drain.js'

const url = process.env.EARSHOT_TEST_DATABASE_URL?.trim()
const targets = [
  { name: 'pglite', open: () => openDatabase() },
  ...(url
    ? [
        {
          name: 'postgres',
          open: () =>
            openDatabase({ url, poolSize: 6, statementTimeoutMs: 0, acquireTimeoutMs: 0 }),
        },
      ]
    : []),
]

const CONFIG = { accessToken: 'x', appSecret: 'secret', verifyToken: 'v' }
const T0 = new Date('2026-12-02T12:00:00Z')
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000)

/** A Meta feed delivery: one comment on Page 1111. */
const feedBody = (commentId: string, message = 'Hvala!') =>
  metaFeedCommentBody({ commentId, message })

/**
 * A platform name of the test's own (so drainers of other tests sharing the database never take
 * its rows), parsed as Facebook, counting how often each body is parsed.
 */
function testPlatform(options: { webhooks?: boolean } = {}) {
  const platform = `fb-test-${randomUUID().slice(0, 8)}`
  const parsed = new Map<string, number>()
  const facebook = facebookCollector() as Collector<unknown>
  const { webhook: _none, ...withoutWebhooks } = facebook
  const collector: Collector<unknown> =
    options.webhooks === false
      ? withoutWebhooks
      : {
          ...facebook,
          webhook: {
            ...facebook.webhook!,
            parse(body, channel, config) {
              parsed.set(body, (parsed.get(body) ?? 0) + 1)
              return facebook.webhook!.parse(body, channel, config)
            },
          },
        }
  const collectors: CollectorLookup = (p) => (p === platform ? collector : undefined)
  return { platform, parsed, collectors }
}

for (const target of targets) {
  describe(`${target.name}: draining webhook deliveries`, () => {
    let database: EarshotDatabase
    beforeAll(async () => {
      database = await target.open()
    })
    afterAll(async () => {
      await database?.close()
    })

    let clock = T0
    const context = () => ({ db: database.db, now: () => clock })

    async function page() {
      const tenant = await createTestTenant(database.db)
      const channel = await tenant.channel({
        platform: 'facebook',
        externalAccountId: '1111',
        config: CONFIG,
      })
      return { tenant, channel }
    }

    async function store(platform: string, channel: ChannelRow, bodies: string[], receivedAt = T0) {
      const ids = bodies.map(() => randomUUID())
      await database.db
        .insertInto('webhook_deliveries' as never)
        .values(
          bodies.map((body, i) => ({
            id: ids[i],
            platform,
            channels: JSON.stringify([
              { organisationId: channel.organisation_id, channelId: channel.id },
            ]),
            body,
            status: 'received',
            received_at: receivedAt,
            available_at: receivedAt,
          })) as never,
        )
        .execute()
      return ids
    }

    type Row = {
      id: string
      status: string
      attempts: number
      last_error: string | null
      available_at: Date
      claimed_by: string | null
      claim_token: string | null
    }
    const rows = async (ids: string[]) =>
      (
        await sql<Row>`select id, status, attempts, last_error, available_at, claimed_by, claim_token
          from webhook_deliveries where id in (${sql.join(ids)}) order by id`.execute(database.db)
      ).rows.map((r) => ({ ...r, available_at: new Date(r.available_at) }))
    const mentions = async (organisationId: string) =>
      (
        await database.db
          .selectFrom('mentions')
          .select('external_id')
          .where('organisation_id', '=', organisationId)
          .execute()
      ).length

    it('two drainers running at once never ingest the same delivery', async () => {
      clock = T0
      const { tenant, channel } = await page()
      const { platform, parsed, collectors } = testPlatform()
      const bodies = Array.from({ length: 60 }, (_, i) => feedBody(`c${i}`))
      const ids = await store(platform, channel, bodies)
      const options = { platform, collectors, batchSize: 7 }
      const [a, b] = await Promise.all([
        drainWebhookDeliveries(context(), { ...options, worker: 'drainer-a' }),
        drainWebhookDeliveries(context(), { ...options, worker: 'drainer-b' }),
      ])
      expect(a.claimed + b.claimed).toBe(60)
      expect(a.ingested + b.ingested).toBe(60)
      // Every body parsed exactly once: no delivery went through both drainers.
      expect(bodies.map((body) => parsed.get(body) ?? 0)).toEqual(bodies.map(() => 1))
      const stored = await rows(ids)
      expect(new Set(stored.map((r) => r.status))).toEqual(new Set(['ingested']))
      expect(stored.every((r) => r.attempts === 1 && r.claim_token === null)).toBe(true)
      expect(stored.filter((r) => r.claimed_by === 'drainer-a')).toHaveLength(a.claimed)
      expect(await mentions(tenant.organisationId)).toBe(60)
    })

    it('gives claims made at the same moment disjoint deliveries', async () => {
      const { channel } = await page()
      const { platform } = testPlatform()
      const ids = await store(
        platform,
        channel,
        Array.from({ length: 40 }, (_, i) => feedBody(`s${i}`)),
      )
      const claims = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          claimWebhookDeliveries(database.db, at(0), { platform, batchSize: 5, worker: `w${i}` }),
        ),
      )
      const claimed = claims.flatMap((c) => c.deliveries.map((d) => d.id))
      expect(new Set(claimed).size).toBe(claimed.length)
      expect(claimed.sort()).toEqual([...ids].sort())
      // Each row names the claim that holds it, and was counted once.
      const stored = new Map((await rows(ids)).map((r) => [r.id, r]))
      for (const claim of claims)
        for (const d of claim.deliveries)
          expect(stored.get(d.id)).toMatchObject({
            claim_token: claim.token,
            claimed_by: claim.worker,
            attempts: 1,
          })
    })

    it('takes back the deliveries of a drainer that died once its lease runs out', async () => {
      clock = T0
      const { tenant, channel } = await page()
      const { platform, collectors } = testPlatform()
      const ids = await store(platform, channel, [feedBody('l1'), feedBody('l2'), feedBody('l3')])
      const lease = WEBHOOK_DRAIN_DEFAULTS.leaseSeconds
      // Drainer A claims and dies before finishing.
      const dead = await claimWebhookDeliveries(database.db, at(0), { platform, worker: 'dead' })
      expect(dead.deliveries).toHaveLength(3)
      clock = at(lease - 1)
      expect((await drainWebhookDeliveries(context(), { platform, collectors })).claimed).toBe(0)
      clock = at(lease)
      const taken = await drainWebhookDeliveries(context(), { platform, collectors, worker: 'b' })
      expect(taken).toMatchObject({ claimed: 3, ingested: 3, finished: 3 })
      // The dead drainer's late finish changes nothing: its claim is no longer theirs.
      const late = await finishWebhookDeliveries(
        database.db,
        dead.token,
        ids.map((id) => ({ id, status: 'retry' as const, reason: 'late', at: at(lease + 5) })),
        at(lease + 1),
      )
      expect(late).toBe(0)
      const stored = await rows(ids)
      expect(stored.map((r) => [r.status, r.attempts, r.claimed_by])).toEqual(
        ids.map(() => ['ingested', 2, 'b']),
      )
      expect(await mentions(tenant.organisationId)).toBe(3)
    })

    it('retries a failing delivery with backoff, then quarantines it with the reason', async () => {
      clock = T0
      const { channel } = await page()
      const { platform, collectors } = testPlatform({ webhooks: false })
      const [id] = await store(platform, channel, [feedBody('f1')])
      const drain = () => drainWebhookDeliveries(context(), { platform, collectors })
      let due = T0
      for (let attempt = 1; attempt <= WEBHOOK_RETRY_LIMIT; attempt++) {
        clock = due
        expect(await drain()).toMatchObject({ claimed: 1, retried: 1 })
        const [row] = await rows([id!])
        const delay = Math.min(5 * 2 ** (attempt - 1), 600)
        expect(row).toMatchObject({ status: 'received', attempts: attempt, claim_token: null })
        expect(row!.last_error).toMatch(/does not receive webhooks/)
        expect(row!.available_at.getTime() - due.getTime()).toBe(delay * 1000)
        // Not before its time.
        clock = new Date(row!.available_at.getTime() - 1000)
        expect((await drain()).claimed).toBe(0)
        due = row!.available_at
      }
      clock = due
      expect(await drain()).toMatchObject({ claimed: 1, quarantined: 1 })
      const [row] = await rows([id!])
      expect(row).toMatchObject({ status: 'quarantined', attempts: WEBHOOK_RETRY_LIMIT + 1 })
      expect(row!.last_error).toMatch(/does not receive webhooks/)
      clock = at(86_400)
      expect((await drain()).claimed).toBe(0)
    })

    it('quarantines a delivery whose drainer dies on every claim, after the last attempt', async () => {
      const { channel } = await page()
      const { platform, collectors } = testPlatform()
      const [id] = await store(platform, channel, [feedBody('k1')])
      const lease = WEBHOOK_DRAIN_DEFAULTS.leaseSeconds
      const max = WEBHOOK_DRAIN_DEFAULTS.maxAttempts
      for (let n = 0; n < max; n++) {
        const claim = await claimWebhookDeliveries(database.db, at(n * lease), { platform })
        expect(claim.deliveries.map((d) => d.attempts)).toEqual([n + 1])
      }
      clock = at(max * lease)
      expect(await drainWebhookDeliveries(context(), { platform, collectors })).toMatchObject({
        claimed: 1,
        quarantined: 1,
        ingested: 0,
      })
      const [row] = await rows([id!])
      expect(row!.status).toBe('quarantined')
      expect(row!.last_error).toMatch(new RegExp(`claimed ${max} times without finishing`))
    })

    it('wakes another drainer after every full claim, and the next retry when one waits', async () => {
      clock = T0
      const { channel } = await page()
      const { platform, collectors } = testPlatform()
      await store(
        platform,
        channel,
        Array.from({ length: 12 }, (_, i) => feedBody(`n${i}`)),
      )
      const failing = testPlatform({ webhooks: false })
      await store(failing.platform, channel, [feedBody('n-fail')])
      const sent: { queue: string; key?: string; startAfter?: Date }[] = []
      const send = async (
        queue: string,
        _data: object,
        o?: { singletonKey?: string; startAfter?: Date },
      ) => {
        sent.push({
          queue,
          ...(o?.singletonKey ? { key: o.singletonKey } : {}),
          ...(o?.startAfter ? { startAfter: o.startAfter } : {}),
        })
        return 'job'
      }
      // 12 due at 5 a claim: two full claims (each wakes another drainer), then a short one.
      await createWebhookDrainJob({ platform, collectors, batchSize: 5 }).handle(
        { id: 'j', data: {}, retryCount: 0 },
        { ...context(), send },
      )
      expect(sent.filter((s) => s.queue === JOB_QUEUES.webhookDrain && !s.key)).toHaveLength(2)
      // The failing delivery of the other platform now waits 5 s for its retry: a delayed nudge.
      sent.length = 0
      await createWebhookDrainJob({
        platform: failing.platform,
        collectors: failing.collectors,
      }).handle({ id: 'j', data: {}, retryCount: 0 }, { ...context(), send })
      const delayed = sent.find((s) => s.key?.startsWith('at:'))
      expect(delayed?.startAfter?.getTime()).toBeGreaterThanOrEqual(at(5).getTime())
      expect(delayed?.startAfter?.getTime()).toBeLessThanOrEqual(at(15).getTime())
    })

    it('quarantines an unreadable delivery with its reason and ingests the rest of its batch', async () => {
      clock = T0
      const { tenant, channel } = await page()
      const { platform, collectors } = testPlatform()
      const bodies = [feedBody('g1'), '{"object":"page","entry":[', feedBody('g3')]
      const ids = await store(platform, channel, bodies)
      const result = await drainWebhookDeliveries(context(), { platform, collectors })
      expect(result).toMatchObject({ claimed: 3, ingested: 2, quarantined: 1, batches: 1 })
      const byId = new Map((await rows(ids)).map((r) => [r.id, r]))
      expect(byId.get(ids[0]!)?.status).toBe('ingested')
      expect(byId.get(ids[2]!)?.status).toBe('ingested')
      const bad = byId.get(ids[1]!)
      expect(bad?.status).toBe('quarantined')
      expect(bad?.last_error).toMatch(/^unparseable .* webhook body: /)
      // The body itself is in the channel's quarantine, with the same reason.
      const quarantine = await database.db
        .selectFrom('quarantine')
        .select(['channel_id', 'reason'])
        .where('organisation_id', '=', tenant.organisationId)
        .execute()
      expect(quarantine).toEqual([{ channel_id: channel.id, reason: bad?.last_error }])
      expect(await mentions(tenant.organisationId)).toBe(2)
    })
  })
}
