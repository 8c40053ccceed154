import { describe, expect, it } from 'vitest'
import { enrichOne } from './default-enricher.js'
import type { EnrichInput } from './enricher.js'
import { decodeHead, encodeHead, loadLinearModel } from './linear-model.js'
import { extractFeatures, FeatureBuffer } from './model-features.js'
import { analyseForModel } from './model-input.js'
import { TRIAGE_MODEL_DATA } from './triage-model.js'

const inbound = (text: string, extra: Partial<EnrichInput> = {}): EnrichInput => ({
  text,
  platform: 'facebook',
  kind: 'comment',
  direction: 'inbound',
  ...extra,
})

const tiny = {
  format: 2,
  bits: 10,
  training: { data: 'test' },
  heads: {
    h: { classes: ['a', 'b'], scale: 0.5, ...encodeHead([3, 5], [2, 0, 0, 4]) },
  },
}

describe('loadLinearModel', () => {
  it('scores from the delta-encoded buckets and quantised weights', () => {
    const model = loadLinearModel(tiny)
    const f = new FeatureBuffer(1023)
    f.push(3) // bucket 3: weights (1, 0)
    expect(model.probabilities(f)[0]).toBeCloseTo(Math.E / (Math.E + 1))
    f.length = 0
    f.push(5) // bucket 3 + 2: weights (0, 2)
    expect(model.probabilities(f)[1]).toBeCloseTo(Math.exp(2) / (Math.exp(2) + 1))
    f.length = 0
    f.push(7) // no weights: even odds
    expect(model.probabilities(f)[0]).toBeCloseTo(0.5)
  })

  it('round-trips buckets (varint gaps, also past one byte) and signed byte weights', () => {
    const buckets = [0, 5, 200, 70_000]
    const weights = [-127, 0, 1, 127]
    const decoded = decodeHead(encodeHead(buckets, weights))
    expect(decoded.buckets).toEqual(buckets)
    expect([...decoded.weights]).toEqual(weights)
  })

  it('refuses a file whose weights do not fit its buckets, naming the head', () => {
    const bad = structuredClone(tiny)
    bad.heads.h = { ...bad.heads.h, ...encodeHead([3, 5], [2, 0, 0]) }
    expect(() => loadLinearModel(bad)).toThrow(/head h: weights length/)
    expect(() => loadLinearModel({ ...tiny, format: 1 })).toThrow(/format/)
    const outside = structuredClone(tiny)
    outside.heads.h = { ...outside.heads.h, ...encodeHead([3, 5000], [2, 0, 0, 4]) }
    expect(() => loadLinearModel(outside)).toThrow(/bucket 5000 out of range/)
  })

  it('loads the shipped weights with a category and a sentiment head side by side', () => {
    const model = loadLinearModel(TRIAGE_MODEL_DATA)
    expect(model.head('category').classes).toContain('booking')
    expect(model.head('sentiment')).toMatchObject({
      classes: ['negative', 'neutral', 'positive'],
      offset: model.head('category').width,
    })
  })

  it('adds the heads of a file into one table: a bucket weighted in one head only scores zero in the other', () => {
    const two = structuredClone(tiny) as typeof tiny & { heads: Record<string, unknown> }
    two.heads.g = { classes: ['x', 'y', 'z'], scale: 1, ...encodeHead([9], [1, 2, 3]) }
    const model = loadLinearModel(two)
    const f = new FeatureBuffer(1023)
    f.push(9)
    const p = model.probabilities(f)
    expect(p[0]).toBeCloseTo(0.5) // head h has no weights at bucket 9
    expect(p[4]! / p[2]!).toBeCloseTo(Math.exp(2))
  })
})

describe('extractFeatures', () => {
  it('is deterministic and marks negated words differently', () => {
    const features = (text: string) => {
      const buf = new FeatureBuffer((1 << 18) - 1)
      extractFeatures(analyseForModel(inbound(text)), buf)
      return [...buf.buckets.slice(0, buf.length)]
    }
    expect(features('the nurse was helpful')).toEqual(features('the nurse was helpful'))
    const plain = new Set(features('helpful'))
    const negated = new Set(features('not helpful'))
    // "helpful" after "not" is a different feature from "helpful" alone.
    expect([...negated].filter((b) => !plain.has(b)).length).toBeGreaterThan(2)
  })
})

describe('the combined enricher', () => {
  it('keeps urgent content and public identifiers as hard overrides', () => {
    const urgent = enrichOne(
      inbound('my toddler just swallowed a button battery', { kind: 'message' }),
    )
    expect(urgent).toMatchObject({ urgent: true, needsReply: true, category: 'clinical' })
    const id = enrichOne(inbound('my medicare number is 2123 45670 1, can you check my file'))
    expect(id).toMatchObject({ privacy: true, needsReply: true, category: 'privacy' })
  })

  it('reports rules-only, model-only and combined verdicts for the same mention', () => {
    const input = inbound('can i get in with dr lee tomorrow arvo')
    for (const mode of ['rules', 'model', 'combined'] as const) {
      const e = enrichOne(input, mode)
      expect(e.needsReply).toBe(true)
      expect(e.reasons!.length).toBeGreaterThan(0)
    }
  })

  it('uses thread context: thanks or 👍 after an answer needs no reply, a private "hi" does', () => {
    const thread = [
      { direction: 'inbound' as const, text: 'are you open saturday', createdAt: new Date(0) },
      { direction: 'outbound' as const, text: 'Yes, 9 to 12!', createdAt: new Date(60_000) },
    ]
    for (const kind of ['comment', 'message'] as const) {
      for (const text of ['thanks!', '👍', 'perfect, thank you']) {
        expect(enrichOne(inbound(text, { kind, thread }))).toMatchObject({ needsReply: false })
      }
    }
    for (const text of ['hi', 'hello?', 'hey there']) {
      expect(enrichOne(inbound(text, { kind: 'message' }))).toMatchObject({ needsReply: true })
    }
  })
})
