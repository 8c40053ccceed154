/**
 * HTTP load (issue 12, "the dashboard on 2 cores holds a stated request rate … at p99 under a
 * stated bound with zero errors while ingestion runs"): the real `earshot serve` as a child
 * process on loopback, a user created with the app's own `createUser` and signed in through
 * `POST /login` (real session cookie, real login CSRF), then autocannon for a bounded time on a
 * mix of the practice overview page (`/practices/:id`), the API's practice metrics
 * (`/api/v1/practices/:id/metrics`) and the inbox API (`/api/v1/inbox?practice=`) — while signed
 * web-chat deliveries are posted to `/hooks/webchat/:channelId` at a steady rate and ingested by
 * the server's own job worker (the app's ingestion path: verify, store, 202, `webhook-drain` job).
 *
 * Two phases: the stated rate (autocannon's `overallRate`, the figure the target is about), then
 * as fast as the connections go (capacity, for context). Prints `METRIC scale.http_*` lines and
 * the load average. A script, never a test.
 *
 *   npm run bench:http            (standalone: its own PostgreSQL and a modest seeded data set)
 *   EARSHOT_BENCH_DATABASE_URL=… EARSHOT_HTTP_ORG=… EARSHOT_HTTP_PRACTICES=p1,p2,… \
 *     node --conditions=@earshot/source --import tsx bench/http-load.ts   (bench:scale's data)
 *
 * Environment (all optional): EARSHOT_HTTP_SECONDS (stated-rate phase, default 20),
 * EARSHOT_HTTP_MAX_SECONDS (capacity phase, default 10; 0 skips it), EARSHOT_HTTP_CONNECTIONS
 * (default 8), EARSHOT_HTTP_TARGET_RPS / EARSHOT_HTTP_TARGET_P99_MS (the stated target),
 * EARSHOT_HTTP_INGEST_PER_S (web-chat deliveries per second, default 20),
 * EARSHOT_HTTP_BULK_PER_S (mentions per second through core's `ingest` from this process, as
 * collectors and imports in `earshot worker` processes write them; default 50),
 * EARSHOT_HTTP_SEED_ROWS (standalone data set, default 20,000 mentions),
 * EARSHOT_HTTP_EXTRA_PRACTICES (standalone: that many more practices without mentions in the
 * organisation, default 0 — 1980 gives the agency's 2,000; every request reads the
 * organisation's practices), EARSHOT_HTTP_ROUTES (comma list of `overview`, `metrics`, `inbox`:
 * the mix, default all three), EARSHOT_HTTP_CPU_PROF (a directory: `earshot serve` runs with
 * `--cpu-prof` and writes its profile there on exit), EARSHOT_HTTP_STATEMENTS (how many
 * statements of pg_stat_statements to print, default 12).
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { signWebchatBody } from '@earshot/collectors'
import {
  createChannel,
  createOrganisation,
  createPractice,
  type Database,
  ingest,
  type MentionInput,
  openDatabase,
  savePromise,
  saveSchedule,
} from '@earshot/core'
import autocannon from 'autocannon'
import { type Kysely, sql } from 'kysely'
import { createUser } from '../src/auth/create-user.js'
import { freePort, ServeProcess, signIn, sleep } from './reliability/harness.js'

const url = process.env.EARSHOT_BENCH_DATABASE_URL ?? process.env.EARSHOT_TEST_DATABASE_URL
if (!url) {
  console.error('bench:http needs PostgreSQL: run it through npm run bench:http')
  process.exit(2)
}
const num = (name: string, fallback: number) => {
  const raw = process.env[name]
  const n = raw === undefined || raw === '' ? fallback : Number(raw)
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number`)
  return n
}
const SECONDS = num('EARSHOT_HTTP_SECONDS', 20)
const MAX_SECONDS = num('EARSHOT_HTTP_MAX_SECONDS', 10)
const CONNECTIONS = num('EARSHOT_HTTP_CONNECTIONS', 8)
/** The stated target (docs/performance.md § HTTP load): this rate held at this p99, no errors. */
const TARGET_RPS = num('EARSHOT_HTTP_TARGET_RPS', 5)
const TARGET_P99_MS = num('EARSHOT_HTTP_TARGET_P99_MS', 2000)
const INGEST_PER_S = num('EARSHOT_HTTP_INGEST_PER_S', 20)
const BULK_PER_S = num('EARSHOT_HTTP_BULK_PER_S', 50)
const SEED_ROWS = num('EARSHOT_HTTP_SEED_ROWS', 20_000)
const EXTRA_PRACTICES = num('EARSHOT_HTTP_EXTRA_PRACTICES', 0)
const ROUTES = new Set(
  (process.env.EARSHOT_HTTP_ROUTES ?? 'overview,metrics,inbox').split(',').map((r) => r.trim()),
)
const STATEMENTS = num('EARSHOT_HTTP_STATEMENTS', 12)
const PASSWORD = 'http bench horse battery staple'
const WEBCHAT_SECRET = `bench-${randomBytes(12).toString('hex')}`
const DAY = 86_400_000

const metric = (name: string, value: number, digits = 1) =>
  console.log(`METRIC ${name} ${value.toFixed(digits)}`)
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')
const note = (text: string) => console.log(`# http: ${text}`)

const run = randomUUID().slice(0, 8)
const schedule = {
  timeZone: 'UTC',
  weekly: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ start: '08:00', end: '18:00' }]]),
  ),
}
const promise = {
  targets: [{ duration: '4 business hours' }],
  goal: 0.9,
  statement: 'We reply within 4 business hours',
}

/** Standalone: one organisation of 20 practices and `SEED_ROWS` mentions of the last 60 days. */
async function seedOwn(db: Kysely<Database>): Promise<{ org: string; practices: string[] }> {
  const started = performance.now()
  const org = await createOrganisation(db, { name: `HTTP bench ${run}` })
  const practices: string[] = []
  const channels: string[] = []
  for (let i = 0; i < 20; i++) {
    const p = await createPractice(db, {
      organisationId: org.id,
      name: `Bench practice ${i}`,
      schedule,
      promise,
    })
    practices.push(p.id)
    const ch = await createChannel(db, {
      organisationId: org.id,
      practiceId: p.id,
      platform: 'facebook',
      externalAccountId: `bench-${run}-${i}`,
      name: `Bench ${i} Facebook`,
    })
    channels.push(ch.id)
  }
  // Threads of a comment and, four times in five, the page's reply some hours later.
  const now = Date.now()
  let batch: MentionInput[] = []
  for (let n = 0; n < SEED_ROWS; n += 2) {
    // A golden-ratio sequence spreads the threads evenly, deterministically, over 60 days.
    const at = now - 60_000 - Math.floor(((n * 0.6180339887) % 1) * 60 * DAY)
    const ch = channels[(n / 2) % channels.length]!
    batch.push({
      channelId: ch,
      externalId: `c${n}`,
      kind: 'comment',
      threadKey: `t${n}`,
      author: { id: `u${n}`, name: 'Sam' },
      text: 'are you open on saturday?',
      createdAt: new Date(at).toISOString(),
    })
    if (n % 10 !== 0)
      batch.push({
        channelId: ch,
        externalId: `r${n}`,
        kind: 'reply',
        direction: 'outbound',
        threadKey: `t${n}`,
        parentExternalId: `c${n}`,
        author: { id: 'page', name: 'Practice' },
        text: 'yes, 9 to 12',
        createdAt: new Date(Math.min(now - 1000, at + ((n % 7) + 1) * 3_600_000)).toISOString(),
      })
    if (batch.length >= 1000) {
      await ingest(db, batch, { organisationId: org.id })
      batch = []
    }
  }
  if (batch.length) await ingest(db, batch, { organisationId: org.id })
  if (EXTRA_PRACTICES > 0)
    await sql`insert into practices (organisation_id, id, name, slug, time_zone, holiday_region)
      select ${org.id}, ${`extra-${run}-`} || i, 'Extra practice ' || i, ${`extra-${run}-`} || i,
        'UTC', null
      from generate_series(1, ${EXTRA_PRACTICES}) i`.execute(db)
  // What autovacuum would have done by now on a server that has been up for a while.
  for (const t of ['mentions', 'response_links', 'mention_rollups', 'practices', 'channels'])
    await sql`analyze ${sql.table(t)}`.execute(db)
  note(
    `seeded ${SEED_ROWS} mentions over 20 practices in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  )
  return { org: org.id, practices }
}

/** A web-chat channel on `practice` (with a schedule and promise, so ingestion can evaluate SLAs). */
async function ingestChannel(
  db: Kysely<Database>,
  org: string,
  practice: string,
  standalone: boolean,
): Promise<string> {
  if (!standalone) {
    // bench:scale's practices are COPYed without policy; ingestion evaluates SLAs.
    const from = new Date(Date.now() - 400 * DAY)
    await saveSchedule(db, org, practice, schedule, { effectiveFrom: from })
    await savePromise(db, org, practice, promise, { effectiveFrom: from })
  }
  const ch = await createChannel(db, {
    organisationId: org,
    practiceId: practice,
    platform: 'webchat',
    externalAccountId: `bench-chat-${run}`,
    name: `HTTP bench chat ${run}`,
    config: { secret: WEBCHAT_SECRET },
  })
  return ch.id
}

/** Posts signed web-chat deliveries at a steady rate until stopped; tallies the answers. */
function startIngestion(base: string, channelId: string, perSecond: number) {
  const statuses = new Map<number, number>()
  const latencies: number[] = []
  let sent = 0
  let stopped = false
  const inFlight = new Set<Promise<void>>()
  const post = async (n: number) => {
    const body = JSON.stringify({
      type: 'chat.message.created',
      id: `evt-${run}-${n}`,
      occurred_at: new Date().toISOString(),
      data: {
        message_id: `msg-${run}-${n}`,
        conversation_id: `conv-${run}-${n % 200}`,
        author: { id: `visitor-${n % 200}`, name: 'Visitor', role: 'visitor' },
        text: 'Do you have an appointment free on Saturday morning?',
      },
    })
    const ts = Math.floor(Date.now() / 1000)
    const t = performance.now()
    let status = 0
    try {
      const res = await fetch(`${base}/hooks/webchat/${encodeURIComponent(channelId)}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-earshot-timestamp': String(ts),
          'x-earshot-signature': signWebchatBody(WEBCHAT_SECRET, ts, body),
        },
        body,
        signal: AbortSignal.timeout(10_000),
      })
      await res.arrayBuffer()
      status = res.status
    } catch {
      status = 0
    }
    latencies.push(performance.now() - t)
    statuses.set(status, (statuses.get(status) ?? 0) + 1)
  }
  const started = performance.now()
  const tick = setInterval(
    () => {
      if (stopped) return
      // Catch up to the schedule: sent = rate × elapsed, whatever the timer's jitter.
      const due = Math.floor(((performance.now() - started) / 1000) * perSecond)
      // At most 16 in flight: a slow server is not buried under a pile of deliveries it has
      // not answered yet (a platform waits for its answer too); the shortfall is reported.
      while (sent < due && inFlight.size < 16) {
        const p = post(sent++).finally(() => inFlight.delete(p))
        inFlight.add(p)
      }
    },
    Math.max(10, Math.min(100, 1000 / Math.max(perSecond, 1))),
  )
  return {
    get sent() {
      return sent
    },
    /** Deliveries the schedule asked for by now. */
    get due() {
      return Math.floor(((performance.now() - started) / 1000) * perSecond)
    },
    statuses,
    latencies,
    async stop() {
      stopped = true
      clearInterval(tick)
      await Promise.all(inFlight)
    },
  }
}

/**
 * Ingests fresh mentions through core's `ingest` (the one write path: SLA evaluation, rollups)
 * in a batch every half second at `perSecond`, on its own connections, until stopped.
 */
function startBulkIngest(org: string, channelId: string, perSecond: number) {
  let ingested = 0
  let failures = 0
  let stopped = false
  const started = performance.now()
  const loop = (async () => {
    if (perSecond <= 0) return
    const bulk = await openDatabase({ url: url!, poolSize: 2, migrate: false })
    try {
      while (!stopped) {
        const due = Math.floor(((performance.now() - started) / 1000) * perSecond)
        const n = Math.min(1000, due - ingested)
        if (n <= 0) {
          await sleep(50)
          continue
        }
        const at = Date.now()
        const items: MentionInput[] = Array.from({ length: n }, (_, i) => {
          const k = ingested + i
          return {
            channelId,
            externalId: `bulk-${run}-${k}`,
            kind: 'comment' as const,
            threadKey: `bulk-${run}-${Math.floor(k / 2)}`,
            author: { id: `u${k % 500}`, name: 'Sam' },
            text: k % 2 ? 'thanks!' : 'are you open on saturday?',
            createdAt: new Date(at - (n - i) * 10).toISOString(),
          }
        })
        try {
          await ingest(bulk.db, items, { organisationId: org })
          ingested += n
        } catch (error) {
          failures++
          if (failures === 1) note(`bulk ingest failed: ${(error as Error).message}`)
          await sleep(500)
        }
      }
    } finally {
      await bulk.close()
    }
  })()
  return {
    get ingested() {
      return ingested
    },
    get failures() {
      return failures
    },
    async stop() {
      stopped = true
      await loop
      return (performance.now() - started) / 1000
    },
  }
}

interface Phase {
  rps: number
  p50: number
  p99: number
  errors: number
  requests: number
  perRoute: Map<string, { n: number; ms: number[]; statuses: Map<number, number> }>
  /** The first answer of each failing status, to say why (no patient text: error bodies only). */
  samples: Map<number, string>
}

/** One autocannon run over the mix; `rate` 0 is as fast as the connections go. */
async function hammer(
  base: string,
  cookie: string,
  practices: string[],
  inboxPractice: string,
  seconds: number,
  rate: number,
): Promise<Phase> {
  const perRoute: Phase['perRoute'] = new Map()
  const samples: Phase['samples'] = new Map()
  let turn = 0
  const pick = () => encodeURIComponent(practices[turn++ % practices.length]!)
  // autocannon calls a request's onResponse and then, synchronously, emits 'response' with the
  // time it measured: the route named by the one is the route of the other.
  let answered = ''
  const route = (name: string, path: () => string) =>
    ({
      method: 'GET' as const,
      setupRequest: (req: autocannon.Request) => ({ ...req, path: path() }),
      onResponse: (status: number, body: string) => {
        answered = name
        if ((status < 200 || status > 299) && !samples.has(status))
          samples.set(status, `${name}: ${body.slice(0, 160)}`)
      },
    }) as unknown as autocannon.Request
  let finished!: (r: autocannon.Result) => void
  let failed!: (e: unknown) => void
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finished = resolve
    failed = reject
  })
  const instance = autocannon(
    {
      url: base,
      connections: CONNECTIONS,
      duration: seconds,
      timeout: 10,
      ...(rate > 0 ? { overallRate: rate } : {}),
      headers: { cookie, accept: 'text/html,application/json' },
      requests: [
        ...(ROUTES.has('overview')
          ? [route('overview page /practices/:id', () => `/practices/${pick()}`)]
          : []),
        ...(ROUTES.has('metrics')
          ? [
              route(
                'API /api/v1/practices/:id/metrics',
                () => `/api/v1/practices/${pick()}/metrics`,
              ),
            ]
          : []),
        ...(ROUTES.has('inbox')
          ? [
              route(
                'API /api/v1/inbox?practice=',
                () => `/api/v1/inbox?practice=${encodeURIComponent(inboxPractice)}&limit=50`,
              ),
            ]
          : []),
      ],
    },
    (error, result) => (error ? failed(error) : finished(result)),
  )
  instance.on('response', (_client, status, _bytes, ms) => {
    const r = perRoute.get(answered) ?? { n: 0, ms: [] as number[], statuses: new Map() }
    r.n++
    r.ms.push(ms)
    r.statuses.set(status, (r.statuses.get(status) ?? 0) + 1)
    perRoute.set(answered, r)
  })
  const result = await done
  return {
    rps: result.requests.total / (result.duration || seconds),
    p50: result.latency.p50,
    p99: result.latency.p99,
    // Non-2xx answers (429, 5xx, redirects to /login, 403 CSRF) plus socket errors and timeouts.
    errors: result.non2xx + result.errors,
    requests: result.requests.total,
    perRoute,
    samples,
  }
}

function pct(xs: number[], q: number): number {
  if (!xs.length) return 0
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil(s.length * q) - 1)]!
}
const tally = (m: Map<number, number>) =>
  [...m.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([s, n]) => `${s}×${n}`)
    .join(' ')

function describe(label: string, phase: Phase): void {
  note(
    `${label}: ${phase.requests} requests, ${phase.rps.toFixed(1)} req/s, p50 ${phase.p50} ms, p99 ${phase.p99} ms, errors ${phase.errors}`,
  )
  for (const [route, r] of phase.perRoute)
    note(
      `  ${route}: ${r.n} answers (${tally(r.statuses)}), p50 ${pct(r.ms, 0.5).toFixed(1)} ms, p99 ${pct(r.ms, 0.99).toFixed(1)} ms`,
    )
  for (const [status, sample] of phase.samples) note(`  first ${status}: ${sample}`)
}

/** CPU seconds (user + system) a process has used so far, from /proc (0 where there is none). */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return 0
  }
}

async function countIngested(db: Kysely<Database>, org: string, channel: string): Promise<number> {
  const r = await sql<{ n: string }>`select count(*) as n from mentions
    where organisation_id = ${org} and channel_id = ${channel}`.execute(db)
  return Number(r.rows[0]!.n)
}

async function main(): Promise<number> {
  const started = performance.now()
  const database = await openDatabase({ url: url!, poolSize: 2 })
  const { db } = database
  const given = process.env.EARSHOT_HTTP_ORG?.trim()
  const standalone = !given
  let org: string
  let practices: string[]
  let serve: ServeProcess | undefined
  let user: string | undefined
  try {
    if (given) {
      org = given
      practices = (process.env.EARSHOT_HTTP_PRACTICES ?? '').split(',').filter(Boolean)
      if (!practices.length) {
        const rows = await db
          .selectFrom('practices')
          .select('id')
          .where('organisation_id', '=', org)
          .orderBy('id')
          .limit(20)
          .execute()
        practices = rows.map((r) => r.id)
      }
      if (!practices.length) throw new Error(`organisation ${org} has no practices`)
    } else {
      ;({ org, practices } = await seedOwn(db))
    }
    // The first practice's inbox is the one read (bench:scale gives it 10,000 open items); the
    // last practice takes the web-chat deliveries.
    const inboxPractice = practices[0]!
    const ingestPractice = practices.at(-1)!
    const channel = await ingestChannel(db, org, ingestPractice, standalone)
    const email = `http-bench-${run}@example.test`
    const created = await createUser(db, {
      organisationId: org,
      email,
      name: 'HTTP bench',
      password: PASSWORD,
      role: 'agency_admin',
    })
    user = created.id
    const practiceCount = await db
      .selectFrom('practices')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('organisation_id', '=', org)
      .executeTakeFirstOrThrow()
    note(
      `organisation with ${practiceCount.n} practices; mix over ${practices.length}; load ${load()}`,
    )

    const secretKey = process.env.EARSHOT_SECRET_KEY ?? randomBytes(32).toString('base64')
    // A free port can be taken by another process before serve binds it (a shared machine):
    // then another port, up to three times.
    for (let attempt = 1; ; attempt++) {
      serve = new ServeProcess(
        await freePort(),
        {
          DATABASE_URL: url!,
          EARSHOT_SECRET_KEY: secretKey,
          EARSHOT_PUBLIC_URL: 'http://127.0.0.1',
        },
        process.env.EARSHOT_HTTP_CPU_PROF
          ? ['--cpu-prof', `--cpu-prof-dir=${process.env.EARSHOT_HTTP_CPU_PROF}`]
          : [],
      )
      try {
        await serve.start()
        break
      } catch (error) {
        if (attempt >= 3 || !/already in use/.test(String(error))) throw error
        note(`port ${serve.port} was taken before serve bound it; another`)
      }
    }
    note(`earshot serve on ${serve.url} (pid ${serve.pid})`)
    const browser = await signIn(serve.url, email, PASSWORD)
    // Warm up (JIT, pool, plans), unmeasured.
    await hammer(serve.url, browser.cookie, practices, inboxPractice, 3, 0)

    // EARSHOT_HTTP_DEBUG=1: what the server's connections are doing, every 2 s (statement heads only).
    const sampler = process.env.EARSHOT_HTTP_DEBUG
      ? setInterval(() => {
          void sql<{ state: string; wait: string | null; secs: string; q: string }>`
            select state, wait_event_type || ':' || wait_event as wait,
              round(extract(epoch from now() - query_start)::numeric, 1) as secs,
              left(regexp_replace(query, '\\s+', ' ', 'g'), 90) as q
            from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()
              and state <> 'idle' order by query_start limit 12`
            .execute(db)
            .then((r) => {
              note(`pg_stat_activity (${r.rows.length} busy):`)
              for (const row of r.rows)
                note(`   ${row.state} ${row.wait ?? '-'} ${row.secs}s ${row.q}`)
            })
            .catch(() => {})
        }, 2000)
      : undefined
    // Where the database time goes, when the server was started with pg_stat_statements loaded
    // (EARSHOT_PG_OPTIONS='-c shared_preload_libraries=pg_stat_statements'); skipped otherwise.
    const statements = await sql`create extension if not exists pg_stat_statements`
      .execute(db)
      .then(() => sql`select pg_stat_statements_reset()`.execute(db))
      .then(
        () => true,
        () => false,
      )
    const before = await countIngested(db, org, channel)
    const bulkChannel = await createChannel(db, {
      organisationId: org,
      practiceId: ingestPractice,
      platform: 'facebook',
      externalAccountId: `bench-bulk-${run}`,
      name: `HTTP bench bulk ${run}`,
    })
    const bulk = startBulkIngest(org, bulkChannel.id, BULK_PER_S)
    const feeder = startIngestion(serve.url, channel, INGEST_PER_S)
    const feedStart = performance.now()
    const cpuBefore = cpuSeconds(serve.pid)
    const stated = await hammer(
      serve.url,
      browser.cookie,
      practices,
      inboxPractice,
      SECONDS,
      TARGET_RPS,
    )
    const cpuStated = cpuSeconds(serve.pid) - cpuBefore
    const afterStated = await countIngested(db, org, channel)
    const bulkStated = bulk.ingested
    const statedS = (performance.now() - feedStart) / 1000
    const capacity =
      MAX_SECONDS > 0
        ? await hammer(serve.url, browser.cookie, practices, inboxPractice, MAX_SECONDS, 0)
        : undefined
    clearInterval(sampler)
    const due = feeder.due
    await feeder.stop()
    const bulkS = await bulk.stop()
    const feedS = (performance.now() - feedStart) / 1000
    const atStop = await countIngested(db, org, channel)
    // Then give the worker a little time to drain what was accepted (bounded: 10 s).
    const drainStart = performance.now()
    let drained = atStop
    while (drained - before < feeder.sent && performance.now() - drainStart < 10_000) {
      await sleep(500)
      drained = await countIngested(db, org, channel)
    }
    const drainS = (performance.now() - drainStart) / 1000
    describe(`stated rate ${TARGET_RPS} req/s for ${SECONDS} s`, stated)
    if (capacity)
      describe(`as fast as ${CONNECTIONS} connections go for ${MAX_SECONDS} s`, capacity)
    const hookErrors = [...feeder.statuses].reduce((s, [st, n]) => s + (st === 202 ? 0 : n), 0)
    note(
      `ingestion: ${feeder.sent} of ${due} scheduled web-chat deliveries posted at ${INGEST_PER_S}/s over ${feedS.toFixed(1)} s (${tally(feeder.statuses)}, p99 ${pct(feeder.latencies, 0.99).toFixed(0)} ms); ${afterStated - before} ingested during the stated-rate phase, ${atStop - before} by the end of the load, ${drained - before} after ${drainS.toFixed(1)} s of draining`,
    )
    note(
      `bulk ingest: ${bulk.ingested} mentions through core's ingest in ${bulkS.toFixed(1)} s (${(bulk.ingested / bulkS).toFixed(0)}/s, asked ${BULK_PER_S}/s), ${bulk.failures} failed batches`,
    )
    const queue = await sql<{ status: string; n: string; delay: number | null; attempts: number }>`
      select status, count(*) as n, attempts,
        percentile_cont(0.5) within group (order by extract(epoch from processed_at - received_at)) as delay
      from webhook_deliveries where body like ${`%"evt-${run}-%`} group by status, attempts`.execute(
      db,
    )
    note(
      `webhook_deliveries: ${queue.rows.map((r) => `${r.status} (attempts ${r.attempts}) ×${r.n}${r.delay === null ? '' : `, median ${Number(r.delay).toFixed(1)} s from received to processed`}`).join('; ')}`,
    )
    if (statements) {
      const top = await sql<{ calls: string; total: number; mean: number; q: string }>`
        select calls, total_exec_time as total, mean_exec_time as mean,
          left(regexp_replace(query, '\\s+', ' ', 'g'), 100) as q
        from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())
        order by total_exec_time desc limit ${STATEMENTS}`.execute(db)
      note('database time by statement over both phases (pg_stat_statements):')
      for (const r of top.rows)
        note(
          `  ${Number(r.total).toFixed(0)} ms ×${r.calls} (mean ${Number(r.mean).toFixed(1)} ms) ${r.q}`,
        )
    }
    const alive = serve.alive
    if (!alive) note('SERVER DIED during the run')
    if (serve.exits.length) note(`server exits: ${serve.exits.join(' | ')}`)
    const serverErrors = serve.stderr
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('Opening the'))
    if (serverErrors.length)
      note(
        `server stderr (last of ${serverErrors.length} lines):\n${serverErrors.slice(-12).join('\n')}`,
      )

    const met =
      stated.errors === 0 &&
      hookErrors === 0 &&
      bulk.failures === 0 &&
      alive &&
      stated.rps >= 0.97 * TARGET_RPS &&
      stated.p99 <= TARGET_P99_MS
    metric('scale.http_rps', stated.rps)
    metric('scale.http_p50_ms', stated.p50)
    metric('scale.http_p99_ms', stated.p99)
    metric('scale.http_errors', stated.errors + hookErrors, 0)
    // What the server process itself spent per answered request in the stated-rate phase (its
    // worker's ingestion included): less noisy than latency on a shared machine.
    metric('scale.http_serve_cpu_ms_per_request', (cpuStated * 1000) / Math.max(1, stated.requests))
    metric('scale.http_serve_cpu_share', cpuStated / statedS, 2)
    metric('scale.http_target_rps', TARGET_RPS, 0)
    metric('scale.http_target_p99_ms', TARGET_P99_MS, 0)
    metric('scale.http_target_met', met ? 1 : 0, 0)
    if (capacity) {
      metric('scale.http_max_rps', capacity.rps)
      metric('scale.http_max_p99_ms', capacity.p99)
      metric('scale.http_max_errors', capacity.errors, 0)
    }
    metric('scale.http_ingest_posted', feeder.sent, 0)
    // Mentions written while the stated-rate phase ran: deliveries the server's worker ingested
    // and the bulk writer's batches.
    metric('scale.http_ingested_per_s', (afterStated - before + bulkStated) / statedS)
    metric('scale.http_webhook_ingested_per_s', (afterStated - before) / statedS)
    metric('scale.http_bulk_ingested_per_s', bulkStated / statedS)
    metric('scale.http_ingest_backlog', feeder.sent - (atStop - before), 0)
    metric('scale.http_ingest_unfinished', feeder.sent - (drained - before), 0)
    if (alive) metric('scale.http_serve_rss_mb', serve.memory().hwmMb, 0)
    note(`load average ${load()}; ${((performance.now() - started) / 1000).toFixed(0)} s in all`)
    metric('scale.http_load_1m', loadavg()[0]!, 2)
    return met ? 0 : 1
  } finally {
    await serve?.stop()
    if (standalone && org!) await db.deleteFrom('organisations').where('id', '=', org).execute()
    else if (user)
      await db
        .deleteFrom('users')
        .where('id', '=', user)
        .execute()
        .catch(() => {})
    await database.close()
  }
}

main().then(
  (code) => process.exit(process.env.EARSHOT_HTTP_STRICT ? code : 0),
  (error) => {
    console.error(error)
    process.exit(2)
  },
)
