/**
 * Core's folders form layers (model → calendar/promise/enrich → sla → repositories → pipeline →
 * collector; metrics beside them): a folder that imports another must never be imported back,
 * directly or around a circle, and neither may two files. Reads the import statements of every
 * source file, so it runs without building anything.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : []
  })
}

/** file (relative to src) → files it imports (relative to src). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8')
    const targets = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) =>
      relative(SRC, resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts'))),
    )
    graph.set(relative(SRC, file), [...new Set(targets)])
  }
  return graph
}

/** Strongly connected components with more than one member (Tarjan). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0
  const indices = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const visit = (v: string) => {
    indices.set(v, index)
    low.set(v, index++)
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!))
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        component.push(w)
      } while (w !== v)
      if (component.length > 1) found.push(component.sort())
    }
  }
  for (const v of graph.keys()) if (!indices.has(v)) visit(v)
  return found
}

/** The folder a file belongs to; files directly in src (errors.ts, index.ts) are their own. */
const folderOf = (file: string) => (file.includes('/') ? file.split('/')[0]! : file)

describe('core module structure', () => {
  const files = importGraph()

  it('finds the imports it checks', () => {
    expect(files.get('pipeline/commit-batch.ts')).toContain('pipeline/ingest.ts')
    expect(files.size).toBeGreaterThan(50)
  })

  it('has no import cycle between files', () => {
    expect(cycles(files)).toEqual([])
  })

  it('has no import cycle between folders', () => {
    const folders = new Map<string, Set<string>>()
    for (const [file, targets] of files) {
      const from = folderOf(file)
      const set = folders.get(from) ?? new Set<string>()
      folders.set(from, set)
      for (const t of targets) if (folderOf(t) !== from) set.add(folderOf(t))
    }
    const graph = new Map([...folders].map(([k, v]) => [k, [...v]]))
    expect(cycles(graph)).toEqual([])
  })

  it('detects a cycle when there is one', () => {
    expect(
      cycles(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
          ['d', ['a']],
        ]),
      ),
    ).toEqual([['a', 'b', 'c']])
  })
})
