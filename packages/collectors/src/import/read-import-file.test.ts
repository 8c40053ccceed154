import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ChannelRow, isEarshotError } from '@earshot/core'
import { describe, expect, it } from 'vitest'
import { collectChannel } from '../run/core-loop.js'
import { testCollector } from '../testing/test-collector.js'
import { importCollector, importFile } from './import-collector.js'
import { type ImportBatch, readImportFile } from './read-import-file.js'
import { splitJsonArray } from './split-json-array.js'

const dir = mkdtempSync(join(tmpdir(), 'earshot-import-'))
const file = (name: string, content: string) => {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}
const collectAll = async (
  path: string,
  options: Partial<Parameters<typeof readImportFile>[1]> = {},
) => {
  const batches: ImportBatch[] = []
  for await (const b of readImportFile(path, { channelId: 'ch', ...options })) batches.push(b)
  return batches
}
async function* chunks(...parts: string[]) {
  yield* parts
}

const CSV = `external_id,kind,created_at,author_name,author_handle,text,rating,thread_key
r1,review,2025-01-05T17:40:12Z,Ana K,,"Friendly staff, short wait.",4,r1
r2,review,2025-01-04T09:00:00Z,Ben T,,"Waited ""90"" minutes",1,r2
,comment,2025-01-04T09:00:00Z,No Id,,missing id,,
r3,reply,2025-01-06T08:00:00Z,Smile Dental,smiledental,Thank you!,,r1
r4,comment,not a date,X,,bad date,,
`

describe('readImportFile', () => {
  it('streams CSV in batches, rejecting rows it cannot map with their record number', async () => {
    const progress: [number, number][] = []
    const batches = await collectAll(file('export.csv', CSV), {
      batchSize: 2,
      onProgress: (n, total) => progress.push([n, total]),
    })
    const items = batches.flatMap((b) => b.items)
    expect(items.map((i) => i.externalId)).toEqual(['r1', 'r2', 'r3'])
    expect(items[0]).toMatchObject({
      kind: 'review',
      rating: 4,
      text: 'Friendly staff, short wait.',
      author: { name: 'Ana K' },
    })
    expect(items[1]!.text).toBe('Waited "90" minutes')
    expect(items[2]).toMatchObject({ author: { handle: 'smiledental' }, threadKey: 'r1' })
    const rejected = batches.flatMap((b) => b.rejected.map((r) => r.reason))
    expect(rejected).toEqual([
      'record 3: external_id is missing',
      'record 5: created_at is not a valid time: "not a date"',
    ])
    expect(batches.every((b) => b.items.length + b.rejected.length <= 2)).toBe(true)
    expect(progress.at(-1)).toEqual([Buffer.byteLength(CSV), Buffer.byteLength(CSV)])
  })

  it('reads JSON arrays element by element (camelCase, nested author) and JSON lines with a broken line', async () => {
    const json = file(
      'export.json',
      JSON.stringify([
        {
          id: 'j1',
          createdAt: '2025-01-06T10:00:00Z',
          text: 'a [tricky], "string" {x}',
          author: { name: 'Ana', handle: '@ana' },
        },
        { externalId: 'j2', date: 1736157600, message: 'second', direction: 'outbound' },
      ]),
    )
    const items = (await collectAll(json)).flatMap((b) => b.items)
    expect(items).toMatchObject([
      {
        externalId: 'j1',
        text: 'a [tricky], "string" {x}',
        author: { name: 'Ana', handle: 'ana' },
      },
      { externalId: 'j2', direction: 'outbound', text: 'second' },
    ])
    const jsonl = file(
      'export.jsonl',
      '{"id":"l1","created_at":"2025-01-06T10:00:00Z"}\n{"id": broken\n\n{"id":"l2","created_at":"2025-01-06T11:00:00Z"}\n',
    )
    const batches = await collectAll(jsonl)
    expect(batches.flatMap((b) => b.items).map((i) => i.externalId)).toEqual(['l1', 'l2'])
    expect(batches.flatMap((b) => b.rejected)[0]!.reason).toMatch(/^record 2: invalid JSON/)
  })

  it('handles a large file in fixed batches without reading it whole', async () => {
    const rows = ['external_id,created_at,text']
    for (let i = 0; i < 20_000; i++) rows.push(`big-${i},2025-01-06T10:00:00Z,message number ${i}`)
    const batches = await collectAll(file('big.csv', rows.join('\n')), { batchSize: 1000 })
    expect(batches.filter((b) => b.items.length > 0)).toHaveLength(20)
    expect(batches.at(-1)!.recordsRead).toBe(20_000)
  })
})

describe('splitJsonArray', () => {
  it('splits elements across chunk boundaries, ignoring brackets and commas inside strings', async () => {
    const out: string[] = []
    for await (const e of splitJsonArray(
      chunks(' [ {"a":"x\\"]", "b":[1,', '2]} , 3, "s,t"', ' ,{"c":{}}]  '),
    ))
      out.push(e)
    expect(out.map((e) => JSON.parse(e))).toEqual([{ a: 'x"]', b: [1, 2] }, 3, 's,t', { c: {} }])
  })

  it('fails clearly on a truncated file or a non-array', async () => {
    await expect(async () => {
      for await (const _ of splitJsonArray(chunks('[{"a":1},{"b"'))) void _
    }).rejects.toThrow(/not closed/)
    await expect(async () => {
      for await (const _ of splitJsonArray(chunks('{"a":1}'))) void _
    }).rejects.toThrow(/not an array/)
  })

  it('refuses a malformed JSON file as invalid input, so the CLI names it instead of crashing', async () => {
    for (const text of ['{"a":1}', '[1,,2]', '[1] x', '[{"a":1}', '']) {
      const error = await (async () => {
        for await (const _ of splitJsonArray(chunks(text))) void _
      })().catch((e: unknown) => e)
      expect(isEarshotError(error) && error.code, text).toBe('INVALID_INPUT')
    }
  })
})

const IMPORT_PATH = file('channel.csv', CSV)

testCollector({
  platform: 'import',
  create: () => importCollector(),
  account: { externalAccountId: 'legacy-export' },
  config: () => ({ path: IMPORT_PATH, batchSize: 2 }),
  invalidConfig: { path: '' },
  additionalTests: (t) => {
    const ids = async (c: ChannelRow) =>
      (
        await t.db
          .selectFrom('mentions')
          .select('external_id')
          .where('channel_id', '=', c.id)
          .execute()
      )
        .map((r) => r.external_id)
        .sort()

    it('resumes an interrupted import from its checkpoint and does not re-read a finished file', async () => {
      const c = await t.newChannel()
      const first = await collectChannel(t.db, c, t.collector(), { maxBatches: 1 })
      expect(first.batches).toBe(1)
      const row = (await t.db
        .selectFrom('channels')
        .selectAll()
        .where('id', '=', c.id)
        .executeTakeFirstOrThrow()) as ChannelRow
      expect(row.checkpoint).toMatchObject({ records: 2, done: false })
      await collectChannel(t.db, row, t.collector())
      expect(await ids(c)).toEqual(['r1', 'r2', 'r3'])
      const quarantine = await t.db
        .selectFrom('quarantine')
        .select('reason')
        .where('channel_id', '=', c.id)
        .execute()
      expect(quarantine.map((q) => q.reason).sort()).toEqual([
        'record 3: external_id is missing',
        'record 5: created_at is not a valid time: "not a date"',
      ])
      const done = (await t.db
        .selectFrom('channels')
        .selectAll()
        .where('id', '=', c.id)
        .executeTakeFirstOrThrow()) as ChannelRow
      expect(done.checkpoint).toMatchObject({ records: 5, done: true })
      expect((await collectChannel(t.db, done, t.collector())).batches).toBe(0)
    })

    it('importFile loads an export into an existing channel, idempotently', async () => {
      const c = await t.tenant.channel({
        platform: 'google',
        externalAccountId: 'accounts/1/locations/2',
      })
      const first = await importFile(t.db, { path: IMPORT_PATH, channelId: c.id, batchSize: 2 })
      expect(first).toMatchObject({ records: 5, inserted: 3, quarantined: 2 })
      const second = await importFile(t.db, { path: IMPORT_PATH, channelId: c.id })
      expect(second).toMatchObject({ inserted: 0, unchanged: 3 })
      expect(await ids(c)).toEqual(['r1', 'r2', 'r3'])
      expect(await quarantined(c)).toHaveLength(2)
    })

    const quarantined = async (c: ChannelRow) =>
      (
        await t.db
          .selectFrom('quarantine')
          .select('reason')
          .where('channel_id', '=', c.id)
          .orderBy('id')
          .execute()
      ).map((q) => q.reason)

    it('importFile quarantines hostile rows, stores the rest, and a re-run changes nothing', async () => {
      const c = await t.tenant.channel({
        platform: 'google',
        externalAccountId: 'accounts/1/locations/3',
      })
      const rows = [
        { external_id: 'ok1', created_at: '2025-01-05T17:40:12Z', text: 'fine' },
        { external_id: 'nul\u0000', created_at: '2025-01-05T17:40:12Z', text: 'NUL in the id' },
        { external_id: 'far', created_at: '9999-01-01T00:00:00Z', text: 'year 9999' },
        { external_id: 'sur', created_at: '2025-01-05T17:40:12Z', text: 'lone \ud800 surrogate' },
        { external_id: 'ok2', created_at: '2025-01-06T08:00:00Z', text: 'also fine' },
      ]
      const path = file('hostile.jsonl', rows.map((r) => JSON.stringify(r)).join('\n'))
      const first = await importFile(t.db, { path, channelId: c.id, batchSize: 2 })
      expect(first).toMatchObject({ records: 5, inserted: 2, quarantined: 3 })
      expect(await ids(c)).toEqual(['ok1', 'ok2'])
      const reasons = await quarantined(c)
      expect(reasons).toEqual([
        expect.stringMatching(/externalId contains a NUL character/),
        expect.stringMatching(/out of range/),
        expect.stringMatching(/text contains a lone surrogate/),
      ])
      const again = await importFile(t.db, { path, channelId: c.id, batchSize: 2 })
      expect(again).toMatchObject({ records: 5, inserted: 0, unchanged: 2, quarantined: 3 })
      expect(await quarantined(c)).toEqual(reasons)
    })

    it('refuses a Latin-1 file before importing anything, and reads it when the encoding is declared', async () => {
      const c = await t.tenant.channel({
        platform: 'google',
        externalAccountId: 'accounts/1/locations/4',
      })
      const csv =
        'external_id,created_at,text\nl1,2025-01-05T17:40:12Z,ok\nl2,2025-01-05T17:40:12Z,Caf\u00e9 cr\u00e8me\n'
      const path = join(dir, 'latin1.csv')
      writeFileSync(path, Buffer.from(csv, 'latin1'))
      await expect(importFile(t.db, { path, channelId: c.id })).rejects.toThrow(
        /is not valid UTF-8 \(first invalid byte at offset 82\).*Nothing was imported/,
      )
      expect(await ids(c)).toEqual([])
      expect(await importFile(t.db, { path, channelId: c.id, encoding: 'latin1' })).toMatchObject({
        inserted: 2,
      })
      const text = await t.db
        .selectFrom('mentions')
        .select('text')
        .where('channel_id', '=', c.id)
        .where('external_id', '=', 'l2')
        .executeTakeFirstOrThrow()
      expect(text.text).toBe('Caf\u00e9 cr\u00e8me')
    })
  },
})
