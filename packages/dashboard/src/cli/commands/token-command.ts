/**
 * @module `earshot token add|list|revoke`: API tokens for scripts. Only a SHA-256 digest is
 * stored; the token is printed once, at creation.
 */
import { type Database, isEarshotError } from '@earshot/core'
import type { Kysely } from 'kysely'
import { recordUserAction } from '../../audit/user-actions.js'
import { createApiToken } from '../../auth/create-api-token.js'
import type { CliCommand } from '../cli-command.js'
import { CliError, EXIT_USAGE } from '../cli-error.js'
import { type CliIo, println } from '../cli-io.js'
import { openCliDatabase, resolveDatabaseTarget } from '../open-cli-database.js'
import { parseCommandArgs } from '../parse-command-args.js'
import { printUsage } from './serve-command.js'
import { findOrganisation } from './user-add-command.js'

export const tokenCommand: CliCommand = {
  name: 'token',
  usage: `Usage: earshot token add --user EMAIL --name NAME [--org ORG]
       earshot token list [--org ORG]
       earshot token revoke ID [--org ORG]

An API token acts as its user (same role and practices) on /api/v1 with
"Authorization: Bearer TOKEN". It is shown once; only its digest is stored.

Options:
  --user EMAIL   The user the token acts as
  --name NAME    What it is for, e.g. "monthly report script"
  --org ORG      Organisation id or exact name (optional when there is only one)
  --data DIR     Embedded data folder (default: $EARSHOT_DATA_DIR or ./.earshot/data)`,
  async run(args, io) {
    const [sub, ...rest] = args
    if (sub === '--help' || sub === '-h') return printUsage(io, this.usage)
    if (sub !== 'add' && sub !== 'list' && sub !== 'revoke') {
      throw new CliError(
        sub === undefined ? 'token: missing subcommand' : `unknown subcommand "token ${sub}"`,
        EXIT_USAGE,
        'Run `earshot token --help`.',
      )
    }
    const { values, positionals } = parseCommandArgs(
      `token ${sub}`,
      rest,
      {
        user: { type: 'string' },
        name: { type: 'string' },
        org: { type: 'string' },
        data: { type: 'string' },
      },
      true,
    )
    if (values.help) return printUsage(io, this.usage)
    if (sub === 'add' && (!values.user || !values.name))
      throw new CliError(
        'token add: missing --user or --name',
        EXIT_USAGE,
        'Run `earshot token --help`.',
      )
    if (sub === 'revoke' && positionals.length !== 1)
      throw new CliError(
        'token revoke: give the id of one token (see `earshot token list`)',
        EXIT_USAGE,
      )
    const database = await openCliDatabase(resolveDatabaseTarget(io, values.data))
    try {
      const db = database.db
      const organisationId = await findOrganisation(db, values.org, false)
      if (sub === 'list') {
        const rows = await db
          .selectFrom('api_tokens')
          .innerJoin('users', (j) =>
            j
              .onRef('users.organisation_id', '=', 'api_tokens.organisation_id')
              .onRef('users.id', '=', 'api_tokens.user_id'),
          )
          .select([
            'api_tokens.id',
            'api_tokens.name',
            'users.email',
            'api_tokens.created_at',
            'api_tokens.last_used_at',
          ])
          .where('api_tokens.organisation_id', '=', organisationId)
          .orderBy('api_tokens.created_at')
          .execute()
        for (const r of rows)
          println(
            io.stdout,
            `${r.id}\t${r.name}\t${r.email}\tcreated ${new Date(r.created_at).toISOString()}\t${r.last_used_at ? `last used ${new Date(r.last_used_at).toISOString()}` : 'never used'}`,
          )
        return 0
      }
      if (sub === 'revoke') return await revoke(db, organisationId, positionals[0]!, io)
      const user = await db
        .selectFrom('users')
        .select('id')
        .where('organisation_id', '=', organisationId)
        .where('email', '=', values.user!.toLowerCase())
        .executeTakeFirst()
      if (!user) throw new CliError(`token add: no user ${values.user} in this organisation`)
      const created = await db.transaction().execute(async (trx) => {
        const t = await createApiToken(trx, { organisationId, userId: user.id, name: values.name! })
        await recordUserAction(
          trx,
          {
            organisationId,
            userId: null,
            action: 'token.created',
            targetType: 'api_token',
            targetId: t.id,
            detail: { via: 'cli', name: values.name, forUser: user.id },
          },
          new Date(),
        )
        return t
      })
      println(
        io.stdout,
        `Created API token ${created.id} for ${values.user}. Copy it now, it is not shown again:`,
      )
      println(io.stdout, created.token)
      return 0
    } catch (error) {
      if (isEarshotError(error)) throw new CliError(`token ${sub}: ${error.message}`)
      throw error
    } finally {
      await database.close()
    }
  },
}

async function revoke(
  db: Kysely<Database>,
  organisationId: string,
  id: string,
  io: CliIo,
): Promise<number> {
  const deleted = await db.transaction().execute(async (trx) => {
    const row = await trx
      .deleteFrom('api_tokens')
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .returning(['id', 'name'])
      .executeTakeFirst()
    if (row)
      await recordUserAction(
        trx,
        {
          organisationId,
          userId: null,
          action: 'token.revoked',
          targetType: 'api_token',
          targetId: row.id,
          detail: { via: 'cli', name: row.name },
        },
        new Date(),
      )
    return row
  })
  if (!deleted) throw new CliError(`token revoke: no token ${id} in this organisation`)
  println(
    io.stdout,
    `Revoked API token ${deleted.id} (${deleted.name}); requests with it are refused from now on.`,
  )
  return 0
}
