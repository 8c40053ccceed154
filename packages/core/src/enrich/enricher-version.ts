/**
 * @module The built-in enricher's version, derived from the content of its knowledge: the triage
 * rules, the sentiment lexicon and the learned model's weights. Any edit to any of the data files changes the version, so stored
 * enrichments made by older knowledge can be found and recomputed.
 */
import { createHash } from 'node:crypto'
import lexiconData from './data/lexicon.json' with { type: 'json' }
import modelData from './data/triage-model.json' with { type: 'json' }
import rulesData from './data/triage-rules.json' with { type: 'json' }

/** Bump when the code that reads the data changes behaviour without the data changing. */
export const ENRICHER_CODE_REVISION = 3

/**
 * A short, stable hash of knowledge parts: `<code revision>.<12 hex digits>`. Key order inside the
 * JSON does not matter; any value change does.
 */
export function contentVersion(parts: readonly unknown[], codeRevision = ENRICHER_CODE_REVISION) {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(canonicalJson(part)).update('\u0000')
  return `${codeRevision}.${hash.digest('hex').slice(0, 12)}`
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

/** The knowledge the built-in enricher's version is derived from, in a fixed order. */
export const DEFAULT_KNOWLEDGE: readonly unknown[] = [rulesData, lexiconData, modelData]
