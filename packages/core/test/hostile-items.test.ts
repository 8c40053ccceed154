import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ingest } from '../src/pipeline/ingest.js'
import type { EarshotDatabase } from '../src/storage/open-database.js'
import { testDatabases } from './databases.js'
import { comment, keywordEnricher, sydneyPractice } from './ingest-fixtures.js'

function nested(depth: number): unknown {
  let v: unknown = 'leaf'
  for (let i = 0; i < depth; i++) v = { v }
  return v
}

for (const database of testDatabases()) {
  describe(`${database.name}: one hostile item never breaks a batch`, () => {
    let handle: EarshotDatabase
    beforeAll(async () => {
      handle = await database.open()
    })
    afterAll(async () => {
      await handle?.close()
    })

    async function stored(organisationId: string) {
      const [mentions, quarantine] = await Promise.all([
        handle.db
          .selectFrom('mentions')
          .select('external_id')
          .where('organisation_id', '=', organisationId)
          .execute(),
        handle.db
          .selectFrom('quarantine')
          .select('reason')
          .where('organisation_id', '=', organisationId)
          .execute(),
      ])
      return {
        mentions: mentions.map((m) => m.external_id),
        reasons: quarantine.map((q) => q.reason),
      }
    }

    const hostile: Array<[string, (channelId: string) => Record<string, unknown>, RegExp]> = [
      [
        'a NUL in the external id',
        (c) => comment(c, 'bad\u0000id', '2026-11-24T00:00:00Z', 'hi?'),
        /NUL/,
      ],
      [
        'a NUL in the thread key',
        (c) => ({ ...comment(c, 'b2', '2026-11-24T00:00:00Z', 'hi?'), threadKey: 't\u0000k' }),
        /NUL/,
      ],
      [
        'a NUL in the author handle',
        (c) => ({
          ...comment(c, 'b3', '2026-11-24T00:00:00Z', 'hi?'),
          author: { id: 'u', handle: 'h\u0000' },
        }),
        /NUL/,
      ],
      [
        'a NUL in the author id',
        (c) => ({ ...comment(c, 'b3b', '2026-11-24T00:00:00Z', 'hi?'), author: { id: 'u\u0000' } }),
        /NUL/,
      ],
      [
        'a lone surrogate in the text',
        (c) => comment(c, 'b4', '2026-11-24T00:00:00Z', 'broken \ud800 text'),
        /surrogate/,
      ],
      [
        'a lone surrogate in the external id',
        (c) => comment(c, 'b5\udfff', '2026-11-24T00:00:00Z', 'x'),
        /surrogate/,
      ],
      [
        'a lone surrogate in the raw payload',
        (c) => ({ ...comment(c, 'b6', '2026-11-24T00:00:00Z', 'x'), raw: { m: '\ud83d' } }),
        /surrogate/,
      ],
      [
        'a date in year 275760',
        (c) => comment(c, 'b7', '+275760-09-13T00:00:00Z', 'x'),
        /date|time/,
      ],
      [
        'epoch milliseconds past the range',
        (c) => ({ ...comment(c, 'b8', '2026-11-24T00:00:00Z', 'x'), createdAt: 8.64e15 }),
        /range/,
      ],
      ['a year-0001 date', (c) => comment(c, 'b9', '0001-01-01T00:00:00Z', 'x'), /range/],
      [
        'an edit time in year 9999',
        (c) => ({
          ...comment(c, 'b10', '2026-11-24T00:00:00Z', 'x'),
          editedAt: '9999-12-31T23:59:59Z',
        }),
        /range/,
      ],
      [
        'a raw payload 5,000 levels deep',
        (c) => ({ ...comment(c, 'b11', '2026-11-24T00:00:00Z', 'x'), raw: nested(5_000) }),
        /nested/,
      ],
      [
        'a raw payload of 3 MB',
        (c) => ({
          ...comment(c, 'b12', '2026-11-24T00:00:00Z', 'x'),
          raw: { big: 'x'.repeat(3_000_000) },
        }),
        /large/,
      ],
      [
        // Quarantining it must not fail either: the channel id and reason are stored beside the
        // payload (found by the arbitrary-items property, seed -1013312401).
        'a NUL as the channel id, with an invalid externalId',
        () => ({ channelId: '\u0000', externalId: 0, createdAt: '' }),
        /./,
      ],
      [
        'a 1 MB author name',
        (c) => ({
          ...comment(c, 'b13', '2026-11-24T00:00:00Z', 'x'),
          author: { name: 'n'.repeat(1_000_000) },
        }),
        /512/,
      ],
    ]

    it.each(hostile)(
      'quarantines %s and stores the good comment beside it',
      async (_name, make, reason) => {
        const { org, channel } = await sydneyPractice(handle.db)
        const result = await ingest(
          handle.db,
          [
            make(channel.id),
            comment(channel.id, 'good', '2026-11-24T00:00:00Z', 'do you bulk bill?'),
          ],
          { enricher: keywordEnricher, organisationId: org.id },
        )
        expect(result).toMatchObject({ inserted: 1, quarantined: 1 })
        const after = await stored(org.id)
        expect(after.mentions).toEqual(['good'])
        expect(after.reasons).toHaveLength(1)
        expect(after.reasons[0]).toMatch(reason)
      },
    )

    it('never throws on arbitrary items: each one is stored or quarantined', async () => {
      const { org, channel } = await sydneyPractice(handle.db)
      const text = fc.string({ unit: 'binary', maxLength: 40 })
      const item = fc.record(
        {
          channelId: fc.oneof(fc.constant(channel.id), text),
          externalId: fc.oneof(text, fc.integer()),
          kind: fc.oneof(fc.constantFrom('comment', 'reply', 'review', 'message'), text),
          threadKey: text,
          parentExternalId: text,
          author: fc.record({ id: text, name: text, handle: text }, { requiredKeys: [] }),
          text,
          createdAt: fc.oneof(
            fc
              .date({ noInvalidDate: false })
              .map((d) => (Number.isNaN(d.getTime()) ? 'nope' : d.toISOString())),
            fc.integer(),
            fc.double(),
            text,
          ),
          deleted: fc.boolean(),
          deletedAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          raw: fc.jsonValue({ maxDepth: 4 }),
        },
        { requiredKeys: ['channelId', 'externalId', 'createdAt'] },
      )
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.oneof(item, fc.anything()), { maxLength: 6 }),
          async (items) => {
            const result = await ingest(handle.db, items, {
              enricher: keywordEnricher,
              organisationId: org.id,
            })
            const { inserted, updated, unchanged, quarantined, deleted } = result
            expect(inserted + updated + unchanged + quarantined + deleted).toBe(items.length)
          },
        ),
        { numRuns: 60 },
      )
    })
  })
}
