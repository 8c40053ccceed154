/**
 * @module Row-level export: every mention in scope with every SLA column (the audit trail in
 * tabular form), read in (created_at, id) order along the index
 * `mentions_export_order_idx` so no page ever sorts the organisation's rows. As rows,
 * keyset-paged; as CSV, PostgreSQL encodes each line itself (`csv-sql.ts`, the same bytes as
 * `to-csv.ts`) and a server streams the whole export as one `COPY … TO STDOUT` with
 * backpressure, so memory stays bounded by one chunk whatever the size.
 */
import type { Readable } from 'node:stream'
import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely'
import type { PoolClient } from 'pg'
import { to as copyTo } from 'pg-copy-streams'
import type { SlaStatus } from '../model/vocabulary.js'
import { LINK_EVALUATION_COLUMNS } from '../sla/link-columns.js'
import type { Database } from '../storage/database.js'
import { postgresPoolOf } from '../storage/postgres-pool.js'
import {
  type CsvCellForm,
  csvBooleanSql,
  csvDoubleSql,
  csvIntegerSql,
  csvLineSql,
  csvTextSql,
  csvTimestampSql,
} from './csv-sql.js'
import { type MentionFilters, mentionFilterSql } from './mention-filters.js'
import { exactTimestampText } from './query-helpers.js'
import { slaStatusSql } from './sla-status.js'
import { csvLine } from './to-csv.js'

/** One exported mention: flat, CSV-ready, snake_case keys that double as the CSV header. */
export interface MentionExportRow {
  mention_id: string
  practice_id: string
  practice_name: string
  channel_id: string
  channel_name: string
  platform: string
  direction: string
  kind: string
  thread_key: string
  created_at: Date
  deleted_at: Date | null
  author_name: string | null
  author_handle: string | null
  text: string
  permalink: string | null
  category: string | null
  needs_reply: boolean | null
  sentiment_score: number | null
  sentiment_label: string | null
  privacy: boolean
  urgent: boolean
  /** SLA status at the export's `now`. */
  status: SlaStatus | null
  exempt_reason: string | null
  response_source: string | null
  outbound_id: string | null
  responded_at: Date | null
  target_name: string | null
  clock: string | null
  target_ms: number | null
  clock_started_at: Date | null
  due_at: Date | null
  at_risk_at: Date | null
  wall_ms: number | null
  business_ms: number | null
  outcome: string | null
  schedule_version: number | null
  promise_version: number | null
  /** The explanation's one-line reason (why included or excluded). */
  reason: string | null
  /** The whole explanation as JSON text. */
  explanation: string | null
}

/** The export's columns, in CSV order. */
export const MENTION_EXPORT_COLUMNS = [
  'mention_id',
  'practice_id',
  'practice_name',
  'channel_id',
  'channel_name',
  'platform',
  'direction',
  'kind',
  'thread_key',
  'created_at',
  'deleted_at',
  'author_name',
  'author_handle',
  'text',
  'permalink',
  'category',
  'needs_reply',
  'sentiment_score',
  'sentiment_label',
  'privacy',
  'urgent',
  'status',
  'exempt_reason',
  'response_source',
  'outbound_id',
  'responded_at',
  ...LINK_EVALUATION_COLUMNS,
  'reason',
  'explanation',
] as const satisfies readonly (keyof MentionExportRow)[]

export interface ExportMentionsQuery extends MentionFilters {
  /** Rows per round trip: of rows (default 1000), of CSV lines where pages are used (default 5000). */
  pageSize?: number
}

/** The rows in scope: mentions with their link, channel and practice (no columns yet). */
function exportSource(db: Kysely<Database>, query: ExportMentionsQuery, now: Date) {
  return db
    .selectFrom('mentions as m')
    .leftJoin('response_links as rl', (j) =>
      j.onRef('rl.organisation_id', '=', 'm.organisation_id').onRef('rl.inbound_id', '=', 'm.id'),
    )
    .innerJoin('channels as c', (j) =>
      j.onRef('c.organisation_id', '=', 'm.organisation_id').onRef('c.id', '=', 'm.channel_id'),
    )
    .innerJoin('practices as p', (j) =>
      j.onRef('p.organisation_id', '=', 'm.organisation_id').onRef('p.id', '=', 'm.practice_id'),
    )
    .where(mentionFilterSql(query, now, true))
}

const afterKey = (after: { created: string; id: string }) =>
  sql<SqlBool>`(m.created_at, m.id) > (cast(${after.created} as timestamptz), ${after.id})`

/**
 * Yields every mention matching the filters, oldest first, with its SLA columns. Deleted
 * mentions are included by default (they still count in the metrics); tombstones never are.
 *
 * @example
 * for await (const row of exportMentionRows(db, { organisationId, from, to })) write(row)
 */
export async function* exportMentionRows(
  db: Kysely<Database>,
  query: ExportMentionsQuery,
): AsyncGenerator<MentionExportRow> {
  const now = query.now ?? new Date()
  const size = Math.max(1, Math.min(query.pageSize ?? 1000, 10_000))
  let after: { created: string; id: string } | undefined
  for (;;) {
    let q = exportSource(db, query, now)
      .select([
        'm.id as mention_id',
        'm.practice_id',
        'p.name as practice_name',
        'm.channel_id',
        'c.name as channel_name',
        'm.platform',
        'm.direction',
        'm.kind',
        'm.thread_key',
        'm.created_at',
        'm.deleted_at',
        'm.author_name',
        'm.author_handle',
        'm.text',
        'm.permalink',
        'm.category',
        'm.needs_reply',
        'm.sentiment_score',
        'm.sentiment_label',
        'm.privacy',
        'm.urgent',
        slaStatusSql(now, 'rl').as('status'),
        'rl.exempt_reason',
        'rl.response_source',
        'rl.outbound_id',
        'rl.responded_at',
        'rl.target_name',
        'rl.clock',
        'rl.target_ms',
        'rl.clock_started_at',
        'rl.due_at',
        'rl.at_risk_at',
        'rl.wall_ms',
        'rl.business_ms',
        'rl.outcome',
        'rl.schedule_version',
        'rl.promise_version',
        sql<string | null>`rl.explanation ->> 'reason'`.as('reason'),
        sql<string | null>`rl.explanation::text`.as('explanation'),
        exactTimestampText('m.created_at').as('created_key'),
      ])
      .orderBy('m.created_at')
      .orderBy('m.id')
      .limit(size)
    if (after) q = q.where(afterKey(after))
    const rows = await q.execute()
    for (const { created_key: _k, ...row } of rows) yield row
    const last = rows.at(-1)
    if (!last || rows.length < size) return
    after = { created: last.created_key, id: last.mention_id }
  }
}

/** Each export column's CSV cell in SQL, typed as `MentionExportRow` types it. */
function csvCellsSql(
  now: Date,
  form: CsvCellForm,
): Record<(typeof MENTION_EXPORT_COLUMNS)[number], RawBuilder<string>> {
  const r = (ref: string) => sql.ref(ref) as RawBuilder<unknown>
  const text = (ref: string) => csvTextSql(r(ref), form)
  return {
    mention_id: text('m.id'),
    practice_id: text('m.practice_id'),
    practice_name: text('p.name'),
    channel_id: text('m.channel_id'),
    channel_name: text('c.name'),
    platform: text('m.platform'),
    direction: text('m.direction'),
    kind: text('m.kind'),
    thread_key: text('m.thread_key'),
    created_at: csvTimestampSql(r('m.created_at'), form),
    deleted_at: csvTimestampSql(r('m.deleted_at'), form),
    author_name: text('m.author_name'),
    author_handle: text('m.author_handle'),
    text: text('m.text'),
    permalink: text('m.permalink'),
    category: text('m.category'),
    needs_reply: csvBooleanSql(r('m.needs_reply'), form),
    sentiment_score: csvDoubleSql(r('m.sentiment_score'), form),
    sentiment_label: text('m.sentiment_label'),
    privacy: csvBooleanSql(r('m.privacy'), form),
    urgent: csvBooleanSql(r('m.urgent'), form),
    status: csvTextSql(slaStatusSql(now, 'rl'), form),
    exempt_reason: text('rl.exempt_reason'),
    response_source: text('rl.response_source'),
    outbound_id: text('rl.outbound_id'),
    responded_at: csvTimestampSql(r('rl.responded_at'), form),
    target_name: text('rl.target_name'),
    clock: text('rl.clock'),
    target_ms: csvDoubleSql(r('rl.target_ms'), form),
    clock_started_at: csvTimestampSql(r('rl.clock_started_at'), form),
    due_at: csvTimestampSql(r('rl.due_at'), form),
    at_risk_at: csvTimestampSql(r('rl.at_risk_at'), form),
    wall_ms: csvDoubleSql(r('rl.wall_ms'), form),
    business_ms: csvDoubleSql(r('rl.business_ms'), form),
    outcome: text('rl.outcome'),
    schedule_version: csvIntegerSql(r('rl.schedule_version'), form),
    promise_version: csvIntegerSql(r('rl.promise_version'), form),
    reason: csvTextSql(sql`(rl.explanation ->> 'reason')`, form),
    explanation: csvTextSql(sql`(rl.explanation::text)`, form),
  }
}

function csvLineOf(now: Date): RawBuilder<string> {
  const cells = csvCellsSql(now, 'line')
  return csvLineSql(MENTION_EXPORT_COLUMNS.map((c) => cells[c]))
}

/** One column per CSV cell, for `COPY … (format csv)` to quote (`CsvCellForm` 'copy'). */
function csvCopyColumnsOf(now: Date) {
  const cells = csvCellsSql(now, 'copy')
  return MENTION_EXPORT_COLUMNS.map((c) => cells[c].as(c))
}

/** Bytes of CSV gathered before a chunk is handed on. */
const CHUNK_BYTES = 256 * 1024

/**
 * The export as CSV text, header first, in chunks of whole lines (each line ends in CRLF),
 * ready to pipe to a response or a file. The bytes are those of `csvLines(exportMentionRows())`.
 * On a server opened by `openDatabase` it is one `COPY` (holding one pooled connection for the
 * export's duration, without the statement timeout, since a slow download paces it); elsewhere
 * (PGlite) keyset pages of lines encoded by the database.
 *
 * @example
 * Readable.from(exportMentionsCsv(db, { organisationId })).pipe(res)
 */
export async function* exportMentionsCsv(
  db: Kysely<Database>,
  query: ExportMentionsQuery,
): AsyncGenerator<string> {
  for await (const chunk of csvChunks(db, query))
    yield typeof chunk === 'string' ? chunk : chunk.toString('utf8')
}

/**
 * `exportMentionsCsv` as UTF-8 bytes, for writing straight to a response or a file: on a server
 * the bytes of the `COPY` go out without being decoded to a string and encoded again.
 *
 * @example
 * for await (const bytes of exportMentionsCsvBytes(db, { organisationId })) res.write(bytes)
 */
export async function* exportMentionsCsvBytes(
  db: Kysely<Database>,
  query: ExportMentionsQuery,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of csvChunks(db, query))
    yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk
}

/** The export's chunks of whole lines: bytes from a server's COPY, strings from PGlite's pages. */
async function* csvChunks(
  db: Kysely<Database>,
  query: ExportMentionsQuery,
): AsyncGenerator<string | Buffer> {
  const now = query.now ?? new Date()
  const header = `${csvLine(MENTION_EXPORT_COLUMNS)}\r\n`
  const pool = postgresPoolOf(db)
  if (pool) {
    const client = await pool.connect()
    let clean = false
    try {
      await client.query('begin read only')
      await client.query('set local statement_timeout = 0')
      // JIT compiling the ~40 cell expressions cost more than it saved (5.5 s of 34 s at 1M).
      await client.query('set local jit = off')
      yield header
      const copy = client.query(copyTo(exportCopyStatement(db, query, now, client)))
      yield* copyCsvChunks(copy)
      await client.query('commit')
      clean = true
    } finally {
      // A COPY abandoned half way (the download was cancelled) leaves the connection mid-stream:
      // discard it rather than hand it to the next query.
      client.release(clean ? undefined : true)
    }
    return
  }
  yield header
  const size = Math.max(1, Math.min(query.pageSize ?? 5000, 10_000))
  let after: { created: string; id: string } | undefined
  for (;;) {
    let q = exportSource(db, query, now)
      .select([
        csvLineOf(now).as('line'),
        'm.id as id',
        exactTimestampText('m.created_at').as('created_key'),
      ])
      .orderBy('m.created_at')
      .orderBy('m.id')
      .limit(size)
    if (after) q = q.where(afterKey(after))
    const rows = await q.execute()
    let chunk = ''
    for (const row of rows) {
      chunk += row.line
      if (chunk.length >= CHUNK_BYTES) {
        yield chunk
        chunk = ''
      }
    }
    if (chunk) yield chunk
    const last = rows.at(-1)
    if (!last || rows.length < size) return
    after = { created: last.created_key, id: last.id }
  }
}

/**
 * The export's `COPY … TO STDOUT (format csv)` statement, parameters inlined (exported for
 * `bench/export-cpu.ts`, which times it against a raw COPY of the same rows).
 */
export function exportCopyStatement(
  db: Kysely<Database>,
  query: ExportMentionsQuery,
  now: Date,
  client: Pick<PoolClient, 'escapeLiteral'>,
): string {
  const compiled = exportSource(db, query, now)
    .select(csvCopyColumnsOf(now))
    .orderBy('m.created_at')
    .orderBy('m.id')
    .compile()
  return `copy (${inlineParameters(client, compiled.sql, compiled.parameters)}) to stdout (format csv)`
}

/**
 * `COPY` takes no bind parameters, so the compiled query's `$n` are replaced by literals quoted
 * by the driver (`escapeLiteral`). The export's SQL has no `$` followed by a digit of its own.
 */
function inlineParameters(
  client: Pick<PoolClient, 'escapeLiteral'>,
  text: string,
  parameters: readonly unknown[],
): string {
  return text.replace(/\$(\d+)/g, (_m, n: string) => {
    const value = parameters[Number(n) - 1]
    if (typeof value === 'number' && Number.isFinite(value)) return String(value)
    if (typeof value === 'string') return client.escapeLiteral(value)
    throw new Error(`export: cannot inline parameter $${n} of type ${typeof value}`)
  })
}

const CR = 0x0d
const LF = 0x0a
const QUOTE = 0x22

/**
 * The bytes of a `COPY … (format csv)` stream with each row ending in CRLF, in chunks of whole
 * lines. COPY ends a row with LF; an LF inside a quoted field is data. A `"` only ever appears
 * in a quoted field (COPY quotes any field holding one), so an LF ends a row exactly when the
 * quotes before it on the row are balanced: one pass over the bytes, carrying that parity from
 * chunk to chunk. Segments are copied into one buffer per outgoing chunk (no per-row objects).
 */
export async function* copyCsvChunks(stream: Readable): AsyncGenerator<Buffer> {
  let out = Buffer.allocUnsafe(CHUNK_BYTES * 2)
  let used = 0
  /** Where the last whole line in `out` ends. */
  let whole = 0
  let quoted = false
  const put = (chunk: Buffer, from: number, to: number) => {
    if (used + (to - from) + 2 > out.length) {
      const grown = Buffer.allocUnsafe(Math.max(out.length * 2, used + (to - from) + 2))
      out.copy(grown, 0, 0, used)
      out = grown
    }
    used += chunk.copy(out, used, from, to)
  }
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let from = 0
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]
      if (b === QUOTE) quoted = !quoted
      else if (b === LF && !quoted) {
        put(chunk, from, i)
        out[used++] = CR
        out[used++] = LF
        whole = used
        from = i + 1
      }
    }
    put(chunk, from, chunk.length)
    if (whole >= CHUNK_BYTES) {
      const next = Buffer.allocUnsafe(Math.max(CHUNK_BYTES * 2, used - whole + CHUNK_BYTES))
      out.copy(next, 0, whole, used)
      yield out.subarray(0, whole)
      out = next
      used -= whole
      whole = 0
    }
  }
  if (quoted || used > whole) throw new Error('export: the COPY stream ended inside a row')
  if (whole > 0) yield out.subarray(0, whole)
}
