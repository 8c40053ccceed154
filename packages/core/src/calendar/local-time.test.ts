import fc from 'fast-check'
import { IANAZone } from 'luxon'
import { describe, expect, it } from 'vitest'
import { MemoisedZoneOffsets } from './local-time.js'

const ZONES = [
  'Australia/Sydney',
  'Australia/Lord_Howe', // 30-minute DST
  'Europe/London',
  'America/New_York',
  'America/Santiago', // transitions at local midnight
  'Africa/Casablanca', // DST suspended for Ramadan: four changes a year
  'Pacific/Apia', // skipped 30 December 2011 entirely
  'Asia/Kolkata',
  'UTC',
]
const FROM = Date.parse('1970-01-01T00:00:00Z')
const TO = Date.parse('2040-01-01T00:00:00Z')

describe('MemoisedZoneOffsets', () => {
  it('answers exactly what the tz database answers, at any instant', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.array(fc.integer({ min: FROM, max: TO }), { minLength: 1, maxLength: 50 }),
        (name, instants) => {
          const zone = IANAZone.create(name)
          const memo = new MemoisedZoneOffsets(zone)
          for (const t of instants) expect(memo.offset(t), `${name} ${t}`).toBe(zone.offset(t))
        },
      ),
      { numRuns: 60 },
    )
  })

  it('is exact to the millisecond on both sides of every transition of a year', () => {
    for (const name of ZONES) {
      const zone = IANAZone.create(name)
      const memo = new MemoisedZoneOffsets(zone)
      for (const year of [2011, 2026]) {
        // Transitions found independently: hourly probes, then bisection.
        for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 3_600_000) {
          if (zone.offset(t) === zone.offset(t + 3_600_000)) continue
          let lo = t
          let hi = t + 3_600_000
          while (hi - lo > 1) {
            const mid = lo + Math.floor((hi - lo) / 2)
            if (zone.offset(mid) === zone.offset(t)) lo = mid
            else hi = mid
          }
          for (const probe of [lo - 1, lo, hi, hi + 1]) {
            expect(memo.offset(probe), `${name} ${new Date(probe).toISOString()}`).toBe(
              zone.offset(probe),
            )
          }
        }
      }
    }
  })
})
