/**
 * @module Redaction of identifiers at ingest (docs/privacy.md § Redaction): Medicare and NHS
 * numbers, dates of birth and phone numbers in a mention's text and in every string of its
 * platform payload are replaced by a token such as `[NHS number]`. The tokens themselves keep
 * the mention flagged for privacy (see {@link hasRedactionToken}), whatever the enricher makes
 * of the redacted text.
 */
import { IDENTIFIER_CHECKS, IDENTIFIERS, type IdentifierRecord } from './identifier-rules.js'

interface CompiledIdentifier {
  record: IdentifierRecord
  pattern: RegExp
}

const COMPILED: readonly CompiledIdentifier[] = IDENTIFIERS.map((record) => ({
  record,
  pattern: new RegExp(
    `(${record.context ?? ''})(${record.shapes.map((s) => `(?:${s})`).join('|')})`,
    'gi',
  ),
}))

const TOKENS = IDENTIFIERS.map((r) => r.token)
// Cheap test before any pattern runs: no digit, nothing to redact.
const HAS_DIGIT = /\d/

/** The text with every confirmed identifier replaced by its token, and which kinds were found. */
export function redactIdentifiers(text: string): { text: string; found: string[] } {
  if (!HAS_DIGIT.test(text)) return { text, found: [] }
  const found = new Set<string>()
  let out = text
  for (const { record, pattern } of COMPILED) {
    out = out.replace(pattern, (whole, context: string, span: string) => {
      if (!IDENTIFIER_CHECKS[record.check](span)) return whole
      found.add(record.id)
      return `${context}${record.token}`
    })
  }
  return { text: out, found: [...found] }
}

/** Deepest payload nesting walked; anything deeper is replaced whole (it cannot be checked). */
const MAX_DEPTH = 64

/** A copy of a JSON payload with identifiers redacted in every string value. */
export function redactPayload(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactIdentifiers(value).text
  if (value === null || typeof value !== 'object') return value
  if (depth >= MAX_DEPTH) return '[too deep to check]'
  if (Array.isArray(value)) return value.map((v) => redactPayload(v, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) out[k] = redactPayload(v, depth + 1)
  return out
}

/** True when the text carries a redaction token: a patient disclosed an identifier here. */
export function hasRedactionToken(text: string): boolean {
  return text.includes('[') && TOKENS.some((t) => text.includes(t))
}
