/**
 * @module Table types: the `Database` interface Kysely is parameterised with. Every tenant table
 * carries `organisation_id` in its keys so the schema can be distributed by tenant unchanged.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'
import type { ParsedScheduleSpec } from '../calendar/schedule-spec.js'
import type { ChannelStatus, Clock, Direction, MentionKind, Platform } from '../model/vocabulary.js'

type Timestamp = ColumnType<Date, Date | string, Date | string>
type CreatedAt = ColumnType<Date, Date | string | undefined, never>
type Json<T> = ColumnType<T, string, string>

export interface OrganisationTable {
  id: string
  name: string
  created_at: CreatedAt
}

export interface PracticeTable {
  organisation_id: string
  id: string
  name: string
  /** Short public slug used in URLs and reports. */
  slug: string
  time_zone: string
  holiday_region: string | null
  /** Public phone number, for replies (`{practice_phone}`); null until set. */
  phone: string | null
  /** Public booking page, for replies (`{booking_link}`); null until set. */
  booking_url: string | null
  created_at: CreatedAt
}

/** A schedule version: immutable once written; a new version supersedes it from `effective_from`. */
export interface ScheduleTable {
  organisation_id: string
  practice_id: string
  version: number
  effective_from: Timestamp
  spec: Json<ParsedScheduleSpec>
  created_at: CreatedAt
  created_by: string | null
}

/** A promise version (ordered targets, goal, public statement). */
export interface PromiseTable {
  organisation_id: string
  practice_id: string
  version: number
  effective_from: Timestamp
  spec: Json<unknown>
  created_at: CreatedAt
  created_by: string | null
}

export interface ChannelTable {
  organisation_id: string
  practice_id: string
  id: string
  platform: Platform
  external_account_id: string
  name: string
  own_identities: Json<string[]>
  /** Collector config (no secrets in clear text in logs; tokens live here or in env references). */
  config: Json<Record<string, unknown>>
  checkpoint: Json<unknown> | null
  status: Generated<ChannelStatus>
  poll_interval_seconds: Generated<number>
  next_poll_at: Timestamp | null
  last_success_at: Timestamp | null
  last_error_at: Timestamp | null
  last_error: string | null
  items_collected: Generated<number>
  created_at: CreatedAt
}

export interface MentionTable {
  organisation_id: string
  practice_id: string
  channel_id: string
  id: string
  platform: Platform
  external_id: string
  kind: MentionKind
  direction: Direction
  thread_key: string
  parent_external_id: string | null
  author_id: string | null
  author_name: string | null
  author_handle: string | null
  text: Generated<string>
  permalink: string | null
  created_at: Timestamp
  edited_at: Timestamp | null
  deleted_at: Timestamp | null
  rating: number | null
  is_auto_reply: Generated<boolean>
  /** A deletion notice seen before the mention itself. */
  is_tombstone: Generated<boolean>
  language: string | null
  raw: Json<unknown> | null
  content_hash: string
  sentiment_score: number | null
  sentiment_label: string | null
  sentiment_confidence: number | null
  needs_reply: boolean | null
  category: string | null
  triage_reasons: Json<string[]> | null
  privacy: Generated<boolean>
  urgent: Generated<boolean>
  lint: Json<string[]> | null
  enricher: string | null
  ingested_at: CreatedAt
  updated_at: Timestamp
  /** No thread key was delivered: the thread was inherited from the parent chain (and moves with it). */
  thread_inherited: Generated<boolean>
}

/**
 * One row per inbound mention: the response that answered it (if any) and the SLA evaluation
 * that follows, with the explanation that makes it auditable. Recomputed per thread whenever
 * the thread, its overrides, or the practice's schedule/promise change.
 */
export interface ResponseLinkTable {
  organisation_id: string
  practice_id: string
  channel_id: string
  inbound_id: string
  outbound_id: string | null
  /** 'reply' (an outbound mention), 'manual' (handled elsewhere), or null (unanswered). */
  response_source: 'reply' | 'manual' | null
  responded_at: Timestamp | null
  needs_reply: boolean
  exempt_reason: string | null
  category: string | null
  target_index: number | null
  target_name: string | null
  clock: Clock | null
  target_ms: number | null
  clock_started_at: Timestamp | null
  due_at: Timestamp | null
  at_risk_at: Timestamp | null
  wall_ms: number | null
  business_ms: number | null
  /** 'met' | 'missed' when answered; null otherwise (status then depends on now). */
  outcome: 'met' | 'missed' | null
  schedule_version: number | null
  promise_version: number | null
  explanation: Json<unknown>
  evaluated_at: Timestamp
}

export interface OverrideTable {
  organisation_id: string
  practice_id: string
  id: string
  mention_id: string
  action: string
  /** For handled_elsewhere: when the response was made (e.g. the phone call). */
  handled_at: Timestamp | null
  note: string | null
  actor: string
  created_at: CreatedAt
}

export interface QuarantineTable {
  id: Generated<string>
  organisation_id: string | null
  channel_id: string | null
  source: string
  reason: string
  payload: Json<unknown>
  /** Identifies the same bad item arriving again (migration 900); null on older rows. */
  fingerprint: string | null
  created_at: CreatedAt
}

export interface UserTable {
  organisation_id: string
  id: string
  email: string
  name: string
  password_hash: string
  role: string
  /** For practice managers and viewers: practices they may see (empty = none). */
  practice_ids: Json<string[]>
  created_at: CreatedAt
  /** TOTP secret sealed with the keyring (id of the key and ciphertext); null without 2FA. */
  totp_key_id: string | null
  totp_ciphertext: string | null
  /** Set once the first code was confirmed; a secret without it is an unfinished enrolment. */
  totp_enabled_at: Timestamp | null
  /** The last 30-second step a code was accepted for: a code never works twice. */
  totp_last_step: ColumnType<string | number | null, number | null, number | null>
}

export interface SessionTable {
  id_hash: string
  organisation_id: string
  user_id: string
  csrf_token: string
  expires_at: Timestamp
  created_at: CreatedAt
  /** What lists and revoke forms name the session by (the cookie's secret is never shown). */
  public_id: Generated<string>
  user_agent: string | null
  last_seen_at: Timestamp | null
  /** When the password (and second factor) were last entered: re-authentication. */
  authenticated_at: Timestamp | null
  /** `active`, or `totp` while the second factor is awaited (not signed in). */
  stage: Generated<string>
}

export interface RecoveryCodeTable {
  organisation_id: string
  user_id: string
  code_hash: string
  used_at: Timestamp | null
}

export interface ApiTokenTable {
  organisation_id: string
  id: string
  token_hash: string
  name: string
  user_id: string
  created_at: CreatedAt
  last_used_at: Timestamp | null
  expires_at: Timestamp
  /** Subset of `read`, `write`, `admin` (see the dashboard's api-token-scopes). */
  scopes: Json<string[]>
}

/** One entry of the user-action log (append-only). */
export interface UserActionTable {
  organisation_id: string
  id: string
  user_id: string | null
  practice_id: string | null
  /** What was done, e.g. `reply.sent`, `override.recorded`, `settings.changed`, `user.invited`. */
  action: string
  /** What it was done to, e.g. `mention`, `practice`, `channel`, `user`, `export`. */
  target_type: string
  target_id: string | null
  /** Structured detail (never secrets; patient text only where the action is about it). */
  detail: Json<Record<string, unknown>>
  created_at: Timestamp
}

/** The staff member answering an open mention (one row per mention). */
export interface InboxAssignmentTable {
  organisation_id: string
  mention_id: string
  practice_id: string
  user_id: string
  /** Who assigned it (null from the CLI or the system). */
  assigned_by: string | null
  assigned_at: Timestamp
}

/** A reply sent (or being sent) from Earshot: written before the platform is called. */
export interface ReplyOutboxTable {
  organisation_id: string
  id: string
  practice_id: string
  channel_id: string
  /** The inbound mention answered. */
  mention_id: string
  user_id: string | null
  text: string
  visibility: 'public' | 'private'
  status: 'pending' | 'sent' | 'failed' | 'unknown'
  failure_kind: string | null
  /** In words, for the person who sent it. */
  failure_reason: string | null
  lint_warnings: Json<string[]>
  /** Why the sender sent despite a blocking lint warning. */
  override_reason: string | null
  outbound_external_id: string | null
  outbound_mention_id: string | null
  attempts: number
  created_at: Timestamp
  updated_at: Timestamp
  sent_at: Timestamp | null
}

/** A channel's tokens, sealed with the keyring (see `secrets/`); expiry and scopes in clear. */
export interface ChannelCredentialTable {
  organisation_id: string
  channel_id: string
  key_id: string
  ciphertext: string
  expires_at: Timestamp | null
  scopes: Json<string[]>
  updated_at: Timestamp
}

/** One re-classification of a stored mention by a newer enricher version (audit trail). */
export interface EnrichmentEventTable {
  organisation_id: string
  id: string
  mention_id: string
  at: Timestamp
  from_enricher: string | null
  to_enricher: string
  before: Json<Record<string, unknown>>
  after: Json<Record<string, unknown>>
}

/** An organisation's retention and redaction settings (no row: keep everything, redact nothing). */
export interface PrivacySettingsTable {
  organisation_id: string
  /** Null: keep mentions for ever. */
  mention_retention_months: number | null
  mention_retention_action: Generated<'delete' | 'redact'>
  /** Null: keep platform payloads as long as their mention. */
  raw_retention_months: number | null
  redact_identifiers: Generated<boolean>
  updated_at: Timestamp
}

/** One erasure of a person's data on request (kept; holds no patient data). */
export interface ErasureRecordTable {
  organisation_id: string
  id: string
  requested_by: string | null
  requested_via: 'cli' | 'dashboard'
  platform: string
  author_key_hash: string
  counts: Json<Record<string, number>>
  created_at: Timestamp
}

export interface Database {
  organisations: OrganisationTable
  practices: PracticeTable
  schedules: ScheduleTable
  promises: PromiseTable
  channels: ChannelTable
  mentions: MentionTable
  response_links: ResponseLinkTable
  overrides: OverrideTable
  quarantine: QuarantineTable
  users: UserTable
  sessions: SessionTable
  api_tokens: ApiTokenTable
  recovery_codes: RecoveryCodeTable
  user_actions: UserActionTable
  inbox_assignments: InboxAssignmentTable
  reply_outbox: ReplyOutboxTable
  channel_credentials: ChannelCredentialTable
  enrichment_events: EnrichmentEventTable
  privacy_settings: PrivacySettingsTable
  erasure_records: ErasureRecordTable
}

export type MentionRow = Selectable<MentionTable>
export type NewMention = Insertable<MentionTable>
export type MentionUpdate = Updateable<MentionTable>
export type ChannelRow = Selectable<ChannelTable>
export type PracticeRow = Selectable<PracticeTable>
export type ResponseLinkRow = Selectable<ResponseLinkTable>
export type OverrideRow = Selectable<OverrideTable>
export type QuarantineRow = Selectable<QuarantineTable>
export type UserRow = Selectable<UserTable>
export type UserActionRow = Selectable<UserActionTable>
export type ReplyOutboxRow = Selectable<ReplyOutboxTable>
