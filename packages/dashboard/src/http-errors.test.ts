/**
 * @module The HTTP layer's one error table and one error shape: API routes, webhook receivers
 * and core errors all answer `{ error: { code, message } }` with the status the table gives the
 * code, and a webhook refusal reads the same whichever path produced it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EarshotError, type EarshotErrorCode } from './core.js'
import { HTTP_ERROR_CODES, HTTP_ERRORS, type HttpErrorCode } from './http/http-errors.js'
import { createTestWorld, type TestWorld } from './test-support/test-world.js'

let w: TestWorld

beforeAll(async () => {
  w = await createTestWorld()
})

afterAll(async () => {
  await w?.close()
})

/** Asserts the one shape and that the status is the table's (or `status` where a webhook keeps its own). */
async function expectError(res: Response, code: HttpErrorCode, status = HTTP_ERRORS[code].status) {
  expect(res.status).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  const body = await res.json()
  expect(body).toEqual({
    error: {
      code,
      message: expect.any(String),
      ...(body.error?.issues ? { issues: body.error.issues } : {}),
    },
  })
  expect(body.error.message.length).toBeGreaterThan(0)
  return body as { error: { code: string; message: string } }
}

describe('webhook receivers answer every error in one shape', () => {
  it('unknown platform, unknown channel, forged signature and oversized body', async () => {
    const unknown = await expectError(
      await w.app.request('/hooks/myspace/x', { method: 'POST', body: '{}' }),
      'NOT_FOUND',
    )
    expect(unknown.error.message).toContain('myspace')
    await expectError(
      await w.app.request('/hooks/facebook/00000000-0000-0000-0000-000000000000', {
        method: 'POST',
        body: '{}',
      }),
      'NOT_FOUND',
    )
    await expectError(
      await w.app.request(`/hooks/facebook/${w.a.channel1}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=00' },
        body: '{"object":"page","entry":[]}',
      }),
      'SIGNATURE_INVALID',
    )
    await expectError(
      await w.app.request('/hooks/webchat/x', { method: 'POST', body: 'x'.repeat(1_000_001) }),
      'TOO_LARGE',
    )
  })

  it('a handler that answers plain text or throws is re-shaped (and leaks no internals)', async () => {
    const plain = w.makeApp({
      webhookHandler: async () => ({ status: 400, body: 'bad payload', headers: {} }),
    })
    const body = await expectError(
      await plain.request('/hooks/webchat/x', { method: 'POST', body: '{}' }),
      'INVALID_INPUT',
    )
    expect(body.error.message).toBe('bad payload')

    const throwing = w.makeApp({
      webhookHandler: async () => {
        throw new Error('connection string postgres://secret@db')
      },
    })
    const thrown = await expectError(
      await throwing.request('/hooks/webchat/x', { method: 'POST', body: '{}' }),
      'INTERNAL',
    )
    expect(thrown.error.message).not.toContain('secret')
  })
})

describe('API errors come from the table', () => {
  it('400 with issues, 401, 404 for an unknown route and a foreign id', async () => {
    const auth = { authorization: `Bearer ${w.a.token}` }
    const invalid = await w.app.request('/api/v1/mentions?from=yesterday', { headers: auth })
    expect(invalid.status).toBe(400)
    const invalidBody = await invalid.json()
    expect(invalidBody.error.code).toBe('INVALID_INPUT')
    expect(invalidBody.error.issues[0]).toMatchObject({ path: 'from' })
    await expectError(await w.app.request('/api/v1/inbox'), 'UNAUTHENTICATED')
    await expectError(
      await w.app.request('/api/v1/inbox', { headers: { authorization: 'Bearer nope' } }),
      'UNAUTHENTICATED',
    )
    await expectError(await w.app.request('/api/v1/nothing-here', { headers: auth }), 'NOT_FOUND')
    await expectError(
      await w.app.request(`/api/v1/practices/${w.b.practice}`, { headers: auth }),
      'NOT_FOUND',
    )
  })

  const cases: [EarshotErrorCode, boolean][] = [
    ['INVALID_CONFIGURATION', true],
    ['FORBIDDEN', true],
    ['DATABASE_UNAVAILABLE', false],
    ['UPSTREAM', false],
  ]
  it.each(cases)('a core %s keeps its code and the table’s status', async (code, showsMessage) => {
    const app = w.makeApp({
      recordOverride: async () => {
        throw new EarshotError(code, 'core says internal detail 42')
      },
    })
    const res = await app.request(`/api/v1/mentions/${w.mentions.open}/overrides`, {
      method: 'POST',
      headers: { authorization: `Bearer ${w.a.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'no_reply_needed' }),
    })
    const body = await expectError(res, code)
    expect(body.error.message.includes('internal detail 42')).toBe(showsMessage)
  })

  it('the OpenAPI document lists exactly the table’s codes', async () => {
    const doc = await (await w.app.request('/api/v1/openapi.json')).json()
    expect(doc.components.schemas.Error.properties.error.properties.code.enum).toEqual(
      HTTP_ERROR_CODES,
    )
  })
})
