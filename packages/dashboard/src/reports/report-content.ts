/**
 * @module The figures of one scheduled report: for a practice, its own figures and chart series;
 * for the agency, one row per practice of the organisation. Every query is scoped to the
 * schedule's organisation. The row-level CSV is the same as the export page's for the period.
 */
import type { Kysely } from 'kysely'
import { type Database, listPractices, type PracticeRow } from '../core.js'
import { exportMentionLines } from '../data/export-rows.js'
import {
  getPracticeCharts,
  getPracticeSummaries,
  type PracticeCharts,
  type PracticeSummary,
} from '../data/practice-metrics.js'
import { currentPromises } from '../data/practice-promises.js'
import type { ReportPeriod } from './report-period.js'
import type { ReportSchedule } from './report-schedule-store.js'

export interface ReportRow {
  practice: Pick<PracticeRow, 'id' | 'name' | 'time_zone'>
  summary: PracticeSummary
  /** The promise's compliance goal, 0..1. */
  goal: number
  statement: string
}

export interface ReportContent {
  kind: 'practice' | 'agency'
  organisationName: string
  /** The practice's name, or the organisation's for the agency report. */
  title: string
  frequency: 'weekly' | 'monthly'
  period: ReportPeriod
  timeZone: string
  rows: ReportRow[]
  /** Chart series of the practice (practice reports only). */
  charts: PracticeCharts | null
  /** The row-level CSV of every inbound mention of the period. */
  csv: string
  generatedAt: Date
}

async function collectCsv(lines: AsyncGenerator<string>): Promise<string> {
  let out = ''
  for await (const line of lines) out += line
  return out
}

/** Loads the figures; null when the schedule's practice no longer exists. */
export async function loadReportContent(
  db: Kysely<Database>,
  schedule: ReportSchedule,
  period: ReportPeriod,
  now: Date,
): Promise<ReportContent | null> {
  const organisation = await db
    .selectFrom('organisations')
    .select('name')
    .where('id', '=', schedule.organisationId)
    .executeTakeFirst()
  if (!organisation) return null
  const all = await listPractices(db, schedule.organisationId)
  const practices =
    schedule.practiceId === null ? all : all.filter((p) => p.id === schedule.practiceId)
  if (practices.length === 0 && schedule.practiceId !== null) return null
  const ids = practices.map((p) => p.id)
  const range = { from: period.from, to: period.to, now }
  const [summaries, promises, charts, csv] = await Promise.all([
    getPracticeSummaries(db, schedule.organisationId, ids, range),
    currentPromises(db, schedule.organisationId, ids),
    schedule.practiceId === null
      ? Promise.resolve(null)
      : getPracticeCharts(db, schedule.organisationId, schedule.practiceId, range),
    collectCsv(
      exportMentionLines(db, { organisationId: schedule.organisationId, practiceIds: ids }, range),
    ),
  ])
  const rows = practices.map((p, i) => ({
    practice: { id: p.id, name: p.name, time_zone: p.time_zone },
    summary: summaries[i]!,
    goal: promises.get(p.id)?.goal ?? 0.9,
    statement: promises.get(p.id)?.statement ?? '',
  }))
  return {
    kind: schedule.practiceId === null ? 'agency' : 'practice',
    organisationName: organisation.name,
    title: schedule.practiceId === null ? organisation.name : practices[0]!.name,
    frequency: schedule.frequency,
    period,
    timeZone: schedule.timeZone,
    rows,
    charts,
    csv,
    generatedAt: now,
  }
}
