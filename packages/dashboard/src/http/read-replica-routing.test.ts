/**
 * Read routes against a real streaming replica (scripts/with-postgres.mjs starts one beside the
 * primary and sets EARSHOT_TEST_READ_DATABASE_URL; without it, PGlite-only runs skip this file).
 * Which database answered is told apart by pausing the replica's replay: a channel written on
 * the primary afterwards exists only there. Health checks are run explicitly, never on a timer.
 */
import { randomUUID } from 'node:crypto'
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import {
  createChannel,
  createOrganisation,
  createPractice,
  currentWalPosition,
  type EarshotDatabase,
  openDatabase,
  openReadReplica,
  type ReadReplica,
} from '@earshot/core'
import { sql } from 'kysely'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createDashboard } from '../app.js'
import { createApiToken } from '../auth/create-api-token.js'
import { createUser } from '../auth/create-user.js'

const primaryUrl = process.env.EARSHOT_TEST_DATABASE_URL?.trim()
const replicaUrl = process.env.EARSHOT_TEST_READ_DATABASE_URL?.trim()
const NOW = new Date('2026-11-20T03:00:00Z')

describe.skipIf(!primaryUrl || !replicaUrl)('reads through a streaming replica', () => {
  let primary: EarshotDatabase
  // A direct connection to the replica, to pause and resume its replay.
  let standby: EarshotDatabase
  let organisationId: string
  let practiceId: string
  let token: string
  const opened: ReadReplica[] = []

  beforeAll(async () => {
    primary = await openDatabase({
      url: primaryUrl!,
      poolSize: 4,
      statementTimeoutMs: 0,
      acquireTimeoutMs: 0,
    })
    standby = await openDatabase({
      url: replicaUrl!,
      migrate: false,
      poolSize: 1,
      statementTimeoutMs: 0,
      acquireTimeoutMs: 0,
    })
    const suffix = randomUUID().slice(0, 8)
    const org = await createOrganisation(primary.db, { name: `Replica Agency ${suffix}` })
    organisationId = org.id
    const practice = await createPractice(primary.db, {
      organisationId,
      name: 'Replica GP',
      schedule: {
        timeZone: 'Australia/Sydney',
        weekly: { mon: [{ start: '08:00', end: '18:00' }] },
      },
      promise: { targets: [{ duration: '2 business hours' }], goal: 0.9 },
    })
    practiceId = practice.id
    const admin = await createUser(primary.db, {
      organisationId,
      email: `replica-${suffix}@a.example`,
      name: 'Ada Admin',
      password: 'correct horse battery',
      role: 'agency_admin',
    })
    ;({ token } = await createApiToken(
      primary.db,
      { organisationId, userId: admin.id, name: 'replica tests', scopes: ['read', 'write'] },
      NOW,
    ))
  })

  afterEach(async () => {
    await resume()
    for (const replica of opened.splice(0)) await replica.close()
  })

  afterAll(async () => {
    await resume().catch(() => {})
    await standby?.close()
    await primary?.close()
  })

  async function resume() {
    await sql`select pg_wal_replay_resume()`.execute(standby.db)
  }

  /** Pauses replay and waits (no deadline) until the replica says it is paused. */
  async function pause() {
    await sql`select pg_wal_replay_pause()`.execute(standby.db)
    for (;;) {
      const { rows } = await sql<{ state: string }>`
        select pg_get_wal_replay_pause_state() as state`.execute(standby.db)
      if (rows[0]?.state === 'paused') return
    }
  }

  /** Waits (no deadline) until the replica has replayed everything the primary wrote so far. */
  async function caughtUp() {
    const lsn = await currentWalPosition(primary.db)
    for (;;) {
      const { rows } = await sql<{ done: boolean }>`
        select pg_last_wal_replay_lsn() >= ${lsn}::pg_lsn as done`.execute(standby.db)
      if (rows[0]?.done) return
    }
  }

  async function replicaOf(url: string, maxLagMs: number): Promise<ReadReplica> {
    const replica = await openReadReplica({
      url,
      primary: primary.db,
      maxLagMs,
      statementTimeoutMs: 0,
      now: () => NOW,
    })
    opened.push(replica)
    return replica
  }

  const appWith = (readReplica: ReadReplica) =>
    createDashboard({ db: primary.db, readReplica, now: () => NOW })

  async function channelIds(
    app: ReturnType<typeof appWith>,
    cookie?: string,
  ): Promise<{ status: number; ids: string[] }> {
    const res = await app.request(`/api/v1/practices/${practiceId}`, {
      headers: { authorization: `Bearer ${token}`, ...(cookie ? { cookie } : {}) },
    })
    if (res.status !== 200) return { status: res.status, ids: [] }
    const body = (await res.json()) as { channels: { id: string }[] }
    return { status: res.status, ids: body.channels.map((c) => c.id) }
  }

  const newChannel = () =>
    createChannel(primary.db, {
      organisationId,
      practiceId,
      platform: 'facebook',
      externalAccountId: `page-${randomUUID()}`,
      name: 'Replica channel',
    })

  async function health(app: ReturnType<typeof appWith>) {
    const res = await app.request('/healthz')
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }

  it('serves a pure read route from the replica, which shows a primary write once replayed', async () => {
    const replica = await replicaOf(replicaUrl!, 3_600_000)
    const app = appWith(replica)
    await caughtUp()
    expect((await replica.check()).state).toBe('ok')
    // Other test files write to the primary meanwhile, so the replica may be a few ms behind
    // again by the check: within the bound is what "ok" means, not exactly 0.
    const healthy = (await health(app)).body.readReplica as { lagMs: number | null }
    expect(healthy).toMatchObject({ state: 'ok', readsFrom: 'replica' })
    expect(healthy.lagMs).toBeGreaterThanOrEqual(0)
    expect(healthy.lagMs).toBeLessThanOrEqual(3_600_000)

    await pause()
    const channel = await newChannel()
    // The primary has it, the paused replica not: the route's answer says who answered.
    const whilePaused = await channelIds(app)
    expect(whilePaused.status).toBe(200)
    expect(whilePaused.ids).not.toContain(channel.id)

    await resume()
    await caughtUp()
    expect((await replica.check()).state).toBe('ok')
    expect((await channelIds(app)).ids).toContain(channel.id)
  })

  it('reads the primary after the reader’s own write until the replica has replayed it', async () => {
    const replica = await replicaOf(replicaUrl!, 3_600_000)
    const app = appWith(replica)
    await caughtUp()
    expect((await replica.check()).state).toBe('ok')
    await pause()
    const channel = await newChannel()
    // Any mutation answers with the primary's WAL position after it (here one that finds
    // nothing to change, so only the cookie is exercised).
    const post = await app.request(
      '/api/v1/mentions/00000000-0000-0000-0000-000000000000/override',
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'dismiss' }),
      },
    )
    expect(post.status).toBeLessThan(500)
    const setCookie = post.headers.get('set-cookie') ?? ''
    const raw = /earshot_wrote=([^;]+)/.exec(setCookie)?.[1]
    const wrote = raw === undefined ? undefined : decodeURIComponent(raw)
    expect(wrote).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/i)
    const cookie = `earshot_wrote=${raw}`

    expect((await channelIds(app, cookie)).ids).toContain(channel.id) // primary
    expect((await channelIds(app)).ids).not.toContain(channel.id) // replica, for everyone else
    // A forged cookie is no position: the primary answers.
    expect((await channelIds(app, 'earshot_wrote=nonsense')).ids).toContain(channel.id)

    await resume()
    await caughtUp()
    await replica.check()
    expect(replica.hasReplayed(wrote!)).toBe(true)
    expect((await channelIds(app, cookie)).ids).toContain(channel.id)
  })

  it('falls back to the primary when the replica lags beyond the bound, and /healthz says lagging', async () => {
    // Bound 0: any replica behind the primary is too far behind.
    const replica = await replicaOf(replicaUrl!, 0)
    const app = appWith(replica)
    await pause()
    const channel = await newChannel()
    const status = await replica.check()
    expect(status.state).toBe('lagging')
    expect(status.lagMs).toBeGreaterThan(0)
    const { status: code, ids } = await channelIds(app)
    expect(code).toBe(200)
    expect(ids).toContain(channel.id)
    const h = await health(app)
    expect(h.status).toBe(200)
    expect(h.body.database).toBe('up')
    expect(h.body.readReplica).toMatchObject({ state: 'lagging', readsFrom: 'primary' })
  })

  it('falls back to the primary when the replica is unreachable, and /healthz says down', async () => {
    const port = await closedPort()
    const replica = await replicaOf(`postgres://earshot@127.0.0.1:${port}/earshot_test`, 3_600_000)
    const app = appWith(replica)
    expect((await replica.check()).state).toBe('down')
    const channel = await newChannel()
    const { status, ids } = await channelIds(app)
    expect(status).toBe(200)
    expect(ids).toContain(channel.id)
    const h = await health(app)
    expect(h.status).toBe(200)
    expect(h.body.readReplica).toEqual({ state: 'down', lagMs: null, readsFrom: 'primary' })
  })

  it('answers from the primary when the replica goes away between checks', async () => {
    // The replica behind a loopback relay that the test cuts: checked ok, then gone.
    const relay = await startRelay(Number(new URL(replicaUrl!).port))
    const replica = await replicaOf(
      `postgres://earshot@127.0.0.1:${relay.port}/earshot_test`,
      3_600_000,
    )
    const app = appWith(replica)
    await caughtUp()
    expect((await replica.check()).state).toBe('ok')
    await relay.close()
    const channel = await newChannel()
    const { status, ids } = await channelIds(app)
    expect(status).toBe(200)
    expect(ids).toContain(channel.id)
    expect(replica.status().state).toBe('down')
    expect((await health(app)).body.readReplica).toMatchObject({ state: 'down' })
  })
})

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** Forwards a loopback port to `target` until closed (then refuses and cuts every connection). */
async function startRelay(target: number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: target })
    sockets.add(client).add(upstream)
    client.pipe(upstream).pipe(client)
    const drop = () => {
      client.destroy()
      upstream.destroy()
    }
    client.on('error', drop).on('close', drop)
    upstream.on('error', drop).on('close', drop)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
