/**
 * Custom collector: a complete plugin for a made-up "guestbook" JSON API (think: the reviews
 * widget on a practice's own website). It validates its config with zod, polls pages from a
 * checkpoint, maps items to mentions (the practice's own replies are outbound), and runs through
 * core's loop, which commits every page with its checkpoint in one transaction.
 *
 * Run: node --conditions=@earshot/source --import tsx examples/custom-collector.ts
 * (in your own project: `npm install @earshot/core @earshot/collectors zod`, then `npx tsx custom-collector.ts`)
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { collectChannel, createHttpClient } from '@earshot/collectors'
import {
  type Collector,
  createChannel,
  createOrganisation,
  createPractice,
  type MentionInput,
  openDatabase,
} from '@earshot/core'
import { z } from 'zod'

// 1. The platform: a tiny guestbook API with two pages, served locally so the example runs offline.
const entries = [
  {
    id: 'g1',
    name: 'Ana K',
    text: 'Do you see children on Saturdays?',
    at: '2025-01-06T09:15:00Z',
  },
  {
    id: 'g2',
    name: 'Harbour GP',
    staff: true,
    replyTo: 'g1',
    text: 'Yes, every Saturday morning!',
    at: '2025-01-06T09:40:00Z',
  },
  { id: 'g3', name: 'Ben T', text: 'Lovely nurses, thank you.', at: '2025-01-06T11:02:00Z' },
]
const server = createServer((req, res) => {
  const page = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('page') ?? '1')
  const body =
    page === 1 ? { entries: entries.slice(0, 2), next: 2 } : { entries: entries.slice(2) }
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body))
})
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

// 2. The collector. The cursor is whatever JSON you like; core stores it with each batch.
const guestbookConfig = z.object({ url: z.url() })
type GuestbookConfig = z.output<typeof guestbookConfig>
type Entry = {
  id: string
  name: string
  text: string
  at: string
  staff?: boolean
  replyTo?: string
}

const guestbookCollector: Collector<GuestbookConfig> = {
  platform: 'rss', // the closest built-in platform: a feed the practice does not own
  name: 'Website guestbook',
  configSchema: guestbookConfig,
  async *poll({ channel, config, cursor, signal, fetch }) {
    // The shared client brings timeouts, retries with backoff, Retry-After and typed errors.
    const http = createHttpClient({ platform: 'guestbook', fetch, signal })
    let page = (cursor as { page?: number } | null)?.page ?? 1
    for (;;) {
      const data = await http.getJson<{ entries: Entry[]; next?: number }>(
        `${config.url}/entries?page=${page}`,
      )
      const items: MentionInput[] = data.entries.map((e) => ({
        channelId: channel.id,
        externalId: e.id,
        kind: e.replyTo ? 'reply' : 'comment',
        direction: e.staff ? 'outbound' : 'inbound',
        threadKey: e.replyTo ?? e.id, // a reply lives in its parent's thread
        parentExternalId: e.replyTo,
        author: { name: e.name },
        text: e.text,
        createdAt: e.at,
        raw: e,
      }))
      yield { items, cursor: { page: data.next ?? page } }
      if (!data.next) return
      page = data.next
    }
  },
}

// 3. A practice, a channel for the guestbook, and one collection run.
const { db, close } = await openDatabase()
const org = await createOrganisation(db, { name: 'Example Health' })
const hours = [{ start: '08:00', end: '18:00' }]
const practice = await createPractice(db, {
  organisationId: org.id,
  name: 'Harbour GP',
  schedule: {
    timeZone: 'Australia/Sydney',
    weekly: { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours },
  },
  promise: { targets: [{ duration: '2 business hours' }] },
})
const channel = await createChannel(db, {
  organisationId: org.id,
  practiceId: practice.id,
  platform: 'rss',
  externalAccountId: 'guestbook',
  name: 'Website guestbook',
  config: { url: baseUrl },
})

const result = await collectChannel(db, channel, guestbookCollector as Collector<unknown>, {
  onBatch: ({ batch, items, cursor }) =>
    console.log(`batch ${batch}: ${items} items, checkpoint ${JSON.stringify(cursor)}`),
})
console.log(`run: ${result.status}, ${result.inserted} inserted in ${result.batches} batches`)

const rows = await db
  .selectFrom('mentions')
  .select(['id', 'external_id', 'direction', 'thread_key', 'text'])
  .where('channel_id', '=', channel.id)
  .orderBy('created_at')
  .execute()
for (const m of rows)
  console.log(`  ${m.external_id} ${m.direction.padEnd(8)} [${m.thread_key}] ${m.text}`)
const answered = await db
  .selectFrom('response_links')
  .select(['inbound_id', 'outbound_id', 'wall_ms'])
  .where('organisation_id', '=', org.id)
  .where('outbound_id', 'is not', null)
  .execute()
for (const link of answered) {
  const q = rows.find((r) => r.id === link.inbound_id)
  const a = rows.find((r) => r.id === link.outbound_id)
  console.log(
    `response: ${q?.external_id} answered by ${a?.external_id} after ${Math.round((link.wall_ms ?? 0) / 60_000)} min`,
  )
}

// A second run resumes from the stored checkpoint and changes nothing.
const again = await collectChannel(
  db,
  { ...channel, checkpoint: null },
  guestbookCollector as Collector<unknown>,
)
console.log(`second run: ${again.inserted} inserted, ${again.unchanged} unchanged`)

await close()
server.close()
if (result.status !== 'success' || answered.length !== 1) process.exit(1)
