/**
 * Reliability run: three `earshot worker` processes on one real PostgreSQL share channel polls
 * and alert deliveries while this script SIGKILLs one at seeded random points (and starts a
 * replacement). Then it checks that every channel was polled and ingested once, every alert was
 * raised once and reached the endpoint, and prints METRIC lines. A script, not a unit test: a
 * killed worker's claims are only given up when their leases run out (5 minutes for a poll
 * slot), so a run takes several minutes.
 *
 *   npm run reliability:workers -w @earshot/dashboard       (starts its own PostgreSQL)
 *   WORKER_KILL_SEED=7 WORKER_KILL_CHANNELS=40 …             (replay / size)
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { createChannel, createOrganisation, createPractice, openDatabase } from '@earshot/core'
import pg from 'pg'
import { createAlertEndpoint } from '../src/alerts/alert-endpoint-store.js'
import { alertsDb } from '../src/alerts/alert-tables.js'
import { enqueueDueChannels } from '../src/jobs/channel-poll-jobs.js'
import { JOB_QUEUES } from '../src/jobs/job-queues.js'
import { startJobSystem } from '../src/jobs/job-system.js'

const baseUrl = process.env.EARSHOT_TEST_DATABASE_URL ?? process.env.DATABASE_URL
if (!baseUrl) {
  console.error('set EARSHOT_TEST_DATABASE_URL (or run through scripts/with-postgres.mjs)')
  process.exit(2)
}
const SEED = Number(process.env.WORKER_KILL_SEED ?? Date.now() % 100_000)
const CHANNELS = Number(process.env.WORKER_KILL_CHANNELS ?? 60)
const KILLS = Number(process.env.WORKER_KILL_KILLS ?? 3)
const WORKERS = 3
/** Gives up (and fails) if the work is not all done by then: a hang guard, not a measurement. */
const GIVE_UP_MS = 20 * 60_000

// mulberry32: a small seeded generator, so a failing run replays with WORKER_KILL_SEED.
let state = SEED >>> 0
function random(): number {
  state = (state + 0x6d2b79f5) >>> 0
  let t = state
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const log = (...args: unknown[]) =>
  console.error(`[worker-kill ${new Date().toISOString()}]`, ...args)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  )
}

// Symptoms that the triage safety set must flag urgent; each channel's feed has one.
const URGENT = [
  'my husband has crushing chest pain going down his left arm, what do we do',
  'my toddler just swallowed a button battery',
  'her face is drooping and her speech is slurred since lunch',
  "I'm 9 weeks pregnant and bleeding heavily",
  'throat swelling after the injection and can barely breathe',
]
let feedRequests = 0
const feeds = createServer((req, res) => {
  feedRequests++
  const n = Number(/^\/feed\/(\d+)$/.exec(req.url ?? '')?.[1] ?? Number.NaN)
  if (!Number.isInteger(n)) {
    res.writeHead(404).end()
    return
  }
  const body = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Comments ${n}</title>
<item><title>By: Patient ${n}</title><link>https://clinic${n}.example/?p=1#comment-${n}</link>
<guid>https://clinic${n}.example/?p=1#comment-${n}</guid>
<pubDate>${new Date(Date.now() - 60_000).toUTCString()}</pubDate>
<description>${URGENT[n % URGENT.length]} (${n})</description></item>
</channel></rss>`
  // A little network time, so kills land while polls are in flight.
  setTimeout(
    () => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(body),
    50 + random() * 400,
  )
})
const received: { webhookId: string; alertIds: string[] }[] = []
const hooks = createServer((req, res) => {
  let body = ''
  req.on('data', (c) => {
    body += c
  })
  req.on('end', () => {
    try {
      const parsed = JSON.parse(body) as { data?: { alerts?: { id: string }[] } }
      received.push({
        webhookId: String(req.headers['webhook-id'] ?? ''),
        alertIds: (parsed.data?.alerts ?? []).map((a) => a.id),
      })
    } catch {
      // Counted as nothing received: the run then reports the alert as lost.
    }
    // A slow receiver, so kills also land while deliveries are in flight.
    setTimeout(() => res.writeHead(200).end('ok'), 300 + random() * 1200)
  })
})

async function main(): Promise<number> {
  const dbName = `earshot_workers_${SEED}_${randomBytes(3).toString('hex')}`
  const admin = new pg.Client({ connectionString: baseUrl })
  await admin.connect()
  await admin.query(`create database ${dbName}`)
  await admin.end()
  const url = new URL(baseUrl!)
  url.pathname = `/${dbName}`
  const databaseUrl = url.toString()
  const secretKey = randomBytes(32).toString('base64')
  process.env.EARSHOT_SECRET_KEY = secretKey
  log(`seed ${SEED}, ${CHANNELS} channels, ${WORKERS} workers, ${KILLS} kills, database ${dbName}`)

  const feedUrl = await listen(feeds)
  const hookUrl = await listen(hooks)
  const database = await openDatabase({ url: databaseUrl, poolSize: 4 })
  const { db } = database
  const org = await createOrganisation(db, { name: 'Crash Test Agency' })
  const practice = await createPractice(db, {
    organisationId: org.id,
    name: 'Crash Test GP',
    schedule: { timeZone: 'Australia/Sydney', weekly: { mon: [{ start: '08:00', end: '18:00' }] } },
    promise: { targets: [{ duration: '2 business hours' }] },
  })
  for (let n = 0; n < CHANNELS; n++)
    await createChannel(db, {
      organisationId: org.id,
      practiceId: practice.id,
      platform: 'rss',
      externalAccountId: `feed-${n}`,
      name: `Feed ${n}`,
      config: { url: `${feedUrl}/feed/${n}` },
      pollIntervalSeconds: 86_400,
    })
  // Not due until every worker is up: a worker's start-up dispatch would otherwise do all the
  // work before the others (and the kills) arrive.
  const later = new Date(Date.now() + 86_400_000)
  await db
    .updateTable('channels')
    .set({ next_poll_at: later })
    .where('organisation_id', '=', org.id)
    .execute()
  await createAlertEndpoint(
    db,
    {
      organisationId: org.id,
      practiceId: null,
      kind: 'webhook',
      name: 'Receiver',
      target: `${hookUrl}/hook`,
      rules: ['urgent'],
    },
    { now: new Date() },
  )

  const cwd = fileURLToPath(new URL('..', import.meta.url))
  const workers: ChildProcess[] = []
  let kills = 0
  let started = 0
  const startWorker = () =>
    new Promise<ChildProcess>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ['--conditions=@earshot/source', '--import', 'tsx', 'src/cli.ts', 'worker'],
        {
          cwd,
          env: {
            ...process.env,
            DATABASE_URL: databaseUrl,
            EARSHOT_SECRET_KEY: secretKey,
            EARSHOT_ALLOW_PRIVATE_WEBHOOKS: '1',
            EARSHOT_PUBLIC_URL: 'https://earshot.example',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      started++
      let out = ''
      child.stdout!.on('data', (c) => {
        out += c
        if (out.includes('Worker running')) resolve(child)
      })
      child.stderr!.on('data', () => {})
      child.once('exit', (code, signal) => {
        if (!out.includes('Worker running'))
          reject(new Error(`worker exited early: ${code ?? signal}`))
      })
    })
  for (let i = 0; i < WORKERS; i++) workers.push(await startWorker())
  log('workers up')

  const jobs = await startJobSystem({ database, work: false, schedule: false })
  await db
    .updateTable('channels')
    .set({ next_poll_at: new Date() })
    .where('organisation_id', '=', org.id)
    .execute()
  await enqueueDueChannels(jobs.context)

  // Kill points: after a random share of the channels has been ingested, and one during the
  // alert deliveries.
  const killAt = Array.from({ length: KILLS }, () => 0.1 + random() * 0.8).sort((a, b) => a - b)
  const deadline = Date.now() + GIVE_UP_MS
  const count = async () => {
    const [mentions, polled, alerts] = await Promise.all([
      db
        .selectFrom('mentions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('organisation_id', '=', org.id)
        .executeTakeFirstOrThrow(),
      db
        .selectFrom('channels')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('organisation_id', '=', org.id)
        .where('last_success_at', 'is not', null)
        .executeTakeFirstOrThrow(),
      alertsDb(db)
        .selectFrom('alerts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('organisation_id', '=', org.id)
        .where('rule', '=', 'urgent')
        .executeTakeFirstOrThrow(),
    ])
    const delivered = new Set(received.flatMap((r) => r.alertIds)).size
    return {
      mentions: Number(mentions.n),
      polled: Number(polled.n),
      alerts: Number(alerts.n),
      delivered,
    }
  }
  let c = await count()
  let nudged = 0
  while (Date.now() < deadline) {
    c = await count()
    const progress = (c.polled + c.delivered) / (2 * CHANNELS)
    if (kills < killAt.length && progress >= killAt[kills]!) {
      const victim = Math.floor(random() * workers.length)
      workers[victim]!.kill('SIGKILL')
      kills++
      log(`SIGKILL worker ${victim} at ${(progress * 100).toFixed(0)}% (${JSON.stringify(c)})`)
      workers[victim] = await startWorker()
    }
    if (
      c.polled === CHANNELS &&
      c.mentions === CHANNELS &&
      c.alerts === CHANNELS &&
      c.delivered === CHANNELS
    )
      break
    // The dispatchers run on the workers' minute cron; nudge them so the run is not all waiting.
    if (Date.now() - nudged > 5_000) {
      nudged = Date.now()
      await jobs.send(JOB_QUEUES.alertEvaluate, {})
      await jobs.send(JOB_QUEUES.channelDispatch, {})
    }
    await sleep(250)
  }

  for (const w of workers) w.kill('SIGTERM')
  await jobs.stop()
  const perAlert = new Map<string, number>()
  for (const r of received)
    for (const id of r.alertIds) perAlert.set(id, (perAlert.get(id) ?? 0) + 1)
  const duplicatedSends = [...perAlert.values()].reduce((s, n) => s + n - 1, 0)
  const distinctIds = new Set(received.map((r) => r.webhookId))
  // A re-send after a crash carries the same webhook-id, so a Standard Webhooks receiver drops
  // it; an alert that arrived under two different ids is a duplicate nobody can drop.
  const idsPerAlert = new Map<string, Set<string>>()
  for (const r of received)
    for (const id of r.alertIds)
      idsPerAlert.set(id, (idsPerAlert.get(id) ?? new Set()).add(r.webhookId))
  const undedupable = [...idsPerAlert.values()].filter((ids) => ids.size > 1).length
  const duplicateRows = await db
    .selectFrom('mentions')
    .select(['external_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('organisation_id', '=', org.id)
    .groupBy('external_id')
    .having((eb) => eb.fn.countAll(), '>', 1)
    .execute()
  await database.close()

  const lost = CHANNELS - c.mentions + (CHANNELS - c.delivered)
  console.log(`METRIC workers.seed ${SEED}`)
  console.log(`METRIC workers.processes_started ${started}`)
  console.log(`METRIC workers.kills ${kills}`)
  console.log(`METRIC workers.channels ${CHANNELS}`)
  console.log(`METRIC workers.polled ${c.polled}`)
  console.log(`METRIC workers.mentions_stored ${c.mentions}`)
  console.log(`METRIC workers.mentions_duplicated ${duplicateRows.length}`)
  console.log(`METRIC workers.alerts_raised ${c.alerts}`)
  console.log(`METRIC workers.alerts_delivered ${c.delivered}`)
  console.log(`METRIC workers.alert_sends_duplicated ${duplicatedSends}`)
  console.log(`METRIC workers.webhook_ids_distinct ${distinctIds.size}`)
  console.log(`METRIC workers.alerts_duplicated_undedupable ${undedupable}`)
  console.log(`METRIC workers.lost ${lost}`)
  console.log(`METRIC workers.feed_requests ${feedRequests}`)
  const ok =
    c.polled === CHANNELS &&
    lost === 0 &&
    duplicateRows.length === 0 &&
    c.alerts === CHANNELS &&
    undedupable === 0
  log(ok ? 'every poll done once, every alert raised once and delivered' : 'FAILED')
  return ok ? 0 : 1
}

main()
  .then((code) => {
    feeds.close()
    hooks.close()
    process.exit(code)
  })
  .catch((error) => {
    console.error(error)
    process.exit(1)
  })
