/**
 * @module `earshot user add`: creates a dashboard sign-in. The password comes from
 * `EARSHOT_PASSWORD`, a hidden prompt, or piped stdin, never from the command line (shell
 * history and `ps` would show it).
 */
import { createOrganisation, type Database, isEarshotError, ROLES, type Role } from '@earshot/core'
import type { Kysely } from 'kysely'
import { createUser } from '../../auth/create-user.js'
import type { CliCommand } from '../cli-command.js'
import { CliError, EXIT_USAGE } from '../cli-error.js'
import { println } from '../cli-io.js'
import { openCliDatabase, resolveDatabaseTarget } from '../open-cli-database.js'
import { parseCommandArgs } from '../parse-command-args.js'
import { readPassword } from '../read-password.js'
import { printUsage } from './serve-command.js'
import { runUserInvite } from './user-invite-command.js'

const ROLE_ALIASES: Record<string, Role> = { admin: 'agency_admin', manager: 'practice_manager' }

export const userAddCommand: CliCommand = {
  name: 'user',
  usage: `Usage: earshot user add --email EMAIL --name NAME --role ROLE [--org ORG] [--practice ID ...]
       earshot user invite --email EMAIL --role ROLE [--organisation ORG] [--practice P ...]

Creates a user who can sign in to the dashboard.

Options:
  --email EMAIL      Sign-in e-mail (unique)
  --name NAME        Display name
  --role ROLE        agency_admin (all practices), practice_manager or viewer (their practices)
  --org ORG          Organisation id or exact name (optional when there is only one)
  --create-org       Create the organisation named by --org if it does not exist
  --practice ID      A practice the user may see (id or slug); repeat for several
  --data DIR         Embedded data folder (default: $EARSHOT_DATA_DIR or ./.earshot/data)
  -h, --help         Show this help

The password is read from EARSHOT_PASSWORD, else prompted for (hidden), else read from stdin.

Example:
  EARSHOT_PASSWORD='a long passphrase' earshot user add --email ana@clinic.example \\
    --name "Ana Lopez" --role practice_manager --org "Harbourside Health Marketing" --practice bondi-junction-gp`,
  async run(args, io) {
    const [sub, ...rest] = args
    if (sub === '--help' || sub === '-h' || sub === undefined) {
      if (sub === undefined) {
        println(io.stderr, this.usage)
        return EXIT_USAGE
      }
      return printUsage(io, this.usage)
    }
    if (sub === 'invite') return runUserInvite(rest, io)
    if (sub !== 'add')
      throw new CliError(
        `unknown subcommand "user ${sub}"`,
        EXIT_USAGE,
        'Run `earshot user --help`.',
      )
    const { values } = parseCommandArgs('user add', rest, {
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      org: { type: 'string' },
      'create-org': { type: 'boolean' },
      practice: { type: 'string', multiple: true },
      data: { type: 'string' },
    })
    if (values.help) return printUsage(io, this.usage)
    const missing = (['email', 'name', 'role'] as const).filter((k) => !values[k])
    if (missing.length) {
      throw new CliError(
        `user add: missing ${missing.map((m) => `--${m}`).join(', ')}`,
        EXIT_USAGE,
        'Run `earshot user add --help`.',
      )
    }
    const role = (ROLE_ALIASES[values.role!] ?? values.role) as Role
    if (!ROLES.includes(role)) {
      throw new CliError(
        `user add: unknown role "${values.role}"`,
        EXIT_USAGE,
        `Roles: ${ROLES.join(', ')}.`,
      )
    }
    const target = resolveDatabaseTarget(io, values.data)
    const database = await openCliDatabase(target)
    try {
      const organisationId = await findOrganisation(
        database.db,
        values.org,
        values['create-org'] === true,
      )
      const practiceIds = await findPractices(database.db, organisationId, values.practice ?? [])
      if (role !== 'agency_admin' && practiceIds.length === 0) {
        println(
          io.stderr,
          `Note: a ${role} without --practice sees no practice until one is assigned.`,
        )
      }
      const password = await readPassword(io, `Password for ${values.email}: `)
      const user = await createUser(database.db, {
        organisationId,
        email: values.email!,
        name: values.name!,
        password,
        role,
        practiceIds,
      })
      println(
        io.stdout,
        `Created ${user.role} ${user.email} (id ${user.id}) in organisation ${organisationId}.`,
      )
      return 0
    } catch (error) {
      if (isEarshotError(error)) throw new CliError(`user add: ${error.message}`)
      throw error
    } finally {
      await database.close()
    }
  },
}

export async function findOrganisation(
  db: Kysely<Database>,
  org: string | undefined,
  create: boolean,
): Promise<string> {
  if (org === undefined) {
    const all = await db.selectFrom('organisations').select(['id', 'name']).limit(2).execute()
    if (all.length === 1) return all[0]!.id
    throw new CliError(
      all.length === 0
        ? 'user add: there is no organisation yet'
        : 'user add: several organisations exist; say which with --org',
      EXIT_USAGE,
      all.length === 0 ? 'Create one with --org "Your Agency" --create-org.' : undefined,
    )
  }
  const found = await db
    .selectFrom('organisations')
    .select(['id', 'name'])
    .where((eb) => eb.or([eb('id', '=', org), eb('name', '=', org)]))
    .execute()
  if (found.length === 1) return found[0]!.id
  if (found.length > 1)
    throw new CliError(`user add: several organisations are named "${org}"; use its id`, EXIT_USAGE)
  if (!create)
    throw new CliError(
      `user add: no organisation "${org}"`,
      EXIT_USAGE,
      'Add --create-org to create it.',
    )
  return (await createOrganisation(db, { name: org })).id
}

export async function findPractices(
  db: Kysely<Database>,
  organisationId: string,
  wanted: string[],
): Promise<string[]> {
  if (wanted.length === 0) return []
  const rows = await db
    .selectFrom('practices')
    .select(['id', 'slug'])
    .where('organisation_id', '=', organisationId)
    .where((eb) => eb.or([eb('id', 'in', wanted), eb('slug', 'in', wanted)]))
    .execute()
  const ids: string[] = []
  for (const w of wanted) {
    const row = rows.find((r) => r.id === w || r.slug === w)
    if (!row) throw new CliError(`user add: no practice "${w}" in this organisation`, EXIT_USAGE)
    ids.push(row.id)
  }
  return ids
}
