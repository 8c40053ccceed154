import { commitBatch } from '@earshot/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createTestWorld,
  NOW,
  signIn,
  type TestClient,
  type TestWorld,
  testEnricher,
} from '../test-support/test-world.js'
import { inboxChangesSince } from './inbox-events.js'

let w: TestWorld
let app: TestWorld['app']
let admin: TestClient

beforeAll(async () => {
  w = await createTestWorld()
  // Streams poll often here so the test does not idle; nothing is asserted about timing.
  app = w.makeApp({ inboxEvents: { pollMs: 10 } })
  admin = await signIn(app, 'admin@a.example')
})
afterAll(async () => {
  await w?.close()
})

/** Reads Server-Sent Events off a response, one at a time. */
function sseReader(res: Response) {
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  return {
    async next(): Promise<{ event: string; data: string }> {
      for (;;) {
        const end = buffer.indexOf('\n\n')
        if (end >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const lines = block.split('\n')
          if (lines.every((l) => l.startsWith(':'))) continue
          const field = (name: string) =>
            lines
              .filter((l) => l.startsWith(`${name}:`))
              .map((l) => l.slice(name.length + 1).trimStart())
              .join('\n')
          return { event: field('event') || 'message', data: field('data') }
        }
        const { value, done } = await reader.read()
        if (done) throw new Error('stream ended')
        buffer += decoder.decode(value, { stream: true })
      }
    },
    cancel: () => reader.cancel(),
  }
}

async function newComment(orgId: string, channelId: string, externalId: string, text: string) {
  await commitBatch(w.db, {
    organisationId: orgId,
    channelId,
    source: 'webhook:test',
    items: [
      {
        channelId,
        externalId,
        kind: 'comment',
        author: { id: `author-${externalId}`, name: 'New Patient' },
        text,
        createdAt: new Date(NOW.getTime() - 60_000),
      },
    ],
    enricher: testEnricher,
    now: NOW,
  })
}

describe('live inbox events', () => {
  it('the inbox page loads the live script from our own origin and points it at the stream', async () => {
    const html = await (await admin.get('/inbox')).text()
    expect(html).toContain('<script src="/assets/inbox-live.js" defer=""></script>')
    expect(html).toMatch(/data-live="\/inbox\/events\?after=\d+"/)
    const script = await admin.get('/assets/inbox-live.js')
    expect(script.status).toBe(200)
    expect(script.headers.get('content-type')).toContain('javascript')
  })

  it('streams a change when a new comment arrives and when an item is assigned, without patient text', async () => {
    const res = await admin.get('/inbox/events')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const events = sseReader(res)
    expect((await events.next()).event).toBe('ready')

    await newComment(w.a.orgId, w.a.channel1, 'live-1', 'Do you have a slot tomorrow?')
    const arrived = await events.next()
    expect(arrived.event).toBe('inbox')
    expect(JSON.parse(arrived.data).kinds).toContain('links')
    expect(arrived.data).not.toContain('slot tomorrow')

    await admin.post('/inbox/bulk', {
      mention_id: w.mentions.open,
      action: 'assign',
      assignee: 'me',
    })
    const assigned = await events.next()
    expect(JSON.parse(assigned.data).kinds).toEqual(['assignments'])
    await events.cancel()
  })

  it('announces a comment that arrived after the page was rendered but before its stream connected', async () => {
    const html = await (await admin.get('/inbox')).text()
    const live = /data-live="([^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&')
    expect(live).toMatch(/^\/inbox\/events\?after=\d+$/)
    await newComment(w.a.orgId, w.a.channel1, 'live-gap', 'Arrived in the gap')
    const events = sseReader(await admin.get(live!))
    expect((await events.next()).event).toBe('ready')
    expect(JSON.parse((await events.next()).data).kinds).toContain('links')
    await events.cancel()
  })

  it("never tells organisation A about organisation B's changes", async () => {
    const scopeA = { organisationId: w.a.orgId, practiceIds: [w.a.practice1, w.a.practice2] }
    const before = await inboxChangesSince(w.db, scopeA, 0)
    await newComment(w.b.orgId, w.b.channel, 'live-b', 'RIVAL-SECRET new comment')
    expect(await inboxChangesSince(w.db, scopeA, before.seq)).toEqual({
      seq: before.seq,
      kinds: [],
    })
    // Nor a practice manager about a practice they do not see.
    const scopeP2 = { organisationId: w.a.orgId, practiceIds: [w.a.practice2] }
    const p2 = await inboxChangesSince(w.db, scopeP2, 0)
    await newComment(w.a.orgId, w.a.channel1, 'live-p1', 'practice one only')
    expect((await inboxChangesSince(w.db, scopeP2, p2.seq)).kinds).toEqual([])
  })

  it('needs a signed-in user', async () => {
    const res = await app.request('/inbox/events')
    expect([302, 303, 401]).toContain(res.status)
  })
})
