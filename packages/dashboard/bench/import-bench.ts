/**
 * @module `earshot import` at scale (issue 12): writes an export file of EARSHOT_BENCH_ROWS
 * realistic mentions (default 1,000,000: threads of a post and its comments, the practice's
 * replies, quotes, commas, line breaks, accents and emoji in the text, a year of diurnal
 * arrivals), runs the real CLI (`src/cli.ts import FILE --channel ID`) as a child process
 * against real PostgreSQL, samples the child's RSS from /proc every 250 ms, and then counts the
 * channel's rows. In the same run, a raw server-side `COPY` of the same file into a table of
 * text columns is the reference. A script, never a test.
 *
 * Run (from packages/dashboard):
 *   EARSHOT_PG_REPLICA=0 node ../../scripts/with-postgres.mjs -- npm run bench:import
 * Knobs: EARSHOT_BENCH_ROWS (default 1000000), EARSHOT_BENCH_FORMATS (csv,jsonl),
 * EARSHOT_BENCH_IMPORT_ARGS (extra CLI flags, e.g. `--batch-size 2000`), EARSHOT_BENCH_NODE_ARGS
 * (the child's Node flags, e.g. `--cpu-prof`).
 *
 * Prints per format `METRIC import.<format>.rows_per_s`, `.peak_rss_mb`, `.rss_first_half_mb`
 * / `.rss_second_half_mb` (peak RSS in each half of the run: equal when memory is bounded),
 * `.rows` (records in the file), `.db_rows` (the channel's mentions afterwards), `.rows_match`
 * (1 when they are equal and nothing was quarantined), `.progress_lines` (progress lines on the
 * child's stderr, a pipe, not a terminal), `.copy_rows_per_s` and `.vs_copy`; for the first
 * format also unprefixed `import.rows_per_s`, `import.peak_rss_mb`, `import.rows`.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createChannel, createOrganisation, createPractice, openDatabase } from '@earshot/core'
import pg from 'pg'

const adminUrl = process.env.EARSHOT_BENCH_DATABASE_URL ?? process.env.EARSHOT_TEST_DATABASE_URL
if (!adminUrl) {
  console.error('import-bench needs real PostgreSQL: run it through scripts/with-postgres.mjs')
  process.exit(2)
}
const ROWS = Number(process.env.EARSHOT_BENCH_ROWS ?? 1_000_000)
const FORMATS = (process.env.EARSHOT_BENCH_FORMATS ?? 'csv,jsonl')
  .split(',')
  .filter((f): f is 'csv' | 'jsonl' => f === 'csv' || f === 'jsonl')
const EXTRA_ARGS = (process.env.EARSHOT_BENCH_IMPORT_ARGS ?? '').split(' ').filter(Boolean)
/** Node flags for the child, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
const NODE_ARGS = (process.env.EARSHOT_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)
const DASHBOARD_DIR = fileURLToPath(new URL('..', import.meta.url))
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')
const metric = (name: string, value: number, digits = 1) =>
  console.log(`METRIC import.${name} ${value.toFixed(digits)}`)

// A small deterministic generator, so every run imports the same file.
let state = 12_345
const rand = () => {
  state = (state * 1_103_515_245 + 12_345) % 2_147_483_648
  return state / 2_147_483_648
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!

const OPENERS = [
  'Hi there',
  'Hello',
  'Quick question',
  'Bonjour, désolé',
  'G’day',
  'Thanks so much',
  'Not happy',
  'Urgent',
]
const BODIES = [
  'can I book a check-up for my daughter next Tuesday?',
  'do you bulk bill on Saturdays, or only weekdays?',
  'the wait was over an hour, which is "not great" to be honest',
  'my tooth is really sore since the filling, what should I do?',
  'is the car park open during the renovations?',
  'great service as always 😊 thank you Dr Nguyen',
  'I tried to call 3 times, nobody answered; please call back',
  'can you send the invoice again? the first one had the wrong address',
  'do you take walk-ins for flu shots?\nI work until 5',
  'parking, fees, hours — where are they listed?',
]
const REPLIES = [
  'Thanks for reaching out! Please call us on 02 9000 0000 and we will book you in.',
  'Sorry to hear that, we have sent you a private message.',
  'Yes, we bulk bill on Saturdays until noon.',
  'Hi, our team will be in touch today.',
]

interface Row {
  external_id: string
  created_at: string
  kind: string
  direction: string
  thread_key: string
  parent_external_id: string
  author_id: string
  author_name: string
  author_handle: string
  text: string
  permalink: string
}

/** Row `i` of the file: posts open threads, comments and the practice's replies follow. */
function row(i: number, at: number): Row {
  const post = i % 12 === 0
  const reply = !post && i % 5 === 0
  const thread = `t${Math.floor(i / 12)}`
  const author = Math.floor(rand() * 40_000)
  return {
    external_id: `fb-${i}`,
    created_at: new Date(at).toISOString(),
    kind: post ? 'post' : reply ? 'reply' : 'comment',
    direction: reply ? 'outbound' : 'inbound',
    thread_key: thread,
    parent_external_id: post ? '' : `fb-${Math.floor(i / 12) * 12}`,
    author_id: reply ? 'page-import-bench' : `u${author}`,
    author_name: reply
      ? 'Harbour Dental'
      : `${pick(['Ana', 'Bo', 'Chloé', 'Dev', 'Eli'])} ${author}`,
    author_handle: reply ? 'harbourdental' : `user${author}`,
    text: reply ? pick(REPLIES) : `${pick(OPENERS)}, ${pick(BODIES)} (#${i})`,
    permalink: `https://facebook.com/harbourdental/posts/${thread}?c=${i}`,
  }
}

const COLUMNS = [
  'external_id',
  'created_at',
  'kind',
  'direction',
  'thread_key',
  'parent_external_id',
  'author_id',
  'author_name',
  'author_handle',
  'text',
  'permalink',
] as const satisfies readonly (keyof Row)[]

const csvCell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)

/** Writes the file with backpressure; a year of arrivals, denser by day than by night. */
async function writeFile(path: string, format: 'csv' | 'jsonl', rows: number): Promise<void> {
  state = 12_345
  const out = createWriteStream(path)
  const write = (s: string) =>
    out.write(s) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r()))
  if (format === 'csv') await write(`${COLUMNS.join(',')}\n`)
  const start = Date.parse('2025-12-01T00:00:00Z')
  const step = (365 * 86_400_000) / rows
  let chunk = ''
  for (let i = 0; i < rows; i++) {
    const base = start + i * step
    const hour = new Date(base).getUTCHours()
    const at = Math.floor(base + (hour < 7 ? rand() * step * 0.2 : rand() * step))
    const r = row(i, at)
    chunk +=
      format === 'csv'
        ? `${COLUMNS.map((c) => csvCell(r[c])).join(',')}\n`
        : `${JSON.stringify(r.parent_external_id ? r : { ...r, parent_external_id: undefined })}\n`
    if (chunk.length > 1 << 20) {
      await write(chunk)
      chunk = ''
    }
  }
  await write(chunk)
  await new Promise<void>((resolve, reject) =>
    out.end((e?: Error | null) => (e ? reject(e) : resolve())),
  )
}

/** Peak resident memory of `pid` so far, in MB (VmHWM), and its current RSS (VmRSS). */
function memoryOf(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0)
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 }
  } catch {
    return undefined
  }
}

interface Run {
  code: number | null
  seconds: number
  stdout: string
  stderr: string
  samples: { t: number; rss: number }[]
  hwm: number
}

function runImport(env: Record<string, string>, file: string, channel: string): Promise<Run> {
  return new Promise((resolve) => {
    const started = performance.now()
    const child = spawn(
      process.execPath,
      [
        ...NODE_ARGS,
        '--conditions=@earshot/source',
        '--import',
        'tsx',
        'src/cli.ts',
        'import',
        file,
        '--channel',
        channel,
        ...EXTRA_ARGS,
      ],
      { cwd: DASHBOARD_DIR, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c) => {
      stdout += c
    })
    child.stderr.on('data', (c) => {
      stderr = (stderr + c).slice(-200_000)
    })
    const samples: { t: number; rss: number }[] = []
    let hwm = 0
    const timer = setInterval(() => {
      const m = child.pid ? memoryOf(child.pid) : undefined
      if (!m) return
      samples.push({ t: performance.now() - started, rss: m.rss })
      hwm = Math.max(hwm, m.hwm)
    }, 250)
    child.on('exit', (code) => {
      clearInterval(timer)
      resolve({ code, seconds: (performance.now() - started) / 1000, stdout, stderr, samples, hwm })
    })
  })
}

async function main(): Promise<number> {
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  const database = `earshot_import_${randomBytes(3).toString('hex')}`
  await admin.query(`create database ${database}`)
  const url = new URL(adminUrl!)
  url.pathname = `/${database}`
  const env = {
    DATABASE_URL: url.toString(),
    EARSHOT_SECRET_KEY: randomBytes(32).toString('base64'),
  }
  const dir = mkdtempSync(join(tmpdir(), 'earshot-import-bench-'))
  // The reference COPY is read by the server (it may run as another user).
  chmodSync(dir, 0o755)
  let failed = false
  try {
    const { db, close } = await openDatabase({ url: env.DATABASE_URL })
    const org = await createOrganisation(db, { name: 'Import bench' })
    const practice = await createPractice(db, {
      organisationId: org.id,
      name: 'Harbour Dental',
      schedule: {
        timeZone: 'Australia/Sydney',
        weekly: Object.fromEntries(
          ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ start: '08:00', end: '18:00' }]]),
        ),
      },
      promise: { targets: [{ duration: '2 business hours' }] },
    })
    await close()
    const client = new pg.Client({ connectionString: env.DATABASE_URL })
    await client.connect()
    console.log(`# ${ROWS} rows per file, formats ${FORMATS.join(', ')}; load average ${load()}`)
    for (const [n, format] of FORMATS.entries()) {
      const { db: setup, close: closeSetup } = await openDatabase({
        url: env.DATABASE_URL,
        migrate: false,
      })
      const channel = await createChannel(setup, {
        organisationId: org.id,
        practiceId: practice.id,
        platform: 'facebook',
        externalAccountId: `page-import-bench-${format}`,
        ownIdentities: ['page-import-bench'],
        name: `Harbour Dental Facebook (${format})`,
      })
      await closeSetup()
      const file = join(dir, `import.${format}`)
      let t = performance.now()
      await writeFile(file, format, ROWS)
      chmodSync(file, 0o644)
      const mb = statSync(file).size / 1e6
      console.log(
        `# ${format}: wrote ${mb.toFixed(1)} MB in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      )
      const run = await runImport(env, file, channel.id)
      const progressLines = run.stderr.split('\n').filter((l) => /^Importing: \d+%/.test(l))
      console.log(`# ${format}: exit ${run.code} after ${run.seconds.toFixed(1)} s; load ${load()}`)
      console.log(`# stdout: ${run.stdout.trim()}`)
      console.log(
        `# progress (${progressLines.length} lines): ${progressLines.slice(0, 2).join(' | ')} … ${progressLines.at(-1) ?? ''}`,
      )
      if (run.code !== 0) console.log(`# stderr: ${run.stderr.slice(-2000)}`)
      // RSS at ten points in time, to see whether memory grows with the rows read.
      const step = Math.max(1, Math.floor(run.samples.length / 10))
      console.log(
        `# rss MB over time: ${run.samples
          .filter((_, i) => i % step === 0)
          .map((s) => `${(s.t / 1000).toFixed(0)}s:${s.rss.toFixed(0)}`)
          .join(' ')}`,
      )
      const counted = await client.query<{ n: string; q: string }>(
        `select (select count(*) from mentions where organisation_id = $1 and channel_id = $2) as n,
          (select count(*) from quarantine where organisation_id = $1 and channel_id = $2) as q`,
        [org.id, channel.id],
      )
      const dbRows = Number(counted.rows[0]!.n)
      const quarantined = Number(counted.rows[0]!.q)
      const peak = Math.max(run.hwm, ...run.samples.map((s) => s.rss))
      const half = run.seconds * 500
      const peakIn = (from: number, to: number) =>
        Math.max(0, ...run.samples.filter((s) => s.t >= from && s.t < to).map((s) => s.rss))
      const rate = ROWS / run.seconds

      // The reference: the same file into a table of text columns by the server's own COPY.
      let copyRate = Number.NaN
      if (format === 'csv') {
        await client.query(
          `create unlogged table import_reference (${COLUMNS.map((c) => `${c} text`).join(', ')})`,
        )
        t = performance.now()
        await client.query(
          `copy import_reference from ${client.escapeLiteral(file)} with (format csv, header)`,
        )
        copyRate = ROWS / ((performance.now() - t) / 1000)
        await client.query('drop table import_reference')
      }
      const prefix = `${format}.`
      metric(`${prefix}rows`, ROWS, 0)
      metric(`${prefix}db_rows`, dbRows, 0)
      metric(`${prefix}quarantined`, quarantined, 0)
      metric(`${prefix}rows_match`, dbRows === ROWS && quarantined === 0 ? 1 : 0, 0)
      metric(`${prefix}seconds`, run.seconds, 1)
      metric(`${prefix}rows_per_s`, rate, 0)
      metric(`${prefix}mb_per_s`, mb / run.seconds, 2)
      metric(`${prefix}peak_rss_mb`, peak, 0)
      metric(`${prefix}rss_first_half_mb`, peakIn(0, half), 0)
      metric(`${prefix}rss_second_half_mb`, peakIn(half, Number.POSITIVE_INFINITY), 0)
      metric(`${prefix}progress_lines`, progressLines.length, 0)
      if (Number.isFinite(copyRate)) {
        metric(`${prefix}copy_rows_per_s`, copyRate, 0)
        metric(`${prefix}vs_copy`, rate / copyRate, 3)
      }
      if (n === 0) {
        metric('rows', ROWS, 0)
        metric('rows_per_s', rate, 0)
        metric('peak_rss_mb', peak, 0)
      }
      if (run.code !== 0 || dbRows !== ROWS || quarantined !== 0) failed = true
      rmSync(file, { force: true })
    }
    console.log(`# load average ${load()}`)
    metric('load_1m', loadavg()[0]!, 2)
    await client.end()
  } finally {
    rmSync(dir, { recursive: true, force: true })
    if (!process.env.EARSHOT_BENCH_KEEP) await admin.query(`drop database ${database} with (force)`)
    await admin.end()
  }
  return failed ? 1 : 0
}

process.exit(await main())
