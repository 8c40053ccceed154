/**
 * @module The SLA status of an inbound mention, derived from its response link and "now". A link
 * stores the outcome once answered; before that the status moves with the clock, so it is
 * computed at read time (in SQL for filtering, in TypeScript for display).
 */
import { type RawBuilder, sql } from 'kysely'
import type { SlaStatus } from '../core.js'

/**
 * SQL for the status of the mention joined as `m` with its link as `rl` (left join); null for
 * outbound mentions and inbound ones not evaluated yet.
 */
export function slaStatusSql(now: Date): RawBuilder<SlaStatus | null> {
  const at = timestampParam(now)
  return sql<SlaStatus | null>`case
    when rl.inbound_id is null then null
    when rl.needs_reply = false or rl.exempt_reason is not null then 'exempt'
    when rl.outcome is not null then rl.outcome
    when rl.responded_at is not null then 'met'
    when rl.due_at is null then 'pending'
    when rl.due_at <= ${at} then 'breached'
    when rl.at_risk_at is not null and rl.at_risk_at <= ${at} then 'at_risk'
    else 'pending' end`
}

/** The same rule in TypeScript, for a link already loaded. */
export function slaStatusOf(
  link:
    | {
        needs_reply: boolean
        exempt_reason: string | null
        outcome: string | null
        responded_at: Date | string | null
        due_at: Date | string | null
        at_risk_at: Date | string | null
      }
    | null
    | undefined,
  now: Date,
): SlaStatus | null {
  if (!link) return null
  if (!link.needs_reply || link.exempt_reason) return 'exempt'
  if (link.outcome === 'met' || link.outcome === 'missed') return link.outcome
  if (link.responded_at) return 'met'
  if (!link.due_at) return 'pending'
  const t = now.getTime()
  if (new Date(link.due_at).getTime() <= t) return 'breached'
  if (link.at_risk_at && new Date(link.at_risk_at).getTime() <= t) return 'at_risk'
  return 'pending'
}

/**
 * A timestamptz parameter sent as ISO text with a cast, so node-postgres (which would serialise a
 * Date in the process's local offset) and PGlite bind the same instant.
 */
export function timestampParam(value: Date): RawBuilder<Date> {
  return sql<Date>`cast(${value.toISOString()} as timestamptz)`
}

/** SQL predicate: the link counts towards response rate and compliance. */
export const countedSql: RawBuilder<boolean> = sql<boolean>`(rl.needs_reply and rl.exempt_reason is null)`
