/**
 * @module The one definition of an inbound mention's SLA status at an instant, as an ordered
 * rule table. Each rule states its test twice, side by side — in JavaScript for an evaluation
 * in memory ({@link slaStatusAt}) and in SQL for a `response_links` row ({@link slaStatusSql})
 * — so every page, query and export agrees; a property test feeds the same rows to both.
 */
import { type RawBuilder, type SqlBool, sql } from 'kysely'
import type { SlaStatus } from '../model/vocabulary.js'
import { timestampParam } from '../util/sql-time.js'

/** The fields a status depends on (an {@link SlaEvaluation} has them all). */
export interface SlaStatusFields {
  needsReply: boolean
  exemptReason: string | null
  outcome: 'met' | 'missed' | null
  dueAt: Date | null
  atRiskAt: Date | null
}

type Column = 'needs_reply' | 'exempt_reason' | 'outcome' | 'due_at' | 'at_risk_at'

interface Rule {
  /** The status when the rule matches; `outcome` means the stored outcome (met or missed). */
  status: SlaStatus | 'outcome'
  js: (e: SlaStatusFields, now: number) => boolean
  sql: (col: (name: Column) => RawBuilder<unknown>, now: RawBuilder<Date>) => RawBuilder<SqlBool>
}

/** First match wins; no match is `pending`. See docs/concepts.md § SLA status. */
const SLA_STATUS_RULES: readonly Rule[] = [
  {
    // Needs no reply (triage, a person, deleted before any reply, no target applies). A link
    // with needs_reply false is exempt even without a reason, so chatter never joins the backlog.
    status: 'exempt',
    js: (e) => e.exemptReason !== null || !e.needsReply,
    sql: (c) => sql`(${c('exempt_reason')} is not null or not ${c('needs_reply')})`,
  },
  {
    status: 'outcome',
    js: (e) => e.outcome !== null,
    sql: (c) => sql`${c('outcome')} is not null`,
  },
  {
    status: 'breached',
    js: (e, now) => e.dueAt !== null && now >= e.dueAt.getTime(),
    sql: (c, now) => sql`${now} >= ${c('due_at')}`,
  },
  {
    status: 'at_risk',
    js: (e, now) => e.atRiskAt !== null && now >= e.atRiskAt.getTime(),
    sql: (c, now) => sql`${now} >= ${c('at_risk_at')}`,
  },
]

/** Status at `now`: exempt, else answered (met/missed), else pending → at_risk → breached. */
export function slaStatusAt(e: SlaStatusFields, now: Date): SlaStatus {
  const t = now.getTime()
  for (const rule of SLA_STATUS_RULES)
    if (rule.js(e, t)) return rule.status === 'outcome' ? e.outcome! : rule.status
  return 'pending'
}

/**
 * The same status for the `response_links` row aliased `alias`, evaluated at `now`; `null` when
 * there is no link row (a left join found none: outbound or never evaluated).
 *
 * @example
 * db.selectFrom('response_links as rl').select(slaStatusSql(now).as('status'))
 */
export function slaStatusSql(now: Date, alias = 'rl'): RawBuilder<SlaStatus | null> {
  const col = (name: Column | 'inbound_id') => sql.ref(`${alias}.${name}`)
  const at = timestampParam(now)
  const whens = SLA_STATUS_RULES.map(
    (rule) =>
      sql`when ${rule.sql(col, at)} then ${rule.status === 'outcome' ? col('outcome') : sql.lit(rule.status)}`,
  )
  return sql<SlaStatus | null>`(case when ${col('inbound_id')} is null then null ${sql.join(whens, sql` `)} else 'pending' end)`
}
