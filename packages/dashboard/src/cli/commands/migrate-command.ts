/**
 * @module `earshot migrate`: brings the database schema up to date (creating an embedded data
 * folder if it does not exist yet). `serve` and `demo` also migrate at start.
 */
import { migrateToLatest } from '@earshot/core'
import type { Kysely } from 'kysely'
import type { CliCommand } from '../cli-command.js'
import { CliError } from '../cli-error.js'
import { println } from '../cli-io.js'
import { openCliDatabase, resolveDatabaseTarget } from '../open-cli-database.js'
import { parseCommandArgs } from '../parse-command-args.js'
import { printUsage } from './serve-command.js'

export const migrateCommand: CliCommand = {
  name: 'migrate',
  usage: `Usage: earshot migrate [--data DIR]

Runs every pending migration. Safe to run again: applied migrations are skipped.
With no DATABASE_URL, creates the embedded data folder if needed.

Options:
  --data DIR   Embedded data folder (default: $EARSHOT_DATA_DIR or ./.earshot/data)
  -h, --help   Show this help

Environment:
  DATABASE_URL       postgres://USER:PASSWORD@HOST:5432/DB (else the embedded database)
  EARSHOT_DATA_DIR   Embedded data folder`,
  async run(args, io) {
    const { values } = parseCommandArgs('migrate', args, { data: { type: 'string' } })
    if (values.help) return printUsage(io, this.usage)
    const target = resolveDatabaseTarget(io, values.data)
    const database = await openCliDatabase(target, { create: true, migrate: false })
    try {
      const { error, results } = await migrateToLatest(database.db as unknown as Kysely<unknown>)
      for (const r of results ?? []) {
        println(
          io.stdout,
          `${r.status === 'Success' ? 'applied' : r.status.toLowerCase()}: ${r.migrationName}`,
        )
      }
      if (error)
        throw new CliError(
          `migration failed on the ${target.display}: ${(error as Error).message ?? String(error)}`,
        )
      println(
        io.stdout,
        (results ?? []).length === 0
          ? `The ${target.display} is up to date.`
          : `Migrated the ${target.display}.`,
      )
      return 0
    } finally {
      await database.close()
    }
  },
}
