/**
 * @module `earshot collect`: polls every channel whose next poll is due, through the
 * collectors' runner (checkpoints committed with their mentions, backoff, quarantine).
 */
import { type CollectChannelResult, collectDueChannels } from '@earshot/collectors'
import type { CliCommand } from '../cli-command.js'
import { CliError } from '../cli-error.js'
import { type CliIo, println } from '../cli-io.js'
import { openCliDatabase, resolveDatabaseTarget } from '../open-cli-database.js'
import { parseCommandArgs } from '../parse-command-args.js'
import { printUsage } from './serve-command.js'

export const collectCommand: CliCommand = {
  name: 'collect',
  usage: `Usage: earshot collect [--once] [--data DIR]

Polls every active channel whose next poll is due and ingests what it finds.
Without --once it keeps running, polling channels as they fall due, until Ctrl+C.
With --once it does one round and exits: run it from cron or a systemd timer.
With DATABASE_URL (a PostgreSQL server), several collect processes may run at once: each
channel is claimed before it is polled. The embedded database serves one process at a time:
while \`earshot serve\` or \`demo\` holds the data folder, collect is refused; stop it first.

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
    const database = await openCliDatabase(resolveDatabaseTarget(io, values.data))
    const controller = new AbortController()
    const stop = () => controller.abort()
    io.stopSignal?.addEventListener('abort', stop, { once: true })
    if (!io.stopSignal) {
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    }
    try {
      if (!values.once) println(io.stderr, 'Collecting channels as they fall due; Ctrl+C to stop.')
      const { results, error } = await collectDueChannels(database.db, {
        once: values.once === true,
        signal: controller.signal,
        onResult: (result) => println(io.stdout, describeResult(result)),
      })
      if (error) throw new CliError(`collect stopped: ${(error as Error).message ?? String(error)}`)
      printTotals(io, results)
      return results.some((r) => r.status === 'error') && values.once ? 1 : 0
    } finally {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      await database.close()
    }
  },
}

function describeResult(r: CollectChannelResult): string {
  const counts = `+${r.inserted} new, ${r.updated} updated, ${r.quarantined} quarantined`
  const failure = r.errorMessage ? `: ${r.errorMessage}` : ''
  return `${r.platform.padEnd(9)} ${r.channelId}  ${r.status}  ${counts}${failure}`
}

function printTotals(io: CliIo, results: CollectChannelResult[]): void {
  if (results.length === 0) {
    println(io.stdout, 'No channel was due.')
    return
  }
  const failed = results.filter((r) => r.status === 'error').length
  const inserted = results.reduce((sum, r) => sum + r.inserted, 0)
  println(
    io.stdout,
    `Collected ${results.length} channel run(s): ${inserted} new mention(s)${failed ? `, ${failed} failed` : ''}.`,
  )
}
