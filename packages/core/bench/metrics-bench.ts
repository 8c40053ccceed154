/**
 * @module Benchmark of the metric queries: seeds ~100k mentions with their response links, then
 * times `getMetrics(groupBy: 'practice')` against a hand-written single SQL aggregate of the
 * same figures in the same run, and checks both agree.
 *
 * Run: cd packages/core && node --conditions=@earshot/source --import tsx bench/metrics-bench.ts
 * Uses EARSHOT_BENCH_DATABASE_URL or EARSHOT_TEST_DATABASE_URL when set, else in-memory PGlite.
 * Prints `METRIC metrics.vs_handwritten <ratio>` (getMetrics time / hand-written time; 1 = as
 * fast as hand-written SQL) and `METRIC metrics.ms <n>`.
 */
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { sql } from 'kysely'
import { getMetrics, metricsSql } from '../src/metrics/get-metrics.js'
import { listInbox } from '../src/metrics/list-inbox.js'
import { openDatabase } from '../src/storage/open-database.js'

const MENTIONS = Number(process.env.EARSHOT_BENCH_MENTIONS ?? 100_000)
const PRACTICES = 25
const DAYS = 90
const RUNS = Number(process.env.EARSHOT_BENCH_RUNS ?? 7)

const url = process.env.EARSHOT_BENCH_DATABASE_URL ?? process.env.EARSHOT_TEST_DATABASE_URL
const { db, kind, close } = await openDatabase(url ? { url } : {})
const org = `bench-${randomUUID()}`
const from = new Date('2026-08-01T00:00:00Z')
const to = new Date(from.getTime() + DAYS * 86_400_000)
const now = new Date(to.getTime() + 86_400_000)

try {
  const seedStart = performance.now()
  await seed()
  const seedMs = performance.now() - seedStart
  console.log(
    `# ${kind}: seeded ${MENTIONS} mentions over ${PRACTICES} practices in ${Math.round(seedMs)} ms`,
  )

  const query = { organisationId: org, from, to, now, groupBy: 'practice' as const }
  const viaLibrary = () => getMetrics(db, query)
  const viaHandwritten = () => handwritten().execute(db)

  // Both must agree before their times mean anything.
  const lib = await viaLibrary()
  const hand = (await viaHandwritten()).rows
  let mismatches = 0
  for (const h of hand) {
    const r = lib.rows.find((x) => x.key === h.practice_id)
    const same =
      r !== undefined &&
      r.inbound === h.inbound &&
      r.met === h.met &&
      r.breached === h.breached &&
      r.openCount === h.open_count &&
      r.repliesSent === h.replies_sent &&
      r.posts === h.posts &&
      close6(r.compliance, h.compliance) &&
      close6(r.medianWallMs, h.median_wall_ms) &&
      close6(r.p90BusinessMs, h.p90_business_ms) &&
      close6(r.sentimentMean, h.sentiment_mean) &&
      r.lastPostAt?.getTime() ===
        (h.last_post_at === null ? undefined : new Date(h.last_post_at).getTime())
    if (!same) mismatches++
  }
  if (mismatches > 0 || hand.length !== lib.rows.length) {
    console.error(
      `# WARNING: getMetrics and the hand-written SQL disagree on ${mismatches} practices`,
    )
  }

  if (process.env.EARSHOT_BENCH_EXPLAIN) {
    // EXPLAIN ANALYZE of both statements, for tuning: EARSHOT_BENCH_EXPLAIN=1.
    for (const [name, q] of [
      ['getMetrics', metricsSql(query, 'practice', now)],
      ['handwritten', handwritten()],
    ] as const) {
      const plan = await sql<{ 'QUERY PLAN': string }>`explain (analyze, buffers off) ${q}`.execute(
        db,
      )
      console.log(`# ---- ${name}\n${plan.rows.map((r) => `# ${r['QUERY PLAN']}`).join('\n')}`)
    }
  }
  // Interleaved, so drift in the machine's load (other processes) hits both alike.
  const [libMs, handMs] = await interleavedMedians(viaLibrary, viaHandwritten)
  const weekMs = await median(() => getMetrics(db, { ...query, groupBy: 'week' }))
  const inboxMs = await median(() => listInbox(db, { organisationId: org, now, limit: 50 }))
  console.log(
    `# total inbound ${lib.total.inbound}, compliance ${lib.total.compliance?.toFixed(4)}, runs ${RUNS} (median)`,
  )
  console.log(`METRIC metrics.vs_handwritten ${(libMs / handMs).toFixed(3)}`)
  console.log(`METRIC metrics.ms ${libMs.toFixed(1)}`)
  console.log(`METRIC metrics.handwritten_ms ${handMs.toFixed(1)}`)
  console.log(`METRIC metrics.week_ms ${weekMs.toFixed(1)}`)
  console.log(`METRIC inbox.ms ${inboxMs.toFixed(1)}`)
  console.log(`METRIC metrics.agree ${mismatches === 0 && hand.length === lib.rows.length ? 1 : 0}`)
} finally {
  await db.deleteFrom('organisations').where('id', '=', org).execute()
  await close()
}

function close6(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b))
}

async function interleavedMedians(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
): Promise<[number, number]> {
  await a()
  await b()
  const ta: number[] = []
  const tb: number[] = []
  for (let i = 0; i < RUNS; i++) {
    for (const [run, times] of i % 2 === 0
      ? ([
          [a, ta],
          [b, tb],
        ] as const)
      : ([
          [b, tb],
          [a, ta],
        ] as const)) {
      const t = performance.now()
      await run()
      times.push(performance.now() - t)
    }
  }
  const mid = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!
  return [mid(ta), mid(tb)]
}

async function median(run: () => Promise<unknown>): Promise<number> {
  await run() // warm-up: plans and caches
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now()
    await run()
    times.push(performance.now() - t)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]!
}

/**
 * Generates the data in the database itself (generate_series), so seeding measures nothing of
 * ours. Mention g: channel g mod 2P (channel c belongs to practice c mod P); inbound unless
 * g mod 10 ∈ {1, 4, 7}; outbound every fifth a post; created at a pseudo-random second of the
 * 90 days (plus a few before, for "last post"); 70% of inbound answered, chatter exempt.
 */
async function seed(): Promise<void> {
  await db.insertInto('organisations').values({ id: org, name: 'Benchmark agency' }).execute()
  await sql`insert into practices (organisation_id, id, name, slug, time_zone)
    select ${org}, 'p' || i, 'Practice ' || lpad(i::text, 2, '0'), 'practice-' || i,
      (array['Australia/Sydney','Europe/London','America/Los_Angeles','UTC'])[1 + i % 4]
    from generate_series(0, ${PRACTICES} - 1) i`.execute(db)
  await sql`insert into channels (organisation_id, practice_id, id, platform, external_account_id, name)
    select ${org}, 'p' || (c % ${PRACTICES}), ${org} || '-c' || c,
      (array['facebook','instagram','google','x'])[1 + c % 4], 'acct-' || c, 'Channel ' || c
    from generate_series(0, 2 * ${PRACTICES} - 1) c`.execute(db)
  await sql`insert into mentions (organisation_id, practice_id, channel_id, id, platform, external_id, kind, direction,
      thread_key, text, created_at, content_hash, sentiment_score, sentiment_label, needs_reply, category, updated_at)
    select ${org}, 'p' || ((g % (2 * ${PRACTICES})) % ${PRACTICES}), ${org} || '-c' || (g % (2 * ${PRACTICES})),
      'm' || g, (array['facebook','instagram','google','x'])[1 + (g % (2 * ${PRACTICES})) % 4], 'm' || g,
      case when g % 10 in (1, 4, 7) then (case when (g / 10) % 5 = 0 then 'post' else 'reply' end) else 'comment' end,
      case when g % 10 in (1, 4, 7) then 'outbound' else 'inbound' end,
      't' || (g / 10), 'mention number ' || g,
      ${from.toISOString()}::timestamptz + ((((g::bigint * 104729) % (${DAYS + 10} * 86400)) - 10 * 86400) * interval '1 second'),
      'h' || g,
      ((g * 31) % 201 - 100) / 100.0,
      case when (g * 31) % 201 < 70 then 'negative' when (g * 31) % 201 < 130 then 'neutral' else 'positive' end,
      (g % 10 not in (1, 4, 7)) and g % 9 <> 0,
      case when g % 10 in (1, 4, 7) then null when g % 9 = 0 then 'chatter' else (array['question','booking','complaint','review'])[1 + g % 4] end,
      now()
    from generate_series(1, ${MENTIONS}) g`.execute(db)
  await sql`insert into response_links (organisation_id, practice_id, channel_id, inbound_id, outbound_id, response_source,
      responded_at, needs_reply, exempt_reason, category, target_name, clock, target_ms, clock_started_at, due_at, at_risk_at,
      wall_ms, business_ms, outcome, schedule_version, promise_version, explanation, evaluated_at)
    select m.organisation_id, m.practice_id, m.channel_id, m.id,
      case when a.answered then 'm' || (a.g - a.g % 10 + 1) end,
      case when a.answered then 'reply' end,
      case when a.answered then m.created_at + a.wall * interval '1 millisecond' end,
      m.needs_reply, case when m.needs_reply then null else 'no reply needed' end, m.category,
      'default', 'business', 14400000, m.created_at, m.created_at + interval '4 hours', m.created_at + interval '3 hours',
      case when a.answered then a.wall end, case when a.answered then a.wall * 0.4 end,
      case when a.answered and m.needs_reply then (case when a.wall <= 14400000 then 'met' else 'missed' end) end,
      1, 1, '{}'::jsonb, now()
    from mentions m
    cross join lateral (select substr(m.id, 2)::int as g) gg
    cross join lateral (select gg.g, (gg.g * 7) % 10 < 7 as answered, ((gg.g::bigint * 7919) % (12 * 3600)) * 1000.0 as wall) a
    where m.organisation_id = ${org} and m.direction = 'inbound'`.execute(db)
  for (const table of ['practices', 'channels', 'mentions', 'response_links']) {
    await sql`analyze ${sql.table(table)}`.execute(db)
  }
}

/** The same figures as getMetrics(groupBy practice), written by hand as one flat aggregate. */
function handwritten() {
  const f = from.toISOString()
  const t = to.toISOString()
  const n = now.toISOString()
  return sql<{
    practice_id: string
    inbound: number
    met: number
    breached: number
    open_count: number
    replies_sent: number
    posts: number
    compliance: number | null
    median_wall_ms: number | null
    p90_business_ms: number | null
    sentiment_mean: number | null
    last_post_at: Date | null
  }>`
select p.id as practice_id, p.name,
  count(m.id) filter (where m.direction = 'inbound')::int as inbound,
  count(m.id) filter (where m.direction = 'outbound')::int as outbound,
  count(a.outbound_id) filter (where m.direction = 'outbound')::int as replies_sent,
  count(m.id) filter (where m.direction = 'outbound' and m.kind = 'post')::int as posts,
  count(rl.inbound_id) filter (where rl.exempt_reason is null and rl.needs_reply)::int as needing_reply,
  count(rl.inbound_id) filter (where rl.exempt_reason is null and rl.needs_reply and rl.outcome is not null)::int as answered,
  count(rl.inbound_id) filter (where rl.exempt_reason is null and rl.needs_reply and rl.outcome = 'met')::int as met,
  count(rl.inbound_id) filter (where rl.exempt_reason is null and rl.needs_reply and rl.outcome = 'missed')::int as missed,
  count(rl.inbound_id) filter (where rl.exempt_reason is null and rl.needs_reply and rl.outcome is null and ${n}::timestamptz >= rl.due_at)::int as breached,
  count(rl.inbound_id) filter (where rl.exempt_reason is null and rl.needs_reply and rl.outcome is null)::int as open_count,
  (count(*) filter (where rl.exempt_reason is null and rl.needs_reply and rl.outcome = 'met'))::float8
    / nullif(count(*) filter (where rl.exempt_reason is null and rl.needs_reply and (rl.outcome is not null or ${n}::timestamptz >= rl.due_at)), 0) as compliance,
  extract(epoch from ${n}::timestamptz - min(m.created_at) filter (where rl.exempt_reason is null and rl.needs_reply and rl.outcome is null))::float8 as oldest_open_age_s,
  percentile_cont(0.5) within group (order by rl.wall_ms) filter (where rl.exempt_reason is null and rl.needs_reply and rl.outcome is not null) as median_wall_ms,
  percentile_cont(0.9) within group (order by rl.wall_ms) filter (where rl.exempt_reason is null and rl.needs_reply and rl.outcome is not null) as p90_wall_ms,
  percentile_cont(0.5) within group (order by rl.business_ms) filter (where rl.exempt_reason is null and rl.needs_reply and rl.outcome is not null) as median_business_ms,
  percentile_cont(0.9) within group (order by rl.business_ms) filter (where rl.exempt_reason is null and rl.needs_reply and rl.outcome is not null) as p90_business_ms,
  count(*) filter (where rl.outcome is not null and rl.exempt_reason is null and rl.wall_ms < 3600000)::int as wall_b1,
  count(*) filter (where rl.outcome is not null and rl.exempt_reason is null and rl.wall_ms >= 3600000 and rl.wall_ms < 14400000)::int as wall_b2,
  count(*) filter (where rl.outcome is not null and rl.exempt_reason is null and rl.wall_ms >= 14400000 and rl.wall_ms < 28800000)::int as wall_b3,
  count(*) filter (where rl.outcome is not null and rl.exempt_reason is null and rl.wall_ms >= 28800000 and rl.wall_ms < 86400000)::int as wall_b4,
  count(*) filter (where rl.outcome is not null and rl.exempt_reason is null and rl.wall_ms >= 86400000)::int as wall_b5,
  count(*) filter (where rl.outcome is not null and rl.exempt_reason is null and rl.business_ms < 3600000)::int as business_b1,
  count(*) filter (where rl.outcome is not null and rl.exempt_reason is null and rl.business_ms >= 3600000 and rl.business_ms < 14400000)::int as business_b2,
  count(*) filter (where rl.outcome is not null and rl.exempt_reason is null and rl.business_ms >= 14400000 and rl.business_ms < 28800000)::int as business_b3,
  count(*) filter (where rl.outcome is not null and rl.exempt_reason is null and rl.business_ms >= 28800000 and rl.business_ms < 86400000)::int as business_b4,
  count(*) filter (where rl.outcome is not null and rl.exempt_reason is null and rl.business_ms >= 86400000)::int as business_b5,
  avg(m.sentiment_score) filter (where m.direction = 'inbound')::float8 as sentiment_mean,
  count(m.sentiment_label) filter (where m.direction = 'inbound')::int as labelled,
  count(*) filter (where m.direction = 'inbound' and m.sentiment_label = 'negative')::int as negative,
  count(*) filter (where m.direction = 'inbound' and m.sentiment_label = 'neutral')::int as neutral,
  count(*) filter (where m.direction = 'inbound' and m.sentiment_label = 'positive')::int as positive,
  (select max(lp.created_at) from mentions lp where lp.organisation_id = p.organisation_id and lp.practice_id = p.id
     and lp.direction = 'outbound' and lp.kind = 'post' and not lp.is_tombstone and lp.created_at <= ${n}::timestamptz) as last_post_at
from practices p
left join mentions m on m.organisation_id = p.organisation_id and m.practice_id = p.id
  and m.created_at >= ${f}::timestamptz and m.created_at < ${t}::timestamptz and not m.is_tombstone
left join response_links rl on rl.organisation_id = m.organisation_id and rl.inbound_id = m.id
left join (select distinct outbound_id from response_links where organisation_id = ${org} and outbound_id is not null) a
  on a.outbound_id = m.id
where p.organisation_id = ${org}
group by p.organisation_id, p.id, p.name
order by p.name`
}
