import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  generateSecretKey,
  keyringFromEnv,
  loadChannelCredentials,
  openDatabase,
} from '@earshot/core'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../src/cli/run-cli.js'
import { testIo } from './cli-test-io.js'

const cwd = mkdtempSync(join(tmpdir(), 'earshot-setup-'))
afterAll(() => rmSync(cwd, { recursive: true, force: true }))
const data = join(cwd, 'data')
const key = generateSecretKey()
const env = { EARSHOT_SECRET_KEY: key, EARSHOT_PASSWORD: 'a long enough passphrase' }

async function run(args: string[], extra: { env?: Record<string, string>; stdin?: string } = {}) {
  const io = testIo({
    cwd,
    env: { ...env, ...extra.env },
    ...(extra.stdin !== undefined ? { stdin: extra.stdin } : {}),
  })
  const code = await runCli([...args, '--data', data], io)
  return { code, out: io.out(), err: io.err() }
}

describe('setting up without code: practice, channel and token commands', () => {
  it('adds a practice, a channel with a pasted token, and an API token, then lists and revokes', async () => {
    expect((await run(['migrate'])).code).toBe(0)
    expect(
      (
        await run([
          'user',
          'add',
          '--email',
          'ana@agency.example',
          '--name',
          'Ana',
          '--role',
          'admin',
          '--org',
          'Agency',
          '--create-org',
        ])
      ).code,
    ).toBe(0)

    const bad = await run([
      'practice',
      'add',
      '--name',
      'X',
      '--time-zone',
      'Europe/London',
      '--hours',
      'mon-fri 8-18',
      '--promise',
      '2 hours',
    ])
    expect(bad.code).toBe(2)
    expect(bad.err).toContain('"8-18" is not a time range')

    const practice = await run([
      'practice',
      'add',
      '--name',
      'Harbour Dental',
      '--time-zone',
      'Europe/London',
      '--holidays',
      'GB-ENG',
      '--hours',
      'mon-fri 08:00-18:00; sat 09:00-12:00',
      '--promise',
      '2 business hours, reviews within 1 business day',
    ])
    expect(practice.err).toBe('')
    expect(practice.code).toBe(0)
    expect(practice.out).toContain(
      'Open:    mon-fri 08:00-18:00; sat 09:00-12:00 (Europe/London, closed on GB-ENG public holidays)',
    )
    expect(practice.out).toContain('Promise: 2 business hours, reviews within 1 business day')
    expect((await run(['practice', 'list'])).out).toMatch(
      /^harbour-dental\tHarbour Dental\tEurope\/London\t.*\t2 business hours, reviews within 1 business day$/m,
    )

    const fb = await run(
      [
        'channel',
        'add',
        '--practice',
        'harbour-dental',
        '--platform',
        'facebook',
        '--name',
        'Harbour page',
        '--account',
        '1234',
        '--token-stdin',
        '--public-url',
        'https://earshot.example/',
      ],
      { stdin: 'EAAB-pasted-page-token\n' },
    )
    expect(fb.code).toBe(0)
    expect(fb.out).not.toContain('EAAB-pasted-page-token')
    const channelId = /\(id ([^)]+)\), token stored encrypted/.exec(fb.out)![1]!
    expect(fb.out).toContain(
      `Webhook callback URL: https://earshot.example/hooks/facebook/${channelId}`,
    )
    expect(fb.out).toMatch(/Webhook verify token .*: \S{20,}/)

    const chat = await run([
      'channel',
      'add',
      '--practice',
      'harbour-dental',
      '--platform',
      'webchat',
      '--name',
      'Site chat',
      '--account',
      'site',
    ])
    expect(chat.out).toMatch(/Signing secret .*: whsec_\S+/)
    expect(
      (
        await run([
          'channel',
          'add',
          '--practice',
          'harbour-dental',
          '--platform',
          'rss',
          '--name',
          'Blog',
          '--account',
          'blog',
        ])
      ).err,
    ).toContain('needs --url')
    const list = await run(['channel', 'list'])
    expect(list.out).toMatch(
      new RegExp(`^${channelId}\tfacebook\tHarbour page\tactive\tnot collected yet$`, 'm'),
    )

    const token = await run([
      'token',
      'add',
      '--user',
      'ana@agency.example',
      '--name',
      'report script',
    ])
    expect(token.code).toBe(0)
    const [, tokenId, clear] = /Created API token (\S+) .*\n(es_\S+)/.exec(token.out)!
    expect((await run(['token', 'list'])).out).toContain(
      `${tokenId}\treport script\tana@agency.example`,
    )
    expect((await run(['token', 'revoke', tokenId!])).out).toContain('Revoked API token')
    expect((await run(['token', 'revoke', tokenId!])).err).toContain('no token')

    const database = await openDatabase({ url: data })
    try {
      const keyring = keyringFromEnv({ EARSHOT_SECRET_KEY: key })!
      expect((await loadChannelCredentials(database.db, channelId, { keyring }))?.accessToken).toBe(
        'EAAB-pasted-page-token',
      )
      const stored = await database.db.selectFrom('api_tokens').selectAll().execute()
      expect(JSON.stringify(stored)).not.toContain(clear!)
      const actions = await database.db
        .selectFrom('user_actions')
        .select('action')
        .orderBy('created_at')
        .execute()
      expect(actions.map((a) => a.action)).toEqual([
        'practice.created',
        'channel.created',
        'channel.created',
        'token.created',
        'token.revoked',
      ])
    } finally {
      await database.close()
    }
  })
})
