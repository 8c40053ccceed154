/**
 * A collector process killed with SIGKILL in the middle of a run loses nothing and duplicates
 * nothing: each batch is committed with its checkpoint, and the restarted run resumes from it.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openDatabase } from '@earshot/core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { type FakeServer, startFakeServer } from '../src/testing/fake-server.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const CHILD = fileURLToPath(new URL('./fixtures/collect-child.ts', import.meta.url))
const LOCATION = 'accounts/42/locations/7'
const PAGES = 12
const PER_PAGE = 5

const review = (n: number) => ({
  name: `${LOCATION}/reviews/rev-${n}`,
  reviewId: `rev-${n}`,
  reviewer: { displayName: `Patient ${n}` },
  starRating: ['ONE', 'TWO', 'THREE', 'FOUR', 'FIVE'][n % 5],
  comment: `Review number ${n}`,
  createTime: new Date(Date.UTC(2025, 0, 1, 0, n)).toISOString(),
  updateTime: new Date(Date.UTC(2025, 0, 1, 0, n)).toISOString(),
  ...(n % 3 === 0
    ? {
        reviewReply: {
          comment: `Thanks ${n}`,
          updateTime: new Date(Date.UTC(2025, 0, 2, 0, n)).toISOString(),
        },
      }
    : {}),
})
const expectedIds = Array.from({ length: PAGES * PER_PAGE }, (_, n) => [
  `rev-${n}`,
  ...(n % 3 === 0 ? [`rev-${n}/reply`] : []),
]).flat()

/**
 * The page the fake API holds back until the first child is dead: the child can never finish
 * the run before the parent kills it, however fast or slow the machine is.
 */
const HELD_PAGE = 5
let releaseHeldPage: () => void = () => {}
const heldPageReleased = new Promise<void>((resolve) => {
  releaseHeldPage = resolve
})

let server: FakeServer
let dataDir: string
let channelId: string
let organisationId: string

beforeAll(async () => {
  server = await startFakeServer(async (req) => {
    const page = Number(req.query.get('pageToken') ?? '0')
    const reviews = Array.from({ length: PER_PAGE }, (_, i) => review(page * PER_PAGE + i))
    if (page === HELD_PAGE) await heldPageReleased
    return {
      body: {
        reviews,
        averageRating: 3,
        totalReviewCount: PAGES * PER_PAGE,
        ...(page + 1 < PAGES ? { nextPageToken: String(page + 1) } : {}),
      },
    }
  })
  dataDir = mkdtempSync(join(tmpdir(), 'earshot-crash-'))
})

afterAll(async () => {
  await server?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

function runChild(args: string[]): {
  child: ChildProcess
  lines: string[]
  exited: Promise<number | null>
  /** Resolves when a line starting with `prefix` has been printed; rejects if the child exits first. */
  printed(prefix: string): Promise<void>
} {
  const child = spawn(
    process.execPath,
    ['--conditions=@earshot/source', '--import', 'tsx', CHILD, dataDir, ...args],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const lines: string[] = []
  const waiting: { prefix: string; resolve: () => void }[] = []
  let stderr = ''
  let partial = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n')
    partial = parts.pop() ?? ''
    lines.push(...parts.filter(Boolean))
    for (const w of [...waiting])
      if (lines.some((l) => l.startsWith(w.prefix))) {
        waiting.splice(waiting.indexOf(w), 1)
        w.resolve()
      }
  })
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  exited.then(() => {
    if (stderr.trim()) lines.push(`STDERR ${stderr.trim()}`)
  })
  const printed = (prefix: string) =>
    lines.some((l) => l.startsWith(prefix))
      ? Promise.resolve()
      : Promise.race([
          new Promise<void>((resolve) => waiting.push({ prefix, resolve })),
          exited.then((code) => {
            if (!lines.some((l) => l.startsWith(prefix)))
              throw new Error(
                `child exited (${code}) before printing ${prefix}: ${lines.join(' | ')}`,
              )
          }),
        ])
  return { child, lines, exited, printed }
}

it('keeps every mention exactly once when the collector is SIGKILLed mid-run and restarted', async () => {
  // The first run also creates the practice and channel, then collects until it is killed.
  const first = runChild(['--setup', server.url])
  await first.printed('BATCH 4 ')
  const created = first.lines.find((l) => l.startsWith('CHANNEL '))!.split(' ')
  channelId = created[1]!
  organisationId = created[2]!
  first.child.kill('SIGKILL')
  expect(await first.exited).toBeNull()
  releaseHeldPage()
  expect(first.lines.some((l) => l.startsWith('DONE'))).toBe(false)
  const requestsBeforeRestart = server.requests.length

  const second = runChild([channelId])
  expect(await second.exited).toBe(0)
  expect(second.lines.find((l) => l.startsWith('DONE'))).toBe('DONE success ')
  // The restart resumed from the checkpoint instead of walking the list from the top.
  const resumedAt = Number(server.requests[requestsBeforeRestart]!.query.get('pageToken'))
  expect(resumedAt).toBeGreaterThanOrEqual(4)

  const { db, close } = await openDatabase({ url: dataDir })
  try {
    const rows = await db
      .selectFrom('mentions')
      .select(['external_id'])
      .where('organisation_id', '=', organisationId)
      .where('channel_id', '=', channelId)
      .execute()
    const ids = rows.map((r) => r.external_id)
    expect(ids.length).toBe(expectedIds.length)
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort()).toEqual([...expectedIds].sort())
    const channel = await db
      .selectFrom('channels')
      .selectAll()
      .where('id', '=', channelId)
      .executeTakeFirstOrThrow()
    expect(channel.status).toBe('active')
    expect(channel.checkpoint).toMatchObject({ lastRunStartedAt: expect.any(String) })
    expect(channel.checkpoint).not.toHaveProperty('run')
  } finally {
    await close()
  }
})
