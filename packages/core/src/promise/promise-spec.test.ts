import { describe, expect, it } from 'vitest'
import { promiseSpecSchema } from './promise-spec.js'

const H = 3_600_000
const D = 24 * H

const target = (t: Record<string, unknown>) => promiseSpecSchema.parse({ targets: [t] }).targets[0]!

describe('promise targets: business days versus fixed lengths', () => {
  it.each([
    [{ duration: '1 business day' }, 1],
    [{ duration: '2 working days' }, 2],
    // The default clock is business, so a day there is an open day too.
    [{ duration: '1d' }, 1],
    [{ duration: 'P3D' }, 3],
    [{ duration: { days: 2 } }, 2],
    [{ duration: '1 day', clock: 'business' }, 1],
  ])('reads %j as %d business day(s), not 24 open hours each', (t, days) => {
    expect(target(t)).toMatchObject({ clock: 'business', businessDays: days, durationMs: null })
  })

  it.each([
    [{ duration: '2 business hours' }, 2 * H, 'business'],
    [{ duration: '24 hours' }, 24 * H, 'business'],
    [{ duration: '90 minutes' }, 1.5 * H, 'business'],
    [{ duration: '2 days', clock: 'calendar' }, 2 * D, 'calendar'],
    [{ duration: '1 calendar day' }, D, 'calendar'],
    [{ duration: '1w', clock: 'calendar' }, 7 * D, 'calendar'],
    [{ duration: '1 day and 4 hours', clock: 'calendar' }, D + 4 * H, 'calendar'],
  ])('reads %j as a fixed %d ms on the %s clock', (t, ms, clock) => {
    expect(target(t)).toMatchObject({ clock, durationMs: ms, businessDays: null })
  })

  it.each([
    [{ duration: '1.5 business days' }, /whole number of business days/],
    [{ duration: '1 business day and 4 hours' }, /either business days \(.*\) or business hours/],
    [{ duration: { days: 1, hours: 2 } }, /either business days \(.*\) or business hours/],
    [{ duration: '1 business week' }, /write business days/],
    [{ duration: '1w' }, /write business days/],
  ])('rejects %j on the business clock with a message that says why', (t, message) => {
    const result = promiseSpecSchema.safeParse({ targets: [t] })
    expect(result.success).toBe(false)
    expect(result.error?.issues[0]?.message).toMatch(message)
    expect(result.error?.issues[0]?.path).toEqual(['targets', 0, 'duration'])
  })
})
