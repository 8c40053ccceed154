/**
 * @module The SLA evaluation of one inbound mention: which target applies, when its clock starts
 * and why, when it is due, whether and how fast it was answered. Pure: the same inputs always
 * give the same evaluation, which is what makes the audit trail reproducible.
 */
import type { BusinessCalendar } from '../calendar/business-calendar.js'
import type { Clock } from '../model/vocabulary.js'
import { describeTargetLength, targetWindow } from '../promise/due-time.js'
import { type ParsedPromiseSpec, selectTarget } from '../promise/promise-spec.js'

/** What the evaluation needs to know about the inbound mention. */
export interface SlaSubject {
  createdAt: Date
  platform: string
  kind: string
  category: string | null
  needsReply: boolean
  /** Why it needs no reply (triage category, a person's decision …); set iff needsReply is false. */
  noReplyReason?: string
  deletedAt: Date | null
}

/** The response that stopped the clock, if any. */
export interface SlaResponse {
  at: Date
  source: 'reply' | 'manual'
  outboundId?: string
  /** The reply's id on its platform, which is what the explanation names. */
  outboundExternalId?: string
  /** Human-readable notes (e.g. "the reply was later deleted; it still counts"). */
  notes?: string[]
}

export interface SlaPolicy {
  calendar: BusinessCalendar
  scheduleVersion: number
  promise: ParsedPromiseSpec
  promiseVersion: number
}

/** The stored result; `status` for unanswered mentions depends on "now", see `slaStatusAt` (sla-status.ts). */
export interface SlaEvaluation {
  needsReply: boolean
  exemptReason: string | null
  targetIndex: number | null
  targetName: string | null
  clock: Clock | null
  /** The window's length on its clock; for a business-day target, the open time it holds. */
  targetMs: number | null
  clockStartedAt: Date | null
  dueAt: Date | null
  atRiskAt: Date | null
  respondedAt: Date | null
  responseSource: 'reply' | 'manual' | null
  outboundId: string | null
  wallMs: number | null
  businessMs: number | null
  outcome: 'met' | 'missed' | null
  scheduleVersion: number
  promiseVersion: number
  explanation: SlaExplanation
}

/** The audit trail in words and numbers: every line a practice manager might ask "why?" about. */
export interface SlaExplanation {
  included: boolean
  reason: string
  target?: string
  clockStart?: string
  clockStop?: string
  schedule: string
  promise: string
  notes: string[]
}

export function evaluateSla(
  subject: SlaSubject,
  response: SlaResponse | null,
  policy: SlaPolicy,
): SlaEvaluation {
  const base = {
    scheduleVersion: policy.scheduleVersion,
    promiseVersion: policy.promiseVersion,
    respondedAt: response?.at ?? null,
    responseSource: response?.source ?? null,
    outboundId: response?.outboundId ?? null,
  }
  const schedule = `schedule version ${policy.scheduleVersion} (${policy.calendar.timeZone})`
  const promise = `promise version ${policy.promiseVersion}`
  const notes = [...(response?.notes ?? [])]
  const exempt = (reason: string): SlaEvaluation => ({
    ...base,
    needsReply: subject.needsReply,
    exemptReason: reason,
    targetIndex: null,
    targetName: null,
    clock: null,
    targetMs: null,
    clockStartedAt: null,
    dueAt: null,
    atRiskAt: null,
    wallMs: response ? response.at.getTime() - subject.createdAt.getTime() : null,
    businessMs: response
      ? policy.calendar.businessTimeBetween(subject.createdAt, response.at)
      : null,
    outcome: null,
    explanation: { included: false, reason, schedule, promise, notes },
  })

  if (!subject.needsReply) return exempt(subject.noReplyReason ?? 'no reply needed')
  if (subject.deletedAt && (!response || response.at.getTime() > subject.deletedAt.getTime())) {
    return exempt(`deleted by its author at ${subject.deletedAt.toISOString()} before any reply`)
  }
  const selected = selectTarget(policy.promise, subject)
  if (!selected) return exempt('no target of the promise applies to this mention')
  const { index, target } = selected

  const created = subject.createdAt.getTime()
  const cal = policy.calendar
  const window = targetWindow(target, cal, created, policy.promise.atRiskFraction)
  // A schedule with no opening hours ahead (all closed for years) can never make a business
  // clock run; saying so beats inventing a due time.
  if (!window)
    return exempt('the schedule has no opening hours ahead: a business-time target cannot come due')
  const { clockStartedAt, dueAt, atRiskAt } = window
  const clockStart =
    target.clock === 'calendar'
      ? `${iso(created)}: calendar clock, runs from creation around the clock`
      : clockStartedAt === created
        ? `${iso(created)}: arrived during opening hours`
        : `${iso(clockStartedAt)}: arrived at ${iso(created)} while closed; the clock starts at the next opening`

  let outcome: 'met' | 'missed' | null = null
  let wallMs: number | null = null
  let businessMs: number | null = null
  let clockStop = 'not answered yet'
  if (response) {
    const at = response.at.getTime()
    wallMs = Math.max(0, at - created)
    businessMs = cal.businessTimeBetween(created, at)
    outcome = at <= dueAt ? 'met' : 'missed'
    const how =
      response.source === 'manual'
        ? 'recorded as handled elsewhere'
        : `answered by reply ${response.outboundExternalId ?? response.outboundId ?? ''}`.trim()
    clockStop = `${iso(at)}: ${how}; ${outcome} (due ${iso(dueAt)})`
    if (at < clockStartedAt)
      notes.push('answered before the practice opened: business response time is zero')
  }
  return {
    ...base,
    needsReply: true,
    exemptReason: null,
    targetIndex: index,
    targetName: target.name,
    clock: target.clock,
    targetMs: window.windowMs,
    clockStartedAt: new Date(clockStartedAt),
    dueAt: new Date(dueAt),
    atRiskAt: new Date(atRiskAt),
    wallMs,
    businessMs,
    outcome,
    explanation: {
      included: true,
      reason: 'needs a reply',
      target: `target ${index + 1} "${target.name}": ${describeTargetLength(target)}`,
      clockStart,
      clockStop,
      schedule,
      promise,
      notes,
    },
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}
