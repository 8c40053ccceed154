import { createBusinessCalendar, evaluateSla, promiseSpecSchema } from '@earshot/core'
import { DateTime } from 'luxon'
import { describe, expect, it } from 'vitest'
import { DEMO_PRACTICES } from './demo-practices.js'

/**
 * What each demo practice's public statement promises, as due times a patient (or a practice
 * manager) would work out from the words: a message at this local time is due at that one.
 * Each row is one claim of the statement.
 */
const PROMISES: Record<
  string,
  {
    statement: string
    due: Array<{ kind: string; category: string; at: string; due: string; why: string }>
  }
> = {
  'demo-bondi-gp': {
    statement:
      'We reply to every message within 2 business hours (urgent ones within 1) and to every review within one business day.',
    due: [
      {
        kind: 'comment',
        category: 'question',
        at: '2026-11-24 10:00',
        due: '2026-11-24 12:00',
        why: 'Tuesday 10:00 + 2 business hours',
      },
      {
        kind: 'message',
        category: 'question',
        at: '2026-11-27 17:30',
        due: '2026-11-28 10:30',
        why: 'Friday 17:30: 30 min on Friday, 1 h 30 min from Saturday 09:00',
      },
      {
        kind: 'comment',
        category: 'complaint',
        at: '2026-11-24 10:00',
        due: '2026-11-24 11:00',
        why: 'urgent: within 1 business hour',
      },
      {
        kind: 'review',
        category: 'review',
        at: '2026-11-24 10:00',
        due: '2026-11-25 10:00',
        why: 'a review on Tuesday 10:00 is due Wednesday 10:00',
      },
    ],
  },
  'demo-camden-dental': {
    statement:
      'We aim to answer every message within 4 working hours, and every review within one working day.',
    due: [
      {
        kind: 'message',
        category: 'booking',
        at: '2026-11-27 16:30',
        due: '2026-11-30 12:00',
        why: 'Friday 16:30: 1 h on Friday, 3 h from Monday 09:00',
      },
      {
        kind: 'review',
        category: 'review',
        at: '2026-11-24 11:00',
        due: '2026-11-25 11:00',
        why: 'Tuesday 11:00 → Wednesday 11:00 (Wednesday opens at 10:00)',
      },
      {
        kind: 'review',
        category: 'review',
        at: '2026-11-27 17:00',
        due: '2026-11-30 17:00',
        why: 'Friday 17:00 → Monday 17:00',
      },
    ],
  },
  'demo-venice-physio': {
    statement: 'We answer every message within 4 business hours.',
    due: [
      {
        kind: 'comment',
        category: 'question',
        at: '2026-11-23 10:00',
        due: '2026-11-23 14:00',
        why: 'Monday 10:00 + 4 business hours',
      },
      {
        kind: 'message',
        category: 'question',
        at: '2026-11-25 17:00',
        due: '2026-11-30 09:00',
        why: 'Wednesday 17:00: 2 h on Wednesday, Thanksgiving and the day after (a California holiday), 2 h from Monday 07:00',
      },
    ],
  },
  'demo-brisbane-skin': {
    statement:
      'Every enquiry gets a personal reply within one business day, and every review within two.',
    due: [
      {
        kind: 'message',
        category: 'question',
        at: '2026-11-24 10:00',
        due: '2026-11-25 10:00',
        why: 'Tuesday 10:00 → Wednesday 10:00',
      },
      {
        kind: 'message',
        category: 'booking',
        at: '2026-11-26 15:00',
        due: '2026-11-27 13:00',
        why: 'Thursday 15:00 → Friday, which closes at 13:00',
      },
      {
        kind: 'comment',
        category: 'question',
        at: '2026-11-27 10:00',
        due: '2026-11-30 10:00',
        why: 'Friday 10:00 → Monday 10:00',
      },
      {
        kind: 'review',
        category: 'review',
        at: '2026-11-23 10:00',
        due: '2026-11-25 10:00',
        why: 'Monday 10:00 + 2 business days',
      },
    ],
  },
}

describe('the demo practices’ promises mean what their statements say', () => {
  it('has a statement check for every demo practice', () => {
    expect(Object.keys(PROMISES).sort()).toEqual(DEMO_PRACTICES.map((p) => p.id).sort())
  })

  for (const practice of DEMO_PRACTICES) {
    const expected = PROMISES[practice.id]
    if (!expected) continue
    it(`${practice.name}: "${expected.statement}"`, () => {
      const promise = promiseSpecSchema.parse(practice.promise)
      const calendar = createBusinessCalendar(practice.schedule)
      const zone = practice.schedule.timeZone
      const local = (reading: string) =>
        DateTime.fromFormat(reading, 'yyyy-MM-dd HH:mm', { zone }).toJSDate()
      for (const row of expected.due) {
        const e = evaluateSla(
          {
            createdAt: local(row.at),
            platform: row.kind === 'review' ? 'google' : 'facebook',
            kind: row.kind,
            category: row.category,
            needsReply: true,
            deletedAt: null,
          },
          null,
          { calendar, scheduleVersion: 1, promise, promiseVersion: 1 },
        )
        const due = e.dueAt && DateTime.fromJSDate(e.dueAt, { zone }).toFormat('yyyy-MM-dd HH:mm')
        expect(due, row.why).toBe(row.due)
      }
      expect(promise.statement).toBe(expected.statement)
    })
  }
})
