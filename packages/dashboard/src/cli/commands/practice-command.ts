/**
 * @module `earshot practice add|list`: a practice with its time zone, public-holiday region,
 * opening hours and promise, all typed as words ("mon-fri 08:00-18:00", "2 business hours,
 * reviews within 1 business day") and printed back as understood.
 */
import { createPractice, isEarshotError, listPractices, loadPracticePolicy } from '@earshot/core'
import { recordUserAction } from '../../audit/user-actions.js'
import { formatOpeningHours, parseOpeningHours } from '../../setup/opening-hours-text.js'
import {
  formatPromiseText,
  type PromiseTargetText,
  parsePromiseText,
} from '../../setup/promise-text.js'
import type { CliCommand } from '../cli-command.js'
import { CliError, EXIT_USAGE } from '../cli-error.js'
import { println } from '../cli-io.js'
import { openCliDatabase, resolveDatabaseTarget } from '../open-cli-database.js'
import { parseCommandArgs } from '../parse-command-args.js'
import { printUsage } from './serve-command.js'
import { findOrganisation } from './user-add-command.js'

export const practiceCommand: CliCommand = {
  name: 'practice',
  usage: `Usage: earshot practice add --name NAME --time-zone ZONE --hours HOURS --promise PROMISE [options]
       earshot practice list [--org ORG]

Options of add:
  --name NAME          The practice's name (its slug is made from it)
  --time-zone ZONE     IANA time zone, e.g. Australia/Sydney, Europe/London
  --holidays REGION    Public holidays: COUNTRY or COUNTRY-STATE, e.g. AU-NSW, GB-ENG (default none)
  --hours HOURS        Opening hours, e.g. "mon-fri 08:00-18:00; sat 09:00-12:00"
  --promise PROMISE    e.g. "2 business hours, reviews within 1 business day"
  --statement TEXT     The promise in the practice's public words (optional)
  --org ORG            Organisation id or exact name (optional when there is only one)
  --data DIR           Embedded data folder (default: $EARSHOT_DATA_DIR or ./.earshot/data)

Example:
  earshot practice add --name "Harbour Dental" --time-zone Europe/London --holidays GB-ENG \\
    --hours "mon-fri 08:00-18:00" --promise "2 business hours, reviews within 1 business day"`,
  async run(args, io) {
    const [sub, ...rest] = args
    if (sub === '--help' || sub === '-h') return printUsage(io, this.usage)
    if (sub !== 'add' && sub !== 'list') {
      throw new CliError(
        sub === undefined ? 'practice: missing subcommand' : `unknown subcommand "practice ${sub}"`,
        EXIT_USAGE,
        'Run `earshot practice --help`.',
      )
    }
    const { values } = parseCommandArgs(`practice ${sub}`, rest, {
      name: { type: 'string' },
      'time-zone': { type: 'string' },
      holidays: { type: 'string' },
      hours: { type: 'string' },
      promise: { type: 'string' },
      statement: { type: 'string' },
      org: { type: 'string' },
      data: { type: 'string' },
    })
    if (values.help) return printUsage(io, this.usage)
    let weekly: ReturnType<typeof parseOpeningHours> | undefined
    let targets: ReturnType<typeof parsePromiseText> | undefined
    if (sub === 'add') {
      const missing = (['name', 'time-zone', 'hours', 'promise'] as const).filter((k) => !values[k])
      if (missing.length)
        throw new CliError(
          `practice add: missing ${missing.map((m) => `--${m}`).join(', ')}`,
          EXIT_USAGE,
          'Run `earshot practice --help`.',
        )
      try {
        weekly = parseOpeningHours(values.hours!)
        targets = parsePromiseText(values.promise!)
      } catch (error) {
        throw new CliError(`practice add: ${(error as Error).message}`, EXIT_USAGE)
      }
    }
    const database = await openCliDatabase(resolveDatabaseTarget(io, values.data))
    try {
      const organisationId = await findOrganisation(database.db, values.org, false)
      if (sub === 'list') {
        for (const p of await listPractices(database.db, organisationId)) {
          const policy = await loadPracticePolicy(database.db, organisationId, p.id)
          const schedule = policy.schedules.at(-1)?.spec
          const promise = policy.promises.at(-1)?.input
          println(
            io.stdout,
            `${p.slug}\t${p.name}\t${schedule?.timeZone ?? ''}\t${schedule ? formatOpeningHours(schedule.weekly) : ''}\t${promise ? formatPromiseText(promise.targets as PromiseTargetText[]) : ''}`,
          )
        }
        return 0
      }
      // createPractice runs its own transaction (practice, schedule, promise); the log entry follows it.
      const practice = await createPractice(database.db, {
        organisationId,
        name: values.name!,
        schedule: {
          timeZone: values['time-zone']!,
          holidayRegion: values.holidays ?? null,
          weekly: weekly!,
        },
        promise: {
          targets: targets!,
          ...(values.statement ? { statement: values.statement } : {}),
        },
      })
      await recordUserAction(
        database.db,
        {
          organisationId,
          userId: null,
          practiceId: practice.id,
          action: 'practice.created',
          targetType: 'practice',
          targetId: practice.id,
          detail: { via: 'cli', name: practice.name },
        },
        new Date(),
      )
      println(io.stdout, `Created practice ${practice.name} (${practice.slug}, id ${practice.id}).`)
      println(
        io.stdout,
        `  Open:    ${formatOpeningHours(weekly!)} (${values['time-zone']}${values.holidays ? `, closed on ${values.holidays} public holidays` : ''})`,
      )
      println(io.stdout, `  Promise: ${formatPromiseText(targets!)}`)
      return 0
    } catch (error) {
      if (isEarshotError(error)) throw new CliError(`practice ${sub}: ${error.message}`)
      throw error
    } finally {
      await database.close()
    }
  },
}
