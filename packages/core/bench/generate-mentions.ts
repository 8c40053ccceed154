/**
 * @module Realistic generated mentions for benchmarks: threads of patient comments with the
 * practice's replies after human-like delays, spread over business days. Seeded, so every run
 * ingests the same rows.
 */
import type { MentionInput } from '../src/model/mention-input.js'

const QUESTIONS = [
  'do you bulk bill on saturdays',
  'Hi, can I book in with Dr Patel this week? My son has had a cough for days',
  'how much is a standard consult without medicare',
  'Waited 90 minutes past my appointment time today. Not happy.',
  'anyone know if they take new patients',
  'Thank you to the lovely nurse who did my bloods this morning, painless!',
  'what time do you close on friday?',
  'Is the flu vaccine available for kids under 5?',
  '@jess this is the clinic I was telling you about',
  'My results from last week still haven’t come through, who do I call',
  'Rude receptionist again. Third time this month.',
  'Can I get a repeat script without coming in',
]
const REPLIES = [
  'Hi there, thanks for reaching out! Please call us on 02 9000 0000 and our team will help.',
  'Thanks for your message, we have sent you a private message.',
  'Hi! Yes we do, see you soon.',
  'We are sorry to hear this. Please contact our practice manager so we can look into it.',
]

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** About `count` mentions over `days` days before `end`, on the given channels. */
export function generateMentions(
  channelIds: readonly string[],
  count: number,
  options: { seed?: number; days?: number; end?: Date; pageId?: string } = {},
): MentionInput[] {
  const random = prng(options.seed ?? 42)
  const end = (options.end ?? new Date('2026-11-20T00:00:00Z')).getTime()
  const span = (options.days ?? 90) * 86_400_000
  const out: MentionInput[] = []
  let thread = 0
  while (out.length < count) {
    thread++
    const channelId = channelIds[thread % channelIds.length]!
    const start = end - Math.floor(random() * span)
    const root = `t${thread}`
    const text = QUESTIONS[Math.floor(random() * QUESTIONS.length)]!
    out.push({
      channelId,
      externalId: root,
      kind: 'comment',
      threadKey: root,
      author: { id: `u${Math.floor(random() * 5000)}`, name: 'Patient' },
      text,
      createdAt: new Date(start),
      permalink: `https://www.facebook.com/${root}`,
    })
    let at = start
    if (random() < 0.3 && out.length < count) {
      at += Math.floor(random() * 3_600_000)
      out.push({
        channelId,
        externalId: `${root}-f`,
        kind: 'reply',
        threadKey: root,
        parentExternalId: root,
        author: { id: `u${Math.floor(random() * 5000)}`, name: 'Patient' },
        text: 'hello?? anyone',
        createdAt: new Date(at),
      })
    }
    if (random() < 0.7 && out.length < count) {
      at += Math.floor(random() * 20 * 3_600_000)
      out.push({
        channelId,
        externalId: `${root}-r`,
        kind: 'reply',
        threadKey: root,
        parentExternalId: root,
        author: { id: options.pageId ?? 'page', name: 'The Practice' },
        text: REPLIES[Math.floor(random() * REPLIES.length)]!,
        createdAt: new Date(at),
      })
    }
  }
  return out
}
