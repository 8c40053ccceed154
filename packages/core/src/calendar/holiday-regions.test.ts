import { describe, expect, it } from 'vitest'
import { createBusinessCalendar } from './create-business-calendar.js'
import { isHolidayRegion, listHolidayRegions } from './holiday-regions.js'

describe('listHolidayRegions', () => {
  it('lists countries with their states under them', () => {
    const regions = listHolidayRegions()
    expect(regions.find((r) => r.code === 'AU-NSW')).toEqual({
      code: 'AU-NSW',
      name: 'Australia – New South Wales',
      country: 'AU',
    })
    expect(regions.find((r) => r.code === 'GB')?.name).toBe('United Kingdom')
    expect(new Set(regions.map((r) => r.code)).size).toBe(regions.length)
  })

  it('offers only codes the business calendar accepts', () => {
    for (const code of ['AU-NSW', 'GB-ENG', 'US-CA', 'DE-BY', 'NZ']) {
      expect(isHolidayRegion(code)).toBe(true)
      const calendar = createBusinessCalendar({
        timeZone: 'UTC',
        holidayRegion: code,
        weekly: { mon: [{ start: '09:00', end: '17:00' }] },
      })
      expect(calendar.nextOpening(new Date('2026-12-01T00:00:00Z'))).not.toBeNull()
    }
    expect(isHolidayRegion('XX-YY')).toBe(false)
  })
})
