import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JOB_QUEUES } from '../jobs/job-queues.js'
import { type JobSystem, startJobSystem } from '../jobs/job-system.js'
import {
  createTestWorld,
  signIn,
  type TestClient,
  type TestWorld,
} from '../test-support/test-world.js'

let w: TestWorld
let admin: TestClient
let jobs: JobSystem | undefined

beforeAll(async () => {
  w = await createTestWorld()
  admin = await signIn(w.app, 'admin@a.example')
})

afterAll(async () => {
  await jobs?.stop()
  await w?.close()
})

describe('the jobs page', () => {
  it('says the job system has not run yet before pg-boss was ever started on the database', async () => {
    const res = await admin.get('/jobs')
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('has not run on this database yet')
  })

  it('counts the organisation’s jobs per queue and lists its failures with their errors, none of another organisation', async () => {
    // Enqueue only: no worker, so the test decides what runs and what fails.
    jobs = await startJobSystem({ database: w.database, work: false, schedule: false })
    const boss = jobs.boss
    // A queue of its own without retries, so a failure is final at once.
    const queue = 'test-tenant-work'
    await boss.createQueue(queue, { retryLimit: 0 })
    const a = { organisationId: w.a.orgId }
    await boss.send(queue, { ...a, n: 1 })
    await boss.send(queue, { ...a, n: 2 })
    await boss.send(queue, { organisationId: w.b.orgId, n: 3 })
    await boss.send(JOB_QUEUES.channelDispatch, {})
    const fetched = await boss.fetch<{ organisationId: string; n: number }>(queue, { batchSize: 3 })
    expect(fetched).toHaveLength(3)
    const byN = (n: number) => fetched.find((j) => j.data.n === n)!
    await boss.fail(queue, byN(2).id, { message: 'token expired: reconnect the Page' })
    await boss.fail(queue, byN(3).id, { message: 'RIVAL-SECRET failure' })

    const res = await admin.get('/jobs')
    expect(res.status).toBe(200)
    const html = await res.text()
    const row = new RegExp(
      `<tr data-queue="${queue}" data-scope="organisation">([\\s\\S]*?)</tr>`,
    ).exec(html)
    expect(row).not.toBeNull()
    const cells = [...row![1]!.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1])
    // waiting, retrying, running, done, failed: job 1 is running (fetched), job 2 failed.
    expect(cells.slice(0, 5).map(Number)).toEqual([0, 0, 1, 0, 1])
    expect(html).toContain('token expired: reconnect the Page')
    expect(html).toMatch(/data-queue="channel-dispatch" data-scope="system"/)
    expect(html).not.toContain('RIVAL-SECRET')
    expect(html).not.toContain(w.b.orgId)
  })

  it('is for agency admins only', async () => {
    const manager = await signIn(w.app, 'manager@a.example')
    expect((await manager.get('/jobs')).status).toBe(403)
  })
})
