import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../../test/databases.js'
import { keywordEnricher, linkRows, sydneyPractice } from '../../test/ingest-fixtures.js'
import { ingest } from '../pipeline/ingest.js'
import { reevaluatePractice } from '../pipeline/reevaluate.js'
import type { EarshotDatabase } from '../storage/open-database.js'
import { authorKeyHash, eraseAuthor, listErasureRecords } from './erase-author.js'
import { rollupSnapshot, seedDependants } from './privacy-test-helpers.js'

const NOW = new Date('2026-12-01T00:00:00Z')

for (const database of testDatabases()) {
  describe(`${database.name}: eraseAuthor`, () => {
    let handle: EarshotDatabase
    beforeAll(async () => {
      handle = await database.open()
    })
    afterAll(async () => {
      await handle?.close()
    })

    /** Sam (id u-sam, handle sam.p) wrote on two channels; Alex wrote in Sam's thread too. */
    async function world() {
      const db = handle.db
      const { org, practice, channel } = await sydneyPractice(db)
      const { createChannel } = await import('../repositories/channels.js')
      const messenger = await createChannel(db, {
        organisationId: org.id,
        practiceId: practice.id,
        platform: 'facebook',
        externalAccountId: 'page-1-messenger',
        name: 'Messenger',
      })
      const sam = { id: 'u-sam', name: 'Sam Patient', handle: 'Sam.P' }
      const at = (h: number) => new Date(Date.UTC(2026, 10, 24, h)).toISOString()
      await ingest(
        db,
        [
          {
            channelId: channel.id,
            externalId: 's1',
            kind: 'comment',
            threadKey: 's1',
            author: sam,
            text: 'is my biopsy back?',
            createdAt: at(0),
            raw: { from: sam },
          },
          {
            channelId: channel.id,
            externalId: 'p1',
            kind: 'reply',
            threadKey: 's1',
            parentExternalId: 's1',
            author: { id: 'page-1' },
            text: 'Hi Sam, we will call you',
            createdAt: at(1),
          },
          {
            channelId: channel.id,
            externalId: 'a1',
            kind: 'reply',
            threadKey: 's1',
            parentExternalId: 's1',
            author: { id: 'u-alex', name: 'Alex' },
            text: 'same question?',
            createdAt: at(2),
          },
          {
            channelId: messenger.id,
            externalId: 'dm1',
            kind: 'message',
            threadKey: 'conv-sam',
            author: { id: 'u-sam' },
            text: 'please ring me',
            createdAt: at(3),
          },
          {
            channelId: messenger.id,
            externalId: 'dm2',
            kind: 'message',
            threadKey: 'conv-sam',
            author: { id: 'page-1-messenger' },
            text: 'Calling you now Sam',
            createdAt: at(4),
          },
        ],
        { enricher: keywordEnricher, now: NOW },
      )
      await seedDependants(db, {
        organisationId: org.id,
        practiceId: practice.id,
        channelId: channel.id,
        externalId: 's1',
        at: NOW,
      })
      await db
        .insertInto('quarantine')
        .values({
          organisation_id: org.id,
          channel_id: channel.id,
          source: 'webhook:facebook',
          reason: 'bad date',
          payload: JSON.stringify({ from: { id: 'u-sam' }, message: 'x' }),
        })
        .execute()
      await sql`insert into webhook_deliveries (id, platform, channels, body, status, received_at)
        values (${`d-${org.id}`}, 'facebook', ${JSON.stringify([{ organisationId: org.id, channelId: channel.id }])}::jsonb,
          ${JSON.stringify({ entry: [{ from: { id: 'u-sam' } }] })}, 'ingested', ${NOW})`.execute(
        db,
      )
      return { org, practice, channel, messenger }
    }

    async function texts(organisationId: string) {
      const rows = await handle.db
        .selectFrom('mentions')
        .select(['external_id', 'text', 'author_id'])
        .where('organisation_id', '=', organisationId)
        .orderBy('external_id')
        .execute()
      return rows.map((r) => [r.external_id, r.text, r.author_id])
    }

    it('a dry run counts exactly what would go and changes nothing', async () => {
      const { org } = await world()
      const before = await texts(org.id)
      const result = await eraseAuthor(
        handle.db,
        {
          organisationId: org.id,
          platform: 'facebook',
          author: '@sam.p',
          requestedVia: 'cli',
          dryRun: true,
        },
        { now: NOW, enricher: keywordEnricher },
      )
      expect(result).toMatchObject({
        recordId: null,
        dryRun: true,
        counts: {
          mentionsDeleted: 2,
          repliesRedacted: 2,
          quarantineDeleted: 1,
          webhookDeliveriesDeleted: 1,
          alertsDeleted: 1,
          replyOutboxDeleted: 1,
          inboxAssignmentsDeleted: 1,
          inboxNotesDeleted: 1,
        },
      })
      expect(await texts(org.id)).toEqual(before)
      expect(await listErasureRecords(handle.db, org.id)).toEqual([])
    })

    it('erases their mentions on every channel, redacts the practice’s replies to them, and keeps a record without the data', async () => {
      const db = handle.db
      const { org, practice } = await world()
      const result = await eraseAuthor(
        db,
        {
          organisationId: org.id,
          platform: 'facebook',
          author: 'u-sam',
          requestedBy: 'user-9',
          requestedVia: 'dashboard',
        },
        { now: NOW, enricher: keywordEnricher },
      )
      expect(result.counts).toMatchObject({ mentionsDeleted: 2, repliesRedacted: 2 })
      // Alex's message in Sam's thread is Alex's: it stays.
      expect(await texts(org.id)).toEqual([
        ['a1', 'same question?', 'u-alex'],
        ['dm2', '', null],
        ['p1', '', null],
      ])
      // The one quarantined item left is someone else's.
      const q = await sql<{ n: number }>`select
        (select count(*)::int from quarantine where organisation_id = ${org.id} and payload::text like '%u-sam%') +
        (select count(*)::int from webhook_deliveries where id = ${`d-${org.id}`}) +
        (select count(*)::int from alerts where organisation_id = ${org.id}) +
        (select count(*)::int from reply_outbox where organisation_id = ${org.id}) as n`.execute(db)
      expect(q.rows[0]!.n).toBe(0)

      const [record, ...more] = await listErasureRecords(db, org.id)
      expect(more).toEqual([])
      expect(record).toMatchObject({
        id: result.recordId,
        requested_by: 'user-9',
        requested_via: 'dashboard',
        platform: 'facebook',
        author_key_hash: authorKeyHash('facebook', 'u-sam'),
      })
      expect(JSON.stringify(record)).not.toMatch(/sam|biopsy/i)

      // Rollups and links are what a recomputation gives.
      const maintained = await rollupSnapshot(db, org.id)
      const links = await linkRows(db, org.id)
      await reevaluatePractice(db, org.id, practice.id, { enricher: keywordEnricher, now: NOW })
      await sql`select earshot_refresh_rollups(array_agg(organisation_id), array_agg(practice_id),
        array_agg(day)) from (select distinct organisation_id, practice_id, day from mention_rollups
        where organisation_id = ${org.id}) k`.execute(db)
      expect(await linkRows(db, org.id)).toEqual(links)
      expect(await rollupSnapshot(db, org.id)).toEqual(maintained)
    })

    it('erases nothing of the same author in another organisation, or on another platform', async () => {
      const db = handle.db
      const mine = await world()
      const other = await world()
      const before = await texts(other.org.id)
      const wrongPlatform = await eraseAuthor(
        db,
        {
          organisationId: mine.org.id,
          platform: 'instagram',
          author: 'u-sam',
          requestedVia: 'cli',
        },
        { now: NOW, enricher: keywordEnricher },
      )
      expect(wrongPlatform.counts.mentionsDeleted).toBe(0)
      await eraseAuthor(
        db,
        { organisationId: mine.org.id, platform: 'facebook', author: 'u-sam', requestedVia: 'cli' },
        { now: NOW, enricher: keywordEnricher },
      )
      expect(await texts(other.org.id)).toEqual(before)
      const d = await sql<{
        n: number
      }>`select count(*)::int as n from webhook_deliveries where id = ${`d-${other.org.id}`}`.execute(
        db,
      )
      expect(d.rows[0]!.n).toBe(1)
    })

    it('hashes the author key the same however the handle is written', () => {
      expect(authorKeyHash('x', '@Sam.P')).toBe(authorKeyHash('x', ' sam.p'))
      expect(authorKeyHash('x', 'sam.p')).not.toBe(authorKeyHash('facebook', 'sam.p'))
    })
  })
}
