/**
 * @module `earshot reenrich`: re-enriches stored mentions classified by another version of the
 * built-in enricher, and re-evaluates their SLA. The background job does the same on start;
 * this runs it now, in the foreground, with progress.
 */
import { countStaleMentions, createDefaultEnricher, reenrichStale } from '@earshot/core'
import type { CliCommand } from '../cli-command.js'
import { CliError, EXIT_USAGE } from '../cli-error.js'
import { println } from '../cli-io.js'
import { openCliDatabase, resolveDatabaseTarget } from '../open-cli-database.js'
import { parseCommandArgs } from '../parse-command-args.js'
import { printUsage } from './serve-command.js'

export const reenrichCommand: CliCommand = {
  name: 'reenrich',
  usage: `Usage: earshot reenrich [--organisation ID] [--batch-size N] [--dry-run] [--data DIR]

Re-enriches every stored mention whose enricher version differs from the built-in enricher's
current version (its rules, lexicon or model weights changed), thread by thread, and
re-evaluates their SLA. Each batch commits on its own: safe to stop and run again.

Options:
  --organisation ID   Only this organisation's mentions
  --batch-size N      Threads per transaction (default 200)
  --dry-run           Only count the stale mentions
  --data DIR          Embedded data folder (default: $EARSHOT_DATA_DIR or ./.earshot/data)
  -h, --help          Show this help

Environment:
  DATABASE_URL   postgres://USER:PASSWORD@HOST:5432/DB (else the embedded database)`,
  async run(args, io) {
    const { values } = parseCommandArgs('reenrich', args, {
      organisation: { type: 'string' },
      'batch-size': { type: 'string' },
      'dry-run': { type: 'boolean' },
      data: { type: 'string' },
    })
    if (values.help) return printUsage(io, this.usage)
    const batchSize = values['batch-size'] === undefined ? 200 : Number(values['batch-size'])
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new CliError('reenrich: --batch-size must be a positive whole number', EXIT_USAGE)
    }
    const organisationId = values.organisation
    const database = await openCliDatabase(resolveDatabaseTarget(io, values.data), { env: io.env })
    try {
      const enricher = createDefaultEnricher()
      const stale = await countStaleMentions(database.db, enricher, organisationId)
      println(
        io.stdout,
        `${stale} mention(s) classified by another enricher version than ${enricher.name}@${enricher.version}`,
      )
      if (values['dry-run'] || stale === 0) return 0
      const done = await reenrichStale(database.db, {
        ...(organisationId !== undefined ? { organisationId } : {}),
        batchSize,
        enricher,
        onBatch: (p) =>
          println(io.stderr, `  ${p.threads} thread(s), ${p.stale} mention(s) re-enriched`),
      })
      println(
        io.stdout,
        `Re-enriched ${done.stale} mention(s) in ${done.threads} thread(s); ${done.changed} changed classification (see each mention's audit trail).`,
      )
      return 0
    } finally {
      await database.close()
    }
  },
}
