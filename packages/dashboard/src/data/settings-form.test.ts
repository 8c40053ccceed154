import { describe, expect, it } from 'vitest'
import {
  formatClosures,
  formatOverrides,
  formatSessions,
  parseSessions,
  promiseFromForm,
  scheduleFromForm,
} from './settings-form.js'

describe('parseSessions', () => {
  it('reads several sessions a day, dashes of every kind, and closed days', () => {
    expect(parseSessions('08:00-12:30, 13:30–18:00', 'mon')).toEqual([
      { start: '08:00', end: '12:30' },
      { start: '13:30', end: '18:00' },
    ])
    expect(parseSessions('8:00 to 9:30', 'tue')).toEqual([{ start: '08:00', end: '09:30' }])
    expect(parseSessions('22:00-02:00', 'fri')).toEqual([{ start: '22:00', end: '02:00' }])
    expect(parseSessions('', 'sun')).toEqual([])
    expect(parseSessions('Closed', 'sun')).toEqual([])
  })

  it('names the day and the text it cannot read', () => {
    expect(() => parseSessions('mornings', 'wed')).toThrow(
      'wed: "mornings" is not a session like 08:00-12:30',
    )
  })
})

describe('scheduleFromForm', () => {
  it('builds the weekly sessions, dated overrides and closures, and round-trips to form text', () => {
    const spec = scheduleFromForm({
      time_zone: ' Australia/Sydney ',
      holiday_region: 'au-nsw',
      weekly_mon: '08:00-12:00, 13:00-17:00',
      overrides: '2026-12-14 08:00-21:00 late clinic\n\n2026-12-18 closed staff day',
      closures: '2026-12-24..2027-01-02 Christmas shutdown\n2026-11-30',
    })
    expect(spec.timeZone).toBe('Australia/Sydney')
    expect(spec.holidayRegion).toBe('AU-NSW')
    expect(spec.weekly?.tue).toEqual([])
    expect(spec.overrides).toEqual([
      { date: '2026-12-14', sessions: [{ start: '08:00', end: '21:00' }], reason: 'late clinic' },
      { date: '2026-12-18', sessions: [], reason: 'staff day' },
    ])
    expect(spec.closures).toEqual([
      { from: '2026-12-24', to: '2027-01-02', reason: 'Christmas shutdown' },
      { from: '2026-11-30', to: '2026-11-30' },
    ])
    expect(formatSessions(spec.weekly?.mon)).toBe('08:00-12:00, 13:00-17:00')
    expect(formatOverrides(spec)).toBe(
      '2026-12-14 08:00-21:00 late clinic\n2026-12-18 closed staff day',
    )
    expect(formatClosures(spec)).toBe(
      '2026-12-24..2027-01-02 Christmas shutdown\n2026-11-30..2026-11-30',
    )
  })

  it('refuses an override line it cannot read', () => {
    expect(() => scheduleFromForm({ time_zone: 'UTC', overrides: 'next tuesday late' })).toThrow(
      'dated override line 1',
    )
  })
})

describe('promiseFromForm', () => {
  it('keeps the filled target rows in order with their filters and clocks', () => {
    const spec = promiseFromForm({
      statement: 'We reply within 2 business hours',
      goal: '95%',
      at_risk: '25',
      target_0_name: 'Urgent',
      target_0_categories: 'clinical, complaint',
      target_0_duration: '1 business hour',
      target_1_duration: '',
      target_2_platforms: 'google',
      target_2_duration: '1 day',
      target_2_clock: 'calendar',
      count_auto_replies: 'on',
    })
    expect(spec.goal).toBeCloseTo(0.95)
    expect(spec.atRiskFraction).toBeCloseTo(0.25)
    expect(spec.countAutoReplies).toBe(true)
    expect(spec.targets).toEqual([
      {
        name: 'Urgent',
        filter: { categories: ['clinical', 'complaint'] },
        duration: '1 business hour',
      },
      { filter: { platforms: ['google'] }, duration: '1 day', clock: 'calendar' },
    ])
  })

  it('refuses a goal that is not a number', () => {
    expect(() => promiseFromForm({ goal: 'lots', target_0_duration: '1h' })).toThrow('goal')
  })
})
