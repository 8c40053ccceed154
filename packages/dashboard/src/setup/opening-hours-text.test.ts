import { describe, expect, it } from 'vitest'
import { formatOpeningHours, parseOpeningHours } from './opening-hours-text.js'

describe('opening hours typed as text', () => {
  it('reads day ranges, lists and split days, and shows them back grouped', () => {
    const weekly = parseOpeningHours('mon-fri 08:00-18:00; sat 9:00-12:00\nwed 19:00-20:00')
    expect(weekly.mon).toEqual([{ start: '08:00', end: '18:00' }])
    expect(weekly.sat).toEqual([{ start: '09:00', end: '12:00' }])
    expect(weekly.wed).toEqual([
      { start: '08:00', end: '18:00' },
      { start: '19:00', end: '20:00' },
    ])
    expect(weekly.sun).toBeUndefined()
    expect(formatOpeningHours(weekly)).toBe(
      'mon-tue 08:00-18:00; wed 08:00-18:00 19:00-20:00; thu-fri 08:00-18:00; sat 09:00-12:00',
    )
    expect(formatOpeningHours(parseOpeningHours('monday,thu 08:00-12:00'))).toBe(
      'mon 08:00-12:00; thu 08:00-12:00',
    )
  })

  it('says what it cannot read', () => {
    expect(() => parseOpeningHours('fri-mon 08:00-18:00')).toThrow(/not a day or a range/)
    expect(() => parseOpeningHours('mon 8-18')).toThrow(/"8-18" is not a time range/)
    expect(() => parseOpeningHours('mon')).toThrow(/add the hours/)
  })
})
