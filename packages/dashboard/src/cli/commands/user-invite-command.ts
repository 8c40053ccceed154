/**
 * @module `earshot user invite`: invites someone by e-mail, as the users page does. The link is
 * mailed through the SMTP server of `EARSHOT_SMTP_URL`; without one it is printed, to pass on.
 */
import { isEarshotError, ROLES, type Role } from '@earshot/core'
import { createSmtpMailSender, smtpConfigFromEnv } from '../../mail/smtp-mail-sender.js'
import { inviteUser } from '../../setup/user-invites.js'
import { CliError, EXIT_USAGE } from '../cli-error.js'
import { type CliIo, println } from '../cli-io.js'
import { openCliDatabase, resolveDatabaseTarget } from '../open-cli-database.js'
import { parseCommandArgs } from '../parse-command-args.js'
import { printUsage } from './serve-command.js'
import { findOrganisation, findPractices } from './user-add-command.js'

const ROLE_ALIASES: Record<string, Role> = { admin: 'agency_admin', manager: 'practice_manager' }

export const USER_INVITE_USAGE = `Usage: earshot user invite --email EMAIL --role ROLE [--name NAME] [--organisation ORG] [--practice P ...]

Invites someone: they get an e-mail with a link (single use, 7 days) that sets their password.

Options:
  --email EMAIL        Their e-mail (they sign in with it)
  --role ROLE          agency_admin (admin), practice_manager (manager) or viewer
  --name NAME          How they are shown (default: the part of the e-mail before @)
  --organisation ORG   Organisation id or exact name (optional when there is only one; --org too)
  --practice P         A practice they may see (id or slug); repeat for several
  --public-url URL     Where the dashboard is reachable, for the link (default $EARSHOT_PUBLIC_URL
                       or http://localhost:3000)
  --data DIR           Embedded data folder (default: $EARSHOT_DATA_DIR or ./.earshot/data)

Mail goes through EARSHOT_SMTP_URL (from EARSHOT_MAIL_FROM); without it the link is printed.`

/** Runs `user invite` with the arguments after `invite`. */
export async function runUserInvite(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs('user invite', args, {
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    organisation: { type: 'string' },
    org: { type: 'string' },
    practice: { type: 'string', multiple: true },
    'public-url': { type: 'string' },
    data: { type: 'string' },
  })
  if (values.help) return printUsage(io, USER_INVITE_USAGE)
  if (!values.email || !values.role)
    throw new CliError(
      'user invite: missing --email or --role',
      EXIT_USAGE,
      'Run `earshot user invite --help`.',
    )
  const role = (ROLE_ALIASES[values.role] ?? values.role) as Role
  if (!ROLES.includes(role))
    throw new CliError(
      `user invite: unknown role "${values.role}"`,
      EXIT_USAGE,
      `Roles: ${ROLES.join(', ')}.`,
    )
  const smtp = smtpConfigFromEnv(io.env)
  const mail = smtp ? createSmtpMailSender(smtp) : undefined
  const database = await openCliDatabase(resolveDatabaseTarget(io, values.data))
  try {
    const organisationId = await findOrganisation(
      database.db,
      values.organisation ?? values.org,
      false,
    )
    const practiceIds = await findPractices(database.db, organisationId, values.practice ?? [])
    if (role !== 'agency_admin' && practiceIds.length === 0)
      throw new CliError(`user invite: a ${role} needs at least one --practice`, EXIT_USAGE)
    const outcome = await inviteUser(
      {
        db: database.db,
        mail,
        publicUrl: (
          values['public-url'] ??
          io.env.EARSHOT_PUBLIC_URL ??
          'http://localhost:3000'
        ).replace(/\/+$/, ''),
        now: new Date(),
        organisationId,
        invitedBy: null,
        via: 'cli',
      },
      {
        email: values.email,
        name: values.name ?? values.email.split('@')[0]!,
        role,
        practiceIds,
      },
    )
    if (outcome.mailed) {
      println(
        io.stdout,
        `Invited ${values.email} as ${role}; the link was mailed (valid until ${outcome.expiresAt.toISOString()}).`,
      )
    } else {
      println(
        io.stdout,
        `Invited ${values.email} as ${role}, but the mail did not go: ${outcome.mailError}.`,
      )
      println(
        io.stdout,
        `Send them this link (single use, valid until ${outcome.expiresAt.toISOString()}):`,
      )
      println(io.stdout, outcome.url)
    }
    return 0
  } catch (error) {
    if (isEarshotError(error)) throw new CliError(`user invite: ${error.message}`)
    if (error instanceof Error && error.name === 'ZodError')
      throw new CliError(
        `user invite: ${(error as Error & { issues: { message: string }[] }).issues[0]?.message ?? 'invalid input'}`,
        EXIT_USAGE,
      )
    throw error
  } finally {
    await database.close()
    await mail?.close()
  }
}
