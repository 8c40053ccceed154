import { createTestTenant } from '@earshot/collectors/testing'
import { type EarshotDatabase, ingest, openDatabase, savePrivacySettings } from '@earshot/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listUserActions } from '../audit/user-actions.js'
import { JOB_HANDLERS } from '../jobs/job-handlers.js'
import { JOB_QUEUES } from '../jobs/job-queues.js'
import { dataRetentionJob } from './retention-job.js'

const NOW = new Date('2026-12-01T00:00:00Z')
let database: EarshotDatabase

beforeAll(async () => {
  database = await openDatabase()
})
afterAll(async () => {
  await database?.close()
})

async function tenantWithOldMention() {
  const db = database.db
  const tenant = await createTestTenant(db)
  const channel = await tenant.channel({
    platform: 'facebook',
    externalAccountId: `page-${tenant.organisationId}`,
  })
  await ingest(
    db,
    [
      {
        channelId: channel.id,
        externalId: 'old',
        kind: 'comment',
        author: { id: 'u1', name: 'Sam' },
        text: 'is my scan back',
        createdAt: '2024-01-10T00:00:00Z',
        raw: { id: 'old' },
      },
      {
        channelId: channel.id,
        externalId: 'new',
        kind: 'comment',
        author: { id: 'u2', name: 'Alex' },
        text: 'thanks',
        createdAt: '2026-11-30T00:00:00Z',
        raw: { id: 'new' },
      },
    ],
    { now: NOW },
  )
  return tenant
}

function run() {
  const send = async () => null
  return dataRetentionJob.handle(
    { id: 'j1', data: {}, retryCount: 0 },
    { db: database.db, now: () => NOW, send },
  )
}

describe('the daily retention job', () => {
  it('is one of the jobs the workers run, daily', () => {
    expect(JOB_HANDLERS).toContain(dataRetentionJob)
    expect(dataRetentionJob.queue).toBe(JOB_QUEUES.dataRetention)
    expect(dataRetentionJob.schedule?.cron).toMatch(/^\d+ \d+ \* \* \*$/)
  })

  it('purges organisations that set a retention, logs counts without text, and leaves the others', async () => {
    const db = database.db
    const keeping = await tenantWithOldMention()
    const purging = await tenantWithOldMention()
    await savePrivacySettings(db, purging.organisationId, { mentionRetentionMonths: 24 }, NOW)
    await run()
    const texts = async (org: string) =>
      (
        await db
          .selectFrom('mentions')
          .select('text')
          .where('organisation_id', '=', org)
          .orderBy('text')
          .execute()
      ).map((m) => m.text)
    expect(await texts(purging.organisationId)).toEqual(['thanks'])
    expect(await texts(keeping.organisationId)).toEqual(['is my scan back', 'thanks'])

    const log = await listUserActions(db, { organisationId: purging.organisationId })
    expect(log.map((e) => [e.action, e.user_id, e.detail.mentionsDeleted])).toEqual([
      ['data.retention_purged', null, 1],
    ])
    expect(JSON.stringify(log)).not.toContain('scan')

    // The next day's run has nothing to do and logs nothing.
    await run()
    expect(await listUserActions(db, { organisationId: purging.organisationId })).toHaveLength(1)
    expect(await listUserActions(db, { organisationId: keeping.organisationId })).toHaveLength(0)
  })
})
