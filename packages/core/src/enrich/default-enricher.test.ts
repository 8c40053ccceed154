import { describe, expect, it } from 'vitest'
import { CATEGORIES, SENTIMENT_LABELS } from '../model/vocabulary.js'
import { createDefaultEnricher, DEFAULT_ENRICHER_NAME, enrichOne } from './default-enricher.js'
import type { EnrichInput } from './enricher.js'
import { contentVersion, DEFAULT_KNOWLEDGE } from './enricher-version.js'

const inbound = (text: string, extra: Partial<EnrichInput> = {}): EnrichInput => ({
  text,
  platform: 'facebook',
  kind: 'comment',
  direction: 'inbound',
  ...extra,
})

describe('createDefaultEnricher', () => {
  it('names and versions itself so stored enrichments can be recomputed', () => {
    const enricher = createDefaultEnricher()
    expect(enricher.name).toBe(DEFAULT_ENRICHER_NAME)
    expect(enricher.name).toBe('earshot-rules')
    expect(enricher.version).toBe(contentVersion(DEFAULT_KNOWLEDGE))
  })

  it('changes its version when rule, lexicon or model data changes, and only then', () => {
    const [rules, lexicon, model] = DEFAULT_KNOWLEDGE as [
      { rules: { cues: string[] }[] },
      unknown,
      { heads: { category: { scale: number } } },
    ]
    const current = createDefaultEnricher().version
    const edited = structuredClone(rules)
    edited.rules[0]?.cues.push('a new cue')
    const reordered = Object.fromEntries(Object.entries(rules).reverse())
    const retrained = structuredClone(model)
    retrained.heads.category.scale *= 1.01
    expect(contentVersion([edited, lexicon, model])).not.toBe(current)
    expect(contentVersion([reordered, lexicon, model])).toBe(current)
    expect(contentVersion([rules, { entries: [] }, model])).not.toBe(current)
    expect(contentVersion([rules, lexicon, retrained])).not.toBe(current)
  })

  it('returns one enrichment per input, in order, with every field ingestion stores', async () => {
    const enricher = createDefaultEnricher()
    const inputs = [
      inbound('do u bulk bill on saturdays'),
      inbound('@sarah look'),
      inbound('', { platform: 'google', kind: 'review', rating: 5 }),
      inbound('I have crushing chest pain, what should I do', { kind: 'message' }),
    ]
    const out = await enricher.enrich(inputs)
    expect(out).toHaveLength(4)
    expect(out.map((e) => e.category)).toEqual(['question', 'chatter', 'review', 'clinical'])
    expect(out.map((e) => e.needsReply)).toEqual([true, false, true, true])
    expect(out[3]!.urgent).toBe(true)
    for (const e of out) {
      expect(SENTIMENT_LABELS).toContain(e.sentiment!.label)
      expect(CATEGORIES).toContain(e.category!)
      expect(e.reasons!.length).toBeGreaterThan(0)
      expect(typeof e.privacy).toBe('boolean')
      expect(typeof e.urgent).toBe('boolean')
    }
  })

  it('lints public outbound replies and never asks for a reply to them', async () => {
    const [pub, dm] = await createDefaultEnricher().enrich([
      {
        text: 'Hi Jo, we saw you on Tuesday, your results are back',
        platform: 'facebook',
        kind: 'comment',
        direction: 'outbound',
      },
      {
        text: 'Hi Jo, we saw you on Tuesday, your results are back',
        platform: 'facebook',
        kind: 'message',
        direction: 'outbound',
      },
    ])
    expect(pub!.needsReply).toBe(false)
    expect(pub!.lint!.length).toBeGreaterThanOrEqual(2)
    expect(pub!.category).toBeUndefined()
    // In a private message the same words are the right thing to say.
    expect(dm!.lint).toEqual([])
  })

  it('makes a complaint negative even when its words sound positive', async () => {
    const [e] = await createDefaultEnricher().enrich([
      inbound('8am phone scramble again, 47th in the queue. brilliant system', {
        platform: 'x',
        kind: 'mention',
      }),
    ])
    expect(e!.category).toBe('complaint')
    expect(e!.sentiment!.label).toBe('negative')
    expect(e!.sentiment!.score).toBeLessThan(0)
  })

  it('reads urgent symptoms described plainly as neutral and urgent distress as negative', async () => {
    const texts = [
      'my grandad has gone quiet and one side of his mouth is drooping',
      'im 10 weeks along and theres a lot of bright red blood',
      'im terrified, my toddler just swallowed a watch battery',
      'she cant breathe properly after the wasp sting, please help',
      'ive started cutting myself again',
    ]
    for (const mode of ['rules', 'combined'] as const) {
      const out = texts.map((text) => enrichOne(inbound(text, { kind: 'message' }), mode))
      expect(out.map((e) => e.urgent)).toEqual([true, true, true, true, true])
      expect(out.map((e) => e.sentiment!.label)).toEqual([
        'neutral',
        'neutral',
        'negative',
        'negative',
        'negative',
      ])
    }
  })

  it('handles an empty batch', async () => {
    expect(await createDefaultEnricher().enrich([])).toEqual([])
  })
})
