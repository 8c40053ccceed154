/**
 * `earshot token add --scopes --expires-in` and `token list` showing scopes and expiry
 * (issue 13: API tokens never expired).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../src/cli/run-cli.js'
import { testIo } from './cli-test-io.js'

const cwd = mkdtempSync(join(tmpdir(), 'earshot-token-'))
afterAll(() => rmSync(cwd, { recursive: true, force: true }))
const data = join(cwd, 'data')

async function run(args: string[]) {
  const io = testIo({ cwd, env: { EARSHOT_PASSWORD: 'a long enough passphrase' } })
  const code = await runCli([...args, '--data', data], io)
  return { code, out: io.out(), err: io.err() }
}

describe('earshot token', () => {
  it('creates tokens with scopes and an expiry, lists both, and refuses bad values', async () => {
    expect((await run(['migrate'])).code).toBe(0)
    const user = await run(
      ['user', 'add', '--email', 'ana@agency.example', '--name', 'Ana', '--role', 'admin'].concat([
        '--org',
        'Agency',
        '--create-org',
      ]),
    )
    expect(user.code).toBe(0)
    const add = (...extra: string[]) =>
      run(['token', 'add', '--user', 'ana@agency.example', '--name', 'report', ...extra])

    const made = await add('--scopes', 'write', '--expires-in', '30d')
    expect(made.code).toBe(0)
    expect(made.out).toMatch(/\(read, write; expires \S+\)/)
    const plain = await add()
    expect(plain.out).toMatch(/\(read; expires/)

    const lines = (await run(['token', 'list'])).out.trim().split('\n')
    expect(lines).toHaveLength(2)
    const [first, second] = lines.map((l) => l.split('\t'))
    expect(first![3]).toBe('read,write')
    expect(second![3]).toBe('read')
    const days = (fields: string[]) =>
      (Date.parse(fields[5]!.replace('expires ', '')) -
        Date.parse(fields[4]!.replace('created ', ''))) /
      86_400_000
    expect(days(first!)).toBe(30)
    expect(days(second!)).toBe(90)

    for (const bad of [
      ['--expires-in', '0'],
      ['--expires-in', '400d'],
      ['--expires-in', 'forever'],
      ['--scopes', 'root'],
      ['--scopes', ','],
    ]) {
      const refused = await add(...bad)
      expect(refused.code, bad.join(' ')).not.toBe(0)
      expect(refused.err, bad.join(' ')).toMatch(/--expires-in|--scopes/)
    }
    expect((await run(['token', 'list'])).out.trim().split('\n')).toHaveLength(2)
  })
})
