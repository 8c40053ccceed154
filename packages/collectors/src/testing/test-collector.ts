/**
 * @module The contract every collector passes (after unstorage's `testDriver`): it runs inside a
 * vitest file, against a fake platform server and a shared in-memory database, and checks the
 * config schema, a full paginated poll through core's loop, an idempotent second run, and the
 * failure modes every platform has: a 429 with Retry-After, a 500 then success, malformed JSON,
 * and an expired token (→ needs re-authorisation).
 */
import {
  type ChannelRow,
  type Collector,
  type Database,
  type EarshotDatabase,
  listDueChannels,
  type MentionRow,
  mentionInputSchema,
  openDatabase,
  type Platform,
} from '@earshot/core'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CollectorOptions } from '../collector-options.js'
import { collectChannel } from '../run/core-loop.js'
import { CONTRACT_NOW } from './contract-clock.js'
import {
  type FakeHandler,
  type FakeResponse,
  type FakeServer,
  startFakeServer,
} from './fake-server.js'
import { createTestTenant, type TestTenant } from './test-tenant.js'

// Production's 30 s statement and 10 s pool limits fail tests on a loaded CI machine
// (a 10k-row inbox walk hit the statement limit): tests wait, they never time out.
const NO_TIME_LIMITS = { statementTimeoutMs: 0, acquireTimeoutMs: 0 }

/** What {@link testCollector} needs to know about one collector. */
export interface TestCollectorOptions<Config> {
  platform: Platform
  /** Builds the collector; the suite injects a recording `sleep` and fixed jitter. */
  create: (options: CollectorOptions) => Collector<Config>
  /** The channel's account id and own identities. */
  account: { externalAccountId: string; ownIdentities?: string[] }
  /** The channel config pointing at the fake server (HTTP collectors) or at nothing. */
  config: (baseUrl: string) => Record<string, unknown>
  /** The fake platform API. Omit for collectors that do not poll over HTTP. */
  api?: FakeHandler
  /** External ids a full first run must store (every page's items). */
  expectedExternalIds?: string[]
  /** Fewest requests a full run makes (proves pagination was followed). */
  minRequests?: number
  /** The platform's answer to an expired or revoked token. */
  authError?: FakeResponse
  /** A config the schema must reject. */
  invalidConfig?: Record<string, unknown>
  /** Extra tests, run with the shared context. */
  additionalTests?: (context: TestCollectorContext) => void
}

/** Shared state the suite hands to `additionalTests`. */
export interface TestCollectorContext {
  readonly db: Kysely<Database>
  readonly tenant: TestTenant
  readonly server: FakeServer | undefined
  /** Every sleep the HTTP client asked for, in ms. */
  readonly sleeps: number[]
  newChannel(): Promise<ChannelRow>
  collector(): Collector<unknown>
  /** The stored mention of `channel` with this platform id; throws when there is none. */
  mention(channel: ChannelRow, externalId: string): Promise<MentionRow>
  /** The stored mention of `channel` with this platform id, if any. */
  findMention(channel: ChannelRow, externalId: string): Promise<MentionRow | undefined>
}

/** A database the contract runs on. */
export interface ContractDatabase {
  name: 'pglite' | 'postgres'
  open(): Promise<EarshotDatabase>
}

/** PGlite in memory always, plus the server in `EARSHOT_TEST_DATABASE_URL` when set (CI sets it). */
export function contractDatabases(): ContractDatabase[] {
  const list: ContractDatabase[] = [{ name: 'pglite', open: () => openDatabase() }]
  const url = process.env.EARSHOT_TEST_DATABASE_URL?.trim()
  if (url)
    list.push({
      name: 'postgres',
      open: () => openDatabase({ url, poolSize: 4, ...NO_TIME_LIMITS }),
    })
  return list
}

/** Registers the contract tests for one collector, once per database of {@link contractDatabases}. */
export function testCollector<Config>(options: TestCollectorOptions<Config>): void {
  for (const database of contractDatabases()) contractSuite(options, database)
}

function contractSuite<Config>(
  options: TestCollectorOptions<Config>,
  database: ContractDatabase,
): void {
  const sleeps: number[] = []
  const collectorOptions: CollectorOptions = {
    now: () => CONTRACT_NOW,
    http: {
      sleep: async (ms) => {
        sleeps.push(ms)
      },
      random: () => 0.5,
      // The fake server is local: a slow answer means a loaded machine, not a platform to give up on.
      timeoutMs: 2 ** 31 - 1,
      maxRetries: 2,
    },
  }
  let db: Kysely<Database>
  let close: () => Promise<void>
  let tenant: TestTenant
  let server: FakeServer | undefined
  const collector = () => options.create(collectorOptions) as Collector<unknown>
  const newChannel = async () =>
    tenant.channel({
      platform: options.platform,
      externalAccountId: options.account.externalAccountId,
      ownIdentities: options.account.ownIdentities ?? [],
      config: options.config(server?.url ?? 'http://127.0.0.1:9'),
    })
  const findMention = (channel: ChannelRow, externalId: string) =>
    db
      .selectFrom('mentions')
      .selectAll()
      .where('organisation_id', '=', channel.organisation_id)
      .where('channel_id', '=', channel.id)
      .where('external_id', '=', externalId)
      .executeTakeFirst()
  const mention = async (channel: ChannelRow, externalId: string) => {
    const row = await findMention(channel, externalId)
    if (!row) throw new Error(`no mention ${externalId} in channel ${channel.id}`)
    return row
  }
  const context: TestCollectorContext = {
    get db() {
      return db
    },
    get tenant() {
      return tenant
    },
    get server() {
      return server
    },
    sleeps,
    newChannel,
    collector,
    mention,
    findMention,
  }
  const mentionIds = async (channel: ChannelRow) =>
    (
      await db
        .selectFrom('mentions')
        .select('external_id')
        .where('organisation_id', '=', channel.organisation_id)
        .where('channel_id', '=', channel.id)
        .where('is_tombstone', '=', false)
        .execute()
    )
      .map((r) => r.external_id)
      .sort()
  const reload = async (channel: ChannelRow) =>
    (await db
      .selectFrom('channels')
      .selectAll()
      .where('id', '=', channel.id)
      .executeTakeFirstOrThrow()) as ChannelRow

  const suffix = database.name === 'pglite' ? '' : ` (${database.name})`
  describe(`collector contract: ${options.platform}${suffix}`, () => {
    beforeAll(async () => {
      ;({ db, close } = await database.open())
      tenant = await createTestTenant(db, `${options.platform} clinic`)
      if (options.api) server = await startFakeServer(options.api)
    })
    afterAll(async () => {
      await server?.close()
      await close?.()
    })

    it('names its platform and validates its config with zod', () => {
      const c = collector()
      expect(c.platform).toBe(options.platform)
      expect(c.name.length).toBeGreaterThan(0)
      expect(c.configSchema.safeParse(options.config('http://127.0.0.1:9')).success).toBe(true)
      expect(c.configSchema.safeParse(options.invalidConfig ?? {}).success).toBe(false)
      expect(c.poll ?? c.webhook).toBeDefined()
    })

    if (!options.api) {
      options.additionalTests?.(context)
      return
    }

    it('collects every page through the loop, with valid mentions and a stored checkpoint', async () => {
      const channel = await newChannel()
      const before = server!.requests.length
      const result = await collectChannel(db, channel, collector())
      expect(result.errorMessage).toBeUndefined()
      expect(result.status).toBe('success')
      expect(server!.requests.length - before).toBeGreaterThanOrEqual(options.minRequests ?? 2)
      const ids = await mentionIds(channel)
      expect(ids).toEqual([...(options.expectedExternalIds ?? [])].sort())
      const row = await reload(channel)
      expect(row.status).toBe('active')
      expect(row.last_success_at).not.toBeNull()
      expect(row.next_poll_at).not.toBeNull()
      expect(row.items_collected).toBeGreaterThanOrEqual(ids.length)
      expect(row.checkpoint).not.toBeNull()
      // What the collector yields must pass core's own schema (nothing quarantined by ingest).
      const quarantined = await db
        .selectFrom('quarantine')
        .select('reason')
        .where('channel_id', '=', channel.id)
        .execute()
      expect(quarantined).toEqual([])
    })

    it('yields items that satisfy mentionInputSchema and belong to the channel', async () => {
      const channel = await newChannel()
      const c = collector()
      const config = c.configSchema.parse(channel.config)
      const { toCollectorChannel } = await import('../run/core-loop.js')
      let count = 0
      for await (const batch of c.poll!({
        channel: toCollectorChannel(channel),
        config,
        cursor: null,
      })) {
        expect(() => JSON.stringify(batch.cursor)).not.toThrow()
        for (const item of batch.items) {
          if ('deleted' in item) continue
          const parsed = mentionInputSchema.safeParse(item)
          expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true)
          expect(item.channelId).toBe(channel.id)
          count++
        }
      }
      expect(count).toBeGreaterThan(0)
    })

    it('changes nothing when run again from its checkpoint', async () => {
      const channel = await newChannel()
      await collectChannel(db, channel, collector())
      const first = await mentionIds(channel)
      const again = await collectChannel(db, await reload(channel), collector())
      expect(again.status).toBe('success')
      expect(again.inserted).toBe(0)
      expect(await mentionIds(channel)).toEqual(first)
    })

    it('waits out a 429 with Retry-After and then succeeds', async () => {
      const channel = await newChannel()
      sleeps.length = 0
      server!.failNext({
        status: 429,
        headers: { 'retry-after': '2' },
        body: { error: { message: 'Too Many Requests', code: 429 } },
      })
      const result = await collectChannel(db, channel, collector())
      expect(result.status).toBe('success')
      expect(sleeps).toContain(2000)
      expect(await mentionIds(channel)).toEqual([...(options.expectedExternalIds ?? [])].sort())
    })

    it('retries a 500 with backoff and then succeeds', async () => {
      const channel = await newChannel()
      sleeps.length = 0
      server!.failNext({ status: 500, body: { error: { message: 'Internal error' } } })
      const result = await collectChannel(db, channel, collector())
      expect(result.status).toBe('success')
      expect(sleeps).toEqual([750]) // min(1000·2⁰, 30000) with jitter 0.5 → 500 + 250
      expect(await mentionIds(channel)).toEqual([...(options.expectedExternalIds ?? [])].sort())
    })

    it('records malformed JSON as a clear error, quarantines the body, and does not crash', async () => {
      const channel = await newChannel()
      server!.failNext({
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: '{"data": [ {"id": "truncated',
      })
      const result = await collectChannel(db, channel, collector())
      expect(result.status).toBe('error')
      expect(result.errorMessage).toMatch(/not valid JSON|not well-formed|malformed/i)
      const row = await reload(channel)
      expect(row.status).toBe('error')
      expect(row.last_error).toBe(result.errorMessage)
      expect(row.last_error_at).not.toBeNull()
      const quarantined = await db
        .selectFrom('quarantine')
        .selectAll()
        .where('channel_id', '=', channel.id)
        .execute()
      expect(quarantined.length).toBeGreaterThan(0)
      expect(quarantined[0]!.source).toBe(`collector:${options.platform}`)
    })

    if (options.authError) {
      const authError = options.authError
      it('marks the channel needs_reauth on an expired token, without retrying', async () => {
        const channel = await newChannel()
        const before = server!.requests.length
        server!.failNext(authError)
        const result = await collectChannel(db, channel, collector())
        expect(result.status).toBe('needs_reauth')
        expect(server!.requests.length - before).toBe(1)
        const row = await reload(channel)
        expect(row.status).toBe('needs_reauth')
        expect(row.last_error).toMatch(/re-authorise|credentials/i)
        // Not due however late one asks: it waits for a person to re-authorise.
        const due = await listDueChannels(db, new Date('9999-12-31T00:00:00Z'))
        expect(due.map((c) => c.id)).not.toContain(channel.id)
        // No token in the recorded error.
        expect(row.last_error).not.toMatch(/access_token=(?!\*\*\*)/)
      })
    }

    options.additionalTests?.(context)
  })
}
