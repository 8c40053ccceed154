/**
 * @module Writes the demo data set into a database through the same paths production uses:
 * core's repositories for the tenant, practices and channels, `createUser` for sign-ins, and
 * `ingest()` in batches, so triage, response linking and SLA evaluation all run for real.
 */
import {
  createChannel,
  createOrganisation,
  createPractice,
  type Database,
  type IngestResult,
  ingest,
} from '@earshot/core'
import type { Kysely } from 'kysely'
import { createUser } from '../auth/create-user.js'
import { seedDemoSavedReplies } from './demo-saved-replies.js'
import {
  type DemoDataset,
  type GenerateDemoDataOptions,
  generateDemoData,
} from './generate-demo-data.js'

/** Options of {@link seedDemo}. */
export interface SeedDemoOptions extends GenerateDemoDataOptions {
  /** Mentions per `ingest()` call (default 250). */
  batchSize?: number
  /** Called after each batch with mentions written so far and the total. */
  onProgress?: (done: number, total: number) => void
  /** A data set generated beforehand (the options above are then ignored). */
  dataset?: DemoDataset
}

/** What {@link seedDemo} wrote and how long it took. */
export interface SeedDemoResult {
  organisationId: string
  practices: number
  channels: number
  users: string[]
  password: string
  /** Totals over every batch. */
  ingested: Omit<IngestResult, 'rejected'>
  generateMs: number
  ingestMs: number
}

/**
 * Fills an empty database with the demo agency. Throws if the demo organisation already exists.
 *
 * @example
 * const { db } = await openDatabase()
 * const result = await seedDemo(db, { scale: 0.2 })
 * result.users // ['demo@example.com', …]
 */
export async function seedDemo(
  db: Kysely<Database>,
  options: SeedDemoOptions = {},
): Promise<SeedDemoResult> {
  const started = performance.now()
  const data = options.dataset ?? generateDemoData(options)
  const generateMs = performance.now() - started
  const now = data.now
  const org = await createOrganisation(db, data.organisation)
  let channels = 0
  for (const practice of data.practices) {
    await createPractice(db, {
      organisationId: org.id,
      id: practice.id,
      name: practice.name,
      slug: practice.slug,
      schedule: practice.schedule,
      promise: practice.promise,
    })
    for (const channel of practice.channels) {
      await createChannel(db, {
        organisationId: org.id,
        practiceId: practice.id,
        id: channel.id,
        platform: channel.platform,
        externalAccountId: channel.externalAccountId,
        name: channel.name,
        ownIdentities: [channel.handle],
        // Demo channels have no credentials: collectors must leave them alone.
        config: { demo: true },
      })
      channels++
    }
  }
  await setDemoChannelHealth(db, org.id, now)

  const ingestStarted = performance.now()
  const batchSize = options.batchSize ?? 250
  const totals = {
    inserted: 0,
    updated: 0,
    unchanged: 0,
    quarantined: 0,
    deleted: 0,
    threadsRelinked: 0,
  }
  for (let i = 0; i < data.items.length; i += batchSize) {
    const result = await ingest(db, data.items.slice(i, i + batchSize), {
      organisationId: org.id,
      source: 'demo',
      now,
    })
    for (const key of Object.keys(totals) as Array<keyof typeof totals>) totals[key] += result[key]
    options.onProgress?.(Math.min(i + batchSize, data.items.length), data.items.length)
  }
  const ingestMs = performance.now() - ingestStarted
  await seedDemoSavedReplies(db, org.id, data.practices, now)
  // Users last: `earshot demo` treats a demo organisation without them as an interrupted run.
  for (const user of data.users) {
    await createUser(db, { organisationId: org.id, ...user, password: data.password })
  }
  return {
    organisationId: org.id,
    practices: data.practices.length,
    channels,
    users: data.users.map((u) => u.email),
    password: data.password,
    ingested: totals,
    generateMs,
    ingestMs,
  }
}

/**
 * Collector health as the settings page shows it: demo channels are paused (they have nothing
 * to poll), except the dead page's Facebook token, which expired weeks ago, as they do.
 */
async function setDemoChannelHealth(
  db: Kysely<Database>,
  organisationId: string,
  now: Date,
): Promise<void> {
  await db
    .updateTable('channels')
    .set({ status: 'paused', last_success_at: new Date(now.getTime() - 15 * 60_000) })
    .where('organisation_id', '=', organisationId)
    .execute()
  await db
    .updateTable('channels')
    .set({
      status: 'needs_reauth',
      last_success_at: new Date(now.getTime() - 41 * 86_400_000),
      last_error_at: new Date(now.getTime() - 40 * 86_400_000),
      last_error: 'Error validating access token: Session has expired (OAuthException, code 190)',
    })
    .where('organisation_id', '=', organisationId)
    .where('id', '=', 'demo-venice-facebook')
    .execute()
}
