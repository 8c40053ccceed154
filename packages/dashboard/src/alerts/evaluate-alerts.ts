/**
 * @module Alert evaluation: turns the state of mentions, SLAs and channels at `now` into alert
 * rows. Idempotent by construction: every alert has a deterministic id from (organisation,
 * practice, rule, subject) and a unique key on the same, so re-running, or running two evaluators
 * at once, inserts each alert exactly once. Patient text is never copied into an alert.
 */
import { createHash } from 'node:crypto'
import { type Database, detectSpikes, loadPracticePolicy } from '@earshot/core'
import { type Kysely, sql } from 'kysely'
import {
  ALERT_RULES,
  type AlertRuleName,
  type ResolvedRule,
  RULE_DEFINITIONS,
  resolveRule,
} from './alert-rules.js'
import { type AlertsDb, alertsDb } from './alert-tables.js'

export interface EvaluateAlertsOptions {
  now: Date
  /** Only this organisation (default: all). */
  organisationId?: string
}

export interface NewAlert {
  organisationId: string
  practiceId: string
  rule: AlertRuleName
  subjectKey: string
  mentionId?: string
  channelId?: string
  dueAt?: Date | null
  detail: Record<string, unknown>
}

export interface EvaluateAlertsResult {
  /** Ids of the alerts this run inserted (an alert another evaluator inserted first is not here). */
  created: string[]
}

const HOUR = 3_600_000
const DAY = 24 * HOUR

export function alertId(
  a: Pick<NewAlert, 'organisationId' | 'practiceId' | 'rule' | 'subjectKey'>,
): string {
  const h = createHash('sha256')
    .update(`${a.organisationId}\n${a.practiceId}\n${a.rule}\n${a.subjectKey}`)
    .digest('base64url')
  return `al_${h.slice(0, 24)}`
}

interface PracticeRow {
  organisation_id: string
  id: string
  created_at: Date
}

/** Evaluates every rule for every practice (of one organisation, or all) at `now`. */
export async function evaluateAlerts(
  coreDb: Kysely<Database>,
  options: EvaluateAlertsOptions,
): Promise<EvaluateAlertsResult> {
  const db = alertsDb(coreDb)
  const now = options.now
  let practicesQuery = db.selectFrom('practices').select(['organisation_id', 'id', 'created_at'])
  if (options.organisationId)
    practicesQuery = practicesQuery.where('organisation_id', '=', options.organisationId)
  const practices = await practicesQuery.orderBy('organisation_id').orderBy('id').execute()
  const created: string[] = []
  const byOrg = new Map<string, PracticeRow[]>()
  for (const p of practices)
    byOrg.set(p.organisation_id, [...(byOrg.get(p.organisation_id) ?? []), p])
  for (const [organisationId, orgPractices] of byOrg) {
    const stored = await db
      .selectFrom('alert_rules')
      .select(['practice_id', 'rule', 'enabled', 'params'])
      .where('organisation_id', '=', organisationId)
      .execute()
    const candidates: NewAlert[] = []
    const rulesFor = (rule: AlertRuleName) =>
      new Map(orgPractices.map((p) => [p.id, resolveRule(rule, p.id, stored)] as const))
    for (const rule of ALERT_RULES) {
      const resolved = rulesFor(rule)
      const enabled = orgPractices.filter((p) => resolved.get(p.id)!.enabled)
      if (enabled.length === 0) continue
      candidates.push(...(await EVALUATORS[rule](db, organisationId, enabled, resolved, now)))
    }
    created.push(...(await insertAlerts(db, candidates, now)))
  }
  return { created }
}

type Evaluator = (
  db: AlertsDb,
  organisationId: string,
  practices: readonly PracticeRow[],
  rules: ReadonlyMap<string, ResolvedRule>,
  now: Date,
) => Promise<NewAlert[]>

/** Open inbound mentions by SLA state, one alert per mention. */
function slaEvaluator(rule: 'sla_at_risk' | 'sla_breached'): Evaluator {
  return async (db, organisationId, practices, rules, now) => {
    const out: NewAlert[] = []
    for (const p of practices) {
      const since = new Date(now.getTime() - rules.get(p.id)!.params.lookbackHours * HOUR)
      let q = db
        .selectFrom('response_links as rl')
        .innerJoin('mentions as m', (j) =>
          j
            .onRef('m.organisation_id', '=', 'rl.organisation_id')
            .onRef('m.id', '=', 'rl.inbound_id'),
        )
        .select(['rl.inbound_id', 'rl.channel_id', 'rl.due_at', 'm.platform', 'm.kind'])
        .where('rl.organisation_id', '=', organisationId)
        .where('rl.practice_id', '=', p.id)
        .where('rl.needs_reply', '=', true)
        .where('rl.exempt_reason', 'is', null)
        .where('rl.outcome', 'is', null)
        .where('m.is_tombstone', '=', false)
        .where('m.deleted_at', 'is', null)
        .where('m.created_at', '>', since)
      q =
        rule === 'sla_breached'
          ? q.where('rl.due_at', '<=', now)
          : q.where('rl.at_risk_at', '<=', now).where('rl.due_at', '>', now)
      for (const r of await q.execute())
        out.push({
          organisationId,
          practiceId: p.id,
          rule,
          subjectKey: r.inbound_id,
          mentionId: r.inbound_id,
          channelId: r.channel_id,
          dueAt: r.due_at,
          detail: { platform: r.platform, kind: r.kind },
        })
    }
    return out
  }
}

/** Inbound mentions carrying a flag (urgent, privacy) or a low rating, one alert per mention. */
function mentionFlagEvaluator(rule: 'urgent' | 'privacy' | 'low_rating'): Evaluator {
  return async (db, organisationId, practices, rules, now) => {
    const out: NewAlert[] = []
    for (const p of practices) {
      const params = rules.get(p.id)!.params
      const since = new Date(now.getTime() - params.lookbackHours * HOUR)
      let q = db
        .selectFrom('mentions as m')
        .leftJoin('response_links as rl', (j) =>
          j
            .onRef('rl.organisation_id', '=', 'm.organisation_id')
            .onRef('rl.inbound_id', '=', 'm.id'),
        )
        .select([
          'm.id',
          'm.channel_id',
          'm.platform',
          'm.kind',
          'm.rating',
          'rl.due_at',
          'm.created_at',
        ])
        .where('m.organisation_id', '=', organisationId)
        .where('m.practice_id', '=', p.id)
        .where('m.direction', '=', 'inbound')
        .where('m.is_tombstone', '=', false)
        .where('m.deleted_at', 'is', null)
        .where('m.created_at', '>', since)
        .where('m.created_at', '<=', now)
      if (rule === 'urgent') q = q.where('m.urgent', '=', true)
      else if (rule === 'privacy') q = q.where('m.privacy', '=', true)
      else q = q.where('m.rating', 'is not', null).where('m.rating', '<=', params.maxStars ?? 2)
      const rows = await q.execute()
      // Urgent posts out of opening hours go to the on-call contact too: decided once, when fired.
      const outOfHours =
        rule === 'urgent' && rows.length > 0
          ? !(await isOpenAt(db, organisationId, p.id, now))
          : undefined
      for (const r of rows)
        out.push({
          organisationId,
          practiceId: p.id,
          rule,
          subjectKey: r.id,
          mentionId: r.id,
          channelId: r.channel_id,
          dueAt: r.due_at,
          detail: {
            platform: r.platform,
            kind: r.kind,
            ...(r.rating !== null ? { rating: r.rating } : {}),
            ...(outOfHours !== undefined ? { outOfHours } : {}),
            mentionCreatedAt: new Date(r.created_at).toISOString(),
          },
        })
    }
    return out
  }
}

/** Whether the practice is open at `at` by the schedule version in force then. */
async function isOpenAt(
  db: AlertsDb,
  organisationId: string,
  practiceId: string,
  at: Date,
): Promise<boolean> {
  const policy = await loadPracticePolicy(
    db as unknown as Kysely<Database>,
    organisationId,
    practiceId,
  )
  let chosen = policy.schedules[0]!
  for (const s of policy.schedules) if (s.effectiveFrom.getTime() <= at.getTime()) chosen = s
  return chosen.calendar.isOpen(at)
}

/** The start of the throttle bucket `now` falls in: one alert per practice per bucket. */
function bucket(now: Date, throttleHours: number): string {
  if (throttleHours <= 0) return now.toISOString()
  const size = throttleHours * HOUR
  return new Date(Math.floor(now.getTime() / size) * size).toISOString()
}

/** Whether the practice already had this rule fire within the throttle window. */
async function throttled(
  db: AlertsDb,
  organisationId: string,
  practiceId: string,
  rule: AlertRuleName,
  throttleHours: number,
  now: Date,
): Promise<boolean> {
  if (throttleHours <= 0) return false
  const recent = await db
    .selectFrom('alerts')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('practice_id', '=', practiceId)
    .where('rule', '=', rule)
    .where('created_at', '>', new Date(now.getTime() - throttleHours * HOUR))
    .limit(1)
    .executeTakeFirst()
  return recent !== undefined
}

function spikeEvaluator(rule: 'spike_negative' | 'spike_volume'): Evaluator {
  return async (db, organisationId, practices, rules, now) => {
    const out: NewAlert[] = []
    for (const p of practices) {
      const params = rules.get(p.id)!.params
      // Warm-up: a practice created within the baseline week has no baseline to spike against.
      if (now.getTime() - new Date(p.created_at).getTime() < (params.warmupDays ?? 7) * DAY)
        continue
      const [spike] = await detectSpikes(db as unknown as Kysely<Database>, {
        organisationId,
        practiceId: p.id,
        now,
        kind: rule === 'spike_negative' ? 'negative' : 'total',
        k: params.k ?? 3,
        minCount: params.minCount ?? 5,
      })
      if (!spike?.isSpike) continue
      if (await throttled(db, organisationId, p.id, rule, params.throttleHours, now)) continue
      out.push({
        organisationId,
        practiceId: p.id,
        rule,
        subjectKey: bucket(now, params.throttleHours),
        detail: {
          count: spike.count,
          baselineMean: Math.round(spike.baselineMean * 10) / 10,
          threshold: Math.round(spike.threshold * 10) / 10,
        },
      })
    }
    return out
  }
}

/** No mention in or out on any channel for N days: one alert per quiet episode. */
const pageQuiet: Evaluator = async (db, organisationId, practices, rules, now) => {
  const out: NewAlert[] = []
  for (const p of practices) {
    const params = rules.get(p.id)!.params
    const quietDays = params.quietDays ?? 14
    if (now.getTime() - new Date(p.created_at).getTime() < (params.warmupDays ?? quietDays) * DAY)
      continue
    const hasChannel = await db
      .selectFrom('channels')
      .select('id')
      .where('organisation_id', '=', organisationId)
      .where('practice_id', '=', p.id)
      .where('status', '!=', 'paused')
      .limit(1)
      .executeTakeFirst()
    if (!hasChannel) continue
    const last = await db
      .selectFrom('mentions')
      .select(sql<Date | null>`max(created_at)`.as('last'))
      .where('organisation_id', '=', organisationId)
      .where('practice_id', '=', p.id)
      .where('created_at', '<=', now)
      .executeTakeFirst()
    const lastAt = last?.last ? new Date(last.last) : null
    if (lastAt && now.getTime() - lastAt.getTime() < quietDays * DAY) continue
    out.push({
      organisationId,
      practiceId: p.id,
      rule: 'page_quiet',
      // The episode is the silence since the last mention: a new mention ends it.
      subjectKey: `since:${lastAt ? lastAt.toISOString() : 'never'}`,
      detail: { quietDays, lastActivityAt: lastAt?.toISOString() ?? null },
    })
  }
  return out
}

/** Channels in error or needing reconnection: one alert per failure episode and channel. */
const collectorFailing: Evaluator = async (db, organisationId, practices, rules, now) => {
  const ids = practices.map((p) => p.id)
  const rows = await db
    .selectFrom('channels')
    .select(['id', 'practice_id', 'status', 'platform', 'name', 'last_error_at', 'last_success_at'])
    .where('organisation_id', '=', organisationId)
    .where('practice_id', 'in', ids)
    .where('status', 'in', ['error', 'needs_reauth'])
    .execute()
  const out: NewAlert[] = []
  for (const c of rows) {
    const params = rules.get(c.practice_id)!.params
    const since = c.last_error_at ?? c.last_success_at
    out.push({
      organisationId,
      practiceId: c.practice_id,
      rule: 'collector_failing',
      subjectKey: `${c.id}:${c.status}:${since ? new Date(since).toISOString() : bucket(now, params.throttleHours)}`,
      channelId: c.id,
      // The channel's own name is set by staff, not patients; the error text may quote a platform.
      detail: { status: c.status, platform: c.platform, channelName: c.name },
    })
  }
  return out
}

const EVALUATORS: Readonly<Record<AlertRuleName, Evaluator>> = {
  sla_at_risk: slaEvaluator('sla_at_risk'),
  sla_breached: slaEvaluator('sla_breached'),
  urgent: mentionFlagEvaluator('urgent'),
  privacy: mentionFlagEvaluator('privacy'),
  low_rating: mentionFlagEvaluator('low_rating'),
  spike_negative: spikeEvaluator('spike_negative'),
  spike_volume: spikeEvaluator('spike_volume'),
  page_quiet: pageQuiet,
  collector_failing: collectorFailing,
}

async function insertAlerts(
  db: AlertsDb,
  alerts: readonly NewAlert[],
  now: Date,
): Promise<string[]> {
  if (alerts.length === 0) return []
  const created: string[] = []
  for (let i = 0; i < alerts.length; i += 500) {
    const rows = alerts.slice(i, i + 500).map((a) => ({
      organisation_id: a.organisationId,
      id: alertId(a),
      practice_id: a.practiceId,
      rule: a.rule,
      subject_key: a.subjectKey,
      mention_id: a.mentionId ?? null,
      channel_id: a.channelId ?? null,
      urgent: RULE_DEFINITIONS[a.rule].urgent,
      due_at: a.dueAt ?? null,
      detail: JSON.stringify(a.detail),
      created_at: now,
    }))
    const inserted = await db
      .insertInto('alerts')
      .values(rows)
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .execute()
    created.push(...inserted.map((r) => r.id))
  }
  return created
}
