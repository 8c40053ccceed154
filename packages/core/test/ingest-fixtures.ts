/**
 * @module Fixtures for ingestion tests: an organisation with a Sydney practice (Mon–Fri
 * 08:00–18:00, AU-NSW holidays, "2 business hours") and one Facebook channel whose page id is
 * `page-1`, so anything written by `page-1` is the practice's own (outbound).
 */
import type { Kysely } from 'kysely'
import type { Enricher } from '../src/enrich/enricher.js'
import type { PromiseSpec } from '../src/promise/promise-spec.js'
import { createChannel } from '../src/repositories/channels.js'
import { createPractice } from '../src/repositories/organisations.js'
import type { Database } from '../src/storage/database.js'
import { freshOrganisation } from './databases.js'

export const SYDNEY_WEEKDAYS = {
  timeZone: 'Australia/Sydney',
  holidayRegion: 'AU-NSW',
  weekly: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ start: '08:00', end: '18:00' }]]),
  ),
}

export async function sydneyPractice(
  db: Kysely<Database>,
  promise: PromiseSpec = {
    targets: [{ duration: '2 business hours' }],
    goal: 0.95,
    statement: 'We reply within 2 business hours',
  },
) {
  const org = await freshOrganisation(db)
  const practice = await createPractice(db, {
    organisationId: org.id,
    name: 'Harbour GP',
    schedule: SYDNEY_WEEKDAYS,
    promise,
  })
  const channel = await createChannel(db, {
    organisationId: org.id,
    practiceId: practice.id,
    platform: 'facebook',
    externalAccountId: 'page-1',
    name: 'Harbour GP on Facebook',
  })
  return { org, practice, channel }
}

/**
 * A transparent enricher for linking tests: "?" or "please" needs a reply, anything else does
 * not, so tests control needs-reply through the text alone.
 */
export const keywordEnricher: Enricher = {
  name: 'test-keywords',
  version: '1',
  enrich: (inputs) =>
    inputs.map((i) => {
      const needsReply = i.direction === 'inbound' && /\?|please/i.test(i.text)
      return {
        needsReply,
        category: needsReply ? 'question' : 'chatter',
        reasons: [needsReply ? 'has ? or please' : 'no question'],
        sentiment: { score: 0, label: 'neutral', confidence: 0.5 },
      }
    }),
}

/** A comment by a patient (inbound) or by the page (outbound) in thread `thread`. */
export function comment(
  channelId: string,
  externalId: string,
  at: string,
  text: string,
  options: { thread?: string; byPage?: boolean; editedAt?: string; isAutoReply?: boolean } = {},
) {
  return {
    channelId,
    externalId,
    kind:
      options.thread && options.thread !== externalId ? ('reply' as const) : ('comment' as const),
    threadKey: options.thread ?? externalId,
    ...(options.thread && options.thread !== externalId
      ? { parentExternalId: options.thread }
      : {}),
    author: options.byPage
      ? { id: 'page-1', name: 'Harbour GP' }
      : { id: `user-${externalId}`, name: 'Sam Patient' },
    text,
    createdAt: at,
    ...(options.editedAt ? { editedAt: options.editedAt } : {}),
    ...(options.isAutoReply ? { isAutoReply: true } : {}),
  }
}

/** Every response link of an organisation, addressed by external ids, in inbound order. */
export function linkRows(db: Kysely<Database>, organisationId: string) {
  return db
    .selectFrom('response_links as l')
    .innerJoin('mentions as i', (j) =>
      j.onRef('i.organisation_id', '=', 'l.organisation_id').onRef('i.id', '=', 'l.inbound_id'),
    )
    .leftJoin('mentions as o', (j) =>
      j.onRef('o.organisation_id', '=', 'l.organisation_id').onRef('o.id', '=', 'l.outbound_id'),
    )
    .select([
      'i.external_id as inbound',
      'o.external_id as outbound',
      'l.outcome',
      'l.exempt_reason',
      'l.needs_reply',
      'l.due_at',
      'l.at_risk_at',
      'l.business_ms',
      'l.wall_ms',
      'l.response_source',
      'l.explanation',
      'l.clock_started_at',
    ])
    .where('l.organisation_id', '=', organisationId)
    .orderBy('i.external_id')
    .execute()
}
