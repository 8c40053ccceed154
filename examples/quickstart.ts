/**
 * Quickstart: open the embedded database, define a practice with its opening hours and promise,
 * ingest a handful of mentions, and print its SLA report.
 *
 * Run: node --conditions=@earshot/source --import tsx examples/quickstart.ts
 * (in your own project: `npm install @earshot/core`, then `npx tsx quickstart.ts`)
 */
import {
  createChannel,
  createOrganisation,
  createPractice,
  formatDuration,
  getMetrics,
  ingest,
  openDatabase,
  slaStatusAt,
} from '@earshot/core'

// In memory; pass { url: './earshot-data' } to keep it, or { url: 'postgres://…' } for a server.
const { db, close } = await openDatabase()

const org = await createOrganisation(db, { name: 'Harbour Health' })
const weekday = [
  { start: '08:00', end: '12:30' },
  { start: '13:30', end: '18:00' },
] // lunch 12:30–13:30
const practice = await createPractice(db, {
  organisationId: org.id,
  name: 'Harbour GP',
  schedule: {
    timeZone: 'Australia/Sydney',
    holidayRegion: 'AU-NSW',
    weekly: {
      mon: weekday,
      tue: weekday,
      wed: weekday,
      thu: weekday,
      fri: weekday,
      sat: [{ start: '09:00', end: '12:00' }],
    },
  },
  promise: {
    targets: [
      {
        name: 'Urgent and complaints',
        filter: { categories: ['clinical', 'complaint'] },
        duration: '1 business hour',
      },
      { name: 'Reviews', filter: { platforms: ['google'] }, duration: '2 days', clock: 'calendar' },
      { name: 'Everything else', duration: '2 business hours' },
    ],
    goal: 0.95,
    statement: 'We reply to every message within 2 business hours.',
  },
})
const facebook = await createChannel(db, {
  organisationId: org.id,
  practiceId: practice.id,
  platform: 'facebook',
  externalAccountId: 'harbour-gp-page', // messages by the page itself are the practice's replies
  name: 'Harbour GP on Facebook',
})

// Times in UTC; Sydney is UTC+11 in November (daylight saving).
const patient = (id: string) => ({ id, name: `Patient ${id}` })
const page = { id: 'harbour-gp-page', name: 'Harbour GP' }
const result = await ingest(db, [
  // Friday 17:45 local: 15 minutes before closing. Answered Saturday 09:30.
  {
    channelId: facebook.id,
    externalId: 'c1',
    kind: 'comment',
    author: patient('u1'),
    text: 'do u bulk bill on saturdays',
    createdAt: '2026-11-20T06:45:00Z',
  },
  {
    channelId: facebook.id,
    externalId: 'c1-r',
    kind: 'reply',
    threadKey: 'c1',
    parentExternalId: 'c1',
    author: page,
    text: 'Hi! Yes, Saturday mornings are bulk billed.',
    createdAt: '2026-11-20T22:30:00Z',
  },
  // Monday 10:00 local, a complaint: 1 business hour. Answered at 11:30 — missed.
  {
    channelId: facebook.id,
    externalId: 'c2',
    kind: 'comment',
    author: patient('u2'),
    text: 'Waited 2 hours past my appointment and nobody said a word. Not good enough.',
    createdAt: '2026-11-22T23:00:00Z',
  },
  {
    channelId: facebook.id,
    externalId: 'c2-r',
    kind: 'reply',
    threadKey: 'c2',
    parentExternalId: 'c2',
    author: page,
    text: 'We are sorry. Please message us so our practice manager can call you.',
    createdAt: '2026-11-23T00:30:00Z',
  },
  {
    channelId: facebook.id,
    externalId: 'c2-t',
    kind: 'reply',
    threadKey: 'c2',
    parentExternalId: 'c2',
    author: patient('u2'),
    text: 'thanks',
    createdAt: '2026-11-23T00:40:00Z',
  },
  // Monday 16:00 local, unanswered.
  {
    channelId: facebook.id,
    externalId: 'c3',
    kind: 'comment',
    author: patient('u3'),
    text: 'Can I book a flu shot for my 4 year old this week?',
    createdAt: '2026-11-23T05:00:00Z',
  },
  // Chatter: a friend tag needs no reply.
  {
    channelId: facebook.id,
    externalId: 'c4',
    kind: 'comment',
    author: patient('u4'),
    text: '@sarah this is the one near the station',
    createdAt: '2026-11-23T06:00:00Z',
  },
  // Invalid: quarantined with its reason, the rest still lands.
  { channelId: facebook.id, externalId: 'bad', kind: 'comment', text: 'no timestamp' },
])
console.log('ingested:', result)

const now = new Date('2026-11-24T01:00:00Z') // Tuesday 12:00 in Sydney
const links = await db
  .selectFrom('response_links as l')
  .innerJoin('mentions as m', (j) =>
    j.onRef('m.organisation_id', '=', 'l.organisation_id').onRef('m.id', '=', 'l.inbound_id'),
  )
  .select([
    'm.external_id',
    'm.text',
    'm.category',
    'l.exempt_reason',
    'l.outcome',
    'l.due_at',
    'l.at_risk_at',
    'l.business_ms',
    'l.explanation',
  ])
  .where('l.organisation_id', '=', org.id)
  .orderBy('m.created_at')
  .execute()

console.log(`\nSLA report for ${practice.name} at ${now.toISOString()}`)
for (const l of links) {
  const status = slaStatusAt(
    {
      exemptReason: l.exempt_reason,
      outcome: l.outcome as 'met' | 'missed' | null,
      dueAt: l.due_at,
      atRiskAt: l.at_risk_at,
    },
    now,
  )
  const time = l.business_ms === null ? '' : ` in ${formatDuration(l.business_ms)} of business time`
  console.log(
    `- ${l.external_id} [${l.category}] ${status}${time}${l.due_at ? `, due ${new Date(l.due_at).toISOString()}` : ''}`,
  )
  const e = l.explanation as { reason: string; target?: string; clockStart?: string }
  console.log(`    ${e.target ?? e.reason}${e.clockStart ? `; clock ${e.clockStart}` : ''}`)
}

const { total } = await getMetrics(db, {
  organisationId: org.id,
  from: new Date('2026-11-01T00:00:00Z'),
  to: new Date('2026-12-01T00:00:00Z'),
  now,
})
const pct = (x: number | null) => (x === null ? 'n/a' : `${Math.round(x * 100)}%`)
console.log(
  `\nresponse rate ${pct(total.responseRate)}, compliance ${pct(total.compliance)} (goal 95%), open ${total.openCount}, median business response ${total.medianBusinessMs === null ? 'n/a' : formatDuration(total.medianBusinessMs)}`,
)

await close()
