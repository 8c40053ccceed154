/**
 * @module Writes the generated clinic corpus (`clinic-corpus.jsonl`) and the safety set
 * (`safety.jsonl`) from the paraphrase families. Deterministic: the same families give the same
 * files, so the split is fixed in the repository. Run from packages/core:
 *   node --import tsx eval/corpus/generate.ts
 * Labels follow LABELLING.md; each family goes wholly to `tune` or wholly to `report`.
 */
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { FAMILIES, type Family, SLOTS } from './families.js'
import { SAFETY_FAMILIES } from './safety-families.js'

const here = dirname(fileURLToPath(import.meta.url))
const ROWS_PER_FAMILY = 110

/** A small seeded PRNG (mulberry32): reproducible across Node versions. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const seedOf = (s: string): number => createHash('sha256').update(s).digest().readUInt32BE(0)

/** Expands `{a|b|}` and `{$slot}` with random choices. */
export function expand(template: string, rand: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T
  let out = template
  for (let guard = 0; guard < 20 && out.includes('{'); guard++) {
    out = out.replace(/\{([^{}]*)\}/g, (_, body: string) => {
      const choice = pick(body.split('|'))
      return choice.replace(/\$([a-z]+)/g, (whole, slot: string) => {
        const fill = SLOTS[slot]
        return fill === undefined ? whole : pick(fill)
      })
    })
  }
  return out.replace(/\$([a-z]+)/g, (whole, slot: string) => {
    const fill = SLOTS[slot]
    return fill === undefined ? whole : pick(fill)
  })
}

/** Surface noise patients add: capitals, a greeting, emoji, dropped apostrophes, "u". */
function roughen(text: string, rand: () => number): string {
  let t = text
  const r = rand()
  if (r < 0.3) t = t.charAt(0).toUpperCase() + t.slice(1)
  else if (r < 0.38) t = t.toUpperCase()
  if (rand() < 0.15) t = t.replace(/\byou\b/g, 'u')
  if (rand() < 0.1) t = t.replace(/\bplease\b/g, 'pls')
  if (rand() < 0.1) t = `${t} ${['🙏', '😅', '🤞', '😩', '🙂'][Math.floor(rand() * 5)]}`
  return t.replace(/\s+/g, ' ').trim()
}

type Channel = { platform: string; kind: string; private: boolean }
const PUBLIC: Channel[] = [
  { platform: 'facebook', kind: 'comment', private: false },
  { platform: 'facebook', kind: 'post', private: false },
  { platform: 'instagram', kind: 'comment', private: false },
  { platform: 'x', kind: 'mention', private: false },
  { platform: 'x', kind: 'reply', private: false },
  { platform: 'youtube', kind: 'comment', private: false },
]
const PRIVATE: Channel[] = [
  { platform: 'facebook', kind: 'message', private: true },
  { platform: 'instagram', kind: 'message', private: true },
  { platform: 'webchat', kind: 'message', private: true },
]
const REVIEWS: Channel[] = [
  { platform: 'google', kind: 'review', private: false },
  { platform: 'facebook', kind: 'review', private: false },
]

export interface CorpusRow {
  text: string
  platform: string
  kind: string
  rating?: number
  thread?: Array<{ direction: 'inbound' | 'outbound'; text: string }>
  needsReply: boolean
  category: string
  sentiment: string
  privacy: boolean
  urgent: boolean
  family: string
  split: 'tune' | 'report'
}

const REPLY_CATEGORIES = new Set([
  'question',
  'booking',
  'complaint',
  'clinical',
  'privacy',
  'review',
  'feedback',
])
const PRACTICE_ANSWER = [
  'Hi! Yes, we can help with that, see you then.',
  'Thanks for reaching out, we have sent you the details.',
  'Hi there, your appointment is confirmed for 10am.',
]

/** The labels of one row: LABELLING.md in code. */
function label(
  f: Family,
  ch: Channel,
): Pick<CorpusRow, 'needsReply' | 'category' | 'privacy' | 'urgent'> {
  let category: string
  switch (f.intent) {
    case 'ack':
      category = 'chatter'
      break
    case 'greeting':
      category = 'question'
      break
    case 'urgent':
      category = 'clinical'
      break
    default:
      category = f.intent
  }
  const isGoogleReview = ch.kind === 'review' && ch.platform === 'google'
  if (
    isGoogleReview &&
    (category === 'praise' || category === 'chatter' || category === 'feedback')
  ) {
    category = 'review'
  }
  return {
    needsReply: REPLY_CATEGORIES.has(category),
    category,
    privacy: f.intent === 'privacy' || (f.intent === 'urgent' && !ch.private),
    urgent: f.intent === 'urgent',
  }
}

function channelsOf(f: Family): Channel[] {
  const base =
    f.reach === 'public' ? PUBLIC : f.reach === 'private' ? PRIVATE : [...PUBLIC, ...PRIVATE]
  return f.review !== undefined ? [...base, ...REVIEWS] : base
}

/**
 * The units that are split: families, except that an intent with fewer than three families has
 * each of its families halved by template (`id.a`, `id.b`), so every intent reaches both splits.
 */
export function splitUnits(families: readonly Family[]): Family[] {
  const perIntent = new Map<string, number>()
  // Families with a fixed split are neither counted nor halved: they were added later, and must
  // not change how the first families were split.
  for (const f of families) {
    if (f.split === undefined) perIntent.set(f.intent, (perIntent.get(f.intent) ?? 0) + 1)
  }
  return families.flatMap((f) => {
    if (f.split !== undefined) return [f]
    if ((perIntent.get(f.intent) ?? 0) >= 3 || f.templates.length < 2) return [f]
    return (['a', 'b'] as const).map((half, h) => ({
      ...f,
      id: `${f.id}.${half}`,
      templates: f.templates.filter((_, i) => i % 2 === h),
    }))
  })
}

/**
 * Report split, stratified by intent: within each intent the units are ordered by a hash of
 * their id and every third one (the second, fifth, …) is reported on, the rest tuned on.
 */
export function assignSplits(units: readonly Family[]): Map<string, 'tune' | 'report'> {
  const out = new Map<string, 'tune' | 'report'>()
  for (const u of units) if (u.split !== undefined) out.set(u.id, u.split)
  const intents = [...new Set(units.map((u) => u.intent))]
  for (const intent of intents) {
    const ordered = units
      .filter((u) => u.intent === intent && u.split === undefined)
      .sort((a, b) => seedOf(`split:${a.id}`) - seedOf(`split:${b.id}`))
    for (const [i, u] of ordered.entries()) out.set(u.id, i % 3 === 1 ? 'report' : 'tune')
  }
  return out
}

function generateFamily(f: Family, rows: number, split: 'tune' | 'report'): CorpusRow[] {
  const rand = rng(seedOf(f.id))
  const channels = channelsOf(f)
  const seen = new Set<string>()
  const out: CorpusRow[] = []
  for (let i = 0; i < rows * 6 && out.length < rows; i++) {
    const template = f.templates[i % f.templates.length] as string
    const ch = channels[Math.floor(rand() * channels.length)] as Channel
    const text = roughen(expand(template, rand), rand)
    // An acknowledgement only makes sense after an answer; in public the answer is in the thread.
    const answered = f.intent === 'ack'
    const key = `${text}\u0000${ch.platform}\u0000${ch.kind}`
    if (seen.has(key)) continue
    seen.add(key)
    const row: CorpusRow = {
      text,
      platform: ch.platform,
      kind: ch.kind,
      ...(ch.kind === 'review' ? { rating: f.review ?? 5 } : {}),
      ...(answered
        ? {
            thread: [
              { direction: 'inbound' as const, text: 'hi, can i book for tomorrow' },
              { direction: 'outbound' as const, text: PRACTICE_ANSWER[i % 3] as string },
            ],
          }
        : {}),
      ...label(f, ch),
      sentiment:
        f.sentimentIf !== undefined && new RegExp(f.sentimentIf.pattern, 'i').test(text)
          ? f.sentimentIf.sentiment
          : f.sentiment,
      family: f.id,
      split,
    }
    out.push(row)
  }
  return out
}

function write(file: string, rows: CorpusRow[]): void {
  writeFileSync(resolve(here, file), `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`)
}

const isMain =
  process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)
if (isMain) {
  const units = splitUnits(FAMILIES)
  const splits = assignSplits(units)
  const corpus = units.flatMap((u) =>
    generateFamily(
      u,
      u.id.includes('.') ? ROWS_PER_FAMILY / 2 : ROWS_PER_FAMILY,
      splits.get(u.id) ?? 'tune',
    ),
  )
  write('clinic-corpus.jsonl', corpus)
  // Every safety family appears in every channel: public, private and reviews.
  const safety = SAFETY_FAMILIES.flatMap((f) => generateFamily(f, 60, 'report'))
  write('safety.jsonl', safety)
  const bySplit = (s: string) => corpus.filter((r) => r.split === s).length
  console.log(
    `clinic-corpus.jsonl: ${corpus.length} rows, ${units.length} families (tune ${bySplit('tune')}, report ${bySplit('report')}); safety.jsonl: ${safety.length} rows`,
  )
}
