/**
 * @module Test fixtures: an organisation with one practice, and channels in it, on a shared
 * database (tests isolate by creating their own channels rather than their own databases).
 */
import { randomUUID } from 'node:crypto'
import {
  type ChannelInput,
  type ChannelRow,
  createChannel,
  createOrganisation,
  createPractice,
  type Database,
} from '@earshot/core'
import type { Kysely } from 'kysely'

/** An organisation and practice to hang test channels on. */
export interface TestTenant {
  organisationId: string
  practiceId: string
  /** Creates a channel in this practice (a fresh id unless given). */
  channel(
    input: Omit<ChannelInput, 'organisationId' | 'practiceId' | 'name'> & { name?: string },
  ): Promise<ChannelRow>
}

/** Creates an organisation and a practice open Mon–Fri 08:00–18:00 (Sydney), promising 2 business hours. */
export async function createTestTenant(
  db: Kysely<Database>,
  name = 'Test Clinic',
): Promise<TestTenant> {
  const org = await createOrganisation(db, { name: `${name} org ${randomUUID().slice(0, 8)}` })
  const hours = [{ start: '08:00', end: '18:00' }]
  const practice = await createPractice(db, {
    organisationId: org.id,
    name,
    slug: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${randomUUID().slice(0, 8)}`,
    schedule: {
      timeZone: 'Australia/Sydney',
      weekly: { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours },
    },
    promise: { targets: [{ duration: '2 business hours' }] },
  })
  return {
    organisationId: org.id,
    practiceId: practice.id,
    channel: (input) =>
      createChannel(db, {
        name: `${input.platform} channel`,
        ...input,
        organisationId: org.id,
        practiceId: practice.id,
      }),
  }
}
