import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../src/cli/run-cli.js'
import { testIo } from './cli-test-io.js'

const cwd = mkdtempSync(join(tmpdir(), 'earshot-cli-'))
afterAll(() => rmSync(cwd, { recursive: true, force: true }))

const STACK_LINE = /^\s+at /m

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('earshot --help', () => {
  it('lists every command and exits 0', async () => {
    const io = testIo({ cwd })
    expect(await runCli(['--help'], io)).toBe(0)
    for (const command of ['demo', 'serve', 'migrate', 'collect', 'import', 'user', 'classify']) {
      expect(io.out()).toMatch(new RegExp(`^  ${command}\\s`, 'm'))
    }
  })

  it('prints usage on stderr and exits 2 without a command, or with an unknown one', async () => {
    const none = testIo({ cwd })
    expect(await runCli([], none)).toBe(2)
    expect(none.err()).toContain('Usage: earshot <command>')
    const unknown = testIo({ cwd })
    expect(await runCli(['frobnicate'], unknown)).toBe(2)
    expect(unknown.err()).toContain('unknown command "frobnicate"')
  })

  it.each([
    ['demo'],
    ['serve'],
    ['migrate'],
    ['collect'],
    ['import'],
    ['user', 'add'],
    ['classify'],
    ['reenrich'],
  ])('earshot %s --help shows its usage', async (...command) => {
    const io = testIo({ cwd })
    expect(await runCli([...command, '--help'], io)).toBe(0)
    expect(io.out()).toContain(`Usage: earshot ${command.join(' ')}`)
  })

  it('rejects an unknown option with exit code 2 and the command to get help', async () => {
    const io = testIo({ cwd })
    expect(await runCli(['serve', '--prot', '8080'], io)).toBe(2)
    expect(io.err()).toContain("serve: Unknown option '--prot'")
    expect(io.err()).toContain('earshot serve --help')
  })

  it('rejects an import batch size outside 1 to 10000 before opening anything', async () => {
    for (const size of ['0', '10001', '2.5', 'many']) {
      const io = testIo({ cwd })
      expect(await runCli(['import', 'x.csv', '--channel', 'c', '--batch-size', size], io)).toBe(2)
      expect(io.err()).toContain(
        `--batch-size must be a whole number from 1 to 10000 (got ${size})`,
      )
    }
  })

  it('rejects a port that is not a number', async () => {
    const io = testIo({ cwd })
    expect(await runCli(['serve', '--port', 'http'], io)).toBe(2)
    expect(io.err()).toContain('--port must be a whole number from 0 to 65535, got "http"')
  })
})

describe('bad DATABASE_URL', () => {
  it('refuses a URL that is not PostgreSQL, showing it with the password hidden', async () => {
    const io = testIo({ cwd, env: { DATABASE_URL: 'mysql://root:hunter2@db.internal/earshot' } })
    expect(await runCli(['migrate'], io)).toBe(1)
    expect(io.err()).toContain(
      'DATABASE_URL is not a PostgreSQL connection URL: mysql://root:***@db.internal/earshot',
    )
    expect(io.err()).toContain('postgres://USER:PASSWORD@HOST:5432/DATABASE')
    expect(io.err()).not.toContain('hunter2')
    expect(io.err()).not.toMatch(STACK_LINE)
  })

  it('explains an unreachable server without the password or a stack trace', async () => {
    const port = await closedPort()
    const url = `postgres://earshot:hunter2@127.0.0.1:${port}/earshot`
    const io = testIo({ cwd, env: { DATABASE_URL: url } })
    expect(await runCli(['serve', '--port', '0'], io)).toBe(1)
    expect(io.err()).toContain(
      `cannot open the PostgreSQL postgres://earshot:***@127.0.0.1:${port}/earshot`,
    )
    expect(io.err()).toContain('ECONNREFUSED')
    expect(io.err()).toContain('Check that the server is running')
    expect(io.err()).not.toContain('hunter2')
    expect(io.err()).not.toMatch(STACK_LINE)
  })
})

describe('serve with the embedded database', () => {
  const data = join(cwd, 'data')

  it('says how to create a missing data folder', async () => {
    const io = testIo({ cwd, env: { EARSHOT_DATA_DIR: data } })
    expect(await runCli(['serve'], io)).toBe(1)
    expect(io.err()).toContain(`earshot: no data folder at ${data}`)
    expect(io.err()).toContain('earshot migrate')
    expect(io.err()).not.toMatch(STACK_LINE)
  })

  describe('after `earshot migrate`', () => {
    beforeAll(async () => {
      const io = testIo({ cwd, env: { EARSHOT_DATA_DIR: data } })
      expect(await runCli(['migrate'], io)).toBe(0)
      expect(io.out()).toContain('applied: ')
    })

    it('is up to date on a second run', async () => {
      const io = testIo({ cwd, env: { EARSHOT_DATA_DIR: data } })
      expect(await runCli(['migrate'], io)).toBe(0)
      expect(io.out()).toContain('is up to date')
    })

    it('reenrich finds nothing stale in a database the current enricher filled, and says so', async () => {
      const io = testIo({ cwd, env: { EARSHOT_DATA_DIR: data } })
      expect(await runCli(['reenrich'], io)).toBe(0)
      expect(io.out()).toMatch(
        /^0 mention\(s\) classified by another enricher version than earshot-rules@/,
      )
      const bad = testIo({ cwd, env: { EARSHOT_DATA_DIR: data } })
      expect(await runCli(['reenrich', '--batch-size', '0'], bad)).toBe(2)
      expect(bad.err()).toContain('--batch-size must be a positive whole number')
    })

    it('refuses import and user add while another process holds the folder, naming it', async () => {
      const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], {
        stdio: 'ignore',
      })
      await once(holder, 'spawn')
      const lockFile = join(data, 'earshot.lock')
      writeFileSync(
        lockFile,
        JSON.stringify({
          pid: holder.pid,
          hostname: hostname(),
          command: 'earshot serve',
          startedAt: '2026-11-20T03:00:00.000Z',
        }),
      )
      const file = join(cwd, 'lock-import.csv')
      writeFileSync(file, 'external_id,text,created_at\nl1,hello,2026-11-20T03:00:00Z\n')
      try {
        for (const args of [
          ['import', file, '--channel', 'any'],
          [
            'user',
            'add',
            '--email',
            'x@y.example',
            '--name',
            'X',
            '--role',
            'admin',
            '--create-org',
          ],
        ]) {
          const io = testIo({ cwd, env: { EARSHOT_DATA_DIR: data } })
          expect(await runCli(args, io), args.join(' ')).toBe(1)
          expect(io.err()).toContain(`in use by process ${holder.pid} (earshot serve)`)
          expect(io.err()).toContain('stop that process first')
          expect(io.err()).toContain('DATABASE_URL=postgres://')
          expect(io.out()).not.toMatch(/imported|created/i)
        }
      } finally {
        holder.kill('SIGKILL')
        await once(holder, 'exit')
      }
      // The holder is dead now: its lock is stale and the next command takes it over.
      const io = testIo({ cwd, env: { EARSHOT_DATA_DIR: data } })
      expect(await runCli(['migrate'], io)).toBe(0)
      expect(existsSync(lockFile)).toBe(false)
    })

    it('collect --help promises concurrent processes only on PostgreSQL', async () => {
      const io = testIo({ cwd })
      expect(await runCli(['collect', '--help'], io)).toBe(0)
      expect(io.out()).toContain(
        'With DATABASE_URL (a PostgreSQL server), several collect processes',
      )
      expect(io.out()).toContain('The embedded database serves one process at a time')
    })

    it('serves the dashboard until stopped, then exits 0', async () => {
      const io = testIo({ cwd, env: { EARSHOT_DATA_DIR: data } })
      const running = runCli(['serve', '--port', '0'], io)
      const [, url] = await io.printed(/Earshot dashboard: (http:\/\/127\.0\.0\.1:\d+)\//, running)
      const health = await fetch(`${url}/healthz`)
      expect(health.status).toBe(200)
      io.stop()
      expect(await running).toBe(0)
    })

    it('says the port is busy and suggests --port', async () => {
      const blocker = createServer()
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
      const port = (blocker.address() as { port: number }).port
      try {
        const io = testIo({ cwd, env: { EARSHOT_DATA_DIR: data } })
        expect(await runCli(['serve', '--port', String(port)], io)).toBe(1)
        expect(io.err()).toContain(`earshot: port ${port} on 127.0.0.1 is already in use`)
        expect(io.err()).toContain(`--port ${port + 1}`)
        expect(io.err()).not.toMatch(STACK_LINE)
      } finally {
        blocker.close()
      }
    })

    it('adds a user with the password from EARSHOT_PASSWORD, and rejects an unknown role', async () => {
      const io = testIo({
        cwd,
        env: { EARSHOT_DATA_DIR: data, EARSHOT_PASSWORD: 'correct horse battery' },
      })
      const code = await runCli(
        [
          'user',
          'add',
          '--email',
          'ana@clinic.example',
          '--name',
          'Ana Lopez',
          '--role',
          'admin',
          '--org',
          'Test Agency',
          '--create-org',
        ],
        io,
      )
      expect(code).toBe(0)
      expect(io.out()).toMatch(/Created agency_admin ana@clinic\.example/)
      const bad = testIo({
        cwd,
        env: { EARSHOT_DATA_DIR: data, EARSHOT_PASSWORD: 'correct horse battery' },
      })
      expect(
        await runCli(
          ['user', 'add', '--email', 'b@clinic.example', '--name', 'B', '--role', 'owner'],
          bad,
        ),
      ).toBe(2)
      expect(bad.err()).toContain('unknown role "owner"')
    })

    it('imports a CSV file into a channel, quarantines the bad record, and is idempotent', async () => {
      const { createChannel, createOrganisation, createPractice, openDatabase } = await import(
        '@earshot/core'
      )
      const database = await openDatabase({ url: data })
      const org = await createOrganisation(database.db, { name: 'Import Org' })
      const practice = await createPractice(database.db, {
        organisationId: org.id,
        name: 'Import Practice',
        schedule: {
          timeZone: 'Australia/Sydney',
          weekly: { mon: [{ start: '09:00', end: '17:00' }] },
        },
        promise: { targets: [{ duration: '2 business hours' }] },
      })
      await createChannel(database.db, {
        organisationId: org.id,
        practiceId: practice.id,
        id: 'import-channel',
        platform: 'import',
        externalAccountId: 'clinic',
        name: 'Import',
      })
      await database.close()
      const file = join(cwd, 'export.csv')
      writeFileSync(
        file,
        'external_id,created_at,text,author_name\nm1,2026-11-24T01:00:00Z,do you bulk bill,Sam\nm2,2026-11-24T02:00:00Z,thanks!,Jo\nm3,yesterday-ish,broken,X\n',
      )
      const io = testIo({ cwd, env: { EARSHOT_DATA_DIR: data } })
      expect(await runCli(['import', 'export.csv', '--channel', 'import-channel'], io)).toBe(0)
      expect(io.out()).toMatch(
        /Imported 3 record\(s\) in [\d.]+ s: 2 new, 0 updated, 0 unchanged, 0 deleted, 1 quarantined\./,
      )
      expect(io.err()).toContain('record 3: created_at is not a valid time')
      const again = testIo({ cwd, env: { EARSHOT_DATA_DIR: data } })
      expect(await runCli(['import', file, '--channel', 'import-channel'], again)).toBe(0)
      expect(again.out()).toContain('0 new, 0 updated, 2 unchanged')
      const missing = testIo({ cwd, env: { EARSHOT_DATA_DIR: data } })
      expect(await runCli(['import', 'nope.csv', '--channel', 'import-channel'], missing)).toBe(1)
      expect(missing.err()).toContain(`no file at ${join(cwd, 'nope.csv')}`)

      const latin1 = join(cwd, 'latin1.csv')
      writeFileSync(
        latin1,
        Buffer.from('external_id,created_at,text\nm4,2026-11-24T03:00:00Z,Caf\u00e9?\n', 'latin1'),
      )
      const refused = testIo({ cwd, env: { EARSHOT_DATA_DIR: data } })
      expect(await runCli(['import', latin1, '--channel', 'import-channel'], refused)).toBe(1)
      expect(refused.err()).toContain('is not valid UTF-8 (first invalid byte at offset 55)')
      expect(refused.err()).not.toMatch(STACK_LINE)
      const declared = testIo({ cwd, env: { EARSHOT_DATA_DIR: data } })
      expect(
        await runCli(
          ['import', latin1, '--channel', 'import-channel', '--encoding', 'latin1'],
          declared,
        ),
      ).toBe(0)
      expect(declared.out()).toContain('1 new')
    })

    it('collects once and says when no channel is due', async () => {
      const io = testIo({ cwd, env: { EARSHOT_DATA_DIR: data } })
      const code = await runCli(['collect', '--once'], io)
      // The import channel above has no file configured: its run fails and says why.
      expect(io.out()).toMatch(/import\s+import-channel\s+error/)
      expect(code).toBe(1)
      const second = testIo({ cwd, env: { EARSHOT_DATA_DIR: data } })
      expect(await runCli(['collect', '--once'], second)).toBe(0)
      expect(second.out()).toContain('No channel was due.')
    })

    it('reads the password from piped stdin when EARSHOT_PASSWORD is not set', async () => {
      const io = testIo({ cwd, env: { EARSHOT_DATA_DIR: data }, stdin: 'another long password\n' })
      expect(
        await runCli(
          [
            'user',
            'add',
            '--email',
            'viewer@clinic.example',
            '--name',
            'Vee',
            '--role',
            'viewer',
            '--org',
            'Test Agency',
          ],
          io,
        ),
      ).toBe(0)
      expect(io.out()).toContain('Created viewer viewer@clinic.example')
      expect(io.err()).toContain('sees no practice')
    })
  })
})

describe('earshot demo', () => {
  it('generates the demo on first run, serves it with the demo login, and reuses it next time', async () => {
    const dir = join(cwd, 'demo')
    const io = testIo({ cwd })
    const running = runCli(['demo', '--data', dir, '--port', '0', '--scale', '0.05'], io)
    const [, url] = await io.printed(/Earshot dashboard: (http:\/\/127\.0\.0\.1:\d+)\//, running)
    expect(io.err()).toMatch(
      /Generated [\d,]+ mentions for 4 practices on 14 channels in [\d.]+ s\./,
    )
    expect(io.out()).toContain('Sign in:   demo@example.com / earshot-demo')
    const login = await fetch(`${url}/login`)
    expect(login.status).toBe(200)
    io.stop()
    expect(await running).toBe(0)

    const second = testIo({ cwd })
    const again = runCli(['demo', '--data', dir, '--port', '0'], second)
    await second.printed(/Earshot dashboard: /, again)
    expect(second.err()).toContain('Using the existing demo data')
    second.stop()
    expect(await again).toBe(0)
  })

  it('refuses a data folder that holds other data, and --reset of a folder that is not a database', async () => {
    const other = testIo({ cwd })
    expect(await runCli(['demo', '--data', join(cwd, 'data'), '--port', '0'], other)).toBe(1)
    expect(other.err()).toContain('holds other data')
    const notDb = join(cwd, 'documents')
    mkdirSync(notDb)
    writeFileSync(join(notDb, 'thesis.txt'), 'precious')
    const reset = testIo({ cwd })
    expect(await runCli(['demo', '--data', notDb, '--reset'], reset)).toBe(1)
    expect(reset.err()).toContain('refusing to reset')
    expect(existsSync(join(notDb, 'thesis.txt'))).toBe(true)
  })
})

describe('earshot classify', () => {
  it('triages JSON lines from stdin with core’s rules', async () => {
    const stdin = `${JSON.stringify({ text: 'do you bulk bill on saturdays', id: 'a' })}\n${JSON.stringify({ text: 'Best dentist ever 😍', id: 'b' })}\n`
    const io = testIo({ cwd, stdin })
    expect(await runCli(['classify'], io)).toBe(0)
    const lines = io
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatchObject({ id: 'a', needsReply: true })
    expect(lines[1]).toMatchObject({ id: 'b', sentiment: { label: 'positive' } })
  })

  it('reports a bad line on stderr with exit code 1 and still classifies the rest', async () => {
    const io = testIo({ cwd, stdin: `not json\n${JSON.stringify({ text: 'hello' })}\n` })
    expect(await runCli(['classify'], io)).toBe(1)
    expect(io.err()).toContain('line 1: not valid JSON')
    expect(io.out().trim().split('\n')).toHaveLength(1)
  })

  it('classifies with a plugged-in enricher module given by --enricher', async () => {
    writeFileSync(
      join(cwd, 'shouty-enricher.mjs'),
      `export default () => ({ name: 'shouty', version: '1', enrich: (inputs) => inputs.map((m) => ({ needsReply: m.text === m.text.toUpperCase(), category: 'question', reasons: ['shouting'] })) })\n`,
    )
    const stdin = `${JSON.stringify({ text: 'HELLO' })}\n${JSON.stringify({ text: 'hello' })}\n`
    const io = testIo({ cwd, stdin })
    expect(await runCli(['classify', '--enricher', './shouty-enricher.mjs'], io)).toBe(0)
    const lines = io
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines).toMatchObject([
      { needsReply: true, reasons: ['shouting'] },
      { needsReply: false, reasons: ['shouting'] },
    ])
  })

  it('refuses a module that exports no enricher, with a usage error', async () => {
    writeFileSync(join(cwd, 'not-an-enricher.mjs'), 'export const x = 1\n')
    const io = testIo({ cwd, stdin: '' })
    expect(await runCli(['classify', '--enricher', './not-an-enricher.mjs'], io)).toBe(2)
    expect(io.err()).toContain('does not export an enricher')
  })
})
