import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createTestWorld,
  signIn,
  type TestClient,
  type TestWorld,
} from '../../test-support/test-world.js'

let w: TestWorld
let admin: TestClient
let viewer: TestClient

beforeAll(async () => {
  w = await createTestWorld()
  admin = await signIn(w.app, 'admin@a.example')
  viewer = await signIn(w.app, 'viewer@a.example')
})
afterAll(async () => {
  await w?.close()
})

async function newChannel(platform: string, name: string, url = ''): Promise<string> {
  const res = await admin.post('/setup/channels', {
    practice: w.a.practice1,
    platform,
    name,
    account: platform === 'rss' ? '' : `acct-${name}`,
    url,
  })
  expect(res.status).toBe(303)
  return decodeURIComponent(res.headers.get('location')!.split('/')[3]!.split('?')[0]!)
}

const row = (id: string) =>
  w.db.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const config = async (id: string) => (await row(id)).config as Record<string, unknown>

describe('editing a channel', () => {
  it('shows the settings on the channel page and saves a new name, feed URL and interval', async () => {
    const id = await newChannel('rss', 'Practice blog', 'https://blog.example/feed')
    const page = await (await admin.get(`/setup/channels/${id}`)).text()
    expect(page).toContain(`action="/setup/channels/${id}/settings"`)
    expect(page).toContain('value="https://blog.example/feed"')
    const res = await admin.post(`/setup/channels/${id}/settings`, {
      name: 'Clinic news',
      url: 'https://news.example/rss.xml',
      poll: '15',
    })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe(`/setup/channels/${id}?notice=saved`)
    const saved = await row(id)
    expect(saved.name).toBe('Clinic news')
    expect(saved.poll_interval_seconds).toBe(900)
    expect((saved.config as Record<string, unknown>).url).toBe('https://news.example/rss.xml')
    const logged = await w.db
      .selectFrom('user_actions')
      .select('detail')
      .where('action', '=', 'channel.updated')
      .where('target_id', '=', id)
      .executeTakeFirstOrThrow()
    expect(logged.detail).toMatchObject({ name: 'Clinic news', pollMinutes: 15 })
  })

  it('names each mistake and saves nothing', async () => {
    const id = await newChannel('rss', 'Feed to break', 'https://blog.example/a')
    const res = await admin.post(`/setup/channels/${id}/settings`, {
      name: '',
      url: 'ftp://nope',
      poll: '0',
    })
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).toContain('give the channel a name')
    expect(html).toContain('an RSS channel needs the feed URL')
    expect(html).toContain('a whole number of minutes from 1 to 1440')
    expect((await row(id)).name).toBe('Feed to break')
  })

  it('rotates the web-chat signing secret only when asked, and keeps it out of the log', async () => {
    const id = await newChannel('webchat', 'Site chat')
    const first = (await config(id)).secret
    expect(first).toMatch(/^whsec_/)
    await admin.post(`/setup/channels/${id}/settings`, { name: 'Site chat (renamed)', poll: '' })
    expect((await config(id)).secret).toBe(first)
    const res = await admin.post(`/setup/channels/${id}/settings`, {
      name: 'Site chat',
      rotate: 'secret',
    })
    expect(res.headers.get('location')).toBe(`/setup/channels/${id}?notice=rotated`)
    const second = (await config(id)).secret as string
    expect(second).toMatch(/^whsec_/)
    expect(second).not.toBe(first)
    const log = await w.db
      .selectFrom('user_actions')
      .select('detail')
      .where('target_id', '=', id)
      .execute()
    expect(JSON.stringify(log)).not.toContain(second)
  })

  it('rotates a Facebook verify token', async () => {
    const id = await newChannel('facebook', 'Page two')
    const first = (await config(id)).verifyToken
    await admin.post(`/setup/channels/${id}/settings`, { name: 'Page two', rotate: 'verifyToken' })
    const second = (await config(id)).verifyToken
    expect(typeof second).toBe('string')
    expect(second).not.toBe(first)
  })

  it('refuses a viewer, a post without CSRF, and another organisation’s channel', async () => {
    const id = w.a.channel1
    const before = await row(id)
    expect((await viewer.post(`/setup/channels/${id}/settings`, { name: 'x' })).status).toBe(403)
    expect(
      (await admin.post(`/setup/channels/${id}/settings`, { name: 'x' }, { csrf: null })).status,
    ).toBe(403)
    expect((await row(id)).name).toBe(before.name)
    const b = await admin.post(`/setup/channels/${w.b.channel}/settings`, { name: 'hijacked' })
    expect(b.status).toBe(404)
    expect((await row(w.b.channel)).name).not.toBe('hijacked')
  })
})
