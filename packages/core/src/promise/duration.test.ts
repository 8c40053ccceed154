import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isEarshotError } from '../errors.js'
import { formatDuration, parseDuration } from './duration.js'

const M = 60_000
const H = 60 * M
const D = 24 * H

describe('parseDuration', () => {
  it.each([
    ['2 business hours', 2 * H, 'business'],
    ['2 hours', 2 * H, undefined],
    ['90m', 90 * M, undefined],
    ['90 min', 90 * M, undefined],
    ['1h30m', 90 * M, undefined],
    ['1h 30m', 90 * M, undefined],
    ['1 hour and 30 minutes', 90 * M, undefined],
    ['1.5h', 90 * M, undefined],
    ['1d', D, undefined],
    ['2 days', 2 * D, undefined],
    ['2 days, 4 hours', 2 * D + 4 * H, undefined],
    ['45 minutes', 45 * M, undefined],
    ['30s', 30_000, undefined],
    ['250 milliseconds', 250, undefined],
    ['1 millisecond', 1, undefined],
    ['1500ms', 1500, undefined],
    ['2 msecs', 2, undefined],
    ['1 second and 500 milliseconds', 1500, undefined],
    ['2 calendar hours', 2 * H, 'calendar'],
    ['1 business day', D, 'business'],
    ['Business 4H', 4 * H, 'business'],
    ['PT2H', 2 * H, undefined],
    ['pt1h30m', 90 * M, undefined],
    ['P1DT4H', D + 4 * H, undefined],
    ['P1W', 7 * D, undefined],
    ['PT0.5H business', 30 * M, 'business'],
    ['1w', 7 * D, undefined],
    ['  3 HRS  ', 3 * H, undefined],
  ])('reads %j as %d ms (clock %s)', (text, ms, clock) => {
    const parsed = parseDuration(text)
    expect(parsed.ms).toBe(ms)
    expect(parsed.clock).toBe(clock)
  })

  it('reads objects, with an optional clock', () => {
    expect(parseDuration({ hours: 2 })).toEqual({
      ms: 2 * H,
      parts: { weeks: 0, days: 0, timeMs: 2 * H },
    })
    expect(parseDuration({ days: 1, hours: 2, minutes: 3, seconds: 4 })).toEqual({
      ms: D + 2 * H + 3 * M + 4000,
      parts: { weeks: 0, days: 1, timeMs: 2 * H + 3 * M + 4000 },
    })
    expect(parseDuration({ minutes: 30, clock: 'calendar' })).toEqual({
      ms: 30 * M,
      clock: 'calendar',
      parts: { weeks: 0, days: 0, timeMs: 30 * M },
    })
  })

  it.each([
    ['1 business day', { weeks: 0, days: 1, timeMs: 0 }],
    ['2 days, 4 hours', { weeks: 0, days: 2, timeMs: 4 * H }],
    ['P1W', { weeks: 1, days: 0, timeMs: 0 }],
    ['P1DT4H', { weeks: 0, days: 1, timeMs: 4 * H }],
    ['1w 2d', { weeks: 1, days: 2, timeMs: 0 }],
    ['90m', { weeks: 0, days: 0, timeMs: 90 * M }],
  ])('splits %j into weeks, days and the time below a day', (text, parts) => {
    // The business clock counts days as open days, so the split as written must survive.
    expect(parseDuration(text).parts).toEqual(parts)
  })

  it.each([
    ['', /empty|no amount/],
    ['   ', /no amount/],
    ['soon', /cannot read/],
    ['2', /needs a unit/],
    ['2 fortnights', /unknown unit 'fortnights'/],
    ['0h', /longer than zero/],
    ['0 business hours', /longer than zero/],
    ['-2h', /negative/],
    ['366 days', /365 days/],
    ['P1Y', /years and months/],
    ['P1M', /years and months/],
    ['PT', /ISO-8601/],
    ['P2X', /ISO-8601/],
    ['2 business calendar hours', /both the business and the calendar/],
    ['1h 1h', /appears twice/],
    ['business', /no amount/],
  ])('rejects %j with a clear message', (text, message) => {
    let error: unknown
    try {
      parseDuration(text)
    } catch (e) {
      error = e
    }
    expect(isEarshotError(error, 'INVALID_INPUT')).toBe(true)
    expect((error as Error).message).toMatch(message)
  })

  it.each([
    [{}],
    [{ hours: -1 }],
    [{ hours: 0 }],
    [{ weeks: 1 }],
    [{ hours: Number.NaN }],
    [{ days: 400 }],
  ])('rejects the object %j', (input) => {
    expect(() => parseDuration(input as never)).toThrow(/invalid duration/)
  })
})

describe('formatDuration', () => {
  it.each([
    [2 * H, '2h'],
    [90 * M, '1h 30m'],
    [3 * D + 4 * H, '3d 4h'],
    [45 * M, '45m'],
    [30_000, '30s'],
    [0, '0s'],
    [250, '250ms'],
    [-90 * M, '-1h 30m'],
    [D + 5 * M + 1500, '1d 5m 2s'],
  ])('formats %d ms as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })

  it('keeps the largest units when asked, rounding the last one', () => {
    expect(formatDuration(3 * D + 4 * H + 40 * M, { maxUnits: 2 })).toBe('3d 5h')
    expect(formatDuration(2 * H - 400, { maxUnits: 2 })).toBe('2h')
  })

  it('round-trips through parseDuration for whole seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 365 * 24 * 3600 }), (seconds) => {
        expect(parseDuration(formatDuration(seconds * 1000)).ms).toBe(seconds * 1000)
      }),
    )
  })
})
