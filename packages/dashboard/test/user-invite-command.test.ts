/**
 * `earshot user invite`: the invitation goes out through a real SMTP server process on loopback
 * and the test reads it back; without SMTP the link is printed instead.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../src/cli/run-cli.js'
import { type SmtpTestServer, startSmtpTestServer } from '../src/test-support/smtp-test-server.js'
import { testIo } from './cli-test-io.js'

const cwd = mkdtempSync(join(tmpdir(), 'earshot-invite-'))
const data = join(cwd, 'data')
let smtp: SmtpTestServer

beforeAll(async () => {
  smtp = await startSmtpTestServer()
})
afterAll(async () => {
  await smtp?.close()
  rmSync(cwd, { recursive: true, force: true })
})

async function run(args: string[], env: Record<string, string> = {}) {
  const io = testIo({ cwd, env: { EARSHOT_PASSWORD: 'a long enough passphrase', ...env } })
  const code = await runCli([...args, '--data', data], io)
  return { code, out: io.out(), err: io.err() }
}

describe('earshot user invite', () => {
  it('mails the invitation link, or prints it when no SMTP server is configured', async () => {
    expect((await run(['migrate'])).code).toBe(0)
    const admin = await run(
      ['user', 'add', '--email', 'ana@agency.example', '--name', 'Ana', '--role', 'admin'].concat([
        '--org',
        'Harbour Agency',
        '--create-org',
      ]),
    )
    expect(admin.code).toBe(0)
    const practice = await run(
      ['practice', 'add', '--name', 'Harbour Dental', '--time-zone', 'Europe/London'].concat([
        '--hours',
        'mon-fri 08:00-18:00',
        '--promise',
        '2 business hours',
      ]),
    )
    expect(practice.code).toBe(0)

    const mailed = await run(
      ['user', 'invite', '--organisation', 'Harbour Agency', '--email', 'bo@agency.example'].concat(
        [
          '--role',
          'manager',
          '--practice',
          'harbour-dental',
          '--public-url',
          'https://earshot.agency.example/',
        ],
      ),
      { EARSHOT_SMTP_URL: smtp.url, EARSHOT_MAIL_FROM: 'Earshot <earshot@agency.example>' },
    )
    expect(mailed.err).toBe('')
    expect(mailed.code).toBe(0)
    expect(mailed.out).toContain(
      'Invited bo@agency.example as practice_manager; the link was mailed',
    )
    const mail = await smtp.nextMessage()
    expect(mail.envelope.to).toEqual(['bo@agency.example'])
    expect(mail.parsed.text).toMatch(
      /https:\/\/earshot\.agency\.example\/account\/password\?token=[\w%-]+/,
    )
    // The secret is only in the mail, never on the terminal.
    expect(mailed.out).not.toContain('token=')

    const printed = await run(
      ['user', 'invite', '--email', 'cy@agency.example', '--role', 'viewer'].concat([
        '--practice',
        'harbour-dental',
      ]),
    )
    expect(printed.code).toBe(0)
    expect(printed.out).toContain('no mail server is configured')
    expect(printed.out).toMatch(/http:\/\/localhost:3000\/account\/password\?token=/)
  })

  it('refuses a bad role, a missing practice and a duplicate e-mail with a clear message', async () => {
    const badRole = await run(['user', 'invite', '--email', 'x@agency.example', '--role', 'boss'])
    expect(badRole.code).not.toBe(0)
    expect(badRole.err).toContain('unknown role "boss"')
    const noPractice = await run([
      'user',
      'invite',
      '--email',
      'x@agency.example',
      '--role',
      'viewer',
    ])
    expect(noPractice.err).toContain('needs at least one --practice')
    const duplicate = await run([
      'user',
      'invite',
      '--email',
      'ana@agency.example',
      '--role',
      'admin',
    ])
    expect(duplicate.err).toContain('already exists')
  })
})
