import { describe, expect, it } from 'vitest'
import {
  formatCountdown,
  formatDuration,
  formatPercent,
  jsonForScript,
  safeHref,
} from './format.js'

describe('safeHref', () => {
  it.each([
    ['https://facebook.com/p/1', 'https://facebook.com/p/1'],
    ['http://example.com/a?b=c', 'http://example.com/a?b=c'],
    ['  https://example.com/x  ', 'https://example.com/x'],
  ])('keeps the web address %s', (input, expected) => {
    expect(safeHref(input)).toBe(expected)
  })

  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    ' javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:x',
    '/relative/path',
    '//evil.example/x',
    'not a url',
    '',
    null,
    undefined,
  ])('refuses %s', (input) => {
    expect(safeHref(input)).toBeUndefined()
  })
})

describe('jsonForScript', () => {
  it('cannot close its script element or open markup', () => {
    const text = jsonForScript({
      label: '</script><script>alert(1)</script>',
      amp: 'a & b',
      sep: '\u2028',
    })
    expect(text).not.toMatch(/[<>&\u2028]/)
    expect(JSON.parse(text)).toEqual({
      label: '</script><script>alert(1)</script>',
      amp: 'a & b',
      sep: '\u2028',
    })
  })
})

describe('formatting', () => {
  it.each([
    [null, '—'],
    [45 * 60_000, '45m'],
    [2 * 3_600_000 + 5 * 60_000, '2h 05m'],
    [50 * 3_600_000, '2d 2h'],
  ])('formats the duration %s as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })

  it('says how long until due, or how long overdue', () => {
    const now = new Date('2026-11-20T03:00:00Z')
    expect(formatCountdown(new Date('2026-11-20T04:30:00Z'), now)).toBe('in 1h 30m')
    expect(formatCountdown(new Date('2026-11-20T01:00:00Z'), now)).toBe('overdue by 2h 00m')
    expect(formatCountdown(null, now)).toBe('no target')
  })

  it('formats rates as percentages', () => {
    expect(formatPercent(0.953)).toBe('95.3%')
    expect(formatPercent(null)).toBe('—')
  })
})
