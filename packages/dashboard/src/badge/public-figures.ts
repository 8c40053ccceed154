/**
 * @module The figures a practice shows the public: its promise and this month's median reply
 * time and share on time, live from the metrics engine. Counts only: no patient data, no
 * channel names, nothing about other practices.
 */

import { getMetrics } from '@earshot/core'
import type { Kysely } from 'kysely'
import { DateTime } from 'luxon'
import type { Database } from '../core.js'
import { currentPromises } from '../data/practice-promises.js'

export interface PublicFigures {
  practiceName: string
  /** The promise in the practice's words ("We reply within 2 business hours"). */
  statement: string
  /** "December 2026", in the practice's time zone. */
  monthLabel: string
  /** Median time to reply this month, in business time (what the promise counts). */
  medianBusinessMs: number | null
  /** Share answered on time of those due (met / (met + missed + breached)). */
  onTimeShare: number | null
  answered: number
}

export async function publicFigures(
  db: Kysely<Database>,
  organisationId: string,
  practiceId: string,
  now: Date,
): Promise<PublicFigures | null> {
  const practice = await db
    .selectFrom('practices')
    .select(['name', 'time_zone'])
    .where('organisation_id', '=', organisationId)
    .where('id', '=', practiceId)
    .executeTakeFirst()
  if (!practice) return null
  const monthStart = DateTime.fromJSDate(now, { zone: practice.time_zone }).startOf('month')
  const [metrics, promises] = await Promise.all([
    getMetrics(db, {
      organisationId,
      practiceIds: [practiceId],
      from: monthStart.toJSDate(),
      to: now,
      now,
      source: 'auto',
    }),
    currentPromises(db, organisationId, [practiceId]),
  ])
  const total = metrics.total
  const statement =
    promises.get(practiceId)?.statement.trim() || 'Our promise: we reply to every message.'
  return {
    practiceName: practice.name,
    statement,
    monthLabel: monthStart.setLocale('en-GB').toFormat('LLLL yyyy'),
    medianBusinessMs: total.medianBusinessMs,
    onTimeShare: total.compliance,
    answered: total.answered,
  }
}
