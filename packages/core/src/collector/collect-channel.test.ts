import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { EarshotError } from '../errors.js'
import { createChannel } from '../repositories/channels.js'
import { createOrganisation, createPractice } from '../repositories/organisations.js'
import { saveChannelCredentials } from '../secrets/channel-credentials.js'
import { generateSecretKey, keyringFromEnv } from '../secrets/keyring.js'
import type { ChannelRow, Database } from '../storage/database.js'
import { openDatabase } from '../storage/open-database.js'
import { collectChannel } from './collect-channel.js'
import type { Collector, PollBatch } from './collector.js'

let db: Kysely<Database>
let close: () => Promise<void>
let org: string
let practice: string

beforeAll(async () => {
  ;({ db, close } = await openDatabase())
  org = (await createOrganisation(db, { name: 'Loop Org' })).id
  const hours = [{ start: '08:00', end: '18:00' }]
  practice = (
    await createPractice(db, {
      organisationId: org,
      name: 'Loop Clinic',
      schedule: { timeZone: 'Australia/Sydney', weekly: { mon: hours } },
      promise: { targets: [{ duration: '2 business hours' }] },
    })
  ).id
})
afterAll(() => close())

const newChannel = (config: Record<string, unknown> = { ok: true }) =>
  createChannel(db, {
    organisationId: org,
    practiceId: practice,
    platform: 'rss',
    externalAccountId: `feed-${randomUUID()}`,
    name: 'feed',
    config,
    pollIntervalSeconds: 600,
  })

const mention = (channelId: string, n: number) => ({
  channelId,
  externalId: `m${n}`,
  kind: 'comment' as const,
  text: `message ${n}`,
  createdAt: new Date(Date.UTC(2025, 0, 6, 0, n)),
})

/** A scripted collector: yields the given batches, then throws `failWith` if set. */
function scripted(
  batches: (channelId: string) => PollBatch[],
  options: { failWith?: unknown; between?: (index: number) => Promise<void> } = {},
): Collector<{ ok: boolean }> {
  return {
    platform: 'rss',
    name: 'scripted',
    configSchema: z.object({ ok: z.literal(true) }),
    async *poll(context) {
      const list = batches(context.channel.id)
      for (const [index, batch] of list.entries()) {
        await options.between?.(index)
        yield batch
      }
      if (options.failWith) throw options.failWith
    },
  }
}

const reload = async (channel: ChannelRow) =>
  db.selectFrom('channels').selectAll().where('id', '=', channel.id).executeTakeFirstOrThrow()
const externalIds = async (channel: ChannelRow) =>
  (
    await db
      .selectFrom('mentions')
      .select('external_id')
      .where('channel_id', '=', channel.id)
      .orderBy('external_id')
      .execute()
  ).map((r) => r.external_id)

describe('collectChannel', () => {
  it('hands the collector its sealed tokens merged into the config, and records a key it cannot open', async () => {
    const keyring = keyringFromEnv({ EARSHOT_SECRET_KEY: generateSecretKey() })!
    const channel = await newChannel({ ok: true })
    await saveChannelCredentials(
      db,
      { organisationId: org, channelId: channel.id, accessToken: 'sealed-token' },
      { keyring },
    )
    const seen: unknown[] = []
    const collector: Collector<{ ok: boolean; accessToken: string }> = {
      platform: 'rss',
      name: 'token-reader',
      configSchema: z.object({ ok: z.literal(true), accessToken: z.string() }),
      async *poll(context) {
        seen.push(context.config)
        yield { items: [], cursor: null }
      },
    }
    const result = await collectChannel(db, channel, collector as Collector<unknown>, { keyring })
    expect(result.status).toBe('success')
    expect(seen).toEqual([{ ok: true, accessToken: 'sealed-token' }])

    const otherKey = keyringFromEnv({ EARSHOT_SECRET_KEY: generateSecretKey() })!
    const failed = await collectChannel(db, channel, collector as Collector<unknown>, {
      keyring: otherKey,
    })
    expect(failed.status).toBe('error')
    expect(failed.errorMessage).toMatch(
      /cannot open the channel's stored credentials: .*neither EARSHOT_SECRET_KEY/,
    )
    expect(failed.errorMessage).not.toContain('sealed-token')
    expect((await reload(channel)).last_error).toBe(failed.errorMessage)
  })

  it('commits each batch with its checkpoint and records the run', async () => {
    const channel = await newChannel()
    const now = new Date('2026-01-05T00:00:00Z')
    const result = await collectChannel(
      db,
      channel,
      scripted((id) => [
        { items: [mention(id, 1), mention(id, 2)], cursor: { page: 1 } },
        { items: [mention(id, 3)], cursor: { page: 2 } },
      ]),
      { now: () => now },
    )
    expect(result).toMatchObject({ status: 'success', batches: 2, inserted: 3 })
    const row = await reload(channel)
    expect(row).toMatchObject({ checkpoint: { page: 2 }, items_collected: 3, status: 'active' })
    expect(row.last_success_at?.toISOString()).toBe(now.toISOString())
    expect(row.next_poll_at?.toISOString()).toBe('2026-01-05T00:10:00.000Z')
  })

  it('keeps the batches committed before a failure, records the error, and never throws', async () => {
    const channel = await newChannel()
    const result = await collectChannel(
      db,
      channel,
      scripted((id) => [{ items: [mention(id, 1)], cursor: { page: 1 } }], {
        failWith: new Error('upstream exploded'),
      }),
    )
    expect(result).toMatchObject({
      status: 'error',
      batches: 1,
      errorMessage: '[rss] upstream exploded',
    })
    const row = await reload(channel)
    expect(row).toMatchObject({
      status: 'error',
      last_error: '[rss] upstream exploded',
      checkpoint: { page: 1 },
    })
    expect(await externalIds(channel)).toEqual(['m1'])
  })

  it('marks the channel needs_reauth on an auth error', async () => {
    const channel = await newChannel()
    const result = await collectChannel(
      db,
      channel,
      scripted(() => [], { failWith: new EarshotError('AUTH_EXPIRED', '[x] token revoked') }),
    )
    expect(result.status).toBe('needs_reauth')
    expect((await reload(channel)).status).toBe('needs_reauth')
  })

  it('marks the channel needs_reauth on an auth error thrown by another copy of core', async () => {
    const channel = await newChannel()
    // A collectors build that bundles its own core: another class, the same brand.
    const foreign = Object.assign(new Error('[x] token revoked'), {
      code: 'AUTH_EXPIRED',
      [Symbol.for('earshot.error')]: true,
    })
    const result = await collectChannel(
      db,
      channel,
      scripted(() => [], { failWith: foreign }),
    )
    expect(result.status).toBe('needs_reauth')
  })

  it('does not take a plain error that carries an auth code for an auth error', async () => {
    const channel = await newChannel()
    const plain = Object.assign(new Error('[x] token revoked'), { code: 'AUTH_EXPIRED' })
    const result = await collectChannel(
      db,
      channel,
      scripted(() => [], { failWith: plain }),
    )
    expect(result.status).toBe('error')
  })

  it('honours a rate limit longer than the poll interval when scheduling the next poll', async () => {
    const channel = await newChannel()
    const now = new Date('2026-01-05T00:00:00Z')
    const error = Object.assign(new EarshotError('UPSTREAM', '[youtube] quota'), {
      retryAfter: 3_600_000,
    })
    const result = await collectChannel(
      db,
      channel,
      scripted(() => [], { failWith: error }),
      { now: () => now },
    )
    expect(result.retryAfter).toBe(3_600_000)
    expect((await reload(channel)).next_poll_at?.toISOString()).toBe('2026-01-05T01:00:00.000Z')
  })

  it('quarantines what the collector rejected, in the batch’s transaction', async () => {
    const channel = await newChannel()
    await collectChannel(
      db,
      channel,
      scripted((id) => [
        {
          items: [mention(id, 1)],
          rejected: [{ reason: 'comment without id', payload: { message: 'hi' } }],
          cursor: 1,
        },
      ]),
    )
    const rows = await db
      .selectFrom('quarantine')
      .selectAll()
      .where('channel_id', '=', channel.id)
      .execute()
    expect(rows).toMatchObject([
      { reason: 'comment without id', source: 'collector:rss', payload: { message: 'hi' } },
    ])
  })

  it('rolls a batch back (mentions and checkpoint) when another run moved the checkpoint', async () => {
    const channel = await newChannel()
    const result = await collectChannel(
      db,
      channel,
      scripted(
        (id) => [
          { items: [mention(id, 1)], cursor: 'a' },
          { items: [mention(id, 2)], cursor: 'b' },
        ],
        {
          between: async (index) => {
            if (index === 1)
              await db
                .updateTable('channels')
                .set({ checkpoint: JSON.stringify('other-run') })
                .where('id', '=', channel.id)
                .execute()
          },
        },
      ),
    )
    expect(result.status).toBe('error')
    expect(result.errorMessage).toMatch(/another collection run/)
    expect(await externalIds(channel)).toEqual(['m1'])
    expect((await reload(channel)).checkpoint).toBe('other-run')
  })

  it('reports an invalid config without polling', async () => {
    const channel = await newChannel({ ok: false })
    let polled = false
    const collector = scripted(() => {
      polled = true
      return []
    })
    const result = await collectChannel(db, channel, collector)
    expect(result.status).toBe('error')
    expect(result.errorMessage).toMatch(/invalid channel config: ok/)
    expect(polled).toBe(false)
  })

  it('passes the stored checkpoint back to the collector', async () => {
    const channel = await newChannel()
    await db
      .updateTable('channels')
      .set({ checkpoint: JSON.stringify({ sinceId: '42' }) })
      .where('id', '=', channel.id)
      .execute()
    let seen: unknown
    const collector: Collector<{ ok: boolean }> = {
      ...scripted(() => []),
      async *poll(context) {
        seen = context.cursor
        yield { items: [], cursor: { sinceId: '43' } }
      },
    }
    await collectChannel(db, channel, collector)
    expect(seen).toEqual({ sinceId: '42' })
    expect((await reload(channel)).checkpoint).toEqual({ sinceId: '43' })
  })
  it('clears needs_reauth after a successful run but never un-pauses a paused channel', async () => {
    const reauth = await newChannel()
    const paused = await newChannel()
    await db
      .updateTable('channels')
      .set({ status: 'needs_reauth' })
      .where('id', '=', reauth.id)
      .execute()
    await db.updateTable('channels').set({ status: 'paused' }).where('id', '=', paused.id).execute()
    await collectChannel(
      db,
      reauth,
      scripted(() => [{ items: [], cursor: 1 }]),
    )
    await collectChannel(
      db,
      paused,
      scripted(() => [{ items: [], cursor: 1 }]),
    )
    expect((await reload(reauth)).status).toBe('active')
    expect((await reload(paused)).status).toBe('paused')
  })
})
