import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createTestWorld,
  signIn,
  type TestClient,
  type TestWorld,
} from '../../test-support/test-world.js'

let w: TestWorld
let admin: TestClient
let manager: TestClient

beforeAll(async () => {
  w = await createTestWorld()
  admin = await signIn(w.app, 'admin@a.example')
  manager = await signIn(w.app, 'manager@a.example')
})
afterAll(async () => {
  await w?.close()
})

function tokenIn(html: string): string {
  const m = /<code class="secret"[^>]*>(es_[A-Za-z0-9_-]+)<\/code>/.exec(html)
  if (!m) throw new Error('no token on the page')
  return m[1]!
}

describe('API token page', () => {
  it('shows a new token once; it works on the API and never appears again', async () => {
    const res = await manager.post('/setup/tokens', {
      name: 'weekly numbers',
      scopes: 'read',
      days: '30',
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const token = tokenIn(await res.text())
    const api = await w.app.request('/api/v1/practices', {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(api.status).toBe(200)
    const list = await (await manager.get('/setup/tokens')).text()
    expect(list).toContain('weekly numbers')
    expect(list).not.toContain(token)
    // Scopes, created, last used (the API call above), expiry 30 days after the pinned clock.
    expect(list).toMatch(/weekly numbers<\/th><td>read<\/td><td>[^<]+<\/td><td>[^<]+<\/td>/)
    expect(list).not.toMatch(/weekly numbers<\/th><td>read<\/td><td>[^<]+<\/td><td>never/)
    const row = await w.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('name', '=', 'weekly numbers')
      .executeTakeFirstOrThrow()
    expect(row.token_hash).not.toContain(token)
    expect(row.user_id).toBe(w.a.manager)
  })

  it('revokes a token so the API refuses it from the next request', async () => {
    const token = tokenIn(
      await (
        await manager.post('/setup/tokens', { name: 'to revoke', scopes: 'read', days: '90' })
      ).text(),
    )
    const row = await w.db
      .selectFrom('api_tokens')
      .select('id')
      .where('name', '=', 'to revoke')
      .executeTakeFirstOrThrow()
    const res = await manager.post(`/setup/tokens/${row.id}/revoke`, {})
    expect(res.status).toBe(303)
    const api = await w.app.request('/api/v1/practices', {
      headers: { authorization: `Bearer ${token}` },
    })
    expect(api.status).toBe(401)
    const actions = await w.db
      .selectFrom('user_actions')
      .select('action')
      .where('target_id', '=', row.id)
      .orderBy('created_at')
      .execute()
    expect(actions.map((a) => a.action).sort()).toEqual(['token.created', 'token.revoked'])
  })

  it('shows a manager only their tokens, and an admin all of the organisation', async () => {
    const mine = await (await manager.get('/setup/tokens')).text()
    expect(mine).not.toContain('viewer tests')
    const all = await (await admin.get('/setup/tokens')).text()
    expect(all).toContain('viewer tests')
    expect(all).toContain('weekly numbers')
    expect(all).not.toContain('tests b')
  })

  it("does not let a manager revoke someone else's token", async () => {
    const viewerToken = await w.db
      .selectFrom('api_tokens')
      .select('id')
      .where('name', '=', 'viewer tests')
      .executeTakeFirstOrThrow()
    expect((await manager.post(`/setup/tokens/${viewerToken.id}/revoke`, {})).status).toBe(404)
  })

  it('asks for a name and keeps what was typed', async () => {
    const res = await manager.post('/setup/tokens', { name: '   ', scopes: 'read', days: '90' })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('give the token a name')
    const long = await manager.post('/setup/tokens', {
      name: 'x'.repeat(150),
      scopes: 'read',
      days: '90',
    })
    expect(long.status).toBe(400)
    const noScope = await manager.post('/setup/tokens', { name: 'nothing', days: '90' })
    expect(noScope.status).toBe(400)
    const html = await noScope.text()
    expect(html).toContain('tick at least one of read, write, admin')
    expect(html).toContain('value="nothing"')
    const badScope = await manager.post('/setup/tokens', {
      name: 'root',
      scopes: 'root',
      days: '90',
    })
    expect(badScope.status).toBe(400)
    const forever = await manager.post('/setup/tokens', { name: 'f', scopes: 'read', days: '9999' })
    expect(forever.status).toBe(400)
  })

  it('refuses set-up pages to API tokens: a token cannot mint tokens', async () => {
    const res = await w.app.request('/setup/tokens', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${w.a.token}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'name=escalate',
    })
    expect(res.status).toBe(403)
    const get = await w.app.request('/setup', { headers: { authorization: `Bearer ${w.a.token}` } })
    expect(get.status).toBe(403)
  })
})
