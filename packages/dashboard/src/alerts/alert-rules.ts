/**
 * @module The alert rules: their names, what each watches, and the defaults a practice gets until
 * its organisation or the practice itself changes them. Knowledge, not code: the evaluator reads
 * this table.
 */
import { z } from 'zod'

export const ALERT_RULES = [
  'sla_at_risk',
  'sla_breached',
  'urgent',
  'privacy',
  'low_rating',
  'spike_negative',
  'spike_volume',
  'page_quiet',
  'collector_failing',
] as const
export type AlertRuleName = (typeof ALERT_RULES)[number]

export const ruleParamsSchema = z
  .object({
    /** Only mentions created this recently fire (an old import does not flood anyone). */
    lookbackHours: z
      .number()
      .positive()
      .max(24 * 90),
    /** low_rating: ratings at or below this fire. */
    maxStars: z.number().int().min(1).max(5),
    /** spikes: standard deviations above the trailing week. */
    k: z.number().min(0).max(20),
    /** spikes: the last 24 hours must hold at least this many mentions. */
    minCount: z.number().int().min(1).max(10_000),
    /** spikes and page_quiet: a practice younger than this is in warm-up and never fires. */
    warmupDays: z.number().int().min(0).max(365),
    /** page_quiet: days without any activity on the practice's channels. */
    quietDays: z.number().int().min(1).max(365),
    /** At most one alert of this rule per practice in this many hours (practice-level rules). */
    throttleHours: z
      .number()
      .min(0)
      .max(24 * 30),
  })
  .partial()
  .strict()
export type RuleParams = z.infer<typeof ruleParamsSchema>

export interface RuleDefinition {
  label: string
  /** What a person reads in a notification; never patient text. */
  headline: string
  enabledByDefault: boolean
  /** Urgent alerts skip quiet hours and digests, and reach the on-call contact out of hours. */
  urgent: boolean
  params: Required<Pick<RuleParams, 'lookbackHours' | 'throttleHours'>> & RuleParams
}

export const RULE_DEFINITIONS: Readonly<Record<AlertRuleName, RuleDefinition>> = {
  sla_at_risk: {
    label: 'SLA at risk',
    headline: 'A reply is due soon',
    enabledByDefault: true,
    urgent: false,
    params: { lookbackHours: 24 * 14, throttleHours: 0 },
  },
  sla_breached: {
    label: 'SLA breached',
    headline: 'A reply is overdue',
    enabledByDefault: true,
    urgent: false,
    params: { lookbackHours: 24 * 14, throttleHours: 0 },
  },
  urgent: {
    label: 'Urgent clinical mention',
    headline: 'An urgent clinical post needs attention',
    enabledByDefault: true,
    urgent: true,
    params: { lookbackHours: 72, throttleHours: 0 },
  },
  privacy: {
    label: 'Privacy disclosure',
    headline: 'A patient disclosed health details in public',
    enabledByDefault: true,
    urgent: false,
    params: { lookbackHours: 72, throttleHours: 0 },
  },
  low_rating: {
    label: 'New 1–2★ review',
    headline: 'A new low-star review',
    enabledByDefault: true,
    urgent: false,
    params: { lookbackHours: 72, throttleHours: 0, maxStars: 2 },
  },
  spike_negative: {
    label: 'Negative spike',
    headline: 'Negative mentions are spiking',
    enabledByDefault: true,
    urgent: false,
    params: { lookbackHours: 24, throttleHours: 24, k: 3, minCount: 5, warmupDays: 7 },
  },
  spike_volume: {
    label: 'Volume spike',
    headline: 'Mention volume is spiking',
    enabledByDefault: false,
    urgent: false,
    params: { lookbackHours: 24, throttleHours: 24, k: 3, minCount: 10, warmupDays: 7 },
  },
  page_quiet: {
    label: 'Page gone quiet',
    headline: 'A page has gone quiet',
    enabledByDefault: true,
    urgent: false,
    params: { lookbackHours: 24, throttleHours: 24 * 7, quietDays: 14, warmupDays: 14 },
  },
  collector_failing: {
    label: 'Collector failing or needs reconnection',
    headline: 'A channel stopped collecting',
    enabledByDefault: true,
    urgent: false,
    params: { lookbackHours: 24, throttleHours: 24 },
  },
}

export interface ResolvedRule {
  rule: AlertRuleName
  enabled: boolean
  params: RuleDefinition['params']
}

export interface StoredRule {
  practice_id: string | null
  rule: string
  enabled: boolean
  params: Record<string, unknown>
}

/**
 * The rule in force for a practice: its own row, else the organisation's default row, else the
 * built-in default. Params merge in that order, so a practice may change one number only.
 */
export function resolveRule(
  rule: AlertRuleName,
  practiceId: string,
  stored: readonly StoredRule[],
): ResolvedRule {
  const def = RULE_DEFINITIONS[rule]
  const orgRow = stored.find((r) => r.rule === rule && r.practice_id === null)
  const practiceRow = stored.find((r) => r.rule === rule && r.practice_id === practiceId)
  const params = { ...def.params }
  let enabled = def.enabledByDefault
  for (const row of [orgRow, practiceRow]) {
    if (!row) continue
    enabled = row.enabled
    const parsed = ruleParamsSchema.safeParse(row.params)
    if (parsed.success) Object.assign(params, parsed.data)
  }
  return { rule, enabled, params }
}
