/**
 * @module A small, hand-computable world for the metric query tests: one organisation with four
 * practices (one busy in Sydney, one in UTC, one "set up but dead", one with nothing at all),
 * and every figure the tests expect worked out in the comments next to the rows.
 *
 * Period: [2026-11-02T00:00Z, 2026-11-09T00:00Z) — exactly one week, Monday to Monday.
 * Now:    2026-11-10T00:00Z.
 */
import type { Kysely } from 'kysely'
import type { Database } from '../src/storage/database.js'
import { freshOrganisation } from './databases.js'
import { seedChannel, seedMentions, seedPractice } from './seed-mentions.js'

export const FROM = new Date('2026-11-02T00:00:00Z')
export const TO = new Date('2026-11-09T00:00:00Z')
export const NOW = new Date('2026-11-10T00:00:00Z')

const H = 3_600_000
const MIN = 60_000

export interface MetricsWorld {
  organisationId: string
  practices: { alpha: string; bravo: string; charlie: string; delta: string }
  channels: {
    alphaFacebook: string
    alphaInstagram: string
    bravoGoogle: string
    charlieYoutube: string
  }
}

/**
 * Seeds the world into a fresh organisation.
 *
 * Alpha Dental (Australia/Sydney, UTC+11 in November), inbound in the period:
 *   m1 02T01:00Z met    wall 30m  business 10m  question  +0.5 positive   "Do you bulk bill? 100% sure"
 *   m2 02T05:00Z met    wall 2h   business 1h   booking   −0.2 neutral    "=cmd|' /C calc'!A0"
 *   m3 03T00:00Z missed wall 5h   business 4h   complaint −0.8 negative   "Waited 2 hours, rude_staff"
 *   m4 04T00:00Z missed wall 30h  business 9h   complaint −0.6 negative   "rudeXstaff again"
 *   m5 05T00:00Z open, due 05T02:00Z → breached (privacy)  question  no sentiment
 *   m6 06T00:00Z exempt (no reply needed)         chatter   +0.9 positive   "1000 thanks to the team"
 *   m7 08T00:00Z open, due 12T00 at risk 11T00 → pending    booking   0 neutral      (Instagram)
 *   m8 08T13:30Z open, due 10T06 at risk 09T23 → at_risk    question  negative, no score (Instagram;
 *      09 Nov 00:30 local, so it lands in Sydney's 9 November)
 *   m9 01T12:00Z (before the period) met, answered by o9 at 02T02:00Z (inside it)
 *   a tombstone inbound in the period (never counted)
 * Alpha outbound in the period: o1 o2 o3 o4 o9 (replies) and posts p1 03T10:00Z (Facebook),
 *   p2 07T10:00Z (Instagram); p0 2026-10-01 (before). → outbound 7, replies sent 5, posts 2.
 *
 * Bravo Physio (UTC), Google reviews:
 *   r1 04T09:00Z met wall 1h business 1h  review +0.7 positive ; answered by or1 04T10:00Z
 *   r2 08T23:30Z open, due 09T01:00Z → breached (urgent)  review −0.9 negative
 *   d1 2026-11-01 (before) open but deleted by its author → never in the inbox
 *   n1 2026-10-20 (before) open without a due time → last in the inbox
 *
 * Charlie GP: one YouTube post on 2026-08-01, nothing else → 101 days since its last post.
 * Delta Clinic: no channel, no mention.
 */
export async function seedMetricsWorld(db: Kysely<Database>): Promise<MetricsWorld> {
  const org = await freshOrganisation(db, 'Agency A')
  const o = org.id
  const alpha = await seedPractice(db, o, {
    id: 'alpha',
    name: 'Alpha Dental',
    timeZone: 'Australia/Sydney',
  })
  const bravo = await seedPractice(db, o, { id: 'bravo', name: 'Bravo Physio', timeZone: 'UTC' })
  const charlie = await seedPractice(db, o, {
    id: 'charlie',
    name: 'Charlie GP',
    timeZone: 'Europe/London',
  })
  const delta = await seedPractice(db, o, { id: 'delta', name: 'Delta Clinic', timeZone: 'UTC' })
  const alphaFacebook = await seedChannel(db, o, alpha, {
    name: 'Alpha on Facebook',
    platform: 'facebook',
  })
  const alphaInstagram = await seedChannel(db, o, alpha, {
    name: 'Alpha on Instagram',
    platform: 'instagram',
  })
  const bravoGoogle = await seedChannel(db, o, bravo, { name: 'Bravo reviews', platform: 'google' })
  const charlieYoutube = await seedChannel(db, o, charlie, {
    name: 'Charlie on YouTube',
    platform: 'youtube',
  })

  const answered = (
    createdAt: string,
    wallMs: number,
    businessMs: number,
    outcome: 'met' | 'missed',
    outboundId: string,
  ) => {
    const created = new Date(createdAt).getTime()
    return {
      outcome,
      wallMs,
      businessMs,
      outboundId,
      responseSource: 'reply' as const,
      respondedAt: new Date(created + wallMs),
      dueAt: new Date(created + 2 * H),
      atRiskAt: new Date(created + 1.5 * H),
    }
  }

  await seedMentions(db, o, alpha, alphaFacebook, [
    {
      id: 'm1',
      createdAt: '2026-11-02T01:00:00Z',
      category: 'question',
      sentimentScore: 0.5,
      sentimentLabel: 'positive',
      text: 'Do you bulk bill? 100% sure',
      threadKey: 't1',
      authorName: 'Pat',
      permalink: 'https://facebook.example/m1',
      link: answered('2026-11-02T01:00:00Z', 30 * MIN, 10 * MIN, 'met', 'o1'),
    },
    {
      id: 'o1',
      direction: 'outbound',
      kind: 'reply',
      createdAt: '2026-11-02T01:30:00Z',
      threadKey: 't1',
      text: 'Yes we do',
    },
    {
      id: 'm2',
      createdAt: '2026-11-02T05:00:00Z',
      category: 'booking',
      sentimentScore: -0.2,
      sentimentLabel: 'neutral',
      text: "=cmd|' /C calc'!A0",
      threadKey: 't2',
      link: answered('2026-11-02T05:00:00Z', 2 * H, 1 * H, 'met', 'o2'),
    },
    {
      id: 'o2',
      direction: 'outbound',
      kind: 'reply',
      createdAt: '2026-11-02T07:00:00Z',
      threadKey: 't2',
    },
    {
      id: 'm3',
      createdAt: '2026-11-03T00:00:00Z',
      category: 'complaint',
      sentimentScore: -0.8,
      sentimentLabel: 'negative',
      text: 'Waited 2 hours, rude_staff',
      threadKey: 't3',
      link: answered('2026-11-03T00:00:00Z', 5 * H, 4 * H, 'missed', 'o3'),
    },
    {
      id: 'o3',
      direction: 'outbound',
      kind: 'reply',
      createdAt: '2026-11-03T05:00:00Z',
      threadKey: 't3',
    },
    {
      id: 'm4',
      createdAt: '2026-11-04T00:00:00Z',
      category: 'complaint',
      sentimentScore: -0.6,
      sentimentLabel: 'negative',
      text: 'rudeXstaff again',
      threadKey: 't4',
      link: answered('2026-11-04T00:00:00Z', 30 * H, 9 * H, 'missed', 'o4'),
    },
    {
      id: 'o4',
      direction: 'outbound',
      kind: 'reply',
      createdAt: '2026-11-05T06:00:00Z',
      threadKey: 't4',
    },
    {
      id: 'm5',
      createdAt: '2026-11-05T00:00:00Z',
      category: 'question',
      privacy: true,
      text: 'My test results?',
      threadKey: 't5',
      link: { dueAt: '2026-11-05T02:00:00Z', atRiskAt: '2026-11-05T01:30:00Z' },
    },
    {
      id: 'm6',
      createdAt: '2026-11-06T00:00:00Z',
      category: 'chatter',
      sentimentScore: 0.9,
      sentimentLabel: 'positive',
      text: '1000 thanks to the team',
      threadKey: 't6',
      link: { needsReply: false, exemptReason: 'no reply needed' },
    },
    {
      id: 'm9',
      createdAt: '2026-11-01T12:00:00Z',
      category: 'question',
      threadKey: 't9',
      link: answered('2026-11-01T12:00:00Z', 14 * H, 1 * H, 'met', 'o9'),
    },
    {
      id: 'o9',
      direction: 'outbound',
      kind: 'reply',
      createdAt: '2026-11-02T02:00:00Z',
      threadKey: 't9',
    },
    {
      id: 'tomb',
      createdAt: '2026-11-03T03:00:00Z',
      isTombstone: true,
      threadKey: 'tomb',
      link: { dueAt: '2026-11-03T05:00:00Z' },
    },
    {
      id: 'p0',
      direction: 'outbound',
      kind: 'post',
      createdAt: '2026-10-01T00:00:00Z',
      threadKey: 'p0',
    },
    {
      id: 'p1',
      direction: 'outbound',
      kind: 'post',
      createdAt: '2026-11-03T10:00:00Z',
      threadKey: 'p1',
      text: 'Open late on Thursday',
    },
  ])
  await seedMentions(
    db,
    o,
    alpha,
    alphaInstagram,
    [
      {
        id: 'm7',
        createdAt: '2026-11-08T00:00:00Z',
        category: 'booking',
        sentimentScore: 0,
        sentimentLabel: 'neutral',
        threadKey: 't7',
        link: { dueAt: '2026-11-12T00:00:00Z', atRiskAt: '2026-11-11T00:00:00Z' },
      },
      {
        id: 'm8',
        createdAt: '2026-11-08T13:30:00Z',
        category: 'question',
        sentimentLabel: 'negative',
        threadKey: 't8',
        link: { dueAt: '2026-11-10T06:00:00Z', atRiskAt: '2026-11-09T23:00:00Z' },
      },
      {
        id: 'p2',
        direction: 'outbound',
        kind: 'post',
        createdAt: '2026-11-07T10:00:00Z',
        threadKey: 'p2',
      },
    ],
    'instagram',
  )
  await seedMentions(
    db,
    o,
    bravo,
    bravoGoogle,
    [
      {
        id: 'r1',
        kind: 'review',
        createdAt: '2026-11-04T09:00:00Z',
        category: 'review',
        sentimentScore: 0.7,
        sentimentLabel: 'positive',
        threadKey: 'tr1',
        link: answered('2026-11-04T09:00:00Z', 1 * H, 1 * H, 'met', 'or1'),
      },
      {
        id: 'or1',
        direction: 'outbound',
        kind: 'reply',
        createdAt: '2026-11-04T10:00:00Z',
        threadKey: 'tr1',
      },
      {
        id: 'r2',
        kind: 'review',
        createdAt: '2026-11-08T23:30:00Z',
        category: 'review',
        sentimentScore: -0.9,
        sentimentLabel: 'negative',
        urgent: true,
        threadKey: 'tr2',
        text: 'Terrible',
        link: { dueAt: '2026-11-09T01:00:00Z', atRiskAt: '2026-11-09T00:30:00Z' },
      },
      {
        id: 'd1',
        kind: 'review',
        createdAt: '2026-11-01T00:00:00Z',
        category: 'review',
        deletedAt: '2026-11-01T01:00:00Z',
        threadKey: 'td1',
        link: { dueAt: '2026-11-01T02:00:00Z' },
      },
      {
        id: 'n1',
        kind: 'review',
        createdAt: '2026-10-20T00:00:00Z',
        category: 'review',
        threadKey: 'tn1',
        link: {},
      },
    ],
    'google',
  )
  await seedMentions(
    db,
    o,
    charlie,
    charlieYoutube,
    [
      {
        id: 'c1',
        direction: 'outbound',
        kind: 'post',
        createdAt: '2026-08-01T00:00:00Z',
        threadKey: 'c1',
      },
    ],
    'youtube',
  )
  return {
    organisationId: o,
    practices: { alpha, bravo, charlie, delta },
    channels: { alphaFacebook, alphaInstagram, bravoGoogle, charlieYoutube },
  }
}

/**
 * A second tenant whose rows look like the first one's (same mention and practice ids, same
 * period), so any missing organisation filter shows up as wrong counts.
 */
export async function seedOtherTenant(
  db: Kysely<Database>,
): Promise<{ organisationId: string; practiceId: string }> {
  const org = await freshOrganisation(db, 'Agency B')
  const o = org.id
  const practice = await seedPractice(db, o, {
    id: 'alpha',
    name: 'Alpha Dental (other tenant)',
    timeZone: 'UTC',
  })
  const channel = await seedChannel(db, o, practice, { name: 'Other tenant page' })
  await seedMentions(db, o, practice, channel, [
    {
      id: 'm1',
      createdAt: '2026-11-02T01:00:00Z',
      category: 'question',
      sentimentScore: -1,
      sentimentLabel: 'negative',
      text: 'Do you bulk bill? other tenant',
      link: { dueAt: '2026-11-02T03:00:00Z' },
    },
    {
      id: 'm2',
      createdAt: '2026-11-03T01:00:00Z',
      category: 'question',
      link: { dueAt: '2026-11-03T03:00:00Z' },
    },
    { id: 'x1', direction: 'outbound', kind: 'post', createdAt: '2026-11-08T00:00:00Z' },
  ])
  return { organisationId: o, practiceId: practice }
}
