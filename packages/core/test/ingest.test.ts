import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ingest } from '../src/pipeline/ingest.js'
import { recordOverride } from '../src/pipeline/record-override.js'
import { listOverrides } from '../src/repositories/overrides.js'
import { slaStatusAt } from '../src/sla/sla-status.js'
import type { EarshotDatabase } from '../src/storage/open-database.js'
import { testDatabases } from './databases.js'
import { comment, keywordEnricher, linkRows, sydneyPractice } from './ingest-fixtures.js'

for (const database of testDatabases()) {
  describe(`${database.name}: ingest`, () => {
    let handle: EarshotDatabase
    beforeAll(async () => {
      handle = await database.open()
    })
    afterAll(async () => {
      await handle?.close()
    })
    const opts = { enricher: keywordEnricher }

    const links = (organisationId: string) => linkRows(handle.db, organisationId)

    it('links a Friday-evening question to the Monday reply on business time', async () => {
      const { org, channel } = await sydneyPractice(handle.db)
      // Friday 2026-11-20 17:45 AEDT (UTC+11) = 06:45Z; reply Monday 2026-11-23 09:00 AEDT = Sunday 22:00Z.
      const result = await ingest(
        handle.db,
        [
          comment(channel.id, 'q1', '2026-11-20T06:45:00Z', 'do you bulk bill on saturdays?'),
          comment(channel.id, 'r1', '2026-11-22T22:00:00Z', 'Hi Sam, yes we do!', {
            thread: 'q1',
            byPage: true,
          }),
        ],
        opts,
      )
      expect(result).toMatchObject({ inserted: 2, updated: 0, unchanged: 0, quarantined: 0 })
      const [link] = await links(org.id)
      // Due: 15 min on Friday (17:45–18:00) + 1h45 on Monday → Monday 09:45 AEDT = 22:45Z Sunday.
      expect(link).toMatchObject({
        inbound: 'q1',
        outbound: 'r1',
        outcome: 'met',
        response_source: 'reply',
        exempt_reason: null,
      })
      expect(new Date(link!.due_at!).toISOString()).toBe('2026-11-22T22:45:00.000Z')
      // Business time: 15 min Friday + 60 min Monday (08:00–09:00) = 75 min.
      expect(link!.business_ms).toBe(75 * 60_000)
      expect(link!.wall_ms).toBe((2 * 24 + 15) * 3_600_000 + 15 * 60_000)
      const mention = await handle.db
        .selectFrom('mentions')
        .selectAll()
        .where('organisation_id', '=', org.id)
        .where('external_id', '=', 'r1')
        .executeTakeFirstOrThrow()
      expect(mention.direction).toBe('outbound')
      expect(mention.thread_key).toBe('q1')
    })

    it('stores enrichment and re-enriches on an edit; an older edit delivered late changes nothing', async () => {
      const { org, channel } = await sydneyPractice(handle.db)
      await ingest(
        handle.db,
        [comment(channel.id, 'c1', '2026-11-20T01:00:00Z', 'lovely staff')],
        opts,
      )
      const before = await handle.db
        .selectFrom('mentions')
        .selectAll()
        .where('organisation_id', '=', org.id)
        .executeTakeFirstOrThrow()
      expect(before).toMatchObject({
        needs_reply: false,
        category: 'chatter',
        enricher: 'test-keywords@1',
      })
      expect(before.triage_reasons).toEqual(['no question'])

      const again = await ingest(
        handle.db,
        [comment(channel.id, 'c1', '2026-11-20T01:00:00Z', 'lovely staff')],
        opts,
      )
      expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 1 })

      const edit = await ingest(
        handle.db,
        [
          comment(channel.id, 'c1', '2026-11-20T01:00:00Z', 'lovely staff, are you open sunday?', {
            editedAt: '2026-11-20T02:00:00Z',
          }),
        ],
        opts,
      )
      expect(edit).toMatchObject({ updated: 1 })
      const after = await handle.db
        .selectFrom('mentions')
        .selectAll()
        .where('organisation_id', '=', org.id)
        .executeTakeFirstOrThrow()
      expect(after).toMatchObject({
        needs_reply: true,
        category: 'question',
        text: 'lovely staff, are you open sunday?',
      })

      const stale = await ingest(
        handle.db,
        [
          comment(channel.id, 'c1', '2026-11-20T01:00:00Z', 'an older version', {
            editedAt: '2026-11-20T01:30:00Z',
          }),
        ],
        opts,
      )
      expect(stale).toMatchObject({ unchanged: 1, updated: 0 })
      const count = await handle.db
        .selectFrom('mentions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('organisation_id', '=', org.id)
        .executeTakeFirstOrThrow()
      expect(Number(count.n)).toBe(1)
    })

    it('keeps the first creation time when an edit arrives with a later one', async () => {
      const { org, channel } = await sydneyPractice(handle.db)
      await ingest(
        handle.db,
        [
          comment(channel.id, 'q1', '2026-11-24T00:00:00Z', 'open today?'),
          comment(channel.id, 'r1', '2026-11-24T00:30:00Z', 'Yes until 6', {
            thread: 'q1',
            byPage: true,
          }),
        ],
        opts,
      )
      // The platform reports the edited reply with its update time as its creation time.
      await ingest(
        handle.db,
        [
          comment(channel.id, 'r1', '2026-11-25T09:00:00Z', 'Yes, until 6pm', {
            thread: 'q1',
            byPage: true,
            editedAt: '2026-11-25T09:00:00Z',
          }),
        ],
        opts,
      )
      const [link] = await links(org.id)
      expect(link).toMatchObject({ outbound: 'r1', outcome: 'met', wall_ms: 30 * 60_000 })
      const reply = await handle.db
        .selectFrom('mentions')
        .selectAll()
        .where('organisation_id', '=', org.id)
        .where('external_id', '=', 'r1')
        .executeTakeFirstOrThrow()
      expect(reply.text).toBe('Yes, until 6pm')
      expect(new Date(reply.created_at).toISOString()).toBe('2026-11-24T00:30:00.000Z')
    })

    it('links a reply ingested before its question once the question arrives', async () => {
      const { org, channel } = await sydneyPractice(handle.db)
      await ingest(
        handle.db,
        [
          comment(channel.id, 'r1', '2026-11-24T00:30:00Z', 'Yes, call us', {
            thread: 'q1',
            byPage: true,
          }),
        ],
        opts,
      )
      expect(await links(org.id)).toEqual([])
      await ingest(
        handle.db,
        [comment(channel.id, 'q1', '2026-11-24T00:00:00Z', 'can I book online?')],
        opts,
      )
      const [link] = await links(org.id)
      expect(link).toMatchObject({ inbound: 'q1', outbound: 'r1', outcome: 'met' })
    })

    it('answers two earlier questions in a thread with one reply, each timed from its own creation', async () => {
      const { org, channel } = await sydneyPractice(handle.db)
      await ingest(
        handle.db,
        [
          comment(channel.id, 'q1', '2026-11-24T00:00:00Z', 'are you open today?'),
          comment(channel.id, 'q2', '2026-11-24T01:00:00Z', 'hello?? anyone?', { thread: 'q1' }),
          comment(channel.id, 'r1', '2026-11-24T02:30:00Z', 'Sorry for the wait, yes until 6', {
            thread: 'q1',
            byPage: true,
          }),
          comment(channel.id, 'q3', '2026-11-24T03:00:00Z', 'thanks', { thread: 'q1' }),
        ],
        opts,
      )
      const rows = await links(org.id)
      expect(rows.map((r) => [r.inbound, r.outbound, r.outcome ?? r.exempt_reason])).toEqual([
        ['q1', 'r1', 'missed'], // 2h30 > 2h
        ['q2', 'r1', 'met'], // 1h30
        ['q3', null, 'triage: no reply needed (chatter)'],
      ])
      expect(rows[0]!.wall_ms).toBe(150 * 60_000)
      expect(rows[1]!.wall_ms).toBe(90 * 60_000)
    })

    it('quarantines invalid items with a precise reason and still lands the rest', async () => {
      const { org, channel } = await sydneyPractice(handle.db)
      const result = await ingest(
        handle.db,
        [
          comment(channel.id, 'ok1', '2026-11-24T00:00:00Z', 'fine?'),
          { channelId: channel.id, externalId: 'bad1', kind: 'comment', text: 'no date' },
          { ...comment(channel.id, 'bad2', 'yesterday', 'bad date') },
          comment('no-such-channel', 'x', '2026-11-24T00:00:00Z', 'lost?'),
          'not even an object',
          { ...comment(channel.id, 'bad3', '2026-11-24T00:00:00Z', 'x'), platform: 'youtube' },
        ],
        { ...opts, source: 'test' },
      )
      expect(result).toMatchObject({ inserted: 1, quarantined: 5 })
      expect(result.rejected.map((r) => r.index)).toEqual([1, 2, 3, 4, 5])
      expect(result.rejected[0]!.reason).toMatch(/invalid mention: createdAt/)
      expect(result.rejected[1]!.reason).toMatch(/createdAt/)
      expect(result.rejected[2]!.reason).toBe('unknown channel no-such-channel')
      expect(result.rejected[3]!.reason).toBe('item is not an object')
      expect(result.rejected[4]!.reason).toMatch(/platform youtube does not match/)
      const q = await handle.db
        .selectFrom('quarantine')
        .selectAll()
        .where('channel_id', '=', channel.id)
        .orderBy('id')
        .execute()
      expect(q.map((r) => r.source)).toEqual(['test', 'test', 'test'])
      expect(q[0]!.payload).toMatchObject({ externalId: 'bad1' })
      expect(org.id).toBeTruthy()
    })

    it('refuses items for another organisation when scoped', async () => {
      const a = await sydneyPractice(handle.db)
      const b = await sydneyPractice(handle.db)
      const result = await ingest(
        handle.db,
        [comment(b.channel.id, 'x1', '2026-11-24T00:00:00Z', 'hi?')],
        { ...opts, organisationId: a.org.id },
      )
      expect(result.quarantined).toBe(1)
      expect(result.rejected[0]!.reason).toMatch(/another organisation/)
    })

    it('exempts a question deleted before any reply, and keeps a deletion seen before the mention', async () => {
      const { org, channel } = await sydneyPractice(handle.db)
      await ingest(
        handle.db,
        [comment(channel.id, 'q1', '2026-11-24T00:00:00Z', 'open today?')],
        opts,
      )
      const del = await ingest(
        handle.db,
        [
          {
            channelId: channel.id,
            externalId: 'q1',
            deleted: true,
            deletedAt: '2026-11-24T00:10:00Z',
          },
        ],
        opts,
      )
      expect(del.deleted).toBe(1)
      // Out of order: the deletion of q2 arrives before q2 itself.
      await ingest(
        handle.db,
        [
          {
            channelId: channel.id,
            externalId: 'q2',
            deleted: true,
            deletedAt: '2026-11-24T00:20:00Z',
          },
        ],
        opts,
      )
      await ingest(
        handle.db,
        [comment(channel.id, 'q2', '2026-11-24T00:05:00Z', 'anyone there?')],
        opts,
      )
      const rows = await links(org.id)
      expect(rows.map((r) => r.inbound)).toEqual(['q1', 'q2'])
      for (const r of rows)
        expect(r.exempt_reason).toMatch(/deleted by its author .* before any reply/)
      const q2 = await handle.db
        .selectFrom('mentions')
        .selectAll()
        .where('organisation_id', '=', org.id)
        .where('external_id', '=', 'q2')
        .executeTakeFirstOrThrow()
      expect(q2).toMatchObject({ is_tombstone: false, text: 'anyone there?' })
      expect(new Date(q2.deleted_at!).toISOString()).toBe('2026-11-24T00:20:00.000Z')
    })

    it('ignores auto-replies unless the promise counts them', async () => {
      const items = (channelId: string) => [
        comment(channelId, 'q1', '2026-11-24T00:00:00Z', 'can I book please'),
        comment(
          channelId,
          'a1',
          '2026-11-24T00:00:05Z',
          'Thanks for your message! We will get back to you soon.',
          { thread: 'q1', byPage: true, isAutoReply: true },
        ),
        comment(channelId, 'r1', '2026-11-24T03:00:00Z', 'Hi, booked you in for 3pm', {
          thread: 'q1',
          byPage: true,
        }),
      ]
      const strict = await sydneyPractice(handle.db)
      await ingest(handle.db, items(strict.channel.id), opts)
      expect((await links(strict.org.id))[0]).toMatchObject({ outbound: 'r1', outcome: 'missed' })
      const lenient = await sydneyPractice(handle.db, {
        targets: [{ duration: '2 business hours' }],
        countAutoReplies: true,
      })
      await ingest(handle.db, items(lenient.channel.id), opts)
      expect((await links(lenient.org.id))[0]).toMatchObject({ outbound: 'a1', outcome: 'met' })
    })

    it('records "handled elsewhere" and "no reply needed" and re-evaluates at once', async () => {
      const { org, channel } = await sydneyPractice(handle.db)
      await ingest(
        handle.db,
        [
          comment(channel.id, 'q1', '2026-11-24T00:00:00Z', 'can you call me please'),
          comment(channel.id, 'q2', '2026-11-24T00:00:00Z', 'why?'),
        ],
        opts,
      )
      const [l1, l2] = await links(org.id)
      expect(
        slaStatusAt(
          {
            needsReply: l1!.needs_reply,
            exemptReason: l1!.exempt_reason,
            outcome: l1!.outcome,
            dueAt: l1!.due_at,
            atRiskAt: l1!.at_risk_at,
          },
          new Date('2026-11-24T01:00:00Z'),
        ),
      ).toBe('pending')
      expect(
        slaStatusAt(
          {
            needsReply: l2!.needs_reply,
            exemptReason: l2!.exempt_reason,
            outcome: l2!.outcome,
            dueAt: l2!.due_at,
            atRiskAt: l2!.at_risk_at,
          },
          new Date('2026-11-24T03:00:00Z'),
        ),
      ).toBe('breached')
      const ids = await handle.db
        .selectFrom('mentions')
        .select(['id', 'external_id'])
        .where('organisation_id', '=', org.id)
        .orderBy('external_id')
        .execute()
      await recordOverride(handle.db, {
        organisationId: org.id,
        mentionId: ids[0]!.id,
        action: 'handled_elsewhere',
        handledAt: new Date('2026-11-24T00:42:00Z'),
        note: 'called back',
        actor: 'pm@example.com',
        now: new Date('2026-11-24T01:00:00Z'),
      })
      await recordOverride(handle.db, {
        organisationId: org.id,
        mentionId: ids[1]!.id,
        action: 'no_reply_needed',
        actor: 'pm@example.com',
        now: new Date('2026-11-24T01:00:00Z'),
      })
      const after = await links(org.id)
      expect(after[0]).toMatchObject({
        response_source: 'manual',
        outcome: 'met',
        wall_ms: 42 * 60_000,
      })
      expect(JSON.stringify(after[0]!.explanation)).toContain('called back')
      expect(after[1]!.exempt_reason).toMatch(/marked "no reply needed" by pm@example.com/)
      await expect(
        recordOverride(handle.db, {
          organisationId: 'another-org',
          mentionId: ids[0]!.id,
          action: 'no_reply_needed',
          actor: 'x',
        }),
      ).rejects.toThrow(/no inbound mention/)
    })

    it('orders two decisions on one mention at the same instant by when they were recorded', async () => {
      const { org, channel } = await sydneyPractice(handle.db)
      await ingest(
        handle.db,
        [comment(channel.id, 'q1', '2026-11-24T00:00:00Z', 'can you call me please')],
        opts,
      )
      const { id: mentionId } = await handle.db
        .selectFrom('mentions')
        .select('id')
        .where('organisation_id', '=', org.id)
        .executeTakeFirstOrThrow()
      const now = new Date('2026-11-24T02:00:00Z')
      const decide = (action: 'no_reply_needed' | 'needs_reply') =>
        recordOverride(handle.db, {
          organisationId: org.id,
          mentionId,
          action,
          actor: 'pm@example.com',
          now,
        })
      // Ten alternating decisions at one instant: the last one recorded must be the one in force.
      const rows = []
      for (let i = 0; i < 10; i++)
        rows.push(await decide(i % 2 === 0 ? 'no_reply_needed' : 'needs_reply'))
      const times = rows.map((r) => new Date(r.created_at).getTime())
      expect([...new Set(times)]).toHaveLength(10)
      expect([...times].sort((a, b) => a - b)).toEqual(times)
      const link = await handle.db
        .selectFrom('response_links')
        .select('exempt_reason')
        .where('organisation_id', '=', org.id)
        .where('inbound_id', '=', mentionId)
        .executeTakeFirstOrThrow()
      expect(link.exempt_reason).toBeNull()
      const listed = await listOverrides(handle.db, org.id, mentionId)
      expect(listed.map((r) => r.id)).toEqual(rows.map((r) => r.id))
    })
  })
}
