import { createBusinessCalendar } from '@earshot/core'
import { describe, expect, it } from 'vitest'
import { DEMO_PRACTICES } from './demo-practices.js'
import { generateDemoData } from './generate-demo-data.js'

const now = new Date('2026-11-25T20:00:00Z')
const DAY = 86_400_000

describe('generateDemoData', () => {
  const data = generateDemoData({ seed: 7, now, scale: 0.5 })

  it('is deterministic: the same seed and clock give the same data, another seed does not', () => {
    const again = generateDemoData({ seed: 7, now, scale: 0.5 })
    expect(again.items).toEqual(data.items)
    const other = generateDemoData({ seed: 8, now, scale: 0.5 })
    expect(other.items.map((i) => i.text)).not.toEqual(data.items.map((i) => i.text))
  })

  it('has an agency with at least three practices in different time zones', () => {
    expect(data.organisation.name).toBe('Harbourside Health Marketing')
    expect(data.practices.length).toBeGreaterThanOrEqual(3)
    const zones = new Set(data.practices.map((p) => p.schedule.timeZone))
    expect(zones.size).toBe(data.practices.length)
    expect([...zones]).toEqual(
      expect.arrayContaining(['Australia/Sydney', 'Europe/London', 'America/Los_Angeles']),
    )
  })

  it('spans the 90 days before now, oldest first, with unique ids per channel', () => {
    const times = data.items.map((i) => (i.createdAt as Date).getTime())
    expect(Math.min(...times)).toBeGreaterThanOrEqual(now.getTime() - 90 * DAY)
    expect(Math.max(...times)).toBeLessThanOrEqual(now.getTime())
    expect(Math.min(...times)).toBeLessThan(now.getTime() - 85 * DAY)
    expect(times).toEqual([...times].sort((a, b) => a - b))
    const keys = data.items.map((i) => `${i.channelId}/${i.externalId}`)
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('covers every platform mix the brief asks for, with star ratings on reviews', () => {
    const kinds = new Set(data.items.map((i) => `${i.platform}:${i.kind}`))
    for (const k of [
      'facebook:comment',
      'facebook:message',
      'instagram:comment',
      'google:review',
      'google:reply',
      'x:mention',
      'webchat:message',
    ]) {
      expect(kinds).toContain(k)
    }
    const reviews = data.items.filter((i) => i.kind === 'review')
    expect(reviews.every((r) => r.rating !== undefined && r.rating >= 1 && r.rating <= 5)).toBe(
      true,
    )
    expect(new Set(reviews.map((r) => r.rating)).size).toBe(5)
  })

  it('gives the dead page almost no own posts and leaves most of its messages unanswered', () => {
    const dead = DEMO_PRACTICES.find((p) => p.behaviour.replyStyle === 'dead')!
    const channels = new Set(dead.channels.map((c) => c.id))
    const own = data.items.filter(
      (i) => channels.has(i.channelId) && i.direction === 'outbound' && i.kind === 'post',
    )
    expect(own.length).toBeLessThanOrEqual(3)
    expect(own.every((p) => (p.createdAt as Date).getTime() < now.getTime() - 60 * DAY)).toBe(true)
    const inbound = data.items.filter(
      (i) => channels.has(i.channelId) && i.direction === 'inbound',
    ).length
    const replies = data.items.filter(
      (i) => channels.has(i.channelId) && i.direction === 'outbound' && i.kind !== 'post',
    ).length
    expect(inbound).toBeGreaterThan(50)
    expect(replies / inbound).toBeLessThan(0.15)
  })

  it('has the fast GP answer in hours and the slow dentist often after closing', () => {
    const shareAfterHours = (practiceId: string) => {
      const practice = DEMO_PRACTICES.find((p) => p.id === practiceId)!
      const calendar = createBusinessCalendar(practice.schedule)
      const channels = new Set(practice.channels.map((c) => c.id))
      const replies = data.items.filter(
        (i) =>
          channels.has(i.channelId) &&
          i.direction === 'outbound' &&
          i.kind !== 'post' &&
          !i.isAutoReply,
      )
      return replies.filter((r) => !calendar.isOpen(r.createdAt as Date)).length / replies.length
    }
    expect(shareAfterHours('demo-bondi-gp')).toBeLessThan(0.1)
    expect(shareAfterHours('demo-camden-dental')).toBeGreaterThan(0.3)
  })

  it('has more inbound traffic on Mondays than on Sundays, and more in the day than at night', () => {
    const sydney = DEMO_PRACTICES[0]!
    const channels = new Set(sydney.channels.map((c) => c.id))
    const local = data.items
      .filter((i) => channels.has(i.channelId) && i.direction === 'inbound')
      .map(
        (i) =>
          new Date(
            (i.createdAt as Date).toLocaleString('en-US', { timeZone: sydney.schedule.timeZone }),
          ),
      )
    const monday = local.filter((d) => d.getDay() === 1).length
    const sunday = local.filter((d) => d.getDay() === 0).length
    expect(monday).toBeGreaterThan(sunday * 2)
    const day = local.filter((d) => d.getHours() >= 8 && d.getHours() < 18).length
    const night = local.filter((d) => d.getHours() < 6).length
    expect(day).toBeGreaterThan(night * 10)
  })

  it('writes texts people write: questions without a question mark, emoji, health details', () => {
    const texts = data.items.filter((i) => i.direction === 'inbound').map((i) => i.text ?? '')
    expect(
      texts.some((t) => /^(hi,? |hello )?(do you|is there|how much)/i.test(t) && !t.includes('?')),
    ).toBe(true)
    expect(texts.some((t) => /\p{Extended_Pictographic}/u.test(t))).toBe(true)
    expect(texts.some((t) => /pregnant|diagnosed|HIV|miscarriage/i.test(t))).toBe(true)
    expect(new Set(texts).size).toBeGreaterThan(texts.length / 4)
  })
})
