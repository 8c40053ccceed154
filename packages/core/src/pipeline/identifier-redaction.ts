/**
 * @module Where redaction meets the write path: which organisations redact identifiers at
 * ingest, redacting a parsed item before it is merged (so neither its text nor its payload is
 * ever stored in clear), and keeping the privacy flag on a mention whose identifiers were
 * redacted — the enricher only ever sees the tokens.
 */
import type { Kysely } from 'kysely'
import {
  hasRedactionToken,
  redactIdentifiers,
  redactPayload,
} from '../redaction/redact-identifiers.js'
import type { Database } from '../storage/database.js'
import type { MentionState } from './mention-state.js'
import type { ParsedItem } from './normalise.js'

/** The organisations among `organisationIds` that redact identifiers at ingest. */
export async function organisationsRedactingIdentifiers(
  db: Kysely<Database>,
  organisationIds: readonly string[],
): Promise<Set<string>> {
  const unique = [...new Set(organisationIds)]
  if (unique.length === 0) return new Set()
  const rows = await db
    .selectFrom('privacy_settings')
    .select('organisation_id')
    .where('organisation_id', 'in', unique)
    .where('redact_identifiers', '=', true)
    .execute()
  return new Set(rows.map((r) => r.organisation_id))
}

/** Redacts a parsed item's text and payload in place. */
export function redactParsedItem(item: ParsedItem): void {
  if (item.type === 'mention') {
    item.input.text = redactIdentifiers(item.input.text).text
    if (item.input.raw !== undefined) item.input.raw = redactPayload(item.input.raw)
  } else if (item.raw !== undefined) {
    item.raw = redactPayload(item.raw)
  }
}

const KEPT_REASON = 'an identifier was redacted at ingest: take the reply private'

/**
 * The enrichment columns with the privacy flag kept: an inbound public mention whose text
 * carries a redaction token disclosed an identifier in public (triage's identifier rules would
 * have fired on the clear text). Private channels (messages, web chat) are not public, as in
 * triage.
 */
export function keepRedactedPrivacy<T extends Pick<MentionState, 'privacy' | 'triage_reasons'>>(
  m: Pick<MentionState, 'direction' | 'kind' | 'platform' | 'text'>,
  columns: T,
): T {
  if (columns.privacy || m.direction !== 'inbound') return columns
  if (m.kind === 'message' || m.platform === 'webchat' || !hasRedactionToken(m.text)) return columns
  return {
    ...columns,
    privacy: true,
    triage_reasons: [...(columns.triage_reasons ?? []), KEPT_REASON],
  }
}
