/**
 * @module Crisis alerts: practices whose last 24 hours of negative (or all) inbound mentions
 * exceed their trailing week by k standard deviations (core's `detectSpikes`), limited to the
 * practices the user may see.
 */
import { detectSpikes, type SpikeResult } from '@earshot/core'
import type { Kysely } from 'kysely'
import type { Database } from '../core.js'
import type { Scope } from './mention-queries.js'

/** Spikes firing now for the practices in scope, negative ones first. */
export async function getSpikeAlerts(
  db: Kysely<Database>,
  scope: Scope,
  now: Date,
  options: { practiceId?: string } = {},
): Promise<SpikeResult[]> {
  if (scope.practiceIds.length === 0) return []
  const allowed = new Set(scope.practiceIds)
  const query = {
    organisationId: scope.organisationId,
    now,
    ...(options.practiceId ? { practiceId: options.practiceId } : {}),
  }
  const [negative, total] = await Promise.all([
    detectSpikes(db, { ...query, kind: 'negative' }),
    detectSpikes(db, { ...query, kind: 'total' }),
  ])
  return [...negative, ...total].filter((s) => s.isSpike && allowed.has(s.practiceId))
}
