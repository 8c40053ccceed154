import { promiseSpecSchema } from '@earshot/core'
import { describe, expect, it } from 'vitest'
import { formatPromiseText, parsePromiseText } from './promise-text.js'

describe('the promise typed as text', () => {
  it('reads a default and a per-kind clause, specific targets first, and the schema accepts it', () => {
    const targets = parsePromiseText('2 business hours, reviews within 1 business day')
    expect(targets).toEqual([
      { filter: { kinds: ['review'] }, duration: '1 business day' },
      { duration: '2 business hours' },
    ])
    expect(promiseSpecSchema.safeParse({ targets }).success).toBe(true)
    expect(formatPromiseText(targets)).toBe('2 business hours, reviews within 1 business day')
  })

  it('reads platforms, several kinds and everyday words (DMs)', () => {
    expect(
      parsePromiseText(
        'DMs and comments within 30 minutes; google reviews within 2 business days; 4 hours',
      ),
    ).toEqual([
      { filter: { kinds: ['message', 'comment'] }, duration: '30 minutes' },
      { filter: { kinds: ['review'], platforms: ['google'] }, duration: '2 business days' },
      { duration: '4 hours' },
    ])
  })

  it('names the clause it cannot read', () => {
    expect(() => parsePromiseText('2 business hours, tweets within 1 day')).toThrow(
      /"tweets" is not a kind/,
    )
    expect(() => parsePromiseText('reviews within soon')).toThrow(/"reviews within soon"/)
    expect(() => parsePromiseText('2 hours, 3 hours')).toThrow(/only one clause may be the default/)
    expect(() => parsePromiseText('  ')).toThrow(/type a promise/)
  })
})
