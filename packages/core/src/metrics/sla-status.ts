/**
 * @module The one SQL definition of an inbound mention's SLA status at a given instant. Every
 * query in this folder (metrics, inbox, search, export, detail) uses it, so a mention can never
 * be "breached" on one page and "pending" on another.
 */
import { type RawBuilder, sql } from 'kysely'
import type { SlaStatus } from '../model/vocabulary.js'
import { timestampParam } from './query-helpers.js'

/** Statuses of a mention that still waits for a reply (the backlog). */
export const OPEN_STATUSES = [
  'pending',
  'at_risk',
  'breached',
] as const satisfies readonly SlaStatus[]

/** Statuses of a mention that was answered (a reply or a recorded "handled elsewhere"). */
export const ANSWERED_STATUSES = ['met', 'missed'] as const satisfies readonly SlaStatus[]

/** Statuses that count as "needing a reply": everything but exempt. */
export const NEEDING_REPLY_STATUSES = [
  ...OPEN_STATUSES,
  ...ANSWERED_STATUSES,
] as const satisfies readonly SlaStatus[]

/**
 * The SLA status of the `response_links` row aliased `alias`, evaluated at `now`:
 *
 * 1. no link row (the mention was never evaluated) → `null`
 * 2. `exempt_reason` set, or `needs_reply` false → `'exempt'`
 * 3. `outcome` set (answered) → the outcome, `'met'` or `'missed'`
 * 4. `now >= due_at` → `'breached'`
 * 5. `now >= at_risk_at` → `'at_risk'`
 * 6. otherwise → `'pending'`
 *
 * `needs_reply = false` is treated as exempt as well, so a link written without an
 * `exempt_reason` can never leak chatter into the backlog.
 *
 * @example
 * db.selectFrom('response_links as rl').select(slaStatusSql(now).as('status'))
 */
export function slaStatusSql(now: Date, alias = 'rl'): RawBuilder<SlaStatus | null> {
  const col = (name: string) => sql.ref(`${alias}.${name}`)
  const at = timestampParam(now)
  return sql<SlaStatus | null>`(case
    when ${col('inbound_id')} is null then null
    when ${col('exempt_reason')} is not null or not ${col('needs_reply')} then 'exempt'
    when ${col('outcome')} is not null then ${col('outcome')}
    when ${at} >= ${col('due_at')} then 'breached'
    when ${at} >= ${col('at_risk_at')} then 'at_risk'
    else 'pending'
  end)`
}
