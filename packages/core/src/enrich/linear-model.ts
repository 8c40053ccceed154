/**
 * @module A multinomial linear model over hashed features, loaded from a compact JSON file:
 * per head, the buckets that carry weight (sorted, delta-encoded as LEB128 varints) and their
 * weights quantised to signed bytes, both base64. Loading merges the heads into one table, a bucket → row index plus rows holding every
 * head's weights side by side, so scoring reads one small index entry and one contiguous row per
 * feature (the index fits in the CPU cache; that is most of the speed).
 */
import { z } from 'zod'
import type { FeatureBuffer } from './model-features.js'

const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64')

const HeadSchema = z.object({
  classes: z.array(z.string().min(1)).min(2),
  /** Multiply a stored weight (a signed byte) by this to get the real weight. */
  scale: z.number().positive(),
  /** Buckets with a weight row: gaps from the previous bucket (the first from 0), LEB128. */
  /** Weighted buckets (rows); informative, the decoded buckets are authoritative. */
  rows: z.number().int().nonnegative().optional(),
  buckets: Base64,
  /** `rows × classes.length` signed bytes, row by row. */
  weights: Base64,
})

/** Decodes a head's buckets (absolute) and weights (as stored integers). */
export function decodeHead(head: { buckets: string; weights: string }): {
  buckets: number[]
  weights: Int8Array
} {
  const gaps = Buffer.from(head.buckets, 'base64')
  const buckets: number[] = []
  let bucket = 0
  for (let i = 0; i < gaps.length; ) {
    let gap = 0
    let shift = 0
    let byte: number
    do {
      byte = gaps[i++]!
      gap |= (byte & 0x7f) << shift
      shift += 7
    } while (byte & 0x80 && i < gaps.length)
    bucket += gap
    buckets.push(bucket)
  }
  const bytes = Buffer.from(head.weights, 'base64')
  return { buckets, weights: new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length) }
}

/** Encodes a head for the file (the training script's side of {@link decodeHead}). */
export function encodeHead(buckets: readonly number[], weights: ArrayLike<number>) {
  const gaps: number[] = []
  let last = 0
  for (const b of buckets) {
    let gap = b - last
    last = b
    while (gap >= 0x80) {
      gaps.push((gap & 0x7f) | 0x80)
      gap >>>= 7
    }
    gaps.push(gap)
  }
  return {
    buckets: Buffer.from(gaps).toString('base64'),
    weights: Buffer.from(Int8Array.from(weights).buffer).toString('base64'),
  }
}

export const ModelFileSchema = z.object({
  $comment: z.string().optional(),
  format: z.literal(2),
  /** log2 of the number of hash buckets. */
  bits: z.number().int().min(8).max(20),
  /** How the weights were made, for the docs and the version hash. */
  training: z.record(z.string(), z.union([z.string(), z.number()])),
  heads: z.record(z.string(), HeadSchema),
})
export type ModelFile = z.infer<typeof ModelFileSchema>

/** Where one head's classes sit in the model's score vector. */
export interface LinearHead {
  readonly name: string
  readonly classes: readonly string[]
  readonly offset: number
  readonly width: number
}

/** A loaded model. */
export interface LinearModel {
  readonly bits: number
  readonly mask: number
  head(name: string): LinearHead
  /**
   * Every head's softmax probabilities for the features in `f`, heads side by side (see
   * {@link LinearHead.offset}). The returned buffer is the model's own: read it before the next
   * call.
   */
  probabilities(f: FeatureBuffer): Float64Array
}

// Rows are numbered from 1 in the index so that 0 means "no weights"; 65,535 rows at most.
const MAX_ROWS = 0xffff

/** Validates a weights file and builds the model. Throws naming what is wrong. */
export function loadLinearModel(data: unknown, where = 'triage model'): LinearModel {
  const parsed = ModelFileSchema.safeParse(data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new Error(`${where}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`)
  }
  const file = parsed.data
  const size = 1 << file.bits
  const heads: LinearHead[] = []
  let width = 0
  const absolute = new Map<string, number[]>()
  const stored = new Map<string, Int8Array>()
  for (const [name, head] of Object.entries(file.heads)) {
    const n = head.classes.length
    const { buckets, weights } = decodeHead(head)
    if (weights.length !== buckets.length * n) {
      throw new Error(`${where} head ${name}: weights length does not match buckets × classes`)
    }
    for (const b of buckets) {
      if (b >= size) throw new Error(`${where} head ${name}: bucket ${b} out of range`)
    }
    absolute.set(name, buckets)
    stored.set(name, weights)
    heads.push({ name, classes: head.classes, offset: width, width: n })
    width += n
  }
  const index = new Uint16Array(size)
  let rows = 0
  for (const buckets of absolute.values()) {
    for (const b of buckets) {
      if (index[b] !== 0) continue
      if (++rows > MAX_ROWS) throw new Error(`${where}: more than ${MAX_ROWS} weighted buckets`)
      index[b] = rows
    }
  }
  const weights = new Float32Array((rows + 1) * width)
  for (const h of heads) {
    const scale = file.heads[h.name]!.scale
    const q = stored.get(h.name)!
    const buckets = absolute.get(h.name)!
    for (let r = 0; r < buckets.length; r++) {
      const base = index[buckets[r]!]! * width + h.offset
      for (let k = 0; k < h.width; k++) weights[base + k] = q[r * h.width + k]! * scale
    }
  }
  const scores = new Float64Array(width)
  const byName = new Map(heads.map((h) => [h.name, h]))
  return {
    bits: file.bits,
    mask: size - 1,
    head(name: string): LinearHead {
      const h = byName.get(name)
      if (h === undefined) throw new Error(`${where}: no head ${name}`)
      return h
    },
    probabilities(f: FeatureBuffer): Float64Array {
      scores.fill(0)
      const fb = f.buckets
      const fv = f.values
      for (let i = 0; i < f.length; i++) {
        const row = index[fb[i]!]!
        if (row === 0) continue
        const v = fv[i]!
        const base = row * width
        for (let k = 0; k < width; k++) scores[k]! += weights[base + k]! * v
      }
      for (const h of heads) softmax(scores, h.offset, h.width)
      return scores
    },
  }
}

function softmax(s: Float64Array, from: number, n: number): void {
  let max = Number.NEGATIVE_INFINITY
  for (let k = from; k < from + n; k++) if (s[k]! > max) max = s[k]!
  let sum = 0
  for (let k = from; k < from + n; k++) {
    s[k] = Math.exp(s[k]! - max)
    sum += s[k]!
  }
  for (let k = from; k < from + n; k++) s[k]! /= sum
}
