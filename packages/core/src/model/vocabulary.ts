/**
 * @module The fixed vocabularies of Earshot's domain model. Each is an `as const` list with a
 * derived union, so the same list feeds zod schemas, SQL checks and TypeScript types.
 */

/** Platforms a channel can live on. */
export const PLATFORMS = [
  'facebook',
  'instagram',
  'x',
  'google',
  'youtube',
  'rss',
  'webchat',
  'import',
] as const
export type Platform = (typeof PLATFORMS)[number]

/** What kind of message a mention is on its platform. */
export const MENTION_KINDS = ['post', 'comment', 'reply', 'review', 'message', 'mention'] as const
export type MentionKind = (typeof MENTION_KINDS)[number]

/** Inbound: someone else wrote it. Outbound: the practice wrote it. */
export const DIRECTIONS = ['inbound', 'outbound'] as const
export type Direction = (typeof DIRECTIONS)[number]

/** Triage categories. The first seven need a reply; the last three do not. */
export const CATEGORIES = [
  'question',
  'booking',
  'complaint',
  'clinical',
  'privacy',
  'review',
  'feedback',
  'praise',
  'chatter',
  'spam',
] as const
export type Category = (typeof CATEGORIES)[number]

export const SENTIMENT_LABELS = ['negative', 'neutral', 'positive'] as const
export type SentimentLabel = (typeof SENTIMENT_LABELS)[number]

/** SLA status of an inbound mention; see docs/concepts.md for the exact definitions. */
export const SLA_STATUSES = ['exempt', 'pending', 'at_risk', 'breached', 'met', 'missed'] as const
export type SlaStatus = (typeof SLA_STATUSES)[number]

/** Which clock a promise target runs on. */
export const CLOCKS = ['business', 'calendar'] as const
export type Clock = (typeof CLOCKS)[number]

/** What a human can record about an inbound mention. */
export const OVERRIDE_ACTIONS = ['handled_elsewhere', 'no_reply_needed', 'needs_reply'] as const
export type OverrideAction = (typeof OVERRIDE_ACTIONS)[number]

/** Roles of dashboard users. */
export const ROLES = ['agency_admin', 'practice_manager', 'viewer'] as const
export type Role = (typeof ROLES)[number]

/** Health of a channel's collector. */
export const CHANNEL_STATUSES = ['active', 'needs_reauth', 'error', 'paused'] as const
export type ChannelStatus = (typeof CHANNEL_STATUSES)[number]
