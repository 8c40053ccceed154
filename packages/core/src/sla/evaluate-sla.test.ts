import { describe, expect, it } from 'vitest'
import { createBusinessCalendar } from '../calendar/create-business-calendar.js'
import { promiseSpecSchema } from '../promise/promise-spec.js'
import { evaluateSla, type SlaPolicy, type SlaSubject } from './evaluate-sla.js'
import { slaStatusAt } from './sla-status.js'

const weekdays = Object.fromEntries(
  ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ start: '08:00', end: '18:00' }]]),
)
const calendar = createBusinessCalendar({
  timeZone: 'Australia/Sydney',
  holidayRegion: 'AU-NSW',
  weekly: weekdays,
})
const policy = (promise: unknown): SlaPolicy => ({
  calendar,
  scheduleVersion: 3,
  promise: promiseSpecSchema.parse(promise),
  promiseVersion: 2,
})
const standard = policy({
  targets: [
    { name: 'Reviews', filter: { platforms: ['google'] }, duration: '2 days', clock: 'calendar' },
    { name: 'Complaints', filter: { categories: ['complaint'] }, duration: '1 business hour' },
    { filter: { kinds: ['comment', 'message'] }, duration: '2 business hours' },
  ],
})
const subject = (over: Partial<SlaSubject> = {}): SlaSubject => ({
  createdAt: new Date('2026-11-20T06:45:00Z'), // Friday 17:45 AEDT
  platform: 'facebook',
  kind: 'comment',
  category: 'question',
  needsReply: true,
  deletedAt: null,
  ...over,
})

describe('evaluateSla', () => {
  it('starts the clock at the next opening for a message written while closed', () => {
    // Saturday 10:00 AEDT → clock starts Monday 08:00 (Sunday 21:00Z); 2 business hours → Monday 10:00.
    const e = evaluateSla(subject({ createdAt: new Date('2026-11-20T23:00:00Z') }), null, standard)
    expect(e.clockStartedAt?.toISOString()).toBe('2026-11-22T21:00:00.000Z')
    expect(e.dueAt?.toISOString()).toBe('2026-11-22T23:00:00.000Z')
    // At risk in the last quarter: after 1h30 of business time → Monday 09:30.
    expect(e.atRiskAt?.toISOString()).toBe('2026-11-22T22:30:00.000Z')
    expect(e.explanation.clockStart).toMatch(/while closed; the clock starts at the next opening/)
    expect(e.explanation.schedule).toBe('schedule version 3 (Australia/Sydney)')
    expect(e.explanation.promise).toBe('promise version 2')
  })

  it('gives zero business time to an answer before the practice opens', () => {
    // Saturday 10:00 → answered Sunday 12:00: 26 wall hours, no business time, met.
    const e = evaluateSla(
      subject({ createdAt: new Date('2026-11-20T23:00:00Z') }),
      { at: new Date('2026-11-22T01:00:00Z'), source: 'reply', outboundId: 'r1' },
      standard,
    )
    expect(e).toMatchObject({ outcome: 'met', businessMs: 0, wallMs: 26 * 3_600_000 })
    expect(e.explanation.notes).toContain(
      'answered before the practice opened: business response time is zero',
    )
  })

  it('applies the first matching target in order, on its own clock', () => {
    const review = evaluateSla(
      subject({ platform: 'google', kind: 'review', category: 'complaint' }),
      null,
      standard,
    )
    expect(review).toMatchObject({ targetIndex: 0, targetName: 'Reviews', clock: 'calendar' })
    expect(review.dueAt?.toISOString()).toBe('2026-11-22T06:45:00.000Z') // two calendar days
    const complaint = evaluateSla(subject({ category: 'complaint' }), null, standard)
    expect(complaint).toMatchObject({ targetIndex: 1, clock: 'business' })
    // Friday 17:45: 15 min Friday + 45 min Monday → Monday 08:45 AEDT.
    expect(complaint.dueAt?.toISOString()).toBe('2026-11-22T21:45:00.000Z')
  })

  it('is exempt when no reply is needed, no target applies, or the author deleted it first', () => {
    expect(
      evaluateSla(subject({ needsReply: false, noReplyReason: 'triage: chatter' }), null, standard)
        .exemptReason,
    ).toBe('triage: chatter')
    expect(evaluateSla(subject({ kind: 'mention' }), null, standard).exemptReason).toBe(
      'no target of the promise applies to this mention',
    )
    const deleted = evaluateSla(
      subject({ deletedAt: new Date('2026-11-20T07:00:00Z') }),
      null,
      standard,
    )
    expect(deleted.exemptReason).toMatch(/^deleted by its author/)
    // Deleted after it was answered: it still counts.
    const answered = evaluateSla(
      subject({ deletedAt: new Date('2026-11-22T22:00:00Z') }),
      { at: new Date('2026-11-22T21:30:00Z'), source: 'reply' },
      standard,
    )
    expect(answered).toMatchObject({ exemptReason: null, outcome: 'met' })
  })

  it('marks an answer after the due time as missed', () => {
    const e = evaluateSla(
      subject(),
      { at: new Date('2026-11-23T00:00:00Z'), source: 'manual' },
      standard,
    )
    expect(e.outcome).toBe('missed')
    expect(e.explanation.clockStop).toMatch(/recorded as handled elsewhere; missed/)
  })

  it('cannot come due on a schedule with no opening hours ahead', () => {
    const closed = createBusinessCalendar({
      timeZone: 'Europe/London',
      weekly: { mon: [{ start: '09:00', end: '17:00' }] },
      closures: [{ from: '2026-01-01', to: '2030-12-31' }],
    })
    const e = evaluateSla(subject(), null, { ...standard, calendar: closed })
    expect(e.exemptReason).toMatch(/no opening hours ahead/)
  })
})

describe('evaluateSla with a business-day target', () => {
  const oneDay = policy({ targets: [{ name: 'Messages', duration: '1 business day' }] })
  const H = 3_600_000

  it('is due at the same local time on the next open day (Friday 17:45 → Monday 17:45)', () => {
    const e = evaluateSla(subject(), null, oneDay)
    // Monday 23 November 2026 17:45 AEDT = 06:45Z; the window holds 15 min + 9 h 45 min open.
    expect(e.dueAt?.toISOString()).toBe('2026-11-23T06:45:00.000Z')
    expect(e.targetMs).toBe(10 * H)
    // At risk after three quarters of that open time (7 h 30 min): Monday 15:15 AEDT.
    expect(e.atRiskAt?.toISOString()).toBe('2026-11-23T04:15:00.000Z')
    expect(e.explanation.target).toBe(
      'target 1 "Messages": 1 business day (the same local time on the next open day)',
    )
  })

  it('is met by a reply at or before the due instant and missed after it', () => {
    const at = (iso: string) => ({ at: new Date(iso), source: 'reply' as const, outboundId: 'r' })
    expect(evaluateSla(subject(), at('2026-11-23T06:45:00Z'), oneDay).outcome).toBe('met')
    expect(evaluateSla(subject(), at('2026-11-23T06:46:00Z'), oneDay).outcome).toBe('missed')
  })

  it('is due at Monday’s close when Monday closes earlier, and a reply after it is missed', () => {
    const early = createBusinessCalendar({
      timeZone: 'Australia/Sydney',
      holidayRegion: 'AU-NSW',
      weekly: { ...weekdays, mon: [{ start: '08:00', end: '17:00' }] },
    })
    const p = { ...oneDay, calendar: early }
    const e = evaluateSla(subject(), null, p)
    expect(e.dueAt?.toISOString()).toBe('2026-11-23T06:00:00.000Z') // Monday 17:00 AEDT
    // Answered at 17:30, after closing: no more open time than the window holds, but late.
    const late = evaluateSla(
      subject(),
      { at: new Date('2026-11-23T06:30:00Z'), source: 'reply', outboundId: 'r' },
      p,
    )
    expect(late).toMatchObject({ outcome: 'missed', businessMs: 9.25 * H, targetMs: 9.25 * H })
  })
})

describe('slaStatusAt', () => {
  const e = evaluateSla(subject({ createdAt: new Date('2026-11-23T00:00:00Z') }), null, standard) // Monday 11:00, due 13:00
  it.each([
    ['2026-11-23T01:00:00Z', 'pending'],
    ['2026-11-23T01:30:00Z', 'at_risk'],
    ['2026-11-23T02:00:00Z', 'breached'],
  ])('is %s → %s for an unanswered mention', (now, status) => {
    expect(slaStatusAt(e, new Date(now))).toBe(status)
  })
})
