/**
 * @module Alert delivery: fans every new alert out to the endpoints that want it (one delivery
 * row per alert and endpoint, so a second deliverer finds nothing to add), claims due deliveries
 * with `FOR UPDATE SKIP LOCKED` and a lease (concurrent deliverers never take the same row; a
 * crashed one's rows come back when the lease ends), sends to every endpoint in parallel (a dead
 * endpoint never blocks the others) and records each attempt with its outcome. Retries back off;
 * quiet hours defer non-urgent alerts; digest endpoints get one message per window; urgent
 * mentions out of opening hours also reach the practice's on-call endpoints.
 */
import { createHash } from 'node:crypto'
import { type Database, type Keyring, processKeyring } from '@earshot/core'
import { type Kysely, sql } from 'kysely'
import type { MailSender } from '../mail/mail-sender.js'
import {
  ALERT_CHANNELS,
  type AlertChannel,
  type AlertEnvelope,
  type DeliveryOutcome,
  type EndpointKind,
} from './alert-channels.js'
import { buildAlertContent } from './alert-content.js'
import { openValue } from './alert-endpoint-store.js'
import type { AlertRuleName } from './alert-rules.js'
import { type AlertsDb, alertsDb, type DeliveryAttempt } from './alert-tables.js'
import { privateDestinationsAllowed, publicOnlyFetch } from './outbound-url-guard.js'
import { inQuietHours, quietHoursEnd } from './quiet-hours.js'

/** Wait after the n-th failed attempt (Standard Webhooks' example schedule, shortened). */
export const RETRY_BACKOFF_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  24 * 3_600_000,
]

export interface DeliverAlertsOptions {
  now: Date
  /** The dashboard's public URL, for links in messages. */
  baseUrl: string
  organisationId?: string
  fetch?: typeof fetch
  /** Let endpoints reach loopback and private networks (default: `EARSHOT_ALLOW_PRIVATE_WEBHOOKS=1`). */
  allowPrivateDestinations?: boolean
  mail?: MailSender
  /** Per HTTP attempt (default 15 s). */
  timeoutMs?: number
  /** How long a claimed delivery belongs to this deliverer (default 5 min). */
  leaseMs?: number
  batchSize?: number
  channels?: Readonly<Record<EndpointKind, AlertChannel>>
  /** Opens sealed endpoint URLs and secrets (default: the process keyring). */
  keyring?: Keyring
}

export interface DeliverAlertsResult {
  sent: number
  failed: number
  dead: number
  deferred: number
}

interface ClaimedDelivery {
  organisation_id: string
  alert_id: string
  endpoint_id: string
  attempts: number
}

/** Alerts older than this are not fanned out to endpoints (a new endpoint gets no backlog). */
const FAN_OUT_WINDOW = sql`interval '7 days'`

async function fanOut(db: AlertsDb, now: Date, organisationId?: string): Promise<void> {
  const orgScope = organisationId ? sql`and a.organisation_id = ${organisationId}` : sql``
  await sql`
insert into alert_deliveries (organisation_id, alert_id, endpoint_id, status, attempts, next_attempt_at, log, created_at)
select a.organisation_id, a.id, e.id, 'pending', 0,
  a.created_at + make_interval(mins => case when a.urgent then 0 else e.digest_minutes end),
  '[]'::jsonb, ${now}
from alerts a
join alert_endpoints e on e.organisation_id = a.organisation_id and e.enabled
  and (e.practice_id is null or e.practice_id = a.practice_id)
  and (jsonb_array_length(e.rules) = 0 or e.rules @> jsonb_build_array(a.rule))
  and (not e.on_call or (a.urgent and coalesce((a.detail->>'outOfHours')::boolean, false)))
  and e.created_at <= a.created_at
where a.created_at > ${now}::timestamptz - ${FAN_OUT_WINDOW} and a.created_at <= ${now} ${orgScope}
on conflict do nothing`.execute(db)
}

async function claim(
  db: AlertsDb,
  now: Date,
  leaseMs: number,
  limit: number,
  organisationId: string | undefined,
  endpointIds?: readonly string[],
): Promise<ClaimedDelivery[]> {
  const orgScope = organisationId ? sql`and organisation_id = ${organisationId}` : sql``
  const due = endpointIds
    ? sql`status = 'pending' and endpoint_id in (${sql.join(endpointIds.map((id) => sql`${id}`))})`
    : sql`((status in ('pending', 'failed') and next_attempt_at <= ${now}) or (status = 'sending' and lease_until <= ${now}))`
  const result = await sql<ClaimedDelivery>`
update alert_deliveries d set status = 'sending', lease_until = ${new Date(now.getTime() + leaseMs)}
where (d.organisation_id, d.alert_id, d.endpoint_id) in (
  select organisation_id, alert_id, endpoint_id from alert_deliveries
  where ${due} ${orgScope}
  order by next_attempt_at, alert_id
  limit ${limit}
  for update skip locked)
returning d.organisation_id, d.alert_id, d.endpoint_id, d.attempts`.execute(db)
  return result.rows
}

async function record(
  db: AlertsDb,
  d: ClaimedDelivery,
  patch: {
    status: 'sent' | 'failed' | 'dead' | 'pending'
    nextAttemptAt: Date
    attempt?: DeliveryAttempt
    outcome?: DeliveryOutcome
    now: Date
  },
): Promise<void> {
  const attempt = patch.attempt
  await sql`
update alert_deliveries set
  status = ${patch.status},
  attempts = attempts + ${attempt ? 1 : 0},
  next_attempt_at = ${patch.nextAttemptAt},
  lease_until = null,
  last_error = ${attempt ? (patch.outcome?.ok ? null : (patch.outcome?.error ?? null)) : sql`last_error`},
  response_status = ${attempt ? (patch.outcome?.status ?? null) : sql`response_status`},
  delivered_at = ${patch.status === 'sent' ? patch.now : null},
  log = log || ${JSON.stringify(attempt ? [attempt] : [])}::jsonb
where organisation_id = ${d.organisation_id} and alert_id = ${d.alert_id} and endpoint_id = ${d.endpoint_id}`.execute(
    db,
  )
}

/** Fans out, claims and sends whatever is due at `now`; call it again later for retries. */
export async function deliverAlerts(
  coreDb: Kysely<Database>,
  options: DeliverAlertsOptions,
): Promise<DeliverAlertsResult> {
  const db = alertsDb(coreDb)
  const { now } = options
  const leaseMs = options.leaseMs ?? 5 * 60_000
  const channels = options.channels ?? ALERT_CHANNELS
  const result: DeliverAlertsResult = { sent: 0, failed: 0, dead: 0, deferred: 0 }
  await fanOut(db, now, options.organisationId)
  const claimed = await claim(db, now, leaseMs, options.batchSize ?? 200, options.organisationId)
  if (claimed.length === 0) return result

  const endpoints = await db
    .selectFrom('alert_endpoints')
    .selectAll()
    .where('organisation_id', 'in', [...new Set(claimed.map((c) => c.organisation_id))])
    .where('id', 'in', [...new Set(claimed.map((c) => c.endpoint_id))])
    .execute()
  const endpointOf = new Map(endpoints.map((e) => [`${e.organisation_id}/${e.id}`, e]))
  // A digest endpoint with one due delivery takes everything it has waiting, in one message.
  for (const e of endpoints.filter((e) => e.digest_minutes > 0)) {
    claimed.push(...(await claim(db, now, leaseMs, 500, e.organisation_id, [e.id])))
  }

  const alerts = await db
    .selectFrom('alerts as a')
    .innerJoin('practices as p', (j) =>
      j.onRef('p.organisation_id', '=', 'a.organisation_id').onRef('p.id', '=', 'a.practice_id'),
    )
    .leftJoin('alert_preferences as ap', (j) =>
      j
        .onRef('ap.organisation_id', '=', 'a.organisation_id')
        .onRef('ap.practice_id', '=', 'a.practice_id'),
    )
    .leftJoin('mentions as m', (j) =>
      j.onRef('m.organisation_id', '=', 'a.organisation_id').onRef('m.id', '=', 'a.mention_id'),
    )
    .select([
      'a.organisation_id',
      'a.id',
      'a.rule',
      'a.practice_id',
      'a.mention_id',
      'a.urgent',
      'a.due_at',
      'a.detail',
      'a.created_at',
      'p.name as practice_name',
      'p.time_zone',
      'p.holiday_region',
      'ap.include_patient_text',
      'ap.quiet_start',
      'ap.quiet_end',
      // Patient text is read only when the practice opted in to it.
      sql<string | null>`case when ap.include_patient_text then m.text else null end`.as(
        'patient_text',
      ),
    ])
    .where('a.organisation_id', 'in', [...new Set(claimed.map((c) => c.organisation_id))])
    .where('a.id', 'in', [...new Set(claimed.map((c) => c.alert_id))])
    .execute()
  const alertOf = new Map(alerts.map((a) => [`${a.organisation_id}/${a.id}`, a]))

  // Group into envelopes: one per delivery, or one per digest endpoint.
  const envelopes = new Map<string, { endpointKey: string; deliveries: ClaimedDelivery[] }>()
  for (const d of claimed) {
    const alert = alertOf.get(`${d.organisation_id}/${d.alert_id}`)!
    const endpointKey = `${d.organisation_id}/${d.endpoint_id}`
    const endpoint = endpointOf.get(endpointKey)
    if (!endpoint?.enabled) {
      await record(db, d, {
        status: 'dead',
        nextAttemptAt: now,
        attempt: { at: now.toISOString(), ok: false, error: 'endpoint removed or disabled' },
        outcome: { ok: false, error: 'endpoint removed or disabled' },
        now,
      })
      result.dead += 1
      continue
    }
    if (!alert.urgent && alert.quiet_start && alert.quiet_end) {
      const q = { start: alert.quiet_start, end: alert.quiet_end, timeZone: alert.time_zone }
      if (inQuietHours(now, q)) {
        await record(db, d, { status: 'pending', nextAttemptAt: quietHoursEnd(now, q), now })
        result.deferred += 1
        continue
      }
    }
    const key =
      endpoint.digest_minutes > 0 && !alert.urgent
        ? `digest:${endpointKey}`
        : `${endpointKey}/${d.alert_id}`
    const group = envelopes.get(key) ?? { endpointKey, deliveries: [] }
    group.deliveries.push(d)
    envelopes.set(key, group)
  }

  // A URL a practice typed is checked before every call, unless the operator allows internal ones.
  const fetchFn =
    options.fetch ??
    ((options.allowPrivateDestinations ?? privateDestinationsAllowed()) ? fetch : publicOnlyFetch())
  const keyring = options.keyring ?? processKeyring
  await Promise.all(
    [...envelopes.values()].map(async (group) => {
      const endpoint = endpointOf.get(group.endpointKey)!
      const items = group.deliveries.map((d) => {
        const a = alertOf.get(`${d.organisation_id}/${d.alert_id}`)!
        const detail = a.detail as Record<string, unknown>
        const onCall = endpoint.on_call
        return {
          id: a.id,
          rule: a.rule,
          practiceId: a.practice_id,
          mentionId: a.mention_id,
          dueAt: a.due_at ? new Date(a.due_at) : null,
          createdAt: new Date(a.created_at),
          content: buildAlertContent(
            {
              id: a.id,
              rule: a.rule as AlertRuleName,
              practiceName: a.practice_name,
              holidayRegion: a.holiday_region,
              mentionId: a.mention_id,
              dueAt: a.due_at ? new Date(a.due_at) : null,
              createdAt: new Date(a.created_at),
              detail,
              patientText: a.patient_text,
              onCall: onCall || (a.urgent && detail.outOfHours === true),
            },
            { baseUrl: options.baseUrl, now },
          ),
        }
      })
      const envelope: AlertEnvelope = {
        id:
          items.length === 1
            ? items[0]!.id
            : `dg_${createHash('sha256')
                .update(
                  items
                    .map((i) => i.id)
                    .sort()
                    .join(','),
                )
                .digest('base64url')
                .slice(0, 24)}`,
        alerts: items,
      }
      const channel = channels[endpoint.kind as EndpointKind]
      let outcome: DeliveryOutcome
      try {
        outcome = channel
          ? await channel.send(
              {
                id: endpoint.id,
                kind: endpoint.kind as EndpointKind,
                target: openValue(keyring, endpoint.target),
                secret: endpoint.secret === null ? null : openValue(keyring, endpoint.secret),
              },
              envelope,
              {
                now,
                fetch: fetchFn,
                ...(options.mail ? { mail: options.mail } : {}),
                timeoutMs: options.timeoutMs ?? 15_000,
              },
            )
          : { ok: false, error: `unknown endpoint kind ${endpoint.kind}`, permanent: true }
      } catch (cause) {
        outcome = { ok: false, error: `channel error: ${(cause as Error).name}` }
      }
      for (const d of group.deliveries) {
        const attempt: DeliveryAttempt = {
          at: now.toISOString(),
          ok: outcome.ok,
          ...(outcome.status !== undefined ? { status: outcome.status } : {}),
          ...(outcome.error ? { error: outcome.error } : {}),
        }
        const attempts = d.attempts + 1
        if (outcome.ok) {
          await record(db, d, { status: 'sent', nextAttemptAt: now, attempt, outcome, now })
          result.sent += 1
        } else if (outcome.permanent || attempts > RETRY_BACKOFF_MS.length) {
          await record(db, d, { status: 'dead', nextAttemptAt: now, attempt, outcome, now })
          result.dead += 1
        } else {
          const wait = Math.max(
            RETRY_BACKOFF_MS[attempts - 1]!,
            (outcome.retryAfterSeconds ?? 0) * 1000,
          )
          await record(db, d, {
            status: 'failed',
            nextAttemptAt: new Date(now.getTime() + wait),
            attempt,
            outcome,
            now,
          })
          result.failed += 1
        }
      }
    }),
  )
  return result
}
