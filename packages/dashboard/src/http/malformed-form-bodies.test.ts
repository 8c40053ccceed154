/**
 * @module Malformed form bodies are the sender's error: a multipart body that cannot be parsed
 * and a text field holding a NUL (which PostgreSQL cannot store) answer 400, never 500.
 * Found by the reliability run's fuzzer (docs/reliability.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createTestWorld,
  signIn,
  type TestClient,
  type TestWorld,
} from '../test-support/test-world.js'

let w: TestWorld
let admin: TestClient

beforeAll(async () => {
  w = await createTestWorld()
  admin = await signIn(w.app, 'admin@a.example')
})

afterAll(async () => {
  await w?.close()
})

describe('malformed form bodies', () => {
  it('answers 400 to a multipart body that cannot be parsed, on pages and on sign-in', async () => {
    for (const [type, body] of [
      [
        'multipart/form-data; boundary=zzz',
        '--zzz\r\nContent-Disposition: form-data; name="text"\r\n\r\nunterminated',
      ],
      ['multipart/form-data', 'garbage'],
    ] as const) {
      const page = await admin.request('/inbox/notes', {
        method: 'POST',
        headers: { 'content-type': type, 'x-csrf-token': admin.csrf },
        body,
      })
      expect(page.status, type).toBe(400)
      const login = await w.app.request('/login', {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      })
      expect(login.status, type).toBe(400)
    }
  })

  it('still answers 413 to an oversized multipart body', async () => {
    const res = await w.app.request('/login', {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=zzz' },
      body: `--zzz\r\nContent-Disposition: form-data; name="email"\r\n\r\n${'x'.repeat(1_100_000)}\r\n--zzz--\r\n`,
    })
    expect(res.status).toBe(413)
  })

  it('answers 400 to a NUL in a text field, and stores nothing', async () => {
    const res = await admin.post('/inbox/notes', { mention_id: w.mentions.open, text: 'a\u0000b' })
    expect(res.status).toBe(400)
    const notes = await w.db
      .withTables<{ inbox_notes: { mention_id: string } }>()
      .selectFrom('inbox_notes')
      .select('mention_id')
      .where('mention_id', '=', w.mentions.open)
      .execute()
    expect(notes).toEqual([])
  })
})
