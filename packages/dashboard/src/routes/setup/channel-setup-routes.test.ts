import { loadChannelCredentials } from '@earshot/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createTestWorld,
  signIn,
  type TestClient,
  type TestWorld,
} from '../../test-support/test-world.js'

let w: TestWorld
let manager: TestClient
let viewer: TestClient

beforeAll(async () => {
  process.env.EARSHOT_SECRET_KEY ??= Buffer.alloc(32, 7).toString('base64')
  w = await createTestWorld()
  manager = await signIn(w.app, 'manager@a.example')
  viewer = await signIn(w.app, 'viewer@a.example')
})
afterAll(async () => {
  await w?.close()
})

async function channelByName(name: string) {
  return w.db.selectFrom('channels').selectAll().where('name', '=', name).executeTakeFirstOrThrow()
}

describe('channel set-up pages', () => {
  it('creates a web-chat channel and shows its callback URL, signing secret and a signed example', async () => {
    const res = await manager.post('/setup/channels', {
      practice: w.a.practice1,
      platform: 'webchat',
      name: 'Harbour site chat',
      account: 'harbour-site',
    })
    expect(res.status).toBe(303)
    const channel = await channelByName('Harbour site chat')
    const page = await (await manager.get(res.headers.get('location')!)).text()
    const secret = (channel.config as { secret: string }).secret
    expect(secret).toMatch(/^whsec_/)
    expect(page).toContain(secret)
    expect(page).toContain(`http://localhost:3000/hooks/webchat/${channel.id}`)
    expect(page).toContain('x-earshot-signature: sha256=$SIG')
  })

  it('creates an RSS channel that shows its feed URL, and names missing fields', async () => {
    const bad = await manager.post('/setup/channels', {
      practice: w.a.practice1,
      platform: 'rss',
      name: '',
      url: 'ftp://x',
    })
    expect(bad.status).toBe(400)
    const html = await bad.text()
    expect(html).toContain('give the channel a name')
    expect(html).toContain('needs the feed URL')
    const ok = await manager.post('/setup/channels', {
      practice: w.a.practice1,
      platform: 'rss',
      name: 'Harbour blog',
      url: 'https://harbour.example/feed.xml',
    })
    expect(ok.status).toBe(303)
    const page = await (await manager.get(ok.headers.get('location')!)).text()
    expect(page).toContain('Feed URL: <code>https://harbour.example/feed.xml</code>')
  })

  it('stores a pasted token encrypted, never shows it, and clears needs-reauth', async () => {
    await w.db
      .updateTable('channels')
      .set({ status: 'needs_reauth', last_error: 'The access token has expired' })
      .where('id', '=', w.a.channel1)
      .execute()
    const before = await (await manager.get('/inbox')).text()
    expect(before).toContain('Reconnect Harbour GP Facebook')
    expect(before).toContain(`href="/channels/${w.a.channel1}/connect"`)
    const list = await (await manager.get('/setup/channels')).text()
    expect(list).toContain('The access token has expired')
    const res = await manager.post(`/setup/channels/${w.a.channel1}/token`, {
      token: 'EAAB-pasted-page-token',
    })
    expect(res.status).toBe(303)
    const page = await (await manager.get(res.headers.get('location')!)).text()
    expect(page).not.toContain('EAAB-pasted-page-token')
    const stored = await w.db
      .selectFrom('channel_credentials')
      .select('ciphertext')
      .where('channel_id', '=', w.a.channel1)
      .executeTakeFirstOrThrow()
    expect(stored.ciphertext).not.toContain('EAAB-pasted-page-token')
    expect((await loadChannelCredentials(w.db, w.a.channel1))?.accessToken).toBe(
      'EAAB-pasted-page-token',
    )
    expect((await channelByName('Harbour GP Facebook')).status).toBe('active')
    expect(await (await manager.get('/inbox')).text()).not.toContain(
      'Reconnect Harbour GP Facebook',
    )
  })

  it('links a manual channel needing a token to the paste-token form in the banner', async () => {
    const rss = await channelByName('Harbour blog')
    await w.db
      .updateTable('channels')
      .set({ status: 'needs_reauth' })
      .where('id', '=', rss.id)
      .execute()
    const page = await (await viewer.get('/')).text()
    expect(page).toContain(`href="/setup/channels/${rss.id}#token"`)
    await w.db.updateTable('channels').set({ status: 'active' }).where('id', '=', rss.id).execute()
  })

  it('pauses and resumes, and deletes only a channel without mentions', async () => {
    const paused = await manager.post(`/setup/channels/${w.a.channel1}/status`, {
      status: 'paused',
    })
    expect(paused.status).toBe(303)
    expect((await channelByName('Harbour GP Facebook')).status).toBe('paused')
    await manager.post(`/setup/channels/${w.a.channel1}/status`, { status: 'active' })
    expect((await channelByName('Harbour GP Facebook')).status).toBe('active')
    expect(
      (await manager.post(`/setup/channels/${w.a.channel1}/status`, { status: 'gone' })).status,
    ).toBe(400)
    expect((await manager.post(`/setup/channels/${w.a.channel1}/delete`, {})).status).toBe(409)
    const blog = await channelByName('Harbour blog')
    expect((await manager.post(`/setup/channels/${blog.id}/delete`, {})).status).toBe(303)
    const gone = await w.db
      .selectFrom('channels')
      .select('id')
      .where('id', '=', blog.id)
      .executeTakeFirst()
    expect(gone).toBeUndefined()
    const logged = await w.db
      .selectFrom('user_actions')
      .select('action')
      .where('target_id', '=', blog.id)
      .execute()
    expect(logged.map((l) => l.action).sort()).toEqual(['channel.created', 'channel.disconnected'])
  })

  it('keeps viewers out and managers to their practices', async () => {
    expect((await viewer.get('/setup/channels')).status).toBe(403)
    expect(
      (await viewer.post(`/setup/channels/${w.a.channel1}/token`, { token: 'x' })).status,
    ).toBe(403)
    expect((await manager.get(`/setup/channels/${w.a.channel2}`)).status).toBe(404)
    expect(
      (await manager.post(`/setup/channels/${w.a.channel2}/status`, { status: 'paused' })).status,
    ).toBe(404)
  })
})
