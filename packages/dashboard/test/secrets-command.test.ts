import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createChannel,
  createOrganisation,
  createPractice,
  generateSecretKey,
  keyringFromEnv,
  loadChannelCredentials,
  openDatabase,
} from '@earshot/core'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../src/cli/run-cli.js'
import { testIo } from './cli-test-io.js'

const cwd = mkdtempSync(join(tmpdir(), 'earshot-secrets-'))
afterAll(() => rmSync(cwd, { recursive: true, force: true }))

describe('earshot secrets rotate', () => {
  it('encrypts clear-text config tokens, then re-encrypts them under a new key', async () => {
    const data = join(cwd, 'data')
    expect(await runCli(['migrate', '--data', data], testIo({ cwd }))).toBe(0)
    const seeded = await openDatabase({ url: data })
    const org = await createOrganisation(seeded.db, { name: 'Rotation Org' })
    const practice = await createPractice(seeded.db, {
      organisationId: org.id,
      name: 'Harbour Dental',
      schedule: { timeZone: 'Europe/London', weekly: { mon: [{ start: '09:00', end: '17:00' }] } },
      promise: { targets: [{ duration: '2 business hours' }] },
    })
    const channel = await createChannel(seeded.db, {
      organisationId: org.id,
      practiceId: practice.id,
      platform: 'facebook',
      externalAccountId: 'page-1',
      name: 'Page',
      config: { accessToken: 'clear-page-token', verifyToken: 'v' },
    })
    await seeded.close()

    const first = generateSecretKey()
    const io1 = testIo({ cwd, env: { EARSHOT_SECRET_KEY: first } })
    expect(await runCli(['secrets', 'rotate', '--data', data], io1)).toBe(0)
    expect(io1.out()).toContain('encrypted the clear-text tokens of 1 channel(s)')

    const second = generateSecretKey()
    const io2 = testIo({ cwd, env: { EARSHOT_SECRET_KEY: second, EARSHOT_SECRET_KEYS_OLD: first } })
    expect(await runCli(['secrets', 'rotate', '--data', data], io2)).toBe(0)
    expect(io2.out()).toContain('Re-encrypted 1 stored credential(s)')

    const after = await openDatabase({ url: data })
    try {
      const row = await after.db
        .selectFrom('channels')
        .select('config')
        .where('id', '=', channel.id)
        .executeTakeFirstOrThrow()
      expect(row.config).toEqual({ verifyToken: 'v' })
      const keyring = keyringFromEnv({ EARSHOT_SECRET_KEY: second })!
      expect(await loadChannelCredentials(after.db, channel.id, { keyring })).toEqual({
        accessToken: 'clear-page-token',
        scopes: [],
      })
    } finally {
      await after.close()
    }
  })

  it('refuses a malformed key with a message saying how to make one, and no stack trace', async () => {
    const io = testIo({ cwd, env: { EARSHOT_SECRET_KEY: 'not-a-key' } })
    expect(await runCli(['secrets', 'rotate', '--data', join(cwd, 'data')], io)).toBe(1)
    expect(io.err()).toContain('openssl rand -base64 32')
    expect(io.err()).not.toMatch(/^\s+at /m)
  })

  it('explains a missing subcommand', async () => {
    const io = testIo({ cwd })
    expect(await runCli(['secrets'], io)).toBe(2)
    expect(io.err()).toContain('earshot secrets --help')
  })
})
