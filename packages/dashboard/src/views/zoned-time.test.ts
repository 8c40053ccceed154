import { describe, expect, it } from 'vitest'
import { parseLocalDateTime, toLocalDateTimeInput } from './zoned-time.js'

describe('parseLocalDateTime', () => {
  it.each([
    ['2026-11-20T09:15', 'Australia/Sydney', '2026-11-19T22:15:00.000Z'], // AEDT, UTC+11
    ['2026-06-15T09:15', 'Australia/Sydney', '2026-06-14T23:15:00.000Z'], // AEST, UTC+10
    ['2026-10-04T03:30', 'Australia/Sydney', '2026-10-03T16:30:00.000Z'], // just after the DST jump
    ['2026-04-05T01:30', 'Australia/Sydney', '2026-04-04T14:30:00.000Z'], // before the fall-back hour
    ['2026-07-01T12:00', 'Europe/London', '2026-07-01T11:00:00.000Z'],
    ['2026-01-01T00:00', 'UTC', '2026-01-01T00:00:00.000Z'],
  ])('reads %s in %s as %s', (text, zone, iso) => {
    expect(parseLocalDateTime(text, zone)?.toISOString()).toBe(iso)
  })

  it.each(['yesterday', '2026-11-20', '2026-11-20 09:15', ''])('refuses %s', (text) => {
    expect(parseLocalDateTime(text, 'Australia/Sydney')).toBeUndefined()
  })

  it('round-trips with toLocalDateTimeInput', () => {
    const at = new Date('2026-11-20T03:07:00Z')
    expect(toLocalDateTimeInput(at, 'Australia/Sydney')).toBe('2026-11-20T14:07')
    expect(
      parseLocalDateTime(
        toLocalDateTimeInput(at, 'Australia/Sydney'),
        'Australia/Sydney',
      )?.toISOString(),
    ).toBe(at.toISOString())
  })
})
