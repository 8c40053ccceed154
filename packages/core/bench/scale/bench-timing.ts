/** @module Timing helpers shared by the `bench:scale` parts: repetitions, median, p95, METRIC lines. */
import { performance } from 'node:perf_hooks'

/** The median (upper middle) of the samples. */
export function mid(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

/** The 95th percentile (nearest rank) of the samples. */
export function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]!
}

/** Milliseconds of `n` runs of `f`, after one unmeasured warm-up run. */
export async function times(n: number, f: (i: number) => Promise<unknown>): Promise<number[]> {
  await f(0)
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    await f(i + 1)
    out.push(performance.now() - t)
  }
  return out
}

/** Prints `METRIC <name> <value>`, the line the benchmark's readers parse. */
export const metric = (name: string, value: number, digits = 1) =>
  console.log(`METRIC ${name} ${value.toFixed(digits)}`)
