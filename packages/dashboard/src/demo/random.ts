/**
 * @module A small seeded pseudo-random generator (mulberry32) with the helpers the demo data
 * needs. Seeded so `earshot demo` builds the same agency on every machine, and tests can pin it.
 */

/** Deterministic random helpers over one seeded stream. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number
  /** True with probability `p`. */
  chance(p: number): boolean
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T
  /** One element, chosen with the given relative weights. */
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T
  /** A Poisson-distributed count with mean `mean` (Knuth's method; fine for small means). */
  poisson(mean: number): number
  /** Log-normal sample with the given median and spread (sigma of the underlying normal). */
  logNormal(median: number, sigma: number): number
  /** A child stream named by `label`, derived from the seed alone: adding draws elsewhere never reshuffles it. */
  fork(label: string): Random
}

/**
 * Creates a random stream from a numeric or text seed.
 *
 * @example
 * const rng = createRandom(42)
 * rng.int(1, 6) // the same roll on every run
 */
export function createRandom(seed: number | string): Random {
  const initial = typeof seed === 'number' ? seed >>> 0 : hashText(seed)
  let state = initial
  const next = (): number => {
    // mulberry32: tiny, fast, and good enough for synthetic data (not for secrets).
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list')
      return items[Math.floor(next() * items.length)]!
    },
    weighted: (items) => {
      const total = items.reduce((sum, [, w]) => sum + w, 0)
      let r = next() * total
      for (const [item, w] of items) {
        r -= w
        if (r < 0) return item
      }
      return items[items.length - 1]![0]
    },
    poisson: (mean) => {
      const limit = Math.exp(-mean)
      let k = 0
      let p = 1
      do {
        k++
        p *= next()
      } while (p > limit)
      return k - 1
    },
    logNormal: (median, sigma) => {
      // Box–Muller; 1 - next() keeps the logarithm away from zero.
      const u = 1 - next()
      const v = next()
      const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
      return median * Math.exp(sigma * z)
    },
    fork: (label) => createRandom(hashText(`${initial}:${label}`)),
  }
  return random
}

/** FNV-1a hash of a text, as an unsigned 32-bit seed. */
function hashText(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}
