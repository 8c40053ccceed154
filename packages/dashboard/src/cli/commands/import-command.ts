/**
 * @module `earshot import FILE --channel ID`: loads mentions from a CSV or JSON export into a
 * channel, with a progress bar on a terminal and the counts at the end.
 */
import { existsSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { getChannel } from '@earshot/core'
import type { CliCommand } from '../cli-command.js'
import { CliError, EXIT_USAGE } from '../cli-error.js'
import { println } from '../cli-io.js'
import { openCliDatabase, resolveDatabaseTarget } from '../open-cli-database.js'
import { parseCommandArgs } from '../parse-command-args.js'
import { createProgressBar } from '../progress-bar.js'
import { loadCollectors } from './load-collectors.js'
import { printUsage } from './serve-command.js'

export const importCommand: CliCommand = {
  name: 'import',
  usage: `Usage: earshot import FILE --channel ID [--data DIR]

Imports mentions from a CSV or JSON file (see docs/collectors.md for the columns) into the
channel ID. Importing the same file again updates mentions, never duplicates them; bad rows are
quarantined with their reason and the rest still land.

Options:
  --channel ID   The channel the mentions belong to
  --data DIR     Embedded data folder (default: $EARSHOT_DATA_DIR or ./.earshot/data)
  -h, --help     Show this help`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      'import',
      args,
      { channel: { type: 'string' }, data: { type: 'string' } },
      true,
    )
    if (values.help) return printUsage(io, this.usage)
    if (positionals.length !== 1)
      throw new CliError(
        'import: give exactly one FILE',
        EXIT_USAGE,
        'Run `earshot import --help`.',
      )
    if (!values.channel)
      throw new CliError(
        'import: --channel ID is required',
        EXIT_USAGE,
        'Run `earshot import --help`.',
      )
    const file = resolve(io.cwd, positionals[0]!)
    if (!existsSync(file) || !statSync(file).isFile())
      throw new CliError(`import: no file at ${file}`)
    const { importFile } = await loadCollectors()
    if (!importFile) throw new CliError('this build of @earshot/collectors has no importFile()')
    const database = await openCliDatabase(resolveDatabaseTarget(io, values.data))
    try {
      if (!(await getChannel(database.db, values.channel)))
        throw new CliError(`import: no channel with id ${values.channel}`)
      const bar = createProgressBar(io.stderr, 'Importing')
      const result = await importFile(database.db, {
        file,
        channelId: values.channel,
        onProgress: (done, total) => bar.update(done, total),
      })
      bar.finish()
      println(
        io.stdout,
        Object.entries(result)
          .filter(([, v]) => typeof v === 'number')
          .map(([k, v]) => `${k}: ${v}`)
          .join(', '),
      )
      return 0
    } finally {
      await database.close()
    }
  },
}
