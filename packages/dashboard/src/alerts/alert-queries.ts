/**
 * @module What the notification centre and the alert settings read and write, always scoped to
 * the caller's organisation and the practices they may see. Titles shown in the bell and in
 * browser notifications come from `buildAlertContent` without patient text, like chat previews.
 */

import { randomUUID } from 'node:crypto'
import type { Database } from '@earshot/core'
import { type Kysely, sql } from 'kysely'
import { z } from 'zod'
import { buildAlertContent } from './alert-content.js'
import {
  ALERT_RULES,
  type AlertRuleName,
  type ResolvedRule,
  resolveRule,
  ruleParamsSchema,
} from './alert-rules.js'
import { alertsDb, type DeliveryAttempt } from './alert-tables.js'

export interface AlertScope {
  organisationId: string
  practiceIds: readonly string[]
  userId: string
}

export interface AlertListItem {
  id: string
  rule: AlertRuleName
  practiceId: string
  practiceName: string
  mentionId: string | null
  createdAt: Date
  dueAt: Date | null
  title: string
  link: string
  read: boolean
}

function baseQuery(db: Kysely<Database>, scope: AlertScope) {
  return alertsDb(db)
    .selectFrom('alerts as a')
    .innerJoin('practices as p', (j) =>
      j.onRef('p.organisation_id', '=', 'a.organisation_id').onRef('p.id', '=', 'a.practice_id'),
    )
    .leftJoin('alert_reads as r', (j) =>
      j
        .onRef('r.organisation_id', '=', 'a.organisation_id')
        .onRef('r.alert_id', '=', 'a.id')
        .on('r.user_id', '=', scope.userId),
    )
    .where('a.organisation_id', '=', scope.organisationId)
    .where('a.practice_id', 'in', [...scope.practiceIds])
}

export async function listAlerts(
  db: Kysely<Database>,
  scope: AlertScope,
  options: { now: Date; limit?: number; before?: { createdAt: Date; id: string } },
): Promise<AlertListItem[]> {
  if (scope.practiceIds.length === 0) return []
  let q = baseQuery(db, scope).select([
    'a.id',
    'a.rule',
    'a.practice_id',
    'p.name as practice_name',
    'p.holiday_region',
    'a.mention_id',
    'a.created_at',
    'a.due_at',
    'a.detail',
    'r.read_at',
  ])
  if (options.before) {
    const b = options.before
    q = q.where(sql<boolean>`(a.created_at, a.id) < (${b.createdAt}, ${b.id})`)
  }
  const rows = await q
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(options.limit ?? 50)
    .execute()
  return rows.map((r) => {
    const content = buildAlertContent(
      {
        id: r.id,
        rule: r.rule as AlertRuleName,
        practiceName: r.practice_name,
        holidayRegion: r.holiday_region,
        mentionId: r.mention_id,
        dueAt: r.due_at ? new Date(r.due_at) : null,
        createdAt: new Date(r.created_at),
        detail: r.detail,
      },
      { baseUrl: '', now: options.now },
    )
    return {
      id: r.id,
      rule: r.rule as AlertRuleName,
      practiceId: r.practice_id,
      practiceName: r.practice_name,
      mentionId: r.mention_id,
      createdAt: new Date(r.created_at),
      dueAt: r.due_at ? new Date(r.due_at) : null,
      title: content.title,
      link: content.link,
      read: r.read_at !== null,
    }
  })
}

export async function unreadAlertCount(db: Kysely<Database>, scope: AlertScope): Promise<number> {
  if (scope.practiceIds.length === 0) return 0
  const row = await baseQuery(db, scope)
    .select(sql<number>`count(*)::int`.as('n'))
    .where('r.read_at', 'is', null)
    .executeTakeFirst()
  return Number(row?.n ?? 0)
}

export interface AlertDeliveryView {
  endpointName: string
  kind: string
  status: string
  attempts: number
  nextAttemptAt: Date
  deliveredAt: Date | null
  lastError: string | null
  log: DeliveryAttempt[]
}

export async function getAlert(
  db: Kysely<Database>,
  scope: AlertScope,
  alertId: string,
  now: Date,
): Promise<{ alert: AlertListItem; lines: string[]; deliveries: AlertDeliveryView[] } | null> {
  if (scope.practiceIds.length === 0) return null
  const row = await baseQuery(db, scope)
    .select([
      'a.id',
      'a.rule',
      'a.practice_id',
      'p.name as practice_name',
      'p.holiday_region',
      'a.mention_id',
      'a.created_at',
      'a.due_at',
      'a.detail',
      'r.read_at',
    ])
    .where('a.id', '=', alertId)
    .executeTakeFirst()
  if (!row) return null
  const content = buildAlertContent(
    {
      id: row.id,
      rule: row.rule as AlertRuleName,
      practiceName: row.practice_name,
      holidayRegion: row.holiday_region,
      mentionId: row.mention_id,
      dueAt: row.due_at ? new Date(row.due_at) : null,
      createdAt: new Date(row.created_at),
      detail: row.detail,
    },
    { baseUrl: '', now },
  )
  const deliveries = await alertsDb(db)
    .selectFrom('alert_deliveries as d')
    .innerJoin('alert_endpoints as e', (j) =>
      j.onRef('e.organisation_id', '=', 'd.organisation_id').onRef('e.id', '=', 'd.endpoint_id'),
    )
    .select([
      'e.name',
      'e.kind',
      'd.status',
      'd.attempts',
      'd.next_attempt_at',
      'd.delivered_at',
      'd.last_error',
      'd.log',
    ])
    .where('d.organisation_id', '=', scope.organisationId)
    .where('d.alert_id', '=', alertId)
    .orderBy('e.name')
    .execute()
  return {
    alert: {
      id: row.id,
      rule: row.rule as AlertRuleName,
      practiceId: row.practice_id,
      practiceName: row.practice_name,
      mentionId: row.mention_id,
      createdAt: new Date(row.created_at),
      dueAt: row.due_at ? new Date(row.due_at) : null,
      title: content.title,
      link: content.link,
      read: row.read_at !== null,
    },
    lines: content.lines.filter((l) => !l.startsWith('Open it:')),
    deliveries: deliveries.map((d) => ({
      endpointName: d.name,
      kind: d.kind,
      status: d.status,
      attempts: d.attempts,
      nextAttemptAt: new Date(d.next_attempt_at),
      deliveredAt: d.delivered_at ? new Date(d.delivered_at) : null,
      lastError: d.last_error,
      log: d.log,
    })),
  }
}

/** Marks alerts read for the user: the given ones, or every alert in scope. */
export async function markAlertsRead(
  db: Kysely<Database>,
  scope: AlertScope,
  now: Date,
  alertIds?: readonly string[],
): Promise<void> {
  if (scope.practiceIds.length === 0) return
  let q = alertsDb(db)
    .selectFrom('alerts')
    .select(['organisation_id', 'id'])
    .where('organisation_id', '=', scope.organisationId)
    .where('practice_id', 'in', [...scope.practiceIds])
  if (alertIds) {
    if (alertIds.length === 0) return
    q = q.where('id', 'in', [...alertIds])
  }
  const rows = await q.execute()
  if (rows.length === 0) return
  await alertsDb(db)
    .insertInto('alert_reads')
    .values(
      rows.map((r) => ({
        organisation_id: r.organisation_id,
        user_id: scope.userId,
        alert_id: r.id,
        read_at: now,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute()
}

export const ruleFormSchema = z.object({
  rule: z.enum(ALERT_RULES),
  enabled: z.boolean(),
  params: ruleParamsSchema,
})

/** Saves a practice's own rule row (or the organisation default when practiceId is null). */
export async function saveAlertRule(
  db: Kysely<Database>,
  organisationId: string,
  practiceId: string | null,
  input: z.input<typeof ruleFormSchema>,
  now: Date,
): Promise<void> {
  const v = ruleFormSchema.parse(input)
  const adb = alertsDb(db)
  const existing = await adb
    .selectFrom('alert_rules')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where((eb) =>
      practiceId === null ? eb('practice_id', 'is', null) : eb('practice_id', '=', practiceId),
    )
    .where('rule', '=', v.rule)
    .executeTakeFirst()
  if (existing) {
    await adb
      .updateTable('alert_rules')
      .set({ enabled: v.enabled, params: JSON.stringify(v.params), updated_at: now })
      .where('organisation_id', '=', organisationId)
      .where('id', '=', existing.id)
      .execute()
    return
  }
  await adb
    .insertInto('alert_rules')
    .values({
      organisation_id: organisationId,
      id: `ar_${randomUUID()}`,
      practice_id: practiceId,
      rule: v.rule,
      enabled: v.enabled,
      params: JSON.stringify(v.params),
      updated_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .execute()
}

const hhmm = z
  .string()
  .trim()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM')
export const preferencesSchema = z
  .object({
    includePatientText: z.boolean(),
    quietStart: hhmm.nullable(),
    quietEnd: hhmm.nullable(),
    onCallEmail: z.string().trim().email().max(320).nullable(),
  })
  .refine((v) => (v.quietStart === null) === (v.quietEnd === null), {
    message: 'quiet hours need both a start and an end',
    path: ['quietEnd'],
  })
export type AlertPreferences = z.infer<typeof preferencesSchema>

export async function getAlertPreferences(
  db: Kysely<Database>,
  organisationId: string,
  practiceId: string,
): Promise<AlertPreferences> {
  const row = await alertsDb(db)
    .selectFrom('alert_preferences')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('practice_id', '=', practiceId)
    .executeTakeFirst()
  return {
    includePatientText: row?.include_patient_text ?? false,
    quietStart: row?.quiet_start ?? null,
    quietEnd: row?.quiet_end ?? null,
    onCallEmail: row?.on_call_email ?? null,
  }
}

/**
 * Saves a practice's preferences. The on-call e-mail is delivered through an on-call e-mail
 * endpoint kept in step with it (one per practice), so the deliverer has one path for all.
 */
export async function saveAlertPreferences(
  db: Kysely<Database>,
  organisationId: string,
  practiceId: string,
  input: AlertPreferences,
  now: Date,
): Promise<void> {
  const v = preferencesSchema.parse(input)
  const adb = alertsDb(db)
  await adb.transaction().execute(async (tx) => {
    await tx
      .insertInto('alert_preferences')
      .values({
        organisation_id: organisationId,
        practice_id: practiceId,
        include_patient_text: v.includePatientText,
        quiet_start: v.quietStart,
        quiet_end: v.quietEnd,
        on_call_email: v.onCallEmail,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.columns(['organisation_id', 'practice_id']).doUpdateSet({
          include_patient_text: v.includePatientText,
          quiet_start: v.quietStart,
          quiet_end: v.quietEnd,
          on_call_email: v.onCallEmail,
          updated_at: now,
        }),
      )
      .execute()
    const endpointId = `oncall-email-${practiceId}`
    await tx
      .deleteFrom('alert_endpoints')
      .where('organisation_id', '=', organisationId)
      .where('id', '=', endpointId)
      .execute()
    if (v.onCallEmail)
      await tx
        .insertInto('alert_endpoints')
        .values({
          organisation_id: organisationId,
          id: endpointId,
          practice_id: practiceId,
          kind: 'email',
          name: 'On-call e-mail',
          target: v.onCallEmail,
          secret: null,
          rules: JSON.stringify(['urgent']),
          on_call: true,
          digest_minutes: 0,
          created_at: now,
        })
        .execute()
  })
}

/**
 * The rules in force for a practice (its rows over the organisation's over the built-in
 * defaults), or the organisation's defaults when practiceId is null.
 */
export async function resolvedRules(
  db: Kysely<Database>,
  organisationId: string,
  practiceId: string | null,
): Promise<ResolvedRule[]> {
  const stored = await alertsDb(db)
    .selectFrom('alert_rules')
    .select(['practice_id', 'rule', 'enabled', 'params'])
    .where('organisation_id', '=', organisationId)
    .where((eb) =>
      practiceId === null
        ? eb('practice_id', 'is', null)
        : eb.or([eb('practice_id', 'is', null), eb('practice_id', '=', practiceId)]),
    )
    .execute()
  // A key no practice has, so only the organisation's rows apply for the defaults.
  const key = practiceId ?? '\u0000organisation'
  return ALERT_RULES.map((rule) => resolveRule(rule, key, stored))
}
