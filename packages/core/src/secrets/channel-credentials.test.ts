import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshOrganisation, testDatabases } from '../../test/databases.js'
import { createChannel } from '../repositories/channels.js'
import { createPractice } from '../repositories/organisations.js'
import type { Database } from '../storage/database.js'
import {
  configWithCredentials,
  loadChannelCredentials,
  rotateSecrets,
  saveChannelCredentials,
} from './channel-credentials.js'
import { generateSecretKey, keyringFromEnv } from './keyring.js'
import { ensureLocalSecretKey, LOCAL_SECRET_KEY_FILE } from './local-key-file.js'

const oldKey = generateSecretKey()
const newKey = generateSecretKey()
const ringOld = keyringFromEnv({ EARSHOT_SECRET_KEY: oldKey })!
const ringNew = keyringFromEnv({ EARSHOT_SECRET_KEY: newKey, EARSHOT_SECRET_KEYS_OLD: oldKey })!
const now = new Date('2026-12-02T12:00:00Z')

for (const target of testDatabases()) {
  describe(`channel credentials at rest (${target.name})`, () => {
    let db: Kysely<Database>
    let close: () => Promise<void>
    beforeAll(async () => {
      ;({ db, close } = await target.open())
    })
    afterAll(() => close())

    async function channelIn(config: Record<string, unknown> = {}) {
      const org = await freshOrganisation(db)
      const practice = await createPractice(db, {
        organisationId: org.id,
        name: 'Harbour Dental',
        schedule: {
          timeZone: 'Europe/London',
          weekly: { mon: [{ start: '09:00', end: '17:00' }] },
        },
        promise: { targets: [{ duration: '2 business hours' }] },
      })
      const channel = await createChannel(db, {
        organisationId: org.id,
        practiceId: practice.id,
        platform: 'facebook',
        externalAccountId: `page-${org.id}`,
        name: 'Harbour Dental page',
        config,
      })
      return { org: org.id, channel: channel.id }
    }

    it('stores tokens sealed (not readable in the table) and loads them back with expiry and scopes', async () => {
      const { org, channel } = await channelIn()
      await saveChannelCredentials(
        db,
        {
          organisationId: org,
          channelId: channel,
          accessToken: 'EAAB-secret-page-token',
          refreshToken: 'refresh-secret',
          expiresAt: '2027-01-01T00:00:00Z',
          scopes: ['pages_manage_metadata', 'pages_read_engagement'],
        },
        { keyring: ringOld, now },
      )
      const row = await db
        .selectFrom('channel_credentials')
        .selectAll()
        .where('channel_id', '=', channel)
        .executeTakeFirstOrThrow()
      expect(JSON.stringify(row)).not.toContain('secret')
      expect(await loadChannelCredentials(db, channel, { keyring: ringOld })).toEqual({
        accessToken: 'EAAB-secret-page-token',
        refreshToken: 'refresh-secret',
        expiresAt: new Date('2027-01-01T00:00:00Z'),
        scopes: ['pages_manage_metadata', 'pages_read_engagement'],
      })
      // The tenant-scoped lookup does not find another organisation's channel.
      expect(
        await loadChannelCredentials(db, channel, {
          keyring: ringOld,
          organisationId: 'org-other',
        }),
      ).toBeUndefined()
    })

    it('replaces credentials on reconnect, and refuses a channel of another organisation', async () => {
      const { org, channel } = await channelIn()
      await saveChannelCredentials(
        db,
        { organisationId: org, channelId: channel, accessToken: 'first' },
        { keyring: ringOld },
      )
      await saveChannelCredentials(
        db,
        { organisationId: org, channelId: channel, accessToken: 'second' },
        { keyring: ringOld },
      )
      expect((await loadChannelCredentials(db, channel, { keyring: ringOld }))?.accessToken).toBe(
        'second',
      )
      await expect(
        saveChannelCredentials(
          db,
          { organisationId: 'org-other', channelId: channel, accessToken: 'x' },
          { keyring: ringOld },
        ),
      ).rejects.toThrow(/no channel/)
    })

    it('reads tokens of an old plain config transparently, resolving env: references', async () => {
      const plain = await channelIn({ accessToken: 'plain-token', verifyToken: 'v' })
      expect(await loadChannelCredentials(db, plain.channel)).toEqual({
        accessToken: 'plain-token',
        scopes: [],
      })
      const fromEnv = await channelIn({ refreshToken: 'env:TEST_REFRESH' })
      expect(
        await loadChannelCredentials(db, fromEnv.channel, { env: { TEST_REFRESH: 'r-1' } }),
      ).toEqual({
        refreshToken: 'r-1',
        scopes: [],
      })
      const none = await channelIn({ feedUrl: 'https://example.org/feed' })
      expect(await loadChannelCredentials(db, none.channel)).toBeUndefined()
    })

    it('rotation re-seals old-key rows with the new key and moves clear-text config tokens into sealed storage', async () => {
      const { org, channel } = await channelIn()
      await saveChannelCredentials(
        db,
        { organisationId: org, channelId: channel, accessToken: 'sealed-old' },
        { keyring: ringOld },
      )
      const legacy = await createChannel(db, {
        organisationId: org,
        practiceId: (
          await db
            .selectFrom('channels')
            .select('practice_id')
            .where('id', '=', channel)
            .executeTakeFirstOrThrow()
        ).practice_id,
        platform: 'youtube',
        externalAccountId: 'UC-legacy',
        name: 'legacy',
        config: {
          refreshToken: 'legacy-refresh',
          accessToken: 'env:KEEP_ME',
          channelId: 'UC-legacy',
        },
      })

      expect(await rotateSecrets(db, { keyring: ringNew, organisationId: org, now })).toEqual({
        resealed: 1,
        migrated: 1,
      })
      const keyIds = await db
        .selectFrom('channel_credentials')
        .select('key_id')
        .where('organisation_id', '=', org)
        .execute()
      expect(keyIds.map((r) => r.key_id)).toEqual([ringNew.current.id, ringNew.current.id])
      // Only the new key is needed from now on.
      const newOnly = keyringFromEnv({ EARSHOT_SECRET_KEY: newKey })!
      expect((await loadChannelCredentials(db, channel, { keyring: newOnly }))?.accessToken).toBe(
        'sealed-old',
      )
      const legacyRow = await db
        .selectFrom('channels')
        .select('config')
        .where('id', '=', legacy.id)
        .executeTakeFirstOrThrow()
      expect(legacyRow.config).toEqual({ accessToken: 'env:KEEP_ME', channelId: 'UC-legacy' })
      // The collector still sees the whole config, sealed token included.
      expect(
        await configWithCredentials(
          db,
          org,
          legacy.id,
          legacyRow.config as Record<string, unknown>,
          { keyring: newOnly },
        ),
      ).toEqual({
        accessToken: 'env:KEEP_ME',
        channelId: 'UC-legacy',
        refreshToken: 'legacy-refresh',
      })
      expect(await rotateSecrets(db, { keyring: ringNew, organisationId: org, now })).toEqual({
        resealed: 0,
        migrated: 0,
      })
    })
  })
}

describe('the local key of an embedded data folder', () => {
  it('is generated once (owner-only), reused, and always warned about', () => {
    const dir = mkdtempSync(join(tmpdir(), 'earshot-key-'))
    try {
      const warnings: string[] = []
      const first = ensureLocalSecretKey(dir, (m) => warnings.push(m))
      const second = ensureLocalSecretKey(dir, (m) => warnings.push(m))
      expect(second.id).toBe(first.id)
      expect(second.key.equals(first.key)).toBe(true)
      const path = join(dir, LOCAL_SECRET_KEY_FILE)
      expect(statSync(path).mode & 0o077).toBe(0)
      expect(readFileSync(path, 'utf8').trim()).toHaveLength(44)
      expect(warnings[0]).toMatch(/^Generated .*set EARSHOT_SECRET_KEY for production/)
      expect(warnings[1]).toMatch(/^Using /)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
