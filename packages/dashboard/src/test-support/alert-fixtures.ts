/**
 * @module Fixtures for alert tests: PGlite always plus the PostgreSQL server in
 * `EARSHOT_TEST_DATABASE_URL` when set, and a fresh organisation with one practice (Sydney hours,
 * a 2-business-hour promise) per test, so one database serves a whole file.
 */
import { randomUUID } from 'node:crypto'
import {
  createChannel,
  createOrganisation,
  createPractice,
  type Database,
  type EarshotDatabase,
  ingest,
  openDatabase,
} from '@earshot/core'
import type { Kysely } from 'kysely'
import { testEnricher } from './test-world.js'

// Production's 30 s statement and 10 s pool limits fail tests on a loaded CI machine
// (a 10k-row inbox walk hit the statement limit): tests wait, they never time out.
const NO_TIME_LIMITS = { statementTimeoutMs: 0, acquireTimeoutMs: 0 }

export interface AlertTestDatabase {
  name: 'pglite' | 'postgres'
  open(): Promise<EarshotDatabase>
}

export function alertTestDatabases(): AlertTestDatabase[] {
  const list: AlertTestDatabase[] = [{ name: 'pglite', open: () => openDatabase() }]
  const url = process.env.EARSHOT_TEST_DATABASE_URL?.trim()
  if (url)
    list.push({
      name: 'postgres',
      open: () => openDatabase({ url, poolSize: 6, ...NO_TIME_LIMITS }),
    })
  return list
}

export const SYDNEY_SCHEDULE = {
  timeZone: 'Australia/Sydney',
  holidayRegion: 'AU-NSW',
  weekly: {
    mon: [{ start: '08:00', end: '18:00' }],
    tue: [{ start: '08:00', end: '18:00' }],
    wed: [{ start: '08:00', end: '18:00' }],
    thu: [{ start: '08:00', end: '18:00' }],
    fri: [{ start: '08:00', end: '18:00' }],
  },
}

export interface AlertWorld {
  orgId: string
  practiceId: string
  channelId: string
  /** Ingests inbound items through core (the test enricher: "urgent", "medication", "awful"). */
  post(
    items: readonly {
      externalId?: string
      text: string
      createdAt: Date
      kind?: 'comment' | 'review' | 'post'
      rating?: number
      own?: boolean
    }[],
    now: Date,
  ): Promise<string[]>
}

/** A fresh organisation and practice whose rows are dated `createdAt` (for warm-up rules). */
export async function createAlertWorld(
  db: Kysely<Database>,
  options: { createdAt: Date; name?: string },
): Promise<AlertWorld> {
  const org = await createOrganisation(db, {
    name: options.name ?? `Org ${randomUUID().slice(0, 8)}`,
  })
  const practice = await createPractice(db, {
    organisationId: org.id,
    name: 'Harbour GP',
    schedule: SYDNEY_SCHEDULE,
    promise: { targets: [{ duration: '2 business hours' }], goal: 0.9 },
  })
  await db
    .updateTable('practices')
    .set({ created_at: options.createdAt } as never)
    .where('organisation_id', '=', org.id)
    .execute()
  const pageId = `page-${randomUUID().slice(0, 8)}`
  const channel = await createChannel(db, {
    organisationId: org.id,
    practiceId: practice.id,
    platform: 'facebook',
    externalAccountId: pageId,
    name: 'Harbour GP Facebook',
  })
  let counter = 0
  return {
    orgId: org.id,
    practiceId: practice.id,
    channelId: channel.id,
    async post(items, now) {
      const external = items.map((i) => i.externalId ?? `m-${++counter}`)
      const result = await ingest(
        db,
        items.map((i, n) => ({
          channelId: channel.id,
          externalId: external[n]!,
          kind: i.kind ?? 'comment',
          author: i.own ? { id: pageId, name: 'Harbour GP' } : { id: `u-${n}`, name: 'A Patient' },
          text: i.text,
          createdAt: i.createdAt.toISOString(),
          ...(i.rating !== undefined ? { rating: i.rating } : {}),
        })),
        { organisationId: org.id, enricher: testEnricher, now },
      )
      if (result.quarantined) throw new Error(`quarantined: ${JSON.stringify(result.rejected)}`)
      const rows = await db
        .selectFrom('mentions')
        .select(['id', 'external_id'])
        .where('organisation_id', '=', org.id)
        .where('external_id', 'in', external)
        .execute()
      return external.map((e) => rows.find((r) => r.external_id === e)!.id)
    },
  }
}
