/**
 * @module A multinomial linear model over hashed features, loaded from a compact JSON file:
 * per head, the buckets that carry weight (sorted, delta-encoded) and their weights quantised to
 * integers. Loading builds a bucket → row table so scoring is two typed-array reads per feature.
 */
import { z } from 'zod'
import type { FeatureBuffer } from './model-features.js'

const HeadSchema = z.object({
  classes: z.array(z.string().min(1)).min(2),
  /** Multiply a stored integer weight by this to get the real weight. */
  scale: z.number().positive(),
  /** Buckets with a weight row, as gaps from the previous bucket (the first from 0). */
  buckets: z.array(z.number().int().nonnegative()),
  /** `buckets.length × classes.length` integers, row by row. */
  weights: z.array(z.number().int()),
})

export const ModelFileSchema = z.object({
  $comment: z.string().optional(),
  format: z.literal(1),
  /** log2 of the number of hash buckets. */
  bits: z.number().int().min(10).max(24),
  /** How the weights were made, for the docs and the version hash. */
  training: z.record(z.string(), z.union([z.string(), z.number()])),
  heads: z.record(z.string(), HeadSchema),
})
export type ModelFile = z.infer<typeof ModelFileSchema>

/** One head ready to score. */
export class LinearHead {
  readonly classes: readonly string[]
  readonly width: number
  readonly #rowOf: Int32Array
  readonly #weights: Float32Array
  readonly #scores: Float64Array

  constructor(bits: number, head: z.infer<typeof HeadSchema>, where: string) {
    this.classes = head.classes
    this.width = head.classes.length
    if (head.weights.length !== head.buckets.length * this.width) {
      throw new Error(`${where}: weights length does not match buckets × classes`)
    }
    this.#rowOf = new Int32Array(1 << bits).fill(-1)
    this.#weights = new Float32Array(head.weights.length)
    for (let i = 0; i < head.weights.length; i++) this.#weights[i] = head.weights[i]! * head.scale
    let bucket = 0
    for (let r = 0; r < head.buckets.length; r++) {
      bucket += head.buckets[r]!
      if (bucket >= 1 << bits) throw new Error(`${where}: bucket ${bucket} out of range`)
      this.#rowOf[bucket] = r * this.width
    }
    this.#scores = new Float64Array(this.width)
  }

  /**
   * Softmax probabilities for the features in `f`. Returns a buffer owned by the head: read it
   * before the next call.
   */
  probabilities(f: FeatureBuffer): Float64Array {
    const s = this.#scores
    const w = this.#weights
    const rowOf = this.#rowOf
    const width = this.width
    s.fill(0)
    for (let i = 0; i < f.length; i++) {
      const row = rowOf[f.buckets[i]!]!
      if (row < 0) continue
      const v = f.values[i]!
      for (let k = 0; k < width; k++) s[k]! += w[row + k]! * v
    }
    let max = Number.NEGATIVE_INFINITY
    for (let k = 0; k < width; k++) if (s[k]! > max) max = s[k]!
    let sum = 0
    for (let k = 0; k < width; k++) {
      s[k] = Math.exp(s[k]! - max)
      sum += s[k]!
    }
    for (let k = 0; k < width; k++) s[k]! /= sum
    return s
  }
}

/** A loaded model: its heads by name and the bucket mask its features use. */
export interface LinearModel {
  readonly bits: number
  readonly mask: number
  head(name: string): LinearHead
}

/** Validates a weights file and builds its heads. Throws naming what is wrong. */
export function loadLinearModel(data: unknown, where = 'triage model'): LinearModel {
  const parsed = ModelFileSchema.safeParse(data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new Error(`${where}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`)
  }
  const file = parsed.data
  const heads = new Map<string, LinearHead>()
  for (const [name, head] of Object.entries(file.heads)) {
    heads.set(name, new LinearHead(file.bits, head, `${where} head ${name}`))
  }
  return {
    bits: file.bits,
    mask: (1 << file.bits) - 1,
    head(name: string): LinearHead {
      const h = heads.get(name)
      if (h === undefined) throw new Error(`${where}: no head ${name}`)
      return h
    },
  }
}
