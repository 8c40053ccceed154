/**
 * @module The per-practice figures the overview pages show: response rate, compliance, response
 * times, backlog, sentiment, volume and liveness over a period, plus the series behind the
 * practice charts. Every query is scoped by organisation and an explicit list of practice ids.
 */
import { type Kysely, sql } from 'kysely'
import type { Database } from '../core.js'
import { countedSql, timestampParam } from './sla-status.js'

/** A period: `from` inclusive, `to` exclusive; `now` decides what is overdue. */
export interface Period {
  from: Date
  to: Date
  now: Date
}

/** One practice's figures over a period. Rates are 0..1 or null when there is nothing to rate. */
export interface PracticeSummary {
  practiceId: string
  needingReply: number
  answered: number
  met: number
  missed: number
  breached: number
  responseRate: number | null
  compliance: number | null
  medianBusinessMs: number | null
  p90BusinessMs: number | null
  medianWallMs: number | null
  p90WallMs: number | null
  backlog: number
  oldestOpenAt: Date | null
  inbound: number
  sentimentMean: number | null
  sentimentShares: { negative: number; neutral: number; positive: number }
  postsInPeriod: number
  postsPerWeek: number
  lastPostAt: Date | null
  daysSinceLastPost: number | null
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v))
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))
const dateOrNull = (v: unknown): Date | null =>
  v === null || v === undefined ? null : new Date(v as string)

/** Figures for each of `practiceIds` (all of which must belong to `organisationId`), in the given order. */
export async function getPracticeSummaries(
  db: Kysely<Database>,
  organisationId: string,
  practiceIds: readonly string[],
  period: Period,
): Promise<PracticeSummary[]> {
  if (practiceIds.length === 0) return []
  const ids = [...practiceIds]
  const [sla, backlog, inbound, posts] = await Promise.all([
    db
      .selectFrom('response_links as rl')
      .innerJoin('mentions as m', (j) =>
        j.onRef('m.organisation_id', '=', 'rl.organisation_id').onRef('m.id', '=', 'rl.inbound_id'),
      )
      .where('rl.organisation_id', '=', organisationId)
      .where('rl.practice_id', 'in', ids)
      .where('m.created_at', '>=', period.from)
      .where('m.created_at', '<', period.to)
      .groupBy('rl.practice_id')
      .select([
        'rl.practice_id as practiceId',
        sql<string>`count(*) filter (where ${countedSql})`.as('needing'),
        sql<string>`count(*) filter (where ${countedSql} and rl.responded_at is not null)`.as(
          'answered',
        ),
        sql<string>`count(*) filter (where ${countedSql} and rl.outcome = 'met')`.as('met'),
        sql<string>`count(*) filter (where ${countedSql} and rl.outcome = 'missed')`.as('missed'),
        sql<string>`count(*) filter (where ${countedSql} and rl.responded_at is null and rl.due_at <= ${timestampParam(period.now)})`.as(
          'breached',
        ),
        sql<
          number | null
        >`percentile_cont(0.5) within group (order by rl.business_ms) filter (where ${countedSql} and rl.responded_at is not null)`.as(
          'medianBusiness',
        ),
        sql<
          number | null
        >`percentile_cont(0.9) within group (order by rl.business_ms) filter (where ${countedSql} and rl.responded_at is not null)`.as(
          'p90Business',
        ),
        sql<
          number | null
        >`percentile_cont(0.5) within group (order by rl.wall_ms) filter (where ${countedSql} and rl.responded_at is not null)`.as(
          'medianWall',
        ),
        sql<
          number | null
        >`percentile_cont(0.9) within group (order by rl.wall_ms) filter (where ${countedSql} and rl.responded_at is not null)`.as(
          'p90Wall',
        ),
      ])
      .execute(),
    db
      .selectFrom('response_links as rl')
      .innerJoin('mentions as m', (j) =>
        j.onRef('m.organisation_id', '=', 'rl.organisation_id').onRef('m.id', '=', 'rl.inbound_id'),
      )
      .where('rl.organisation_id', '=', organisationId)
      .where('rl.practice_id', 'in', ids)
      .where(countedSql)
      .where('rl.responded_at', 'is', null)
      .where('m.created_at', '<=', period.now)
      .groupBy('rl.practice_id')
      .select([
        'rl.practice_id as practiceId',
        sql<string>`count(*)`.as('open'),
        sql<Date | null>`min(m.created_at)`.as('oldest'),
      ])
      .execute(),
    db
      .selectFrom('mentions as m')
      .where('m.organisation_id', '=', organisationId)
      .where('m.practice_id', 'in', ids)
      .where('m.direction', '=', 'inbound')
      .where('m.deleted_at', 'is', null)
      .where('m.created_at', '>=', period.from)
      .where('m.created_at', '<', period.to)
      .groupBy('m.practice_id')
      .select([
        'm.practice_id as practiceId',
        sql<string>`count(*)`.as('total'),
        sql<number | null>`avg(m.sentiment_score)`.as('mean'),
        sql<string>`count(*) filter (where m.sentiment_label = 'negative')`.as('negative'),
        sql<string>`count(*) filter (where m.sentiment_label = 'neutral')`.as('neutral'),
        sql<string>`count(*) filter (where m.sentiment_label = 'positive')`.as('positive'),
      ])
      .execute(),
    db
      .selectFrom('mentions as m')
      .where('m.organisation_id', '=', organisationId)
      .where('m.practice_id', 'in', ids)
      .where('m.direction', '=', 'outbound')
      .where('m.kind', '=', 'post')
      .where('m.created_at', '<=', period.now)
      .groupBy('m.practice_id')
      .select([
        'm.practice_id as practiceId',
        sql<Date | null>`max(m.created_at)`.as('last'),
        sql<string>`count(*) filter (where m.created_at >= ${timestampParam(period.from)} and m.created_at < ${timestampParam(period.to)})`.as(
          'inPeriod',
        ),
      ])
      .execute(),
  ])
  const weeks = Math.max((period.to.getTime() - period.from.getTime()) / (7 * 86_400_000), 1 / 7)
  const by = <T extends { practiceId: string }>(rows: T[]) =>
    new Map(rows.map((r) => [r.practiceId, r]))
  const slaBy = by(sla)
  const backlogBy = by(backlog)
  const inboundBy = by(inbound)
  const postsBy = by(posts)
  return ids.map((practiceId) => {
    const s = slaBy.get(practiceId)
    const b = backlogBy.get(practiceId)
    const i = inboundBy.get(practiceId)
    const p = postsBy.get(practiceId)
    const needingReply = num(s?.needing)
    const answered = num(s?.answered)
    const met = num(s?.met)
    const missed = num(s?.missed)
    const breached = num(s?.breached)
    const inboundTotal = num(i?.total)
    const labelled = num(i?.negative) + num(i?.neutral) + num(i?.positive)
    const share = (v: unknown) => (labelled ? num(v) / labelled : 0)
    const lastPostAt = dateOrNull(p?.last)
    const postsInPeriod = num(p?.inPeriod)
    return {
      practiceId,
      needingReply,
      answered,
      met,
      missed,
      breached,
      responseRate: needingReply ? answered / needingReply : null,
      compliance: met + missed + breached ? met / (met + missed + breached) : null,
      medianBusinessMs: numOrNull(s?.medianBusiness),
      p90BusinessMs: numOrNull(s?.p90Business),
      medianWallMs: numOrNull(s?.medianWall),
      p90WallMs: numOrNull(s?.p90Wall),
      backlog: num(b?.open),
      oldestOpenAt: dateOrNull(b?.oldest),
      inbound: inboundTotal,
      sentimentMean: numOrNull(i?.mean),
      sentimentShares: {
        negative: share(i?.negative),
        neutral: share(i?.neutral),
        positive: share(i?.positive),
      },
      postsInPeriod,
      postsPerWeek: postsInPeriod / weeks,
      lastPostAt,
      daysSinceLastPost: lastPostAt
        ? Math.floor((period.now.getTime() - lastPostAt.getTime()) / 86_400_000)
        : null,
    }
  })
}

/** Response-time distribution buckets (design § Distribution). */
export const RESPONSE_BUCKETS = [
  { label: 'under 1h', maxMs: 3_600_000 },
  { label: '1–4h', maxMs: 4 * 3_600_000 },
  { label: '4–8h', maxMs: 8 * 3_600_000 },
  { label: '8–24h', maxMs: 24 * 3_600_000 },
  { label: 'over 24h', maxMs: Number.POSITIVE_INFINITY },
] as const

/** The series behind a practice overview's charts. */
export interface PracticeCharts {
  buckets: { labels: string[]; business: number[]; wall: number[] }
  complianceByWeek: { week: string; compliance: number | null; counted: number }[]
  sentimentByWeek: {
    week: string
    mean: number | null
    negative: number
    neutral: number
    positive: number
  }[]
  volumeByChannel: { channel: string; platform: string; inbound: number; outbound: number }[]
}

/** Chart series for one practice (weeks in the practice's time zone, Monday first). */
export async function getPracticeCharts(
  db: Kysely<Database>,
  organisationId: string,
  practiceId: string,
  timeZone: string,
  period: Period,
): Promise<PracticeCharts> {
  const week = sql<string>`to_char(date_trunc('week', m.created_at at time zone ${timeZone}), 'YYYY-MM-DD')`
  const bucketCase = (col: 'business_ms' | 'wall_ms') =>
    sql<number>`case when rl.${sql.raw(col)} < 3600000 then 0 when rl.${sql.raw(col)} < 14400000 then 1 when rl.${sql.raw(col)} < 28800000 then 2 when rl.${sql.raw(col)} < 86400000 then 3 else 4 end`
  const linked = db
    .selectFrom('response_links as rl')
    .innerJoin('mentions as m', (j) =>
      j.onRef('m.organisation_id', '=', 'rl.organisation_id').onRef('m.id', '=', 'rl.inbound_id'),
    )
    .where('rl.organisation_id', '=', organisationId)
    .where('rl.practice_id', '=', practiceId)
    .where('m.created_at', '>=', period.from)
    .where('m.created_at', '<', period.to)
    .where(countedSql)
  const [business, wall, compliance, sentiment, volume] = await Promise.all([
    linked
      .where('rl.business_ms', 'is not', null)
      .select([bucketCase('business_ms').as('b'), sql<string>`count(*)`.as('n')])
      .groupBy(sql`1`)
      .execute(),
    linked
      .where('rl.wall_ms', 'is not', null)
      .select([bucketCase('wall_ms').as('b'), sql<string>`count(*)`.as('n')])
      .groupBy(sql`1`)
      .execute(),
    linked
      .select([
        week.as('week'),
        sql<string>`count(*) filter (where rl.outcome = 'met')`.as('met'),
        sql<string>`count(*) filter (where rl.outcome = 'missed' or (rl.responded_at is null and rl.due_at <= ${timestampParam(period.now)}))`.as(
          'failed',
        ),
      ])
      .groupBy(sql`1`)
      .orderBy(sql`1`)
      .execute(),
    db
      .selectFrom('mentions as m')
      .where('m.organisation_id', '=', organisationId)
      .where('m.practice_id', '=', practiceId)
      .where('m.direction', '=', 'inbound')
      .where('m.created_at', '>=', period.from)
      .where('m.created_at', '<', period.to)
      .select([
        week.as('week'),
        sql<number | null>`avg(m.sentiment_score)`.as('mean'),
        sql<string>`count(*) filter (where m.sentiment_label = 'negative')`.as('negative'),
        sql<string>`count(*) filter (where m.sentiment_label = 'neutral')`.as('neutral'),
        sql<string>`count(*) filter (where m.sentiment_label = 'positive')`.as('positive'),
      ])
      .groupBy(sql`1`)
      .orderBy(sql`1`)
      .execute(),
    db
      .selectFrom('mentions as m')
      .innerJoin('channels as ch', (j) =>
        j.onRef('ch.organisation_id', '=', 'm.organisation_id').onRef('ch.id', '=', 'm.channel_id'),
      )
      .where('m.organisation_id', '=', organisationId)
      .where('m.practice_id', '=', practiceId)
      .where('m.created_at', '>=', period.from)
      .where('m.created_at', '<', period.to)
      .groupBy(['ch.name', 'ch.platform'])
      .select([
        'ch.name as channel',
        'ch.platform as platform',
        sql<string>`count(*) filter (where m.direction = 'inbound')`.as('inbound'),
        sql<string>`count(*) filter (where m.direction = 'outbound')`.as('outbound'),
      ])
      .orderBy('ch.name')
      .execute(),
  ])
  const fill = (rows: { b: number; n: string }[]) => {
    const out = RESPONSE_BUCKETS.map(() => 0)
    for (const r of rows) out[Number(r.b)] = Number(r.n)
    return out
  }
  return {
    buckets: {
      labels: RESPONSE_BUCKETS.map((b) => b.label),
      business: fill(business),
      wall: fill(wall),
    },
    complianceByWeek: compliance.map((r) => {
      const met = Number(r.met)
      const counted = met + Number(r.failed)
      return { week: r.week, compliance: counted ? met / counted : null, counted }
    }),
    sentimentByWeek: sentiment.map((r) => ({
      week: r.week,
      mean: r.mean === null ? null : Number(r.mean),
      negative: Number(r.negative),
      neutral: Number(r.neutral),
      positive: Number(r.positive),
    })),
    volumeByChannel: volume.map((r) => ({
      channel: r.channel,
      platform: r.platform,
      inbound: Number(r.inbound),
      outbound: Number(r.outbound),
    })),
  }
}
