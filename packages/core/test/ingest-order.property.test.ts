import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getMetrics } from '../src/metrics/get-metrics.js'
import { ingest } from '../src/pipeline/ingest.js'
import type { EarshotDatabase } from '../src/storage/open-database.js'
import { testDatabases } from './databases.js'
import { linkRows, sydneyPractice } from './ingest-fixtures.js'

/** One message of a generated thread, before it is addressed to a channel. */
interface Msg {
  id: string
  thread: string
  /** The message this one replies to (another of its thread, the page's post, or none). */
  parent: string | null
  /** Whether the collector delivers the thread key, or core must inherit it from the parents. */
  explicitThread: boolean
  kind: 'post' | 'comment' | 'reply'
  byPage: boolean
  minutes: number
  text: string
  auto: boolean
  edits: string[]
  deletedAfter: number | null
}

const TEXTS = [
  'do you bulk bill?',
  'thanks!',
  'Can I book in please',
  'great, another 2 hour wait 🙄',
  'Hi, yes we do',
  'lovely staff',
  'what time do you open',
  '@sarah look',
]

/**
 * A thread: a first-level comment and replies, each reply under the comment or under an earlier
 * reply (reply-to-reply chains). Without explicit thread keys the comment sits under the page's
 * post half the time, where it is its own sub-thread (Facebook threads one level deep).
 */
const threadArb = (t: number) =>
  fc
    .record({
      explicitThread: fc.boolean(),
      onPost: fc.boolean(),
      msgs: fc.array(
        fc.record({
          byPage: fc.boolean(),
          minutes: fc.integer({ min: 0, max: 7 * 24 * 60 }),
          text: fc.constantFrom(...TEXTS),
          auto: fc.boolean(),
          edits: fc.array(fc.constantFrom(...TEXTS), { maxLength: 2 }),
          deletedAfter: fc.option(fc.integer({ min: 1, max: 600 }), { freq: 5 }),
          parent: fc.nat(),
        }),
        { minLength: 1, maxLength: 6 },
      ),
    })
    .map(({ explicitThread, onPost, msgs }) =>
      msgs.map(
        (m, i): Msg => ({
          ...m,
          auto: m.byPage && m.auto,
          id: `t${t}m${i}`,
          thread: `t${t}m0`,
          kind: i === 0 ? 'comment' : 'reply',
          parent: i === 0 ? (onPost ? POST.id : null) : `t${t}m${m.parent % i}`,
          explicitThread,
        }),
      ),
    )

/** The page's post the comments may sit under; its own thread. */
const POST: Msg = {
  id: 'post',
  thread: 'post',
  parent: null,
  explicitThread: false,
  kind: 'post',
  byPage: true,
  minutes: 0,
  text: 'We now open on Saturdays',
  auto: false,
  edits: [],
  deletedAfter: null,
}

const setArb = fc.tuple(threadArb(0), threadArb(1), threadArb(2)).map((ts) => [POST, ...ts.flat()])

/** Every delivery a platform could make of the set: each version of each message, and deletions. */
function deliveries(channelId: string, msgs: readonly Msg[]) {
  const base = Date.parse('2026-11-23T21:00:00Z')
  const out: unknown[] = []
  for (const m of msgs) {
    const createdAt = new Date(base + m.minutes * 60_000).toISOString()
    const common = {
      channelId,
      externalId: m.id,
      kind: m.kind,
      ...(m.explicitThread ? { threadKey: m.thread } : {}),
      ...(m.parent ? { parentExternalId: m.parent } : {}),
      author: m.byPage ? { id: 'page-1' } : { id: `user-${m.id}` },
      createdAt,
      isAutoReply: m.auto,
    }
    out.push({ ...common, text: m.text })
    m.edits.forEach((text, i) => {
      out.push({
        ...common,
        text,
        editedAt: new Date(base + (m.minutes + i + 1) * 60_000).toISOString(),
      })
    })
    if (m.deletedAfter !== null)
      out.push({
        channelId,
        externalId: m.id,
        deleted: true,
        deletedAt: new Date(base + (m.minutes + m.deletedAfter) * 60_000).toISOString(),
      })
  }
  return out
}

for (const database of testDatabases()) {
  describe(`${database.name}: ingestion is order- and duplicate-independent`, () => {
    let handle: EarshotDatabase
    beforeAll(async () => {
      handle = await database.open()
    })
    afterAll(async () => {
      await handle?.close()
    })

    async function snapshot(organisationId: string) {
      const mentions = await handle.db
        .selectFrom('mentions')
        .select([
          'external_id',
          'thread_key',
          'text',
          'direction',
          'deleted_at',
          'edited_at',
          'needs_reply',
          'category',
          'sentiment_label',
          'is_tombstone',
        ])
        .where('organisation_id', '=', organisationId)
        .orderBy('external_id')
        .execute()
      const links = await linkRows(handle.db, organisationId)
      // Metrics computed in SQL over the same set must agree too (statuses evaluated at one instant).
      const { total } = await getMetrics(handle.db, {
        organisationId,
        from: new Date('2026-11-01T00:00:00Z'),
        to: new Date('2026-12-15T00:00:00Z'),
        now: new Date('2026-11-27T00:00:00Z'),
      })
      // Float sums depend on row order; compare to 12 significant digits.
      const rounded = JSON.parse(JSON.stringify(total), (_k, v) =>
        typeof v === 'number' ? Number(v.toPrecision(12)) : v,
      )
      return { mentions, links, total: rounded }
    }

    it('gives identical mentions, links, SLA results and metrics for shuffled, duplicated, re-batched deliveries', async () => {
      await fc.assert(
        fc.asyncProperty(setArb, fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (msgs, seed) => {
          const inOrder = await sydneyPractice(handle.db)
          for (const d of deliveries(inOrder.channel.id, msgs)) await ingest(handle.db, [d])

          const shuffled = await sydneyPractice(handle.db)
          const rng = mulberry(seed)
          const all = deliveries(shuffled.channel.id, msgs)
          const noisy = [...all, ...all.filter(() => rng() < 0.4)]
          for (let i = noisy.length - 1; i > 0; i--) {
            const j = Math.floor(rng() * (i + 1))
            ;[noisy[i], noisy[j]] = [noisy[j], noisy[i]]
          }
          for (let i = 0; i < noisy.length; ) {
            const size = 1 + Math.floor(rng() * 5)
            await ingest(handle.db, noisy.slice(i, i + size))
            i += size
          }
          const a = await snapshot(inOrder.org.id)
          const b = await snapshot(shuffled.org.id)
          expect(b).toEqual(a)
          // And the threads are the ones design.md defines, delivered with keys or without.
          const expected = Object.fromEntries(msgs.map((m) => [m.id, m.thread]))
          for (const m of b.mentions) expect(m.thread_key).toBe(expected[m.external_id])
        }),
        // A random seed each run (fast-check prints it on failure); PROP_SEED=<seed> replays one
        // without shrinking, which takes long on this property. Seed 20261202 once found a
        // deletion notice arriving with a reply to the deleted reply (default-threading.test.ts).
        {
          numRuns: 8,
          ...(process.env.PROP_SEED
            ? { seed: Number(process.env.PROP_SEED), endOnFailure: true }
            : {}),
        },
      )
    })
  })
}

function mulberry(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
