/**
 * @module `earshot import FILE --channel ID`: loads mentions from a CSV or JSON export into a
 * channel, with a progress bar on a terminal and the counts at the end.
 */
import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { IMPORT_ENCODINGS, type ImportEncoding, importFile } from '@earshot/collectors'
import { type Database, getChannel, isEarshotError, listQuarantine } from '@earshot/core'
import type { Kysely } from 'kysely'
import type { CliCommand } from '../cli-command.js'
import { CliError, EXIT_USAGE } from '../cli-error.js'
import { type CliIo, println } from '../cli-io.js'
import { openCliDatabase, resolveDatabaseTarget } from '../open-cli-database.js'
import { parseCommandArgs } from '../parse-command-args.js'
import { createProgressBar } from '../progress-bar.js'
import { printUsage } from './serve-command.js'

export const importCommand: CliCommand = {
  name: 'import',
  usage: `Usage: earshot import FILE --channel ID [--encoding utf-8|latin1] [--batch-size N] [--data DIR]

Imports mentions from a CSV, JSON or JSON Lines file (see docs/collectors.md for the
columns) into the channel ID. Importing the same file again updates mentions, never duplicates
them; bad records are quarantined with their reason and the rest still land. A file that is
not valid UTF-8 is refused before anything is imported, unless --encoding names its encoding.

Options:
  --channel ID   The channel the mentions belong to
  --encoding ENC The file's encoding: utf-8 (default), latin1 or windows-1252
  --batch-size N Records per transaction, 1 to 10000 (default 500)
  --data DIR     Embedded data folder (default: $EARSHOT_DATA_DIR or ./.earshot/data)
  -h, --help     Show this help`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      'import',
      args,
      {
        channel: { type: 'string' },
        encoding: { type: 'string' },
        'batch-size': { type: 'string' },
        data: { type: 'string' },
      },
      true,
    )
    if (values.help) return printUsage(io, this.usage)
    const hint = 'Run `earshot import --help`.'
    if (positionals.length !== 1)
      throw new CliError('import: give exactly one FILE', EXIT_USAGE, hint)
    if (!values.channel) throw new CliError('import: --channel ID is required', EXIT_USAGE, hint)
    const encoding = values.encoding?.toLowerCase().replace(/^utf8$/, 'utf-8')
    if (encoding !== undefined && !(IMPORT_ENCODINGS as readonly string[]).includes(encoding))
      throw new CliError(
        `import: unknown encoding ${values.encoding}`,
        EXIT_USAGE,
        `Use one of ${IMPORT_ENCODINGS.join(', ')}.`,
      )
    const batchText = values['batch-size']
    const batchSize = batchText === undefined ? undefined : Number(batchText)
    if (
      batchSize !== undefined &&
      (!/^\d+$/.test(batchText!) || batchSize < 1 || batchSize > 10_000)
    )
      throw new CliError(
        `import: --batch-size must be a whole number from 1 to 10000 (got ${batchText})`,
        EXIT_USAGE,
        hint,
      )
    const path = resolve(io.cwd, positionals[0]!)
    if (!existsSync(path) || !statSync(path).isFile())
      throw new CliError(`import: no file at ${path}`)
    if (!/\.(csv|json|jsonl|ndjson)$/i.test(path)) {
      throw new CliError(
        `import: cannot tell the format of ${path}`,
        EXIT_USAGE,
        'Use a .csv, .json or .jsonl file.',
      )
    }
    const database = await openCliDatabase(resolveDatabaseTarget(io, values.data))
    const bar = createProgressBar(io.stderr, 'Importing', 'bytes')
    try {
      const started = performance.now()
      const result = await importFile(database.db, {
        path,
        channelId: values.channel,
        ...(encoding ? { encoding: encoding as ImportEncoding } : {}),
        ...(batchSize !== undefined ? { batchSize } : {}),
        onProgress: (done, total) => bar.update(done, total),
      })
      bar.finish()
      const seconds = ((performance.now() - started) / 1000).toFixed(1)
      println(
        io.stdout,
        `Imported ${result.records} record(s) in ${seconds} s: ${result.inserted} new, ${result.updated} updated, ${result.unchanged} unchanged, ${result.deleted} deleted, ${result.quarantined} quarantined.`,
      )
      if (result.quarantined > 0)
        await printQuarantined(io, database.db, values.channel, result.quarantined)
      return 0
    } catch (error) {
      bar.finish()
      if (isEarshotError(error)) throw new CliError(`import: ${error.message}`)
      throw error
    } finally {
      await database.close()
    }
  },
}

/** The reasons of this import's rejects (the newest quarantine rows of the channel). */
async function printQuarantined(
  io: CliIo,
  db: Kysely<Database>,
  channelId: string,
  count: number,
): Promise<void> {
  const channel = await getChannel(db, channelId)
  if (!channel) return
  const shown = Math.min(count, 10)
  const rows = await listQuarantine(db, channel.organisation_id, { channelId, limit: shown })
  println(
    io.stderr,
    `Quarantined (kept with their reason, nothing else was lost)${count > shown ? `, newest ${shown}` : ''}:`,
  )
  for (const row of rows.reverse()) println(io.stderr, `  ${row.reason}`)
}
