/**
 * @module The columns of a `response_links` row that carry an SLA evaluation's timing and
 * outcome, in the order exports list them. The thread pass writes them and the row-level
 * export reads them from this one list.
 */
import type { ResponseLinkTable } from '../storage/database.js'

export const LINK_EVALUATION_COLUMNS = [
  'target_name',
  'clock',
  'target_ms',
  'clock_started_at',
  'due_at',
  'at_risk_at',
  'wall_ms',
  'business_ms',
  'outcome',
  'schedule_version',
  'promise_version',
] as const satisfies readonly (keyof ResponseLinkTable)[]
