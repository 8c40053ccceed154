/**
 * @module The shape a mention must have to be ingested: what collectors, importers and API
 * clients hand to `ingest()`. Anything from outside passes through {@link mentionInputSchema}.
 */
import { z } from 'zod'
import { DIRECTIONS, MENTION_KINDS, PLATFORMS } from './vocabulary.js'

// No platform predates 1970 or dates a post past 2199; anything outside is a bug or an attack,
// and far-off years break date arithmetic (SLA due times) and PostgreSQL's timestamp range.
const EARLIEST_TIME = Date.UTC(1970, 0, 1)
const LATEST_TIME = Date.UTC(2200, 0, 1)

const timestamp = z
  .union([z.date(), z.iso.datetime({ offset: true }), z.number().int().positive()], {
    error: (issue) =>
      issue.input === undefined
        ? 'required'
        : 'expected an ISO-8601 date-time with offset (e.g. 2026-11-20T06:45:00Z), epoch milliseconds or a Date',
  })
  .transform((v) => (v instanceof Date ? v : new Date(v)))
  .refine((d) => !Number.isNaN(d.getTime()), 'not a valid time')
  .refine(
    (d) => d.getTime() >= EARLIEST_TIME && d.getTime() < LATEST_TIME,
    'out of range: a mention is dated between 1970 and 2199',
  )

/** Who wrote a mention, as the platform names them. */
export const authorSchema = z.object({
  /** The platform's stable id for the author (page-scoped id, user id, channel id …). */
  id: z.string().min(1).max(256).optional(),
  /** Display name. */
  name: z.string().max(512).optional(),
  /** Handle or username, without the `@`. */
  handle: z.string().max(256).optional(),
})
export type AuthorInput = z.infer<typeof authorSchema>

/**
 * A mention as collectors deliver it. Identity is `(channelId, externalId)` (the channel fixes
 * the platform): ingesting the same identity again is an edit, never a duplicate.
 */
export const mentionInputSchema = z.object({
  channelId: z.string().min(1),
  /** Must match the channel's platform when given. */
  platform: z.enum(PLATFORMS).optional(),
  externalId: z.string().min(1).max(512),
  kind: z.enum(MENTION_KINDS),
  /**
   * When absent, core decides: an author whose id or handle is one of the channel's own
   * identities makes the mention outbound; anyone else makes it inbound.
   */
  direction: z.enum(DIRECTIONS).optional(),
  /** The thread it belongs to (a top-level comment and its replies, a DM conversation…). When absent, the parent's thread (docs/concepts.md § Threads when the collector gives no thread key), else its own external id. */
  threadKey: z.string().min(1).max(512).optional(),
  parentExternalId: z.string().min(1).max(512).optional(),
  author: authorSchema.default({}),
  text: z.string().max(100_000).default(''),
  permalink: z.url({ protocol: /^https?$/ }).optional(),
  createdAt: timestamp,
  editedAt: timestamp.optional(),
  deletedAt: timestamp.optional(),
  /** Star rating, for reviews (1–5). */
  rating: z.number().min(1).max(5).optional(),
  /** True for platform instant replies / away messages, which only count when the promise says so. */
  isAutoReply: z.boolean().optional(),
  /** Language tag if the platform supplies one. */
  language: z.string().max(35).optional(),
  /** The platform's payload, kept verbatim for audit and re-parsing. */
  raw: z.unknown().optional(),
})
export type MentionInput = z.input<typeof mentionInputSchema>
export type ParsedMentionInput = z.output<typeof mentionInputSchema>

/**
 * A deletion notice for a mention we may or may not have seen yet (webhooks send these).
 * Recorded as a tombstone so a late delivery of the original cannot resurrect it.
 */
export const mentionDeletionSchema = z.object({
  channelId: z.string().min(1),
  externalId: z.string().min(1).max(512),
  deleted: z.literal(true),
  deletedAt: timestamp,
  kind: z.enum(MENTION_KINDS).optional(),
  threadKey: z.string().min(1).max(512).optional(),
  parentExternalId: z.string().min(1).max(512).optional(),
  raw: z.unknown().optional(),
})
export type MentionDeletion = z.input<typeof mentionDeletionSchema>

/** What `ingest()` accepts: full mentions and deletion notices. */
export type IngestItem = MentionInput | MentionDeletion
