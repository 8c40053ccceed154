/**
 * @module SLA statuses in SQL. Every query in this folder (metrics, inbox, search, export,
 * detail) uses `slaStatusSql`, defined with its JavaScript twin in `sla/sla-status.ts`, so a
 * mention can never be "breached" on one page and "pending" on another.
 */
import type { SlaStatus } from '../model/vocabulary.js'

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

export { slaStatusSql } from '../sla/sla-status.js'
