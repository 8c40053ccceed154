import {
  FAKE_SEND_ERRORS,
  type FakeWriteApis,
  startFakeWriteApis,
} from '@earshot/collectors/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createTestWorld,
  NOW,
  signIn,
  type TestClient,
  type TestWorld,
} from '../test-support/test-world.js'

let w: TestWorld
let api: FakeWriteApis
let admin: TestClient
let app: TestWorld['app']
const waits: number[] = []

beforeAll(async () => {
  w = await createTestWorld()
  api = await startFakeWriteApis()
  await w.db
    .updateTable('channels')
    .set({ config: JSON.stringify({ accessToken: 'test-token', baseUrl: api.url }) })
    .where('id', '=', w.a.channel1)
    .execute()
  app = w.makeApp({ reply: { sleep: async (ms) => void waits.push(ms), random: () => 0.5 } })
  admin = await signIn(app, 'admin@a.example')
})
afterAll(async () => {
  await api?.close()
  await w?.close()
})

const statusOf = async (mentionId: string) =>
  await w.db
    .selectFrom('response_links')
    .select(['response_source', 'outbound_id', 'responded_at'])
    .where('inbound_id', '=', mentionId)
    .executeTakeFirstOrThrow()

describe('reply routes', () => {
  it('sends a reply from the mention page: the platform gets it, the item is met, the page shows who sent it', async () => {
    const id = w.mentions.open
    const page = await admin.get(`/mentions/${id}`)
    const html = await page.text()
    expect(html).toContain('data-reply-composer')
    expect(html).toContain('private reply / message')
    const res = await admin.post(`/mentions/${id}/reply`, {
      text: 'Yes, we bulk bill on Saturdays.',
      visibility: 'public',
    })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe(`/mentions/${id}?notice=reply-sent`)
    expect(api.sent.at(-1)).toMatchObject({
      platform: 'facebook',
      target: 'a-open',
      text: 'Yes, we bulk bill on Saturdays.',
    })
    expect(await statusOf(id)).toMatchObject({
      response_source: 'reply',
      responded_at: expect.anything(),
    })
    expect((await statusOf(id)).outbound_id).not.toBeNull()
    const after = await (await admin.get(`/mentions/${id}?notice=reply-sent`)).text()
    expect(after).toContain('Reply sent.')
    expect(after).toContain('badge badge-met')
    expect(after).toMatch(/<strong>sent<\/strong> \(public\) by [^<]+ on/)
    const log = await w.db
      .selectFrom('user_actions')
      .select(['action', 'user_id'])
      .where('target_id', '=', id)
      .execute()
    expect(log).toEqual([{ action: 'reply.sent', user_id: w.a.admin }])
  })

  it('lints as the user types through the JSON endpoint (CSRF-checked)', async () => {
    const ok = await admin.request('/replies/lint', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': admin.csrf },
      body: JSON.stringify({ text: 'Hi, your results are back.' }),
    })
    expect(ok.status).toBe(200)
    const body = (await ok.json()) as { warnings: string[] }
    expect(body.warnings.join(' ')).toContain('"results are back"')
    const privately = await admin.request('/replies/lint', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': admin.csrf },
      body: JSON.stringify({ text: 'Hi, your results are back.', visibility: 'private' }),
    })
    expect(await privately.json()).toEqual({ warnings: [] })
    const noCsrf = await admin.request('/replies/lint', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'x' }),
    })
    expect(noCsrf.status).toBe(403)
    const malformed = await admin.request('/replies/lint', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': admin.csrf },
      body: '{not json',
    })
    expect(malformed.status).toBe(400)
  })

  it('blocks a warned reply on send, keeps the text, and sends it with a reason', async () => {
    const id = w.mentions.privacy
    const before = api.sent.length
    const blocked = await admin.post(`/mentions/${id}/reply`, {
      text: 'We saw you on Tuesday, your results are back.',
    })
    expect(blocked.status).toBe(422)
    const html = await blocked.text()
    expect(html).toContain('Reply not sent')
    expect(html).toContain('&quot;results are back&quot;')
    expect(html).toContain('We saw you on Tuesday, your results are back.</textarea>')
    expect(api.sent.length).toBe(before)
    const sent = await admin.post(`/mentions/${id}/reply`, {
      text: 'We saw you on Tuesday, your results are back.',
      override_reason: 'the patient posted this themselves and asked',
    })
    expect(sent.status).toBe(303)
    const row = await w.db
      .selectFrom('reply_outbox')
      .select(['override_reason', 'status'])
      .where('mention_id', '=', id)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({
      override_reason: 'the patient posted this themselves and asked',
      status: 'sent',
    })
  })

  it('shows a failed send with its reason and retries it', async () => {
    const id = w.mentions.xssScript
    api.failNext(
      ...Array.from({ length: 4 }, () => ({
        ...FAKE_SEND_ERRORS.graphRateLimited,
        match: /a-xss-script\/comments$/,
      })),
    )
    const res = await admin.post(`/mentions/${id}/reply`, { text: 'Thanks for your message.' })
    expect(res.headers.get('location')).toContain('notice=reply-failed')
    const page = await (await admin.get(`/mentions/${id}`)).text()
    expect(page).toContain('limiting how fast we can post')
    expect(page).toContain('Try again')
    const outbox = await w.db
      .selectFrom('reply_outbox')
      .select('id')
      .where('mention_id', '=', id)
      .executeTakeFirstOrThrow()
    const retry = await admin.post(`/mentions/${id}/replies/${outbox.id}/retry`, {})
    expect(retry.headers.get('location')).toContain('notice=reply-sent')
    expect((await statusOf(id)).outbound_id).not.toBeNull()
    // A retry under another mention's URL is refused.
    const wrong = await admin.post(`/mentions/${w.mentions.open}/replies/${outbox.id}/retry`, {})
    expect(wrong.status).toBe(404)
  })

  it('refuses a viewer, and a Google review offers no private reply', async () => {
    const viewer = await signIn(app, 'viewer@a.example')
    const res = await viewer.post(`/mentions/${w.mentions.open}/reply`, { text: 'hi' })
    expect(res.status).toBe(403)
    expect(await (await viewer.get(`/mentions/${w.mentions.open}`)).text()).toContain(
      'read-only: you cannot send replies',
    )
    const review = await (await admin.get(`/mentions/${w.mentions.practice2Open}`)).text()
    expect(review).toContain('data-reply-composer')
    expect(review).not.toContain('private reply / message')
  })

  it('never reads the real clock: the send is stamped with the injected one', async () => {
    const row = await w.db
      .selectFrom('reply_outbox')
      .select('created_at')
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow()
    expect(new Date(row.created_at).getTime()).toBe(NOW.getTime())
  })
})
