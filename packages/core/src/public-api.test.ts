/**
 * @module The public API of @earshot/core is what docs/core-api.md documents: every value the
 * package exports is named there (in backticks), and every function the document shows is
 * exported. Internal helpers (SQL fragments, cursors) are not part of it.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as core from './index.js'

const doc = readFileSync(new URL('../../../docs/core-api.md', import.meta.url), 'utf8')
const fences = [...doc.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1]!)
const prose = doc.replace(/```[a-z]*\n[\s\S]*?```/g, '')
const spans = [...prose.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!)
/** Every identifier the document shows as code: in inline code spans and in code blocks. */
const documented = new Set(
  [...fences, ...spans].flatMap((code) =>
    [...code.matchAll(/\b([A-Za-z_][A-Za-z0-9_]*)\b/g)].map((n) => n[1]!),
  ),
)
/** `name(` calls the document shows, in spans and blocks. */
const calls = [...fences, ...spans].flatMap((code) =>
  [...code.matchAll(/(?<![.\w])([a-z][A-Za-z0-9]*)\(/g)].map((m) => m[1]!),
)

describe('the public API of @earshot/core', () => {
  it('exports nothing docs/core-api.md does not document', () => {
    const undocumented = Object.keys(core).filter((name) => !documented.has(name))
    expect(undocumented).toEqual([])
  })

  it('exports every function docs/core-api.md shows in a call', () => {
    const exported = new Set(Object.keys(core))
    // Method calls (`cal.isOpen(t)`) are excluded by the pattern; `import(…)` is syntax and
    // `enrich(inputs)` the method an `Enricher` implements.
    const notExports = new Set(['import', 'enrich'])
    const missing = calls.filter((name) => !exported.has(name) && !notExports.has(name))
    expect([...new Set(missing)]).toEqual([])
  })
})
