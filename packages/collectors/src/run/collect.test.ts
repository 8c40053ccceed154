import { type Database, openDatabase, type Platform, setChannelStatus } from '@earshot/core'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GOOGLE_TOKEN, LOCATION, reviewsApi } from '../google/__fixtures__/reviews-api.js'
import { googleCollector } from '../google/google-collector.js'
import { type FakeServer, startFakeServer } from '../testing/fake-server.js'
import { createTestTenant, type TestTenant } from '../testing/test-tenant.js'
import { collect, collectDueChannels } from './collect.js'

let db: Kysely<Database>
let close: () => Promise<void>
let server: FakeServer
let tenant: TestTenant
const collectors = (platform: string) =>
  platform === 'google'
    ? (googleCollector({ http: { sleep: async () => {} } }) as never)
    : undefined

beforeAll(async () => {
  ;({ db, close } = await openDatabase())
  server = await startFakeServer(reviewsApi)
  tenant = await createTestTenant(db, 'Due Clinic')
})
afterAll(async () => {
  await server.close()
  await close()
})

describe('collectDueChannels', () => {
  it('collects every due channel once, skipping paused and needs_reauth ones, and reports each result', async () => {
    const config = { accessToken: GOOGLE_TOKEN, baseUrl: server.url }
    const a = await tenant.channel({ platform: 'google', externalAccountId: LOCATION, config })
    const b = await tenant.channel({ platform: 'google', externalAccountId: LOCATION, config })
    const paused = await tenant.channel({ platform: 'google', externalAccountId: LOCATION, config })
    const reauth = await tenant.channel({ platform: 'google', externalAccountId: LOCATION, config })
    await setChannelStatus(db, tenant.organisationId, paused.id, 'paused')
    await setChannelStatus(db, tenant.organisationId, reauth.id, 'needs_reauth')
    const seen: string[] = []
    const { results, error } = await collectDueChannels(db, {
      once: true,
      collectors,
      onResult: (r) => seen.push(r.channelId),
    })
    expect(error).toBeUndefined()
    expect(results.map((r) => r.channelId).sort()).toEqual([a.id, b.id].sort())
    expect(results.every((r) => r.status === 'success' && r.inserted === 4)).toBe(true)
    expect(seen.sort()).toEqual([a.id, b.id].sort())
    // Nothing is due any more: the next round collects nothing.
    expect((await collectDueChannels(db, { once: true, collectors })).results).toEqual([])
  })

  it('keeps running rounds until the signal aborts', async () => {
    const controller = new AbortController()
    let rounds = 0
    const result = await collectDueChannels(db, {
      collectors,
      signal: controller.signal,
      sleep: async () => {
        rounds++
        if (rounds === 2) controller.abort()
      },
    })
    expect(result.error).toBeUndefined()
    expect(rounds).toBe(2)
  })
})

describe('collect', () => {
  it('reports an unknown platform as an error result instead of throwing', async () => {
    const channel = await tenant.channel({ platform: 'google', externalAccountId: LOCATION })
    // A row written by a newer version (or by hand) may name a platform this build does not know.
    const result = await collect(db, { ...channel, platform: 'myspace' as Platform })
    expect(result.status).toBe('error')
    expect(result.errorMessage).toMatch(/no collector for platform "myspace"/)
  })
})
