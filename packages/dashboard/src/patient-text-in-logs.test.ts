/**
 * @module No patient text in logs: a run over the test world — pages, API, the inbox, a reply,
 * malformed bodies quoting patients, an erasure — with everything written to stdout/stderr and
 * the console captured, then searched for every mention text, author name and identifier the
 * world ingested.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestWorld, signIn, type TestWorld } from './test-support/test-world.js'

let w: TestWorld
const captured: string[] = []
const restore: Array<() => void> = []

function capture(): void {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream)
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      captured.push(String(chunk))
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest)
    }) as typeof stream.write
    restore.push(() => {
      stream.write = write
    })
  }
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[level]
    console[level] = (...args: unknown[]) => {
      captured.push(
        args
          .map((a) =>
            a instanceof Error
              ? `${a.message} ${a.stack}`
              : typeof a === 'string'
                ? a
                : JSON.stringify(a),
          )
          .join(' '),
      )
    }
    restore.push(() => {
      console[level] = original
    })
  }
}

beforeAll(async () => {
  w = await createTestWorld()
  capture()
})
afterAll(async () => {
  for (const r of restore.reverse()) r()
  await w?.close()
})

describe('patient text in logs', () => {
  it('none of what patients wrote, who they are or their identifiers is logged', async () => {
    const admin = await signIn(w.app, 'admin@a.example')
    // What the world ingested, read before the erasure below removes some of it.
    const mentions = await w.db.selectFrom('mentions').select(['text', 'author_name']).execute()
    const secret = 'Sam Patient says DOB 12/03/1985 call 0412 345 678'
    for (const path of [
      '/',
      '/inbox',
      '/mentions',
      `/mentions/${w.mentions.open}`,
      `/mentions/${w.mentions.privacy}`,
      '/api/v1/mentions',
      '/api/v1/inbox',
      '/settings/privacy',
    ])
      expect((await admin.get(path)).status, path).toBeLessThan(500)
    await admin.post(`/mentions/${w.mentions.open}/reply`, { text: 'Thanks Alice, please call us' })
    // Malformed input that quotes a patient, on forms and the API.
    await admin.post('/settings/privacy', { mention_retention_months: secret })
    await admin.post('/settings/privacy/erase', { platform: secret, author: secret })
    await admin.request('/api/v1/mentions/x/overrides', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': admin.csrf },
      body: `{"action": "${secret}", "note": `,
    })
    await admin.post(`/mentions/${w.mentions.open}/override`, { action: secret, note: secret })
    await admin.post('/settings/privacy/erase', {
      platform: 'facebook',
      author: 'u4',
      mode: 'erase',
    })

    const needles = [
      secret,
      '12/03/1985',
      '0412 345 678',
      'Sam Patient',
      'Thanks Alice',
      ...mentions.flatMap((m) => [m.text, m.author_name ?? '']),
    ].filter((n) => n.trim().length >= 6)
    const log = captured.join('\n')
    for (const needle of needles) expect(log, `the logs quote "${needle}"`).not.toContain(needle)
  })
})
