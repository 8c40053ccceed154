/**
 * @module `earshot worker`: runs the background jobs (channel polls, webhook ingestion, reports,
 * alerts …) without the dashboard. Any number of workers, on any number of machines, share the
 * work with `earshot serve` against one PostgreSQL server.
 */

import { startJobSystem } from '../../jobs/job-system.js'
import type { CliCommand } from '../cli-command.js'
import { CliError } from '../cli-error.js'
import { println } from '../cli-io.js'
import { openCliDatabase, resolveDatabaseTarget } from '../open-cli-database.js'
import { parseCommandArgs } from '../parse-command-args.js'
import { printUsage } from './serve-command.js'

export const workerCommand: CliCommand = {
  name: 'worker',
  usage: `Usage: earshot worker [--data DIR]

Runs the background jobs (channel polls, webhook ingestion, scheduled reports, retention) until
Ctrl+C or SIGTERM, then lets running jobs finish. With DATABASE_URL, start as many workers as
you like, beside \`earshot serve --no-worker\` or a serve that runs its own: pg-boss hands each
job to one of them, and a killed worker's job is retried by another (see docs/jobs.md).
The embedded database serves one process, so there \`earshot serve\` runs the jobs itself.

Options:
  --data DIR   Embedded data folder (default: $EARSHOT_DATA_DIR or ./.earshot/data)
  -h, --help   Show this help

Environment:
  DATABASE_URL       postgres://USER:PASSWORD@HOST:5432/DB (else the embedded database)
  EARSHOT_DATA_DIR   Embedded data folder`,
  async run(args, io) {
    const { values } = parseCommandArgs('worker', args, { data: { type: 'string' } })
    if (values.help) return printUsage(io, this.usage)
    const target = resolveDatabaseTarget(io, values.data)
    println(io.stderr, `Opening the ${target.display} …`)
    const database = await openCliDatabase(target)
    let jobs: Awaited<ReturnType<typeof startJobSystem>>
    try {
      jobs = await startJobSystem({
        database,
        instanceName: 'worker',
        onError: (error) => println(io.stderr, `jobs: ${error.message}`),
      })
    } catch (error) {
      await database.close()
      throw new CliError(`could not start the background jobs: ${(error as Error).message}`)
    }
    println(io.stdout, `Worker running (pid ${process.pid}); Ctrl+C to stop.`)
    await new Promise<void>((resolve) => {
      if (io.stopSignal) {
        if (io.stopSignal.aborted) resolve()
        else io.stopSignal.addEventListener('abort', () => resolve(), { once: true })
        return
      }
      process.once('SIGINT', () => resolve())
      process.once('SIGTERM', () => resolve())
    })
    println(io.stderr, 'Stopping: letting running jobs finish …')
    await jobs.stop()
    await database.close()
    println(io.stderr, 'Stopped.')
    return 0
  },
}
