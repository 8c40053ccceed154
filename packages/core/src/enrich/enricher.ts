/**
 * @module The enricher interface: how sentiment and triage plug into ingestion. The built-in
 * enricher is one implementation; users can plug in their own model behind the same interface.
 */
import type {
  Category,
  Direction,
  MentionKind,
  Platform,
  SentimentLabel,
} from '../model/vocabulary.js'

/** One earlier message of the same thread, oldest first; lets triage see context. */
export interface ThreadContextItem {
  direction: Direction
  text: string
  createdAt: Date
  category?: Category | null
}

/** What an enricher sees of a mention. */
export interface EnrichInput {
  text: string
  platform: Platform
  kind: MentionKind
  direction: Direction
  rating?: number | null
  /** Earlier messages in the same thread (when ingestion knows them), oldest first. */
  thread?: readonly ThreadContextItem[]
}

export interface SentimentResult {
  /** Normalised to [-1, 1]. */
  score: number
  label: SentimentLabel
  /** 0–1: how sure the enricher is of the label. */
  confidence: number
}

/** What an enricher says about a mention. Every field is optional: absent means "no opinion". */
export interface Enrichment {
  sentiment?: SentimentResult
  /** Inbound only: does this mention need a reply from the practice? */
  needsReply?: boolean
  category?: Category
  /** The rules (or model features) that fired, in words a practice manager can read. */
  reasons?: string[]
  /** A patient disclosed health details or identifiers in public: take the reply private. */
  privacy?: boolean
  /** Urgent clinical content: someone should look now. */
  urgent?: boolean
  language?: string
  /** Outbound only: problems with the practice's own reply (e.g. it confirms someone is a patient). */
  lint?: string[]
}

/**
 * Turns mentions into enrichments. `enrich` receives a batch so that model-backed enrichers can
 * batch their calls; it returns one enrichment per input, in order.
 */
export interface Enricher {
  readonly name: string
  /** Bump when the rules change, so stored enrichments can be recomputed. */
  readonly version: string
  enrich(inputs: readonly EnrichInput[]): Enrichment[] | Promise<Enrichment[]>
}
