/**
 * @module `earshot collect`: polls every channel whose next poll is due, through the
 * collectors' runner (checkpoints committed with their mentions, backoff, quarantine).
 */
import type { CliCommand } from '../cli-command.js'
import { CliError } from '../cli-error.js'
import { println } from '../cli-io.js'
import { openCliDatabase, resolveDatabaseTarget } from '../open-cli-database.js'
import { parseCommandArgs } from '../parse-command-args.js'
import { loadCollectors } from './load-collectors.js'
import { printUsage } from './serve-command.js'

export const collectCommand: CliCommand = {
  name: 'collect',
  usage: `Usage: earshot collect [--once] [--data DIR]

Polls every active channel whose next poll is due and ingests what it finds.
Without --once it keeps running, polling channels as they fall due, until Ctrl+C.
With --once it does one round and exits: run it from cron or a systemd timer.

Options:
  --once       One round, then exit
  --data DIR   Embedded data folder (default: $EARSHOT_DATA_DIR or ./.earshot/data)
  -h, --help   Show this help

Environment:
  DATABASE_URL       postgres://USER:PASSWORD@HOST:5432/DB (else the embedded database)
  EARSHOT_DATA_DIR   Embedded data folder`,
  async run(args, io) {
    const { values } = parseCommandArgs('collect', args, {
      once: { type: 'boolean' },
      data: { type: 'string' },
    })
    if (values.help) return printUsage(io, this.usage)
    const { collectDueChannels } = await loadCollectors()
    if (!collectDueChannels)
      throw new CliError('this build of @earshot/collectors has no collectDueChannels()')
    const target = resolveDatabaseTarget(io, values.data)
    const database = await openCliDatabase(target)
    const controller = new AbortController()
    const stop = () => controller.abort()
    io.stopSignal?.addEventListener('abort', stop, { once: true })
    if (!io.stopSignal) {
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    }
    try {
      const summary = await collectDueChannels(database.db, {
        once: values.once === true,
        signal: controller.signal,
      })
      if (summary !== undefined) println(io.stdout, formatSummary(summary))
      return 0
    } finally {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      await database.close()
    }
  },
}

function formatSummary(summary: unknown): string {
  if (summary && typeof summary === 'object') {
    return Object.entries(summary as Record<string, unknown>)
      .filter(([, v]) => typeof v === 'number' || typeof v === 'string')
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ')
  }
  return String(summary)
}
