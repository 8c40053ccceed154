/**
 * @module Channels: a practice's presence on one platform, with its collector's checkpoint and
 * health. The checkpoint is only ever written together with the mentions of its batch.
 */
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { EarshotError } from '../errors.js'
import {
  CHANNEL_STATUSES,
  type ChannelStatus,
  PLATFORMS,
  type Platform,
} from '../model/vocabulary.js'
import type { ChannelRow, Database } from '../storage/database.js'
import { parseOrThrow } from '../util/parse-or-throw.js'

export const channelInputSchema = z.object({
  organisationId: z.string().min(1),
  practiceId: z.string().min(1),
  id: z.string().min(1).optional(),
  platform: z.enum(PLATFORMS),
  externalAccountId: z.string().min(1).max(512),
  name: z.string().min(1).max(200),
  /** Author ids/handles whose messages are the practice's own (outbound). The account id is always included. */
  ownIdentities: z.array(z.string().min(1)).default([]),
  config: z.record(z.string(), z.unknown()).default({}),
  pollIntervalSeconds: z.number().int().min(30).max(86_400).default(300),
})
export type ChannelInput = z.input<typeof channelInputSchema>

export async function createChannel(
  db: Kysely<Database>,
  input: ChannelInput,
): Promise<ChannelRow> {
  const c = parseOrThrow(channelInputSchema, input, 'channel')
  const identities = [...new Set([c.externalAccountId, ...c.ownIdentities])]
  return db
    .insertInto('channels')
    .values({
      organisation_id: c.organisationId,
      practice_id: c.practiceId,
      id: c.id ?? randomUUID(),
      platform: c.platform,
      external_account_id: c.externalAccountId,
      name: c.name,
      own_identities: JSON.stringify(identities),
      config: JSON.stringify(c.config),
      poll_interval_seconds: c.pollIntervalSeconds,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** A channel by id. With `organisationId` the lookup is tenant-scoped; without it (webhooks, which only know the URL) it is not. */
export async function getChannel(
  db: Kysely<Database>,
  channelId: string,
  organisationId?: string,
): Promise<ChannelRow | undefined> {
  let q = db.selectFrom('channels').selectAll().where('id', '=', channelId)
  if (organisationId !== undefined) q = q.where('organisation_id', '=', organisationId)
  return q.executeTakeFirst()
}

export async function listChannels(
  db: Kysely<Database>,
  organisationId: string,
  practiceId?: string,
): Promise<ChannelRow[]> {
  let q = db.selectFrom('channels').selectAll().where('organisation_id', '=', organisationId)
  if (practiceId !== undefined) q = q.where('practice_id', '=', practiceId)
  return q.orderBy('name').execute()
}

/** Channels whose next poll is due (active or in error; never those waiting for re-authorisation or paused). */
export async function listDueChannels(
  db: Kysely<Database>,
  now: Date = new Date(),
  platforms?: readonly Platform[],
): Promise<ChannelRow[]> {
  let q = db
    .selectFrom('channels')
    .selectAll()
    .where('status', 'in', ['active', 'error'])
    .where((eb) => eb.or([eb('next_poll_at', 'is', null), eb('next_poll_at', '<=', now)]))
  if (platforms?.length) q = q.where('platform', 'in', [...platforms])
  return q.orderBy('next_poll_at').execute()
}

export async function setChannelStatus(
  db: Kysely<Database>,
  organisationId: string,
  channelId: string,
  status: ChannelStatus,
  error?: string,
): Promise<void> {
  if (!CHANNEL_STATUSES.includes(status)) throw new Error(`unknown channel status ${status}`)
  await db
    .updateTable('channels')
    .set({
      status,
      ...(error !== undefined ? { last_error: error, last_error_at: new Date() } : {}),
    })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', channelId)
    .execute()
}

export interface ChannelChanges {
  name?: string
  /** Keys to set in the channel's config (others are kept); `undefined` values are ignored. */
  config?: Record<string, unknown>
  pollIntervalSeconds?: number
}

/**
 * Changes a channel's name, config keys or poll interval, scoped to its organisation; returns
 * the updated row, or undefined when there is no such channel there. Config keys are merged, so
 * a rename never loses the webhook secret or feed URL.
 */
export async function updateChannel(
  db: Kysely<Database>,
  organisationId: string,
  channelId: string,
  changes: ChannelChanges,
): Promise<ChannelRow | undefined> {
  const current = await getChannel(db, channelId, organisationId)
  if (!current) return undefined
  const base =
    current.config && typeof current.config === 'object'
      ? (current.config as Record<string, unknown>)
      : {}
  const set = Object.fromEntries(
    Object.entries(changes.config ?? {}).filter(([, v]) => v !== undefined),
  )
  const name = changes.name?.trim()
  if (changes.name !== undefined && !name)
    throw new EarshotError('INVALID_INPUT', 'a channel needs a name')
  return db
    .updateTable('channels')
    .set({
      ...(name ? { name } : {}),
      ...(changes.pollIntervalSeconds !== undefined
        ? { poll_interval_seconds: changes.pollIntervalSeconds }
        : {}),
      config: JSON.stringify({ ...base, ...set }),
    })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', channelId)
    .returningAll()
    .executeTakeFirst()
}

/** Records a failed collection run: the error (never a token), its time, and when to try again. */
export async function recordChannelError(
  db: Kysely<Database>,
  channel: Pick<ChannelRow, 'organisation_id' | 'id' | 'poll_interval_seconds'>,
  message: string,
  options: { needsReauth?: boolean; now?: Date } = {},
): Promise<void> {
  const now = options.now ?? new Date()
  await db
    .updateTable('channels')
    .set({
      status: options.needsReauth ? 'needs_reauth' : 'error',
      last_error: message.slice(0, 2000),
      last_error_at: now,
      next_poll_at: new Date(now.getTime() + channel.poll_interval_seconds * 1000),
    })
    .where('organisation_id', '=', channel.organisation_id)
    .where('id', '=', channel.id)
    .execute()
}
