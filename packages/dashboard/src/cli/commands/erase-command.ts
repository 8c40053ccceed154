/**
 * @module `earshot erase`: erasure of one person's data on request (docs/privacy.md § Erasure).
 * `--dry-run` shows what would go and changes nothing. The author is never printed back: the
 * output names the record and the hash it keeps.
 */
import { eraseAuthor, PLATFORMS, type Platform } from '@earshot/core'
import { recordUserAction } from '../../audit/user-actions.js'
import { erasureSummary } from '../../privacy/erasure-summary.js'
import type { CliCommand } from '../cli-command.js'
import { CliError, EXIT_USAGE } from '../cli-error.js'
import { println } from '../cli-io.js'
import { openCliDatabase, resolveDatabaseTarget } from '../open-cli-database.js'
import { parseCommandArgs } from '../parse-command-args.js'
import { printUsage } from './serve-command.js'
import { findOrganisation } from './user-add-command.js'

export const eraseCommand: CliCommand = {
  name: 'erase',
  usage: `Usage: earshot erase --organisation ORG --platform PLATFORM --author AUTHOR [--dry-run]

Erases everything the organisation holds from one person on one platform, across all
its channels: their mentions (with links, assignments, reply drafts and alerts), the
text of the practice's replies to them, quarantined items and stored webhook bodies
that name them. A record of the erasure (when, a hash of the author, the counts) is kept.

Options:
  --organisation ORG   Organisation id or exact name
  --platform PLATFORM  ${PLATFORMS.join(', ')}
  --author AUTHOR      The author's platform id, or their handle (with or without @)
  --dry-run            Show the counts; change nothing
  --data DIR           Embedded data folder (default: $EARSHOT_DATA_DIR or ./.earshot/data)`,
  async run(args, io) {
    const { values } = parseCommandArgs('erase', args, {
      organisation: { type: 'string' },
      platform: { type: 'string' },
      author: { type: 'string' },
      'dry-run': { type: 'boolean' },
      data: { type: 'string' },
    })
    if (values.help) return printUsage(io, this.usage)
    if (!values.organisation || !values.platform || !values.author?.trim())
      throw new CliError(
        'erase: --organisation, --platform and --author are all required',
        EXIT_USAGE,
        'Run `earshot erase --help`.',
      )
    if (!(PLATFORMS as readonly string[]).includes(values.platform))
      throw new CliError(
        `erase: unknown platform "${values.platform}"`,
        EXIT_USAGE,
        `One of: ${PLATFORMS.join(', ')}.`,
      )
    const dryRun = values['dry-run'] === true
    const database = await openCliDatabase(resolveDatabaseTarget(io, values.data))
    try {
      const db = database.db
      const organisationId = await findOrganisation(db, values.organisation, false)
      const now = new Date()
      const result = await eraseAuthor(
        db,
        {
          organisationId,
          platform: values.platform as Platform,
          author: values.author,
          requestedVia: 'cli',
          dryRun,
        },
        { now },
      )
      if (!dryRun)
        await recordUserAction(
          db,
          {
            organisationId,
            userId: null,
            action: 'data.erased',
            targetType: 'erasure',
            targetId: result.recordId,
            detail: { via: 'cli', platform: values.platform, ...result.counts },
          },
          now,
        )
      println(
        io.stdout,
        dryRun
          ? 'Dry run: nothing was changed. An erasure would do this:'
          : `Erased. Record ${result.recordId} (author hash ${result.authorKeyHash.slice(0, 16)}…):`,
      )
      for (const { label, n } of erasureSummary(result.counts))
        println(io.stdout, `  ${String(n).padStart(6)}  ${label}`)
      return 0
    } finally {
      await database.close()
    }
  },
}
