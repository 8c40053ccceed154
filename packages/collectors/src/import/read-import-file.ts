/**
 * @module Streaming import of mention exports (CSV, JSON arrays, JSON lines) from other tools.
 * Records are read one at a time and handed out in batches, so a file of any size never sits in
 * memory; `onProgress` reports bytes read for the CLI's progress bar.
 *
 * Columns (CSV headers or JSON keys; snake_case or camelCase, case-insensitive):
 * `external_id` (required; aliases id, message_id), `created_at` (required; aliases date,
 * timestamp, time), `kind` (post|comment|reply|review|message|mention, default comment),
 * `direction` (inbound|outbound; default: decided from the channel's own identities),
 * `thread_key`, `parent_external_id` (alias parent_id), `author_id`, `author_name` (alias author),
 * `author_handle` (alias username), `text` (aliases message, body, content), `permalink`
 * (aliases url, link), `edited_at`, `deleted_at`, `rating` (alias stars), `language`,
 * `is_auto_reply`. Other columns are kept in `raw`.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { Readable } from 'node:stream'
import { MENTION_KINDS, type MentionInput } from '@earshot/core'
import { parse as parseCsv } from 'csv-parse'
import { parseTime } from '../util/parse-time.js'
import { assertUtf8File, type ImportEncoding, importDecoder } from './file-encoding.js'
import { splitJsonArray } from './split-json-array.js'

/** File formats the importer reads. */
export const IMPORT_FORMATS = ['csv', 'json', 'jsonl'] as const
export type ImportFormat = (typeof IMPORT_FORMATS)[number]

/** Options of {@link readImportFile}. */
export interface ReadImportFileOptions {
  /** The channel the mentions belong to. */
  channelId: string
  /** Default: from the extension (`.csv`, `.json`, `.jsonl`/`.ndjson`). */
  format?: ImportFormat
  /** Records per batch (default 500). */
  batchSize?: number
  /**
   * The file's text encoding (default `utf-8`). A file that is not valid UTF-8 is refused before
   * any record is read unless its encoding is declared here.
   */
  encoding?: ImportEncoding
  /** Records to skip (resuming an import from a checkpoint). */
  skipRecords?: number
  /** Called after every batch with bytes read so far and the file size. */
  onProgress?: (bytesRead: number, totalBytes: number) => void
  signal?: AbortSignal
}

/** One batch of an import. */
export interface ImportBatch {
  items: MentionInput[]
  /** Records that could not be mapped, with their 1-based record number in the reason. */
  rejected: { reason: string; payload: unknown }[]
  /** Records consumed so far, including skipped and rejected ones. */
  recordsRead: number
  bytesRead: number
  totalBytes: number
}

/** Guesses the format from the file name. */
export function importFormatOf(path: string): ImportFormat {
  if (/\.csv$/i.test(path)) return 'csv'
  if (/\.(jsonl|ndjson)$/i.test(path)) return 'jsonl'
  if (/\.json$/i.test(path)) return 'json'
  throw new Error(`cannot tell the format of ${path}: use .csv, .json or .jsonl, or pass format`)
}

type RawRecord = { record?: Record<string, unknown>; error?: string; payload?: unknown }

/**
 * Reads an export file as batches of mentions.
 *
 * @example
 * for await (const batch of readImportFile('export.csv', { channelId, onProgress: (n, total) => bar.update(n / total) })) {
 *   await ingest(db, batch.items)
 * }
 */
export async function* readImportFile(
  path: string,
  options: ReadImportFileOptions,
): AsyncGenerator<ImportBatch> {
  const format = options.format ?? importFormatOf(path)
  const batchSize = options.batchSize ?? 500
  const totalBytes = (await stat(path)).size
  const encoding = options.encoding ?? 'utf-8'
  if (encoding === 'utf-8') await assertUtf8File(path)
  const progress = { bytes: 0 }
  const skip = options.skipRecords ?? 0
  let recordsRead = 0
  let batch: ImportBatch = { items: [], rejected: [], recordsRead: 0, bytesRead: 0, totalBytes }
  for await (const raw of records(path, format, encoding, progress)) {
    options.signal?.throwIfAborted()
    recordsRead++
    if (recordsRead <= skip) continue
    if (raw.error !== undefined)
      batch.rejected.push({
        reason: `record ${recordsRead}: ${raw.error}`,
        payload: raw.payload ?? null,
      })
    else {
      try {
        batch.items.push(mapImportRecord(raw.record ?? {}, options.channelId))
      } catch (error) {
        batch.rejected.push({
          reason: `record ${recordsRead}: ${(error as Error).message}`,
          payload: raw.record,
        })
      }
    }
    if (batch.items.length + batch.rejected.length >= batchSize) {
      yield finish(batch, recordsRead, progress.bytes, options)
      batch = { items: [], rejected: [], recordsRead: 0, bytesRead: 0, totalBytes }
    }
  }
  yield finish(batch, recordsRead, totalBytes, options)
}

function finish(
  batch: ImportBatch,
  recordsRead: number,
  bytes: number,
  options: ReadImportFileOptions,
): ImportBatch {
  batch.recordsRead = recordsRead
  batch.bytesRead = Math.min(bytes, batch.totalBytes)
  options.onProgress?.(batch.bytesRead, batch.totalBytes)
  return batch
}

async function* textChunks(
  path: string,
  encoding: ImportEncoding,
  progress: { bytes: number },
): AsyncGenerator<string> {
  const decoder = importDecoder(encoding)
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) {
    progress.bytes += (chunk as Buffer).length
    yield decoder.decode(chunk as Buffer, { stream: true })
  }
  const rest = decoder.decode()
  if (rest) yield rest
}

async function* records(
  path: string,
  format: ImportFormat,
  encoding: ImportEncoding,
  progress: { bytes: number },
): AsyncGenerator<RawRecord> {
  if (format === 'jsonl') {
    const lines = createInterface({
      input: Readable.from(textChunks(path, encoding, progress)),
      crlfDelay: Number.POSITIVE_INFINITY,
    })
    for await (const line of lines) {
      if (line.trim() === '') continue
      yield parseJsonRecord(line)
    }
    return
  }
  if (format === 'json') {
    for await (const element of splitJsonArray(textChunks(path, encoding, progress)))
      yield parseJsonRecord(element)
    return
  }
  const skipped: RawRecord[] = []
  const parser = Readable.from(textChunks(path, encoding, progress)).pipe(
    parseCsv({
      columns: (header: string[]) => header.map((h) => h.trim()),
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      skip_records_with_error: true,
    }),
  )
  // Malformed rows (an unclosed quote, …) are skipped by csv-parse; keep them as rejects.
  parser.on('skip', (error: Error & { record?: unknown; raw?: string }) =>
    skipped.push({
      error: `malformed CSV row: ${error.message}`,
      payload: error.raw ?? error.record ?? null,
    }),
  )
  for await (const record of parser) {
    while (skipped.length) yield skipped.shift()!
    yield { record: record as Record<string, unknown> }
  }
  while (skipped.length) yield skipped.shift()!
}

function parseJsonRecord(text: string): RawRecord {
  try {
    const value = JSON.parse(text) as unknown
    if (!value || typeof value !== 'object' || Array.isArray(value))
      return { error: 'not a JSON object', payload: value }
    return { record: value as Record<string, unknown> }
  } catch (error) {
    return { error: `invalid JSON: ${(error as Error).message}`, payload: text.slice(0, 10_000) }
  }
}

const ALIASES: Record<string, string> = {
  id: 'external_id',
  message_id: 'external_id',
  date: 'created_at',
  timestamp: 'created_at',
  time: 'created_at',
  created: 'created_at',
  parent_id: 'parent_external_id',
  thread: 'thread_key',
  thread_id: 'thread_key',
  author: 'author_name',
  username: 'author_handle',
  handle: 'author_handle',
  message: 'text',
  body: 'text',
  content: 'text',
  url: 'permalink',
  link: 'permalink',
  stars: 'rating',
  star_rating: 'rating',
  lang: 'language',
}

function canonicalKey(key: string): string {
  const snake = key
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[\s-]+/g, '_')
    .toLowerCase()
  return ALIASES[snake] ?? snake
}

function str(value: unknown): string | undefined {
  if (value == null) return undefined
  const s =
    typeof value === 'string'
      ? value.trim()
      : typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : undefined
  return s === '' ? undefined : s
}

/** Maps one record (CSV row or JSON object) to a mention of `channelId`. Throws with a reason. */
export function mapImportRecord(record: Record<string, unknown>, channelId: string): MentionInput {
  const r: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(record)) {
    if (key === 'author' && value && typeof value === 'object') {
      const a = value as Record<string, unknown>
      r.author_id ??= a.id
      r.author_name ??= a.name
      r.author_handle ??= a.handle ?? a.username
      continue
    }
    const k = canonicalKey(key)
    if (r[k] === undefined) r[k] = value
  }
  const externalId = str(r.external_id)
  if (!externalId) throw new Error('external_id is missing')
  const createdAt = str(r.created_at)
  if (!createdAt) throw new Error('created_at is missing')
  const kind = (str(r.kind) ?? 'comment').toLowerCase()
  if (!(MENTION_KINDS as readonly string[]).includes(kind))
    throw new Error(`kind must be one of ${MENTION_KINDS.join(', ')} (got ${kind})`)
  const direction = str(r.direction)?.toLowerCase()
  if (direction !== undefined && direction !== 'inbound' && direction !== 'outbound')
    throw new Error(`direction must be inbound or outbound (got ${direction})`)
  const rating = str(r.rating)
  const autoReply = str(r.is_auto_reply)?.toLowerCase()
  const time = (v: unknown, field: string): Date => {
    const date = parseTime(str(v))
    if (!date) throw new Error(`${field} is not a valid time: ${JSON.stringify(v)}`)
    return date
  }
  return {
    channelId,
    externalId,
    kind: kind as MentionInput['kind'],
    ...(direction ? { direction: direction as 'inbound' | 'outbound' } : {}),
    ...(str(r.thread_key) ? { threadKey: str(r.thread_key) } : {}),
    ...(str(r.parent_external_id) ? { parentExternalId: str(r.parent_external_id) } : {}),
    author: {
      ...(str(r.author_id) ? { id: str(r.author_id) } : {}),
      ...(str(r.author_name) ? { name: str(r.author_name) } : {}),
      ...(str(r.author_handle) ? { handle: str(r.author_handle)!.replace(/^@/, '') } : {}),
    },
    text: typeof r.text === 'string' ? r.text : (str(r.text) ?? ''),
    ...(str(r.permalink) ? { permalink: str(r.permalink) } : {}),
    createdAt: time(r.created_at, 'created_at'),
    ...(str(r.edited_at) ? { editedAt: time(r.edited_at, 'edited_at') } : {}),
    ...(str(r.deleted_at) ? { deletedAt: time(r.deleted_at, 'deleted_at') } : {}),
    ...(rating !== undefined ? { rating: Number(rating) } : {}),
    ...(str(r.language) ? { language: str(r.language) } : {}),
    ...(autoReply !== undefined
      ? { isAutoReply: autoReply === 'true' || autoReply === '1' || autoReply === 'yes' }
      : {}),
    raw: record,
  }
}
