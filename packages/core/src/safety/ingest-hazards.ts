/**
 * @module What makes an ingest item unstorable even when its shape is right (issue 13, finding 3):
 * NUL in an identifier, lone UTF-16 surrogates (PostgreSQL's jsonb refuses them, text mangles
 * them), nesting deep enough to overflow a parser's stack, and sheer size. `itemHazard` names
 * the first problem so the item is quarantined with that reason; `storableJson` turns any payload
 * into something the quarantine table can always hold, so quarantining itself cannot fail.
 */

/** Deepest nesting of an item (the item itself is level 1); platform payloads use well under 20. */
export const MAX_ITEM_DEPTH = 32
/** Most characters across an item's strings and keys (a mention's text is at most 100,000). */
export const MAX_ITEM_CHARS = 1_000_000
/** Most values (objects, arrays, scalars) in one item. */
export const MAX_ITEM_VALUES = 50_000

/** Fields that identify or address a mention: a NUL there cannot be stripped without changing identity. */
const IDENTIFIER_PATHS = new Set([
  'channelId',
  'externalId',
  'threadKey',
  'parentExternalId',
  'author.id',
  'author.handle',
  'platform',
  'kind',
  'language',
  'permalink',
])

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** The reason an item cannot be stored, or null when nothing in it is hazardous. */
export function itemHazard(item: unknown): string | null {
  let chars = 0
  let values = 0
  // Iterative walk: a hostile item must not be able to overflow our own stack either.
  const stack: Array<{ value: unknown; path: string; depth: number }> = [
    { value: item, path: '', depth: 1 },
  ]
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!
    if (++values > MAX_ITEM_VALUES) return `item is too large (more than ${MAX_ITEM_VALUES} values)`
    if (typeof value === 'string') {
      chars += value.length
      if (chars > MAX_ITEM_CHARS)
        return `item is too large (more than ${MAX_ITEM_CHARS} characters of text)`
      const problem = stringHazard(value, path)
      if (problem) return problem
      continue
    }
    if (value === null || typeof value !== 'object') continue
    if (depth > MAX_ITEM_DEPTH)
      return `${shortPath(path)} is nested deeper than ${MAX_ITEM_DEPTH} levels`
    if (value instanceof Date) continue
    // Reversed, so the first offending field in document order is the one named.
    for (const [key, child] of Object.entries(value).reverse()) {
      chars += key.length
      const childPath = path ? `${path}.${key}` : key
      if (LONE_SURROGATE.test(key))
        return `a key in ${shortPath(path)} contains a lone surrogate (invalid UTF-16)`
      stack.push({ value: child, path: childPath, depth: depth + 1 })
    }
  }
  return null
}

function stringHazard(value: string, path: string): string | null {
  if (LONE_SURROGATE.test(value))
    return `${shortPath(path)} contains a lone surrogate (invalid UTF-16)`
  if (IDENTIFIER_PATHS.has(path) && value.includes('\u0000'))
    return `${path} contains a NUL character`
  return null
}

/**
 * A JSON value PostgreSQL's jsonb always accepts, made from anything: NUL removed, lone
 * surrogates replaced by U+FFFD, nesting cut at {@link MAX_ITEM_DEPTH}, and a payload over
 * {@link MAX_ITEM_CHARS} characters kept as its head with a note, never dropped silently.
 */
export function storableJson(value: unknown): unknown {
  let budget = MAX_ITEM_CHARS
  let truncated = false
  const seen = new Set<object>()
  const walk = (v: unknown, depth: number): unknown => {
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return null
    if (typeof v === 'bigint') return v.toString()
    if (typeof v === 'number') return Number.isFinite(v) ? v : String(v)
    if (typeof v === 'boolean' || v === null) return v
    if (typeof v === 'string') {
      const kept = v.length > budget ? v.slice(0, Math.max(budget, 0)) : v
      if (kept.length < v.length) truncated = true
      budget -= kept.length
      return storableText(kept)
    }
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? String(v) : v.toISOString()
    if (typeof v !== 'object') return String(v)
    if (depth >= MAX_ITEM_DEPTH) {
      truncated = true
      return `[nested deeper than ${MAX_ITEM_DEPTH} levels]`
    }
    if (seen.has(v)) return '[circular]'
    seen.add(v)
    try {
      if (Buffer.isBuffer(v)) return { buffer: v.subarray(0, 4096).toString('base64') }
      if (Array.isArray(v)) {
        const out: unknown[] = []
        for (const item of v) {
          if (budget <= 0) {
            truncated = true
            break
          }
          budget--
          out.push(walk(item, depth + 1))
        }
        return out
      }
      const out: Record<string, unknown> = {}
      for (const [key, child] of Object.entries(v)) {
        if (budget <= 0) {
          truncated = true
          break
        }
        budget -= key.length + 1
        out[storableText(key)] = walk(child, depth + 1)
      }
      return out
    } finally {
      seen.delete(v)
    }
  }
  const result = walk(value, 0)
  return truncated ? { truncated: true, kept: result } : result
}

// Keys are attacker-chosen too: keep reasons short and free of the hazard itself.
function shortPath(path: string): string {
  if (!path) return 'item'
  const clean = storableText(path)
  return clean.length > 80 ? `${clean.slice(0, 77)}...` : clean
}

/**
 * Text PostgreSQL always stores: NUL removed, lone surrogates replaced by U+FFFD: a payload's
 * strings and keys, and the columns beside a quarantined payload (its channel id and reason come
 * from the same input).
 */
export function storableText(s: string): string {
  return s.replace(/\u0000/g, '').replace(new RegExp(LONE_SURROGATE.source, 'g'), '\ufffd')
}
