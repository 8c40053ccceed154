/**
 * @module One process per embedded data folder, tested with real second processes: a folder
 * held by another process refuses `openDatabase` with a message naming the holder and what to
 * do; once the holder closes, it opens; a lock left by a dead process is taken over; a signal
 * that ends the holder releases its lock.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { isEarshotError } from '../errors.js'
import { DATA_FOLDER_LOCK_FILE, lockDataFolder } from './data-folder-lock.js'
import { openDatabase } from './open-database.js'

const root = mkdtempSync(join(tmpdir(), 'earshot-lock-'))
const children: ChildProcess[] = []
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
  rmSync(root, { recursive: true, force: true })
})

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url))
const holderScript = fileURLToPath(new URL('../../test/hold-data-folder.ts', import.meta.url))

/** Starts a holder process and resolves once it says it holds the folder. */
async function startHolder(mode: 'open' | 'lock', dir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', holderScript, mode, dir], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  children.push(child)
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]()
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`holder exited with ${code} before holding the folder`)
  })
  const first = await Promise.race([lines.next(), exited])
  expect(first.value).toBe('held')
  exited.catch(() => {})
  return { child, lines }
}

/** The error `openDatabase` throws for `dir`, or undefined when it opened. */
async function openError(dir: string): Promise<unknown> {
  try {
    const database = await openDatabase({ url: dir, migrate: false })
    await database.close()
    return undefined
  } catch (error) {
    return error
  }
}

describe('a data folder held by another process', () => {
  it('refuses a second process with the holder and what to do, and opens once it closes', async () => {
    const dir = join(root, 'shared')
    const { child, lines } = await startHolder('open', dir)

    const error = await openError(dir)
    expect(isEarshotError(error, 'DATABASE_UNAVAILABLE')).toBe(true)
    const message = (error as Error).message
    expect(message).toContain(`in use by process ${child.pid}`)
    expect(message).toContain('hold-data-folder.ts open')
    expect(message).toContain('stop that process')
    expect(message).toContain('DATABASE_URL')
    expect((error as { details?: unknown }).details).toMatchObject({
      reason: 'locked',
      holder: { pid: child.pid, hostname: hostname() },
    })

    child.stdin!.write('close\n')
    expect((await lines.next()).value).toBe('closed')
    await once(child, 'exit')
    expect(existsSync(join(dir, DATA_FOLDER_LOCK_FILE))).toBe(false)

    const database = await openDatabase({ url: dir, migrate: false })
    const lock = JSON.parse(readFileSync(join(dir, DATA_FOLDER_LOCK_FILE), 'utf8'))
    expect(lock.pid).toBe(process.pid)
    // The same process opening it twice would corrupt it just the same.
    expect(isEarshotError(await openError(dir), 'DATABASE_UNAVAILABLE')).toBe(true)
    await database.close()
    expect(existsSync(join(dir, DATA_FOLDER_LOCK_FILE))).toBe(false)
  })

  it('takes over a lock left by a process that is dead', async () => {
    const dir = join(root, 'stale')
    const dead = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
    await once(dead, 'exit')
    const stale = {
      pid: dead.pid,
      hostname: hostname(),
      command: 'earshot serve',
      startedAt: '2026-01-01T00:00:00.000Z',
    }
    const lock1 = lockDataFolder(dir, { command: 'first' })
    lock1.release()
    writeFileSync(join(dir, DATA_FOLDER_LOCK_FILE), JSON.stringify(stale))

    const lock = lockDataFolder(dir, { command: 'taker' })
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toMatchObject({
      pid: process.pid,
      command: 'taker',
    })
    lock.release()
  })

  it('never takes over a live lock, nor one from another host', () => {
    const dir = join(root, 'foreign')
    lockDataFolder(dir).release()
    const foreign = {
      pid: 1,
      hostname: `not-${hostname()}`,
      command: 'earshot serve',
      startedAt: '2026-01-01T00:00:00.000Z',
    }
    writeFileSync(join(dir, DATA_FOLDER_LOCK_FILE), JSON.stringify(foreign))
    expect(() => lockDataFolder(dir, { isAlive: () => false })).toThrow(`on host not-${hostname()}`)
    writeFileSync(
      join(dir, DATA_FOLDER_LOCK_FILE),
      JSON.stringify({ ...foreign, hostname: hostname() }),
    )
    expect(() => lockDataFolder(dir, { isAlive: () => true })).toThrow('in use by process 1')
    writeFileSync(join(dir, DATA_FOLDER_LOCK_FILE), 'garbage')
    expect(() => lockDataFolder(dir)).toThrow('cannot be read')
  })

  it('is released when a signal ends the holder', async () => {
    const dir = join(root, 'signalled')
    const { child } = await startHolder('lock', dir)
    expect(existsSync(join(dir, DATA_FOLDER_LOCK_FILE))).toBe(true)
    child.kill('SIGTERM')
    const [, signal] = await once(child, 'exit')
    expect(signal).toBe('SIGTERM')
    expect(existsSync(join(dir, DATA_FOLDER_LOCK_FILE))).toBe(false)
  })
})
