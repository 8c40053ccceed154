import { Readable } from 'node:stream'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshOrganisation, testDatabases } from '../../test/databases.js'
import type { EarshotDatabase } from '../storage/open-database.js'
import { postgresPoolOf } from '../storage/postgres-pool.js'
import {
  MENTION_EXPORT_COLUMNS as COLUMNS,
  copyCsvChunks,
  exportMentionRows,
  exportMentionsCsv,
  exportMentionsCsvBytes,
} from './export-mention-rows.js'
import { csvLines } from './to-csv.js'

async function text(chunks: AsyncIterable<string>): Promise<string> {
  let out = ''
  for await (const c of chunks) out += c
  return out
}

// Every kind of value a cell can hold, the awkward ones first: formula starts, quotes, commas,
// line breaks, leading tab / CR, non-ASCII, empty strings; doubles on both sides of each
// notation switch of JavaScript and PostgreSQL below 1e16 (csv-sql.ts), NaN, infinities, −0;
// microsecond instants. (Response times stay plausible: the rollups bucket them.)
const TEXTS = [
  '=HYPERLINK("http://evil", "click")',
  '+1 (555) 0100',
  '-3, maybe',
  '@channel look',
  '\tindented',
  '\rcarriage',
  'line one\nline two',
  'crlf\r\nend',
  'say "hi"',
  'a,b',
  '',
  'Zoë’s café 🦷 — ok',
  "'already quoted",
  'plain text',
]
const DOUBLES = [
  0.5,
  -0.25,
  1e-4,
  9.99e-5,
  1e-5,
  1.5e-6,
  1e-6,
  1.5e-7,
  1e-7,
  123456789012345.6,
  999999999999999,
  1e15,
  1234567890123456.8,
  -9.5e15,
  2.5e-300,
  -0,
  0,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  14_400_000,
  1620000 / 3,
]

describe('copyCsvChunks', () => {
  // What COPY (format csv) sends: rows ending in LF, LF and "" inside quoted fields.
  const copy = 'a,"x\ny",1\n"""" ,"say ""hi""\n",\n,,\n"\n"\nlast,"\r\n",z\n'
  const crlf = 'a,"x\ny",1\r\n"""" ,"say ""hi""\n",\r\n,,\r\n"\n"\r\nlast,"\r\n",z\r\n'

  it('ends each row in CRLF and leaves line breaks inside quotes alone, wherever the stream splits', async () => {
    const bytes = Buffer.from(copy)
    for (let a = 0; a <= bytes.length; a++) {
      for (const b of [a, Math.min(bytes.length, a + 1), Math.min(bytes.length, a + 7)]) {
        const parts = [bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)]
        let out = ''
        for await (const chunk of copyCsvChunks(Readable.from(parts.filter((p) => p.length))))
          out += chunk.toString()
        expect(out).toBe(crlf)
      }
    }
  })

  it('refuses a stream that stops inside a row', async () => {
    const cut = async (s: string) => {
      for await (const _ of copyCsvChunks(Readable.from([Buffer.from(s)]))) {
        // drained
      }
    }
    await expect(cut('a,b\nc,"d\n')).rejects.toThrow('ended inside a row')
    await expect(cut('a,b\nc')).rejects.toThrow('ended inside a row')
  })
})

for (const database of testDatabases()) {
  describe(`${database.name}: exportMentionsCsv`, () => {
    let handle: EarshotDatabase
    let org: string
    let other: string
    const now = new Date('2026-06-01T00:00:00Z')

    beforeAll(async () => {
      handle = await database.open()
      org = (await freshOrganisation(handle.db)).id
      other = (await freshOrganisation(handle.db)).id
      for (const o of [org, other]) {
        await sql`insert into practices (organisation_id, id, name, slug, time_zone) values
          (${o}, ${`${o}-p`}, ${'=cmd|" /C calc"!A0, Practice'}, ${`${o}-p`}, 'UTC'),
          (${o}, ${`${o}-q`}, 'Second, practice', ${`${o}-q`}, 'UTC')`.execute(handle.db)
        await sql`insert into channels (organisation_id, practice_id, id, platform, external_account_id, name) values
          (${o}, ${`${o}-p`}, ${`${o}-c`}, 'facebook', ${`a-${o}`}, ${'@Face "book"'}),
          (${o}, ${`${o}-q`}, ${`${o}-d`}, 'google', ${`b-${o}`}, 'Google')`.execute(handle.db)
      }
      const count = Math.max(TEXTS.length, DOUBLES.length) * 2
      for (let i = 0; i < count; i++) {
        const o = i % 9 === 8 ? other : org
        const p = i % 3 === 0 ? `${o}-q` : `${o}-p`
        const channel = i % 3 === 0 ? `${o}-d` : `${o}-c`
        const t = TEXTS[i % TEXTS.length]!
        const d = DOUBLES[i % DOUBLES.length]!
        // Microseconds on some rows; two rows share an instant (the id breaks the tie).
        const created = `2026-0${1 + (i % 5)}-1${i % 10}T0${i % 10}:00:00.${String(123456 + i * 7919).slice(0, i % 2 ? 6 : 3)}Z`
        await sql`insert into mentions (organisation_id, practice_id, channel_id, id, platform, external_id,
            kind, direction, thread_key, text, author_name, author_handle, permalink, created_at, deleted_at,
            content_hash, sentiment_score, sentiment_label, needs_reply, category, privacy, urgent, is_tombstone)
          values (${o}, ${p}, ${channel}, ${`m${String(i).padStart(3, '0')}`}, 'facebook', ${`x${i}`},
            'comment', ${i % 4 === 3 ? 'outbound' : 'inbound'}, ${`t${i}`}, ${t},
            ${i % 5 === 0 ? null : TEXTS[(i + 3) % TEXTS.length]!}, ${i % 6 === 0 ? '' : '-handle'},
            ${i % 2 ? null : 'https://x.test/a,b'}, cast(${created} as timestamptz),
            ${i % 7 === 0 ? sql`cast(${created} as timestamptz) + interval '1 day'` : null},
            ${`h${i}`}, cast(${String(d)} as float8), ${i % 2 ? 'negative' : null},
            ${i % 3 === 0 ? null : i % 2 === 0}, ${i % 4 === 1 ? null : 'question'}, ${i % 2 === 0},
            ${i % 5 === 1}, ${i === 5})`.execute(handle.db)
        if (i % 4 === 3) continue
        const answered = i % 3 !== 2
        await sql`insert into response_links (organisation_id, practice_id, channel_id, inbound_id, outbound_id,
            response_source, responded_at, needs_reply, exempt_reason, category, target_name, clock,
            target_ms, clock_started_at, due_at, at_risk_at, wall_ms, business_ms, outcome,
            schedule_version, promise_version, explanation, evaluated_at)
          values (${o}, ${p}, ${channel}, ${`m${String(i).padStart(3, '0')}`}, ${answered ? `o${i}` : null},
            ${answered ? 'reply' : null}, ${answered ? sql`cast(${created} as timestamptz) + interval '90 minutes 0.000001 seconds'` : null},
            ${i % 11 !== 0}, ${i % 11 === 0 ? '+exempt, "why"' : null}, 'question', ${TEXTS[i % TEXTS.length]!},
            'business', cast(${String(DOUBLES[(i + 5) % DOUBLES.length]!)} as float8),
            cast(${created} as timestamptz), ${i % 3 === 1 ? null : sql`cast(${created} as timestamptz) + interval '4 hours'`},
            cast(${created} as timestamptz) + interval '3 hours',
            ${answered ? sql`cast(${String(Number.isFinite(d) && Math.abs(d) < 1e12 ? d : 1234.5)} as float8)` : null},
            ${answered ? 5_400_000.5 : null},
            ${answered ? (i % 2 ? 'met' : 'missed') : null}, ${i % 2 ? 2 : null}, 1,
            cast(${JSON.stringify({ reason: TEXTS[(i + 1) % TEXTS.length], n: i, s: 'a\n"b"' })} as jsonb),
            cast(${created} as timestamptz))`.execute(handle.db)
      }
    })
    afterAll(async () => {
      await handle?.close()
    })

    const queries = () => [
      { organisationId: org, now },
      { organisationId: org, now, direction: 'inbound' as const, practiceIds: [`${org}-p`] },
      { organisationId: org, now, from: new Date('2026-02-01'), to: new Date('2026-04-01') },
      { organisationId: org, now, status: ['met' as const, 'breached' as const] },
      { organisationId: org, now, q: 'line' },
    ]

    it('is byte for byte the CSV that encoding the exported rows in JavaScript gives', async () => {
      if (database.name === 'postgres') expect(postgresPoolOf(handle.db)).toBeDefined()
      for (const query of queries()) {
        const expected = await text(csvLines(exportMentionRows(handle.db, query), [...COLUMNS]))
        for (const pageSize of [2, undefined]) {
          const actual = await text(exportMentionsCsv(handle.db, { ...query, pageSize }))
          expect(actual).toBe(expected)
          const bytes: Uint8Array[] = []
          for await (const chunk of exportMentionsCsvBytes(handle.db, { ...query, pageSize })) {
            // Whole lines in every chunk.
            expect(Buffer.from(chunk.subarray(-2)).toString()).toBe('\r\n')
            bytes.push(chunk)
          }
          expect(Buffer.concat(bytes).toString('utf8')).toBe(expected)
        }
      }
      const all = await text(exportMentionsCsv(handle.db, { organisationId: org, now }))
      // The tombstone is left out; the other tenant's rows never appear.
      const ids: string[] = []
      for await (const row of exportMentionRows(handle.db, { organisationId: org, now }))
        ids.push(row.mention_id)
      const made = Math.max(TEXTS.length, DOUBLES.length) * 2
      const ours = Array.from({ length: made }, (_, i) => i).filter((i) => i % 9 !== 8 && i !== 5)
      expect(ids).toHaveLength(ours.length)
      expect(ids).not.toContain('m005')
      for (const id of ids) expect(all).toContain(`\r\n${id},`)
      expect(all).not.toContain(other)
      // Formula starts are neutralised and quoted cells stay whole.
      expect(all).toContain(`"'=HYPERLINK(""http://evil"", ""click"")"`)
      expect(all).toContain(`"'=cmd|"" /C calc""!A0, Practice"`)
      expect(all).toContain(',1e-7,')
      expect(all).toContain(',1000000000000000,')
    })

    it('frees its connection when the reader stops half way', async () => {
      for (let i = 0; i < 6; i++) {
        const chunks = exportMentionsCsv(handle.db, { organisationId: org, now, pageSize: 2 })
        await chunks.next()
        await chunks.next()
        await chunks.return(undefined)
      }
      const rows = await sql<{ n: number }>`select 1 as n`.execute(handle.db)
      expect(rows.rows[0]?.n).toBe(1)
    })
  })
}
