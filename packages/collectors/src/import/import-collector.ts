/**
 * @module The import collector: a channel whose source is an export file on disk. Its
 * checkpoint counts the records already committed, so an interrupted import resumes where it
 * stopped, and a finished file is not read again until it changes. For one-off imports into an
 * existing channel (the CLI's `earshot import FILE`), see {@link importFile}.
 */
import { stat } from 'node:fs/promises'
import {
  addBatchTotals,
  type BatchTotals,
  type ChannelRow,
  type Collector,
  commitBatch,
  type Database,
  EarshotError,
  emptyBatchTotals,
  getChannel,
  type IngestOptions,
  type PollBatch,
  type PollContext,
} from '@earshot/core'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { IMPORT_ENCODINGS, type ImportEncoding } from './file-encoding.js'
import { IMPORT_FORMATS, type ImportFormat, readImportFile } from './read-import-file.js'

/** Channel config of an import channel. */
export const importConfigSchema = z.object({
  /** Path of the export file (CSV, JSON array or JSON lines). */
  path: z.string().min(1),
  format: z.enum(IMPORT_FORMATS).optional(),
  /** Text encoding of the file (default utf-8; a file that is not valid UTF-8 is refused). */
  encoding: z.enum(IMPORT_ENCODINGS).optional(),
  batchSize: z.number().int().min(1).max(10_000).default(500),
})
export type ImportConfig = z.output<typeof importConfigSchema>

/** The checkpoint: which file (by path, size and mtime) and how many records are committed. */
export interface ImportCursor {
  path: string
  size: number
  mtimeMs: number
  records: number
  done: boolean
}

/** Creates the import collector. */
export function importCollector(): Collector<ImportConfig> {
  return {
    platform: 'import',
    name: 'File import (CSV / JSON)',
    configSchema: importConfigSchema as z.ZodType<ImportConfig>,
    poll: (context) => pollImport(context),
  }
}

async function* pollImport(context: PollContext<ImportConfig>): AsyncGenerator<PollBatch> {
  const { config, channel } = context
  const info = await stat(config.path)
  const previous = context.cursor as ImportCursor | null
  const same =
    previous?.path === config.path &&
    previous.size === info.size &&
    previous.mtimeMs === info.mtimeMs
  if (same && previous.done) return
  const base = { path: config.path, size: info.size, mtimeMs: info.mtimeMs }
  let records = same ? previous.records : 0
  for await (const batch of readImportFile(config.path, {
    channelId: channel.id,
    format: config.format,
    ...(config.encoding ? { encoding: config.encoding } : {}),
    batchSize: config.batchSize,
    skipRecords: records,
    signal: context.signal,
  })) {
    records = batch.recordsRead
    yield {
      items: batch.items,
      rejected: batch.rejected,
      cursor: { ...base, records, done: false } satisfies ImportCursor,
    }
  }
  yield { items: [], cursor: { ...base, records, done: true } satisfies ImportCursor }
}

/** Options of {@link importFile}. */
export interface ImportFileOptions {
  path: string
  channelId: string
  /** Scope the channel lookup to one tenant (the CLI passes the user's organisation). */
  organisationId?: string
  format?: ImportFormat
  /** Text encoding of the file (default utf-8; a file that is not valid UTF-8 is refused). */
  encoding?: ImportEncoding
  batchSize?: number
  onProgress?: (bytesRead: number, totalBytes: number) => void
  signal?: AbortSignal
  ingest?: Omit<IngestOptions, 'organisationId' | 'source'>
}

/** Totals of {@link importFile}. */
export interface ImportFileResult extends BatchTotals {
  records: number
}

/**
 * Imports an export file into an existing channel, one transaction per batch (mentions and
 * rejects together). Idempotent: importing the same file twice changes nothing.
 *
 * @example
 * await importFile(db, { path: 'export.csv', channelId, onProgress: (n, total) => bar.update(n / total) })
 */
export async function importFile(
  db: Kysely<Database>,
  options: ImportFileOptions,
): Promise<ImportFileResult> {
  const channel: ChannelRow | undefined = await getChannel(
    db,
    options.channelId,
    options.organisationId,
  )
  if (!channel) throw new EarshotError('NOT_FOUND', `channel ${options.channelId} not found`)
  const source = `import:${options.format ?? options.path.split('.').pop() ?? 'file'}`
  const totals: ImportFileResult = { records: 0, ...emptyBatchTotals() }
  for await (const batch of readImportFile(options.path, {
    channelId: channel.id,
    format: options.format,
    ...(options.encoding ? { encoding: options.encoding } : {}),
    batchSize: options.batchSize,
    onProgress: options.onProgress,
    signal: options.signal,
  })) {
    addBatchTotals(
      totals,
      await commitBatch(db, {
        ...options.ingest,
        organisationId: channel.organisation_id,
        channelId: channel.id,
        source,
        items: batch.items,
        rejected: batch.rejected,
      }),
    )
    totals.records = batch.recordsRead
  }
  return totals
}
