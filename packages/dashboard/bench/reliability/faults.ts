/**
 * @module Database fault trials against the running server: connections terminated under load,
 * the server stopped (`-m immediate`) and started again, read-only, a long-held lock, a full disk.
 * Each trial returns whether the server survived it as the issue asks (kept answering, said what
 * was wrong, recovered by itself) and the evidence.
 */
import { execFileSync } from 'node:child_process'
import { chownSync, closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { type Answer, log, type PgServer, type ServeProcess, send, sleep } from './harness.js'
import type { World } from './seed.js'

export interface TrialResult {
  name: string
  survived: boolean
  skipped?: string
  detail: string
}

/** Requests in a loop until stopped; every answer's status is tallied. */
function load(serve: ServeProcess, world: World, workers = 6) {
  const statuses = new Map<number, number>()
  let running = true
  const loops = Array.from({ length: workers }, async (_, i) => {
    while (running) {
      const path = i % 3 === 0 ? '/api/v1/mentions?limit=20' : '/api/v1/practices'
      const res = await send(
        `${serve.url}${path}`,
        {
          headers: { authorization: `Bearer ${world.a.token}` },
        },
        20_000,
      )
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
      if (res.status !== 200) await sleep(50)
    }
  })
  return {
    statuses,
    async stop() {
      running = false
      await Promise.all(loops)
    },
  }
}

const tallyList = (list: number[]) => {
  const m = new Map<number, number>()
  for (const s of list) m.set(s, (m.get(s) ?? 0) + 1)
  return tally(m)
}
const tally = (m: Map<number, number>) =>
  [...m.entries()]
    .sort((x, y) => x[0] - y[0])
    .map(([s, n]) => `${s}×${n}`)
    .join(' ')

/** Waits until the API answers 200 again; the time it took, or -1. */
async function recovery(serve: ServeProcess, world: World, withinMs: number): Promise<number> {
  const started = Date.now()
  while (Date.now() - started < withinMs) {
    const res = await send(
      `${serve.url}/api/v1/practices`,
      {
        headers: { authorization: `Bearer ${world.a.token}` },
      },
      5_000,
    )
    if (res.status === 200) return Date.now() - started
    await sleep(250)
  }
  return -1
}

const health = (serve: ServeProcess): Promise<Answer> => send(`${serve.url}/healthz`, {}, 5_000)
const healthState = (a: Answer) => {
  try {
    return String((JSON.parse(a.body) as { database?: string }).database)
  } catch {
    return `unparsable(${a.status})`
  }
}

export async function terminateUnderLoad(
  pgServer: PgServer,
  serve: ServeProcess,
  world: World,
  database: string,
  round: number,
): Promise<TrialResult> {
  const l = load(serve, world)
  await sleep(1_500)
  const killed = await pgServer.sql<{ pid: number }>(
    // The offset keeps the planner from calling pg_terminate_backend before the filters.
    `select pid from (select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() offset 0) s where pg_terminate_backend(pid)`,
    [database],
  )
  await sleep(2_000)
  await l.stop()
  const recoveredMs = await recovery(serve, world, 15_000)
  const errors500 = [...l.statuses.keys()].filter((s) => s >= 500 && s !== 503).length
  const survived = serve.alive && recoveredMs >= 0 && errors500 === 0
  return {
    name: `terminate-${round}`,
    survived,
    detail: `${killed.length} backends terminated; answers ${tally(l.statuses)}; recovered in ${recoveredMs} ms`,
  }
}

export async function stopAndStart(
  pgServer: PgServer,
  serve: ServeProcess,
  world: World,
  round: number,
): Promise<TrialResult> {
  const l = load(serve, world)
  await sleep(1_000)
  pgServer.stopImmediate()
  await sleep(1_500)
  const h = await health(serve)
  const api = await send(
    `${serve.url}/api/v1/practices`,
    {
      headers: { authorization: `Bearer ${world.a.token}` },
    },
    10_000,
  )
  await sleep(1_500)
  pgServer.start()
  await l.stop()
  const recoveredMs = await recovery(serve, world, 30_000)
  const errors500 = [...l.statuses.keys()].filter((s) => s >= 500 && s !== 503).length
  const survived =
    serve.alive &&
    h.status === 503 &&
    healthState(h) === 'down' &&
    api.status === 503 &&
    recoveredMs >= 0 &&
    errors500 === 0
  return {
    name: `stop-immediate-${round}`,
    survived,
    detail: `while down: /healthz ${h.status} ${healthState(h)} in ${h.ms.toFixed(0)} ms, API ${api.status}; load ${tally(l.statuses)}; recovered ${recoveredMs} ms after restart`,
  }
}

export async function readOnly(
  pgServer: PgServer,
  serve: ServeProcess,
  world: World,
): Promise<TrialResult> {
  const write = () =>
    send(`${serve.url}/api/v1/mentions/${world.a.mentions[0]}/overrides`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world.a.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'no_reply_needed' }),
    })
  await pgServer.sql('alter system set default_transaction_read_only = on')
  await pgServer.sql('select pg_reload_conf()')
  await sleep(1_000)
  const h = await health(serve)
  const w = await write()
  const r = await send(`${serve.url}/api/v1/practices`, {
    headers: { authorization: `Bearer ${world.a.token}` },
  })
  await pgServer.sql('alter system reset default_transaction_read_only')
  await pgServer.sql('select pg_reload_conf()')
  await sleep(1_000)
  const after = await write()
  const h2 = await health(serve)
  const survived =
    serve.alive &&
    h.status === 503 &&
    healthState(h) === 'read-only' &&
    w.status === 503 &&
    // A read may fail too (a token's use is recorded), but only as 503.
    (r.status === 200 || r.status === 503) &&
    after.status < 300 &&
    h2.status === 200
  return {
    name: 'read-only',
    survived,
    detail: `read-only: /healthz ${h.status} ${healthState(h)}, write ${w.status}, read ${r.status}; after: write ${after.status}, /healthz ${h2.status} ${healthState(h2)}`,
  }
}

export async function slowLock(
  pgServer: PgServer,
  serve: ServeProcess,
  world: World,
  database: string,
  holdMs: number,
): Promise<TrialResult> {
  const url = new URL(pgServer.adminUrl)
  url.pathname = `/${database}`
  const locker = new pg.Client({ connectionString: url.toString() })
  await locker.connect()
  await locker.query('begin')
  await locker.query('lock table practices, mentions in access exclusive mode')
  const started = Date.now()
  const requests = Array.from({ length: 40 }, (_, i) =>
    send(
      `${serve.url}${i % 2 ? '/api/v1/practices' : '/api/v1/mentions?limit=5'}`,
      {
        headers: { authorization: `Bearer ${world.a.token}` },
      },
      holdMs + 60_000,
    ),
  )
  await sleep(1_000)
  const h = await health(serve)
  await sleep(Math.max(0, holdMs - (Date.now() - started)))
  await locker.query('rollback')
  await locker.end()
  const answers = await Promise.all(requests)
  const statuses = new Map<number, number>()
  for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1)
  const slowest = Math.max(...answers.map((a) => a.ms))
  const bad = answers.filter((a) => a.status !== 200 && a.status !== 503).length
  const h2 = await health(serve)
  const survived =
    serve.alive &&
    h.ms < 1_000 &&
    h.status === 503 &&
    healthState(h) === 'slow' &&
    bad === 0 &&
    h2.status === 200
  return {
    name: 'slow-lock',
    survived,
    detail: `lock held ${holdMs} ms, 40 requests: ${tally(statuses)}, slowest ${slowest.toFixed(0)} ms; /healthz during: ${h.status} ${healthState(h)} in ${h.ms.toFixed(0)} ms; after: ${h2.status}`,
  }
}

/**
 * The overrides table moved to a tablespace on a 16 MB tmpfs, which is then filled: a write
 * must answer 503 (not 500, not a crash) and work again once space is freed.
 */
export async function diskFull(
  pgServer: PgServer,
  serve: ServeProcess,
  world: World,
  database: string,
): Promise<TrialResult> {
  const dir = mkdtempSync(join(tmpdir(), 'earshot-tiny-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dir], { stdio: 'pipe' })
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    return {
      name: 'disk-full',
      survived: false,
      skipped: `cannot mount a tmpfs (${(error as Error).message.split('\n')[0]})`,
      detail: '',
    }
  }
  const space = join(dir, 'space')
  execFileSync('mkdir', [space])
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString())
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString())
  chownSync(space, uid, gid)
  let n = 0
  const write = () =>
    send(
      `${serve.url}/api/v1/mentions/${world.a.mentions[n++ % world.a.mentions.length]}/overrides`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${world.a.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ action: n % 2 ? 'no_reply_needed' : 'needs_reply' }),
      },
    )
  const filler = join(dir, 'filler')
  try {
    await pgServer.sql(`create tablespace tiny location '${space}'`)
    await pgServer.sql('alter table overrides set tablespace tiny', [], database)
    // Fill every byte left, so the table's next page cannot be written.
    const fd = openSync(filler, 'w')
    const block = Buffer.alloc(64 * 1024)
    try {
      for (;;) writeSync(fd, block)
    } catch {
      // ENOSPC: full.
    }
    try {
      for (;;) writeSync(fd, block.subarray(0, 512))
    } catch {}
    closeSync(fd)
    // The table's last page still has room: write until it is full (then every write fails).
    const statuses: number[] = []
    for (let i = 0; i < 400 && statuses.filter((s) => s >= 500).length < 10; i++)
      statuses.push((await write()).status)
    const h = await health(serve)
    rmSync(filler)
    const after = await write()
    const full503 = statuses.filter((s) => s === 503).length
    const bad = statuses.filter((s) => s >= 500 && s !== 503).length
    const survived = serve.alive && full503 > 0 && bad === 0 && after.status < 300
    return {
      name: 'disk-full',
      survived,
      detail: `writes while full: ${tallyList(statuses)}; /healthz ${h.status} ${healthState(h)} (PostgreSQL's disk is not visible to the server); after freeing: ${after.status}`,
    }
  } finally {
    rmSync(filler, { force: true })
    await pgServer
      .sql('alter table overrides set tablespace pg_default', [], database)
      .catch((e) => log(`moving overrides back: ${e.message}`))
    await pgServer.sql('drop tablespace tiny').catch((e) => log(`drop tablespace: ${e.message}`))
    try {
      execFileSync('umount', [dir], { stdio: 'pipe' })
      rmSync(dir, { recursive: true, force: true })
    } catch (error) {
      log(`umount ${dir}: ${(error as Error).message}`)
    }
  }
}
