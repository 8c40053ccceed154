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
 */
import { randomUUID } from 'node:crypto'
import { loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { sql } from 'kysely'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { getMetrics, type MetricsRow } from '../src/metrics/get-metrics.js'
import { getOrganisationRanking } from '../src/metrics/get-organisation-ranking.js'
import { listInbox } from '../src/metrics/list-inbox.js'
import { PERCENTILE_ERROR_BOUND } from '../src/metrics/rollup-histogram.js'
import { ingest } from '../src/pipeline/ingest.js'
import { savePromise, saveSchedule } from '../src/repositories/practice-policy.js'
import { openDatabase } from '../src/storage/open-database.js'
import { benchExport } from './scale/export.js'

const ROWS = Number(process.env.EARSHOT_BENCH_ROWS ?? 10_000_000)
const RUNS = Number(process.env.EARSHOT_BENCH_RUNS ?? 20)
const AGENCY_PRACTICES = 2000
const SMALL_ORGS = 49
const SMALL_PRACTICES = 40
const INBOX_OPEN = 10_000
const DAY = 86_400_000
const url = process.env.EARSHOT_BENCH_DATABASE_URL ?? process.env.EARSHOT_TEST_DATABASE_URL
if (!url) throw new Error('bench:scale needs real PostgreSQL: run it through npm run bench:scale')

const started = performance.now()
const { db, close } = await openDatabase({ url, poolSize: 4 })
const client = new pg.Client({ connectionString: url })
await client.connect()
const run = randomUUID().slice(0, 8)
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

/** Mentions and links as COPY text, generated thread by thread. */
function* generate(count: number): Generator<{ mention: string; link: string | null }> {
  let made = 0
  let thread = 0
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

function mid(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}
function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]!
}
async function times(n: number, f: (i: number) => Promise<unknown>): Promise<number[]> {
  await f(0)
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    await f(i + 1)
    out.push(performance.now() - t)
  }
  return out
}
const metric = (name: string, value: number, digits = 1) =>
  console.log(`METRIC ${name} ${value.toFixed(digits)}`)

try {
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
  // Mentions and links in slices, so the rollup triggers work per slice as ingestion would.
  const SLICE = 200_000
  for (let done = 0; done < ROWS; done += SLICE) {
    const mentions: string[] = []
    const links: string[] = []
    for (const { mention, link } of generateSlice(Math.min(SLICE, ROWS - done))) {
      mentions.push(mention)
      if (link) links.push(link)
    }
    await copyLines('mentions', MENTION_COLUMNS, mentions)
    await copyLines('response_links', LINK_COLUMNS, links)
    console.log(
      `# seeded ${Math.min(done + SLICE, ROWS)} / ${ROWS} mentions (${((performance.now() - seedStart) / 1000).toFixed(0)} s)`,
    )
  }
  await seedInbox()
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

  const from30 = new Date(END.getTime() - 30 * DAY)
  // ---- agency comparison
  const agencyQuery = { organisationId: agency, from: from30, to: END, now: NOW }
  const agencyMs = await times(RUNS, () => getOrganisationRanking(db, agencyQuery))
  const agencyRawMs = await times(Math.min(RUNS, 5), () =>
    getOrganisationRanking(db, { ...agencyQuery, source: 'raw' }),
  )
  const agencyHandMs = await times(Math.min(RUNS, 5), () =>
    handwrittenPractices(agency, from30, END).execute(db),
  )
  metric('scale.agency_2000_ms', mid(agencyMs))
  metric('scale.agency_2000_p95_ms', p95(agencyMs))
  metric('scale.agency_2000_raw_ms', mid(agencyRawMs))
  metric('scale.agency_2000_handwritten_ms', mid(agencyHandMs))
  const small = smallOrgs[0]!
  const smallMs = await times(RUNS, () =>
    getOrganisationRanking(db, { ...agencyQuery, organisationId: small }),
  )
  const smallHandMs = await times(RUNS, () => handwrittenPractices(small, from30, END).execute(db))
  metric('scale.agency_40_ms', mid(smallMs))
  metric('scale.agency_40_handwritten_ms', mid(smallHandMs))

  // ---- practice overview (the dashboard's: weeks and channels, 30 days), on different practices
  const overview = (i: number) => {
    const p = practices[(i * 37) % AGENCY_PRACTICES]!
    const q = {
      organisationId: p.org,
      practiceIds: [p.id],
      from: from30,
      to: END,
      now: NOW,
      source: 'auto' as const,
    }
    return Promise.all([
      getMetrics(db, { ...q, groupBy: 'week' }),
      getMetrics(db, { ...q, groupBy: 'channel' }),
    ])
  }
  const overviewMs = await times(RUNS, overview)
  const overviewHandMs = await times(RUNS, (i) => {
    const p = practices[(i * 37) % AGENCY_PRACTICES]!
    return handwrittenPractices(p.org, from30, END, p.id).execute(db)
  })
  metric('scale.practice_p95_ms', p95(overviewMs))
  metric('scale.practice_median_ms', mid(overviewMs))
  metric('scale.practice_handwritten_ms', mid(overviewHandMs))
  metric('scale.practice_vs_handwritten', mid(overviewMs) / mid(overviewHandMs), 2)

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

  // ---- agreement: rollups against the raw rows for the whole agency and 30 days
  const [rolled, raw] = await Promise.all([
    getMetrics(db, { ...agencyQuery, groupBy: 'practice', source: 'rollups' }),
    getMetrics(db, { ...agencyQuery, groupBy: 'practice', source: 'raw' }),
  ])
  const agree = [
    [rolled.total, raw.total] as const,
    ...rolled.rows.map((r, i) => [r, raw.rows[i]!] as const),
  ].every(([a, b]) => sameFigures(a, b))
  metric('scale.figures_agree', agree ? 1 : 0, 0)

  // ---- ingest of fresh mentions with everything present, against a raw COPY of the same rows
  const INGEST = 5000
  const ingestPractice = practices[1]!
  const items = Array.from({ length: INGEST }, (_, i) => ({
    channelId: ingestPractice.channels[0],
    externalId: `fresh-${run}-${i}`,
    kind: 'comment' as const,
    threadKey: `fresh-${run}-${Math.floor(i / 2)}`,
    author: { id: `u${i}`, name: 'Sam' },
    text: i % 2 ? 'thanks!' : 'are you open on saturday?',
    createdAt: new Date(END.getTime() - DAY + i * 10_000).toISOString(),
  }))
  // Ingestion evaluates SLAs, so this practice needs a schedule and a promise.
  await saveSchedule(
    db,
    ingestPractice.org,
    ingestPractice.id,
    {
      timeZone: 'UTC',
      weekly: Object.fromEntries(
        ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ start: '08:00', end: '18:00' }]]),
      ),
    },
    { effectiveFrom: START },
  )
  await savePromise(
    db,
    ingestPractice.org,
    ingestPractice.id,
    {
      targets: [{ duration: '4 business hours' }],
      goal: 0.9,
      statement: 'We reply within 4 business hours',
    },
    { effectiveFrom: START },
  )
  const ingestStart = performance.now()
  for (let i = 0; i < INGEST; i += 500) await ingest(db, items.slice(i, i + 500), { now: NOW })
  const ingestS = (performance.now() - ingestStart) / 1000
  await client.query('create temp table copy_probe (like mentions including defaults)')
  const copyStart = performance.now()
  await copyLines(
    'copy_probe',
    MENTION_COLUMNS,
    items.map((m, i) =>
      [
        ingestPractice.org,
        ingestPractice.id,
        m.channelId,
        `probe-${i}`,
        'facebook',
        m.externalId,
        'comment',
        'inbound',
        m.threadKey,
        m.text,
        m.createdAt,
        `h${i}`,
        0,
        'neutral',
        't',
        'question',
        m.createdAt,
      ].join('\t'),
    ),
  )
  const copyS = (performance.now() - copyStart) / 1000
  metric('scale.ingest_per_s', INGEST / ingestS, 0)
  metric('scale.copy_per_s', INGEST / copyS, 0)
  metric('scale.ingest_vs_copy', copyS / ingestS, 3)

  // ---- row-level export of the agency's year (bench/scale/export.ts)
  await benchExport({
    url,
    organisationId: agency,
    from: START,
    to: END,
    now: NOW,
    runs: Math.min(RUNS, 3),
    metric,
  })

  console.log(
    `# load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  )
  metric('scale.load_1m', loadavg()[0]!, 2)
  console.log(`# total ${((performance.now() - started) / 1000).toFixed(0)} s for ${ROWS} rows`)
} finally {
  if (!process.env.EARSHOT_BENCH_KEEP) {
    await db
      .deleteFrom('organisations')
      .where('id', 'in', [agency, ...smallOrgs])
      .execute()
  }
  await client.end()
  await close()
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

function sameFigures(a: MetricsRow, b: MetricsRow): boolean {
  const counts = [
    'inbound',
    'outbound',
    'repliesSent',
    'needingReply',
    'answered',
    'exempt',
    'met',
    'missed',
    'breached',
    'atRisk',
    'pending',
    'openCount',
    'posts',
  ] as const
  if (!counts.every((k) => a[k] === b[k])) return false
  return (['medianWallMs', 'p90WallMs', 'medianBusinessMs', 'p90BusinessMs'] as const).every(
    (k) => {
      const x = a[k]
      const y = b[k]
      if (x === null || y === null) return x === y
      return (
        Math.abs(x - y) <=
        PERCENTILE_ERROR_BOUND.relative * Math.abs(y) + PERCENTILE_ERROR_BOUND.absoluteMs + 1e-6
      )
    },
  )
}

/** The headline figures per practice over raw rows, written by hand as one flat aggregate. */
function handwrittenPractices(org: string, from: Date, to: Date, practiceId?: string) {
  return sql`
select m.practice_id,
  count(*) filter (where m.direction = 'inbound') as inbound,
  count(*) filter (where rl.outcome = 'met') as met,
  count(*) filter (where rl.outcome = 'missed') as missed,
  count(*) filter (where rl.outcome is null and rl.needs_reply and rl.exempt_reason is null and ${NOW.toISOString()}::timestamptz >= rl.due_at) as breached,
  percentile_cont(0.5) within group (order by rl.business_ms) filter (where rl.outcome is not null) as median_business_ms,
  percentile_cont(0.9) within group (order by rl.business_ms) filter (where rl.outcome is not null) as p90_business_ms,
  count(*) filter (where m.direction = 'outbound' and m.kind = 'post') as posts
from mentions m
left join response_links rl on rl.organisation_id = m.organisation_id and rl.inbound_id = m.id
where m.organisation_id = ${org} and not m.is_tombstone
  and m.created_at >= ${from.toISOString()}::timestamptz and m.created_at < ${to.toISOString()}::timestamptz
  ${practiceId ? sql`and m.practice_id = ${practiceId}` : sql``}
group by m.practice_id`
}
