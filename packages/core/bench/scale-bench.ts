/**
 * @module `npm run bench:scale` (issue 12): generates an agency-sized data set through COPY —
 * 2,000 practices of one agency plus 49 smaller organisations of 40 practices, diurnal arrivals
 * over a year, log-normal reply delays, threads of one to four mentions — then prints
 * `METRIC scale.* <value>` for the targets it measures, each next to the hand-written SQL or raw
 * COPY of the same rows measured in the same run, and the load average.
 *
 * Run: npm run bench:scale (real PostgreSQL 15 through scripts/with-postgres.mjs), or
 * cd packages/core && EARSHOT_BENCH_DATABASE_URL=… node --conditions=@earshot/source --import tsx bench/scale-bench.ts
 * EARSHOT_BENCH_ROWS chooses the number of mentions (default 10,000,000); EARSHOT_BENCH_RUNS the
 * repetitions per figure (default 20, the median is printed). A script, never a test.
 * EARSHOT_BENCH_KEEP=1 keeps the data set; EARSHOT_BENCH_REUSE=<run id> (printed as `# run …`)
 * measures a kept one again without seeding (at 10M seeding takes over half an hour),
 * rebuilding its rollups first when EARSHOT_BENCH_REBUILD=1 (after a schema change, say).
 * EARSHOT_BENCH_ONLY=agency,ingest (any of agency, inbox, ingest, export, http) measures only
 * those parts after seeding or reusing.
 */
import { randomUUID } from 'node:crypto'
import { loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { sql } from 'kysely'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { listInbox } from '../src/metrics/list-inbox.js'
import { rebuildRollups } from '../src/metrics/rebuild-rollups.js'
import { openDatabase } from '../src/storage/open-database.js'
import { withoutStatementLimit } from '../src/storage/without-statement-limit.js'
import { agencyBench } from './scale/agency.js'
import { metric, mid, p95, times } from './scale/bench-timing.js'
import { benchExport } from './scale/export.js'
import { benchHttp } from './scale/http.js'
import { benchScaleIngest } from './scale/ingest.js'

const ROWS = Number(process.env.EARSHOT_BENCH_ROWS ?? 10_000_000)
const RUNS = Number(process.env.EARSHOT_BENCH_RUNS ?? 20)
const ONLY = process.env.EARSHOT_BENCH_ONLY?.split(',').map((p) => p.trim())
const part = (name: string) => ONLY === undefined || ONLY.includes(name)
const AGENCY_PRACTICES = 2000
const SMALL_ORGS = 49
const SMALL_PRACTICES = 40
const INBOX_OPEN = 10_000
const DAY = 86_400_000
const url = process.env.EARSHOT_BENCH_DATABASE_URL ?? process.env.EARSHOT_TEST_DATABASE_URL
if (!url) throw new Error('bench:scale needs real PostgreSQL: run it through npm run bench:scale')
const dbUrl: string = url

const started = performance.now()
const { db, close } = await openDatabase({ url, poolSize: 4 })
const client = new pg.Client({ connectionString: url })
await client.connect()
const reuse = process.env.EARSHOT_BENCH_REUSE
const run = reuse ?? randomUUID().slice(0, 8)
console.log(`# run ${run}${reuse ? ' (reusing its kept data)' : ''}`)
const agency = `agency-${run}`
const smallOrgs = Array.from({ length: SMALL_ORGS }, (_, i) => `org-${run}-${i}`)
// The year ends at local midnight UTC; every practice's zone is chosen so periods align.
const END = new Date('2026-11-30T00:00:00Z')
const START = new Date(END.getTime() - 365 * DAY)
const NOW = new Date(END.getTime() + 3_600_000)

interface Practice {
  org: string
  id: string
  channels: [string, string]
}
const practices: Practice[] = []
for (let i = 0; i < AGENCY_PRACTICES; i++)
  practices.push({
    org: agency,
    id: `${agency}-p${i}`,
    channels: [`${agency}-p${i}-fb`, `${agency}-p${i}-g`],
  })
for (const org of smallOrgs)
  for (let i = 0; i < SMALL_PRACTICES; i++)
    practices.push({ org, id: `${org}-p${i}`, channels: [`${org}-p${i}-fb`, `${org}-p${i}-g`] })

/** A deterministic generator (mulberry32), so runs of one size see the same data. */
function rng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}
const rand = rng(12)
// Arrivals by local hour: quiet at night, peaks mid-morning and early evening.
const HOURLY = [1, 0.5, 0.3, 0.3, 0.4, 0.8, 2, 4, 6, 7, 7, 6, 5, 5, 5, 5, 5, 6, 7, 6, 5, 4, 3, 2]
const HOURLY_CDF = HOURLY.map(
  (
    (s) => (w: number) =>
      (s += w)
  )(0),
).map((c, _i, all) => c / all.at(-1)!)
function diurnalMs(): number {
  const u = rand()
  const hour = HOURLY_CDF.findIndex((c) => u <= c)
  return (hour + rand()) * 3_600_000
}
function logNormalMs(medianMs: number, sigma: number): number {
  const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())
  return medianMs * Math.exp(sigma * z)
}
const esc = (v: string | number | null) => (v === null ? '\\N' : String(v))

// Thread numbers run on across slices: each slice's ids must be new (restarting them collided
// on mentions_pk past the first 200,000 rows).
let thread = 0
/** Mentions and links as COPY text, generated thread by thread. */
function* generate(count: number): Generator<{ mention: string; link: string | null }> {
  let made = 0
  while (made < count) {
    // Big practices get more: a Zipf-ish weight over practices.
    const p = practices[Math.floor(practices.length * rand() ** 1.3)]!
    const channel = p.channels[rand() < 0.7 ? 0 : 1]
    const day = Math.floor(rand() * 365)
    const at = START.getTime() + day * DAY + diurnalMs()
    const size = 1 + Math.floor(rand() ** 2 * 4)
    const key = `t${thread++}`
    const post = rand() < 0.08
    for (let k = 0; k < size && made < count; k++, made++) {
      const id = `${key}-${k}`
      const inbound = !(post && k === 0) && (k % 2 === 0 || rand() < 0.3)
      const created = new Date(at + k * logNormalMs(2 * 3_600_000, 1.2)).toISOString()
      const score = Math.round((rand() * 2 - 1) * 100) / 100
      const label = score < -0.3 ? 'negative' : score > 0.3 ? 'positive' : 'neutral'
      const category = inbound
        ? (['question', 'booking', 'complaint', 'chatter'] as const)[Math.floor(rand() * 4)]!
        : null
      const needsReply = inbound && category !== 'chatter'
      const kind = post && k === 0 ? 'post' : k === 0 ? 'comment' : 'reply'
      const mention = [
        p.org,
        p.id,
        channel,
        `${p.id}-${id}`,
        'facebook',
        id,
        kind,
        inbound ? 'inbound' : 'outbound',
        key,
        `mention ${id}`,
        created,
        `h${id}`,
        score,
        label,
        needsReply ? 't' : 'f',
        category,
        created,
      ]
        .map(esc)
        .join('\t')
      let link: string | null = null
      if (inbound) {
        const answered = needsReply && rand() < 0.8
        const wall = answered ? logNormalMs(3 * 3_600_000, 1.1) : null
        const due = new Date(Date.parse(created) + 4 * 3_600_000).toISOString()
        const risk = new Date(Date.parse(created) + 3 * 3_600_000).toISOString()
        link = [
          p.org,
          p.id,
          channel,
          `${p.id}-${id}`,
          null,
          answered ? 'reply' : null,
          answered ? new Date(Date.parse(created) + wall!).toISOString() : null,
          needsReply ? 't' : 'f',
          needsReply ? null : 'no reply needed',
          category,
          'default',
          'business',
          14_400_000,
          created,
          due,
          risk,
          wall,
          wall === null ? null : wall * 0.45,
          answered ? (wall! <= 14_400_000 ? 'met' : 'missed') : null,
          1,
          1,
          '{}',
          created,
        ]
          .map(esc)
          .join('\t')
      }
      yield { mention, link }
    }
  }
}

const MENTION_COLUMNS = `organisation_id, practice_id, channel_id, id, platform, external_id, kind, direction,
  thread_key, text, created_at, content_hash, sentiment_score, sentiment_label, needs_reply, category, updated_at`
const LINK_COLUMNS = `organisation_id, practice_id, channel_id, inbound_id, outbound_id, response_source,
  responded_at, needs_reply, exempt_reason, category, target_name, clock, target_ms, clock_started_at, due_at,
  at_risk_at, wall_ms, business_ms, outcome, schedule_version, promise_version, explanation, evaluated_at`

async function copyLines(table: string, columns: string, lines: Iterable<string>): Promise<void> {
  const chunks = function* () {
    let buf: string[] = []
    for (const line of lines) {
      buf.push(line)
      if (buf.length >= 5000) {
        yield `${buf.join('\n')}\n`
        buf = []
      }
    }
    if (buf.length) yield `${buf.join('\n')}\n`
  }
  await pipeline(
    Readable.from(chunks()),
    client.query(copyFrom(`copy ${table} (${columns}) from stdin`)),
  )
}

try {
  if (reuse) await reuseKept()
  else await seed()

  // ---- agency comparison, practice overview and figures_agree (bench/scale/agency.ts)
  if (part('agency'))
    await agencyBench({
      db,
      agency,
      smallOrg: smallOrgs[0]!,
      practices,
      agencyPractices: AGENCY_PRACTICES,
      end: END,
      now: NOW,
      runs: RUNS,
    })

  await otherParts()

  console.log(
    `# load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  )
  metric('scale.load_1m', loadavg()[0]!, 2)
  console.log(`# total ${((performance.now() - started) / 1000).toFixed(0)} s for ${ROWS} rows`)
} finally {
  if (!process.env.EARSHOT_BENCH_KEEP) {
    // Deleting a million rows (and their rollups, through the triggers) outlasts the pool's
    // 30 s statement limit: the clean-up runs without it.
    await withoutStatementLimit(db, (trx) =>
      trx
        .deleteFrom('organisations')
        .where('id', 'in', [agency, ...smallOrgs])
        .execute(),
    )
  }
  await client.end()
  await close()
}

/** The inbox, ingest, export and HTTP parts (each left out unless EARSHOT_BENCH_ONLY names it). */
async function otherParts(): Promise<void> {
  if (part('inbox')) await inboxPart()
  if (part('ingest')) await ingestPart()
  if (part('export')) await exportPart()
  if (part('http')) await httpPart()
}

async function inboxPart(): Promise<void> {
  // ---- inbox: the practice with 10,000 open items, first page and the pages after it
  const inboxPractice = practices[0]!
  const inboxQ = { organisationId: agency, practiceIds: [inboxPractice.id], now: NOW, limit: 50 }
  const firstMs = await times(RUNS, () => listInbox(db, inboxQ))
  let page = await listInbox(db, inboxQ)
  const laterMs: number[] = []
  let pages = 1
  while (page.nextCursor) {
    const t = performance.now()
    page = await listInbox(db, { ...inboxQ, cursor: page.nextCursor })
    laterMs.push(performance.now() - t)
    pages++
  }
  metric('scale.inbox_first_page_ms', mid(firstMs))
  metric('scale.inbox_last_page_ms', laterMs.at(-1) ?? 0)
  metric('scale.inbox_later_page_p95_ms', laterMs.length ? p95(laterMs) : 0)
  console.log(`# inbox: ${pages} pages of 50`)
}

async function ingestPart(): Promise<void> {
  // ---- ingest of fresh mentions with everything present, against a raw COPY of the same rows
  await benchScaleIngest({
    url: dbUrl,
    // A kept data set already holds the mentions an earlier run ingested: fresh ids, or the
    // pass would only find duplicates.
    run: reuse ? `${run}-${randomUUID().slice(0, 6)}` : run,
    practice: practices[1]!,
    end: END,
    start: START,
    now: NOW,
    copyLines,
    query: (text) => client.query(text),
    mentionColumns: MENTION_COLUMNS,
    metric,
  })
}

async function exportPart(): Promise<void> {
  // ---- row-level export of the agency's year (bench/scale/export.ts)
  await benchExport({
    url: dbUrl,
    organisationId: agency,
    from: START,
    to: END,
    now: NOW,
    runs: Math.min(RUNS, 3),
    metric,
  })
}

async function httpPart(): Promise<void> {
  // ---- HTTP: the real `earshot serve` under autocannon while ingesting (bench/scale/http.ts)
  await benchHttp({
    url: dbUrl,
    organisationId: agency,
    practiceIds: practices.slice(0, 20).map((p) => p.id),
  })
}

function* generateSlice(n: number) {
  yield* generate(n)
}

/** 10,000 open questions for one practice, in the last week, for the inbox figures. */
async function seedInbox(): Promise<void> {
  const p = practices[0]!
  const mentions: string[] = []
  const links: string[] = []
  for (let i = 0; i < INBOX_OPEN; i++) {
    const created = new Date(END.getTime() - 7 * DAY + i * 60_000).toISOString()
    const due = new Date(Date.parse(created) + 4 * 3_600_000).toISOString()
    const id = `${p.id}-open-${i}`
    mentions.push(
      [
        p.org,
        p.id,
        p.channels[0],
        id,
        'facebook',
        `open-${i}`,
        'comment',
        'inbound',
        `open-${i}`,
        'open?',
        created,
        `ho${i}`,
        0,
        'neutral',
        't',
        'question',
        created,
      ]
        .map(esc)
        .join('\t'),
    )
    links.push(
      [
        p.org,
        p.id,
        p.channels[0],
        id,
        null,
        null,
        null,
        't',
        null,
        'question',
        'default',
        'business',
        14_400_000,
        created,
        due,
        due,
        null,
        null,
        null,
        1,
        1,
        '{}',
        created,
      ]
        .map(esc)
        .join('\t'),
    )
  }
  await copyLines('mentions', MENTION_COLUMNS, mentions)
  await copyLines('response_links', LINK_COLUMNS, links)
}

async function seed(): Promise<void> {
  // ---- seed
  const seedStart = performance.now()
  await db
    .insertInto('organisations')
    .values([agency, ...smallOrgs].map((id) => ({ id, name: id })))
    .execute()
  await copyLines(
    'practices',
    'organisation_id, id, name, slug, time_zone',
    practices.map((p, i) => [p.org, p.id, `Practice ${i}`, p.id, 'UTC'].join('\t')),
  )
  await copyLines(
    'channels',
    'organisation_id, practice_id, id, platform, external_account_id, name',
    practices.flatMap((p) =>
      p.channels.map((c) => [p.org, p.id, c, 'facebook', `acct-${c}`, c].join('\t')),
    ),
  )
  // Mentions and links in slices, each COPY with triggers off (replication role "replica",
  // local to its transaction): maintaining rollups row by row during a bulk load costs far more
  // than rebuilding them once, set-wise, afterwards (rebuildRollups).
  const SLICE = 200_000
  const withoutTriggers = async (load: () => Promise<void>) => {
    await client.query('begin')
    try {
      await client.query('set local session_replication_role = replica')
      await load()
      await client.query('commit')
    } catch (e) {
      await client.query('rollback')
      throw e
    }
  }
  for (let done = 0; done < ROWS; done += SLICE) {
    const mentions: string[] = []
    const links: string[] = []
    for (const { mention, link } of generateSlice(Math.min(SLICE, ROWS - done))) {
      mentions.push(mention)
      if (link) links.push(link)
    }
    await withoutTriggers(async () => {
      await copyLines('mentions', MENTION_COLUMNS, mentions)
      await copyLines('response_links', LINK_COLUMNS, links)
    })
    console.log(
      `# seeded ${Math.min(done + SLICE, ROWS)} / ${ROWS} mentions (${((performance.now() - seedStart) / 1000).toFixed(0)} s)`,
    )
  }
  await withoutTriggers(seedInbox)
  const copiedS = (performance.now() - seedStart) / 1000
  await sql`analyze mentions`.execute(db)
  await sql`analyze response_links`.execute(db)
  const rebuilt = await rebuildRollups(db, { practicesPerChunk: 50 })
  const rebuildS = (performance.now() - seedStart) / 1000 - copiedS
  console.log(
    `# COPY ${copiedS.toFixed(0)} s; rollups rebuilt for ${rebuilt.keys} practice-days in ${rebuildS.toFixed(0)} s`,
  )
  metric('scale.seed_copy_s', copiedS, 0)
  metric('scale.rollup_rebuild_s', rebuildS, 0)
  for (const t of [
    'practices',
    'channels',
    'mentions',
    'response_links',
    'mention_rollups',
    'mention_rollup_histograms',
  ])
    await sql`analyze ${sql.table(t)}`.execute(db)
  const seedS = (performance.now() - seedStart) / 1000
  const count = await sql<{ n: string }>`select count(*) as n from mentions`.execute(db)
  console.log(
    `# seed ${seedS.toFixed(0)} s; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  )
  metric('scale.rows', Number(count.rows[0]!.n), 0)
  metric('scale.seed_s', seedS, 0)
}

/** A kept data set: its rollups rebuilt on request, then analysed and counted. */
async function reuseKept(): Promise<void> {
  if (process.env.EARSHOT_BENCH_REBUILD === '1') {
    const t = performance.now()
    const rebuilt = await rebuildRollups(db, { practicesPerChunk: 50 })
    const s = (performance.now() - t) / 1000
    console.log(`# rollups rebuilt for ${rebuilt.keys} practice-days in ${s.toFixed(0)} s`)
    metric('scale.rollup_rebuild_s', s, 0)
  }
  for (const t of ['mentions', 'response_links', 'mention_rollups', 'mention_rollup_histograms'])
    await sql`analyze ${sql.table(t)}`.execute(db)
  const count = await sql<{ n: string }>`select count(*) as n from mentions`.execute(db)
  metric('scale.rows', Number(count.rows[0]!.n), 0)
}
