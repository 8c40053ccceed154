/**
 * @module Response linking inside one thread (design § "What counts as a response"). Pure and
 * order-free: it sorts its input, so the same set of mentions always gives the same links,
 * whatever order they arrived in and however often each was delivered.
 */
import type { OverrideAction } from '../model/vocabulary.js'
import { compileUserPatterns } from '../safety/user-pattern.js'
import {
  evaluateSla,
  type SlaEvaluation,
  type SlaPolicy,
  type SlaResponse,
} from './evaluate-sla.js'

/** The fields of a mention that linking reads. */
export interface LinkableMention {
  id: string
  externalId: string
  direction: 'inbound' | 'outbound'
  platform: string
  kind: string
  createdAt: Date
  deletedAt: Date | null
  isAutoReply: boolean
  isTombstone: boolean
  text: string
  needsReply: boolean | null
  category: string | null
}

/** The latest manual decision about an inbound mention. */
export interface LinkOverride {
  action: OverrideAction
  handledAt: Date | null
  actor: string
  note: string | null
  createdAt: Date
}

export interface ThreadLink {
  inboundId: string
  evaluation: SlaEvaluation
}

/**
 * Links every inbound mention of a thread to its response and evaluates its SLA.
 * `policyAt(createdAt)` gives the schedule and promise in force when the mention was written.
 */
export function linkThread(
  mentions: readonly LinkableMention[],
  overrides: ReadonlyMap<string, LinkOverride>,
  policyAt: (createdAt: Date) => SlaPolicy,
): ThreadLink[] {
  const live = mentions.filter((m) => !m.isTombstone)
  // Sort by time, then inbound before outbound at the same instant (a reply stamped in the same
  // second as the question still answers it), then by external id for a total order.
  const sorted = [...live].sort(
    (a, b) =>
      a.createdAt.getTime() - b.createdAt.getTime() ||
      (a.direction === b.direction ? 0 : a.direction === 'inbound' ? -1 : 1) ||
      (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0),
  )
  const links: ThreadLink[] = []
  for (const [index, inbound] of sorted.entries()) {
    if (inbound.direction !== 'inbound') continue
    const policy = policyAt(inbound.createdAt)
    const override = overrides.get(inbound.id)
    const reply = firstCountingReply(sorted, index, policy)
    const response = chooseResponse(reply, override)
    const needsReply = override
      ? override.action !== 'no_reply_needed'
      : (inbound.needsReply ?? true)
    const noReplyReason =
      override?.action === 'no_reply_needed'
        ? `marked "no reply needed" by ${override.actor} at ${override.createdAt.toISOString()}${override.note ? `: ${override.note}` : ''}`
        : `triage: no reply needed${inbound.category ? ` (${inbound.category})` : ''}`
    const evaluation = evaluateSla(
      {
        createdAt: inbound.createdAt,
        platform: inbound.platform,
        kind: inbound.kind,
        category: inbound.category,
        needsReply,
        noReplyReason,
        deletedAt: inbound.deletedAt,
      },
      response,
      policy,
    )
    if (override?.action === 'needs_reply')
      evaluation.explanation.notes.push(`marked "needs reply" by ${override.actor}`)
    links.push({ inboundId: inbound.id, evaluation })
  }
  return links
}

function firstCountingReply(
  sorted: readonly LinkableMention[],
  inboundIndex: number,
  policy: SlaPolicy,
): LinkableMention | null {
  const patterns = compileUserPatterns(policy.promise.autoReplyPatterns)
  for (let i = inboundIndex + 1; i < sorted.length; i++) {
    const m = sorted[i]!
    if (m.direction !== 'outbound') continue
    const auto = m.isAutoReply || patterns.some((p) => p.test(m.text))
    if (auto && !policy.promise.countAutoReplies) continue
    return m
  }
  return null
}

function chooseResponse(
  reply: LinkableMention | null,
  override: LinkOverride | undefined,
): SlaResponse | null {
  const manual =
    override?.action === 'handled_elsewhere'
      ? {
          at: override.handledAt ?? override.createdAt,
          source: 'manual' as const,
          notes: [
            `handled elsewhere, recorded by ${override.actor} at ${override.createdAt.toISOString()}${override.note ? `: ${override.note}` : ''}`,
          ],
        }
      : null
  const viaReply = reply
    ? {
        at: reply.createdAt,
        source: 'reply' as const,
        outboundId: reply.id,
        outboundExternalId: reply.externalId,
        notes: reply.deletedAt
          ? [
              `the reply was deleted at ${reply.deletedAt.toISOString()}; it still counts (the patient saw it)`,
            ]
          : [],
      }
    : null
  if (manual && viaReply) return manual.at.getTime() < viaReply.at.getTime() ? manual : viaReply
  return manual ?? viaReply
}
