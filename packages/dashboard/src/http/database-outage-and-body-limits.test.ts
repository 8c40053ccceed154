/**
 * Findings 1, 5, 8 and 9 of issue 13: while the database is unreachable the server answers 503
 * in the one error shape (never 500, never the database's address); every request body is cut
 * off at the limit while it streams, chunked or not, before a route reads it.
 */
import http from 'node:http'
import { createServer } from 'node:net'
import { openDatabase } from '@earshot/core'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDashboard } from '../app.js'
import type { Database } from '../core.js'
import { type RunningServer, startServer } from '../server.js'

/** A port nothing listens on: a database server that has gone away. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('with the database gone', () => {
  let db: Kysely<Database>
  let port: number
  beforeAll(async () => {
    port = await closedPort()
    const pool = new pg.Pool({
      connectionString: `postgres://earshot:secret@127.0.0.1:${port}/earshot`,
    })
    pool.on('error', () => {})
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  })
  afterAll(async () => {
    await db.destroy()
  })

  it('answers API calls 503 DATABASE_UNAVAILABLE without the address', async () => {
    const app = createDashboard({ db })
    const response = await app.request('/api/v1/practices', {
      headers: { authorization: 'Bearer esk_nothing_here' },
    })
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toBeTruthy()
    const text = await response.text()
    expect(JSON.parse(text).error.code).toBe('DATABASE_UNAVAILABLE')
    expect(text).not.toContain(String(port))
    expect(text).not.toContain('127.0.0.1')
  })

  it('answers a webhook 503 without the driver message', async () => {
    const app = createDashboard({ db })
    const response = await app.request('/hooks/webchat/ch-1', { method: 'POST', body: '{}' })
    expect(response.status).toBe(503)
    const text = await response.text()
    expect(text).not.toContain(String(port))
    expect(text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/)
  })

  it('reports the database down on /healthz', async () => {
    const response = await createDashboard({ db }).request('/healthz')
    expect(response.status).toBe(503)
    expect(await response.json()).toMatchObject({ ok: false, database: 'down' })
  })

  it('still shows the sign-in page, which needs no database', async () => {
    const response = await createDashboard({ db }).request('/login')
    expect(response.status).toBe(200)
  })
})

/**
 * POSTs a body that never ends (chunked) and resolves with the status once the server answers:
 * only a server that stops reading can answer it.
 */
function postEndlessBody(url: string): Promise<{ status: number; sent: number }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url)
    const request = http.request({
      host: target.hostname,
      port: target.port,
      path: target.pathname,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    let sent = 0
    let answered = false
    const chunk = Buffer.alloc(64 * 1024, 0x61)
    request.on('response', (response) => {
      answered = true
      response.resume()
      request.destroy()
      resolve({ status: response.statusCode ?? 0, sent })
    })
    request.on('error', (error) => {
      if (!answered) reject(error)
    })
    const pump = () => {
      while (!answered && request.write(chunk)) sent += chunk.length
      if (!answered) request.once('drain', pump)
    }
    pump()
  })
}

describe('request body limits', () => {
  let server: RunningServer
  let close: () => Promise<void>
  beforeAll(async () => {
    const database = await openDatabase()
    close = database.close
    server = await startServer({
      app: createDashboard({ db: database.db }),
      port: 0,
      handleSignals: false,
    })
  })
  afterAll(async () => {
    await server?.close()
    await close?.()
  })

  for (const path of ['/hooks/webchat/ch-1', '/login', '/api/v1/practices'])
    it(`cuts off an endless chunked body to ${path} with 413`, async () => {
      const { status } = await postEndlessBody(`${server.url}${path}`)
      expect(status).toBe(413)
    })

  it('refuses a declared oversized body before reading it', async () => {
    const response = await fetch(`${server.url}/login`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(200 * 1024 * 1024),
      },
      body: 'email=a',
    }).catch((error: unknown) => error)
    // Either the answer arrives (413) or the client gives up on its own lie about the length.
    if (response instanceof Response) expect(response.status).toBe(413)
  })
})

describe('/healthz', () => {
  it('reports a database that refuses writes as read-only, and up again after', async () => {
    const { db, close } = await openDatabase()
    try {
      const app = createDashboard({ db })
      expect(await (await app.request('/healthz')).json()).toEqual({ ok: true, database: 'up' })
      await sql`set default_transaction_read_only = on`.execute(db)
      const response = await app.request('/healthz')
      expect(response.status).toBe(503)
      expect(await response.json()).toEqual({ ok: false, database: 'read-only' })
      await sql`set default_transaction_read_only = off`.execute(db)
      expect((await app.request('/healthz')).status).toBe(200)
    } finally {
      await close()
    }
  })
})
