/**
 * @module `earshot token add|list|revoke`: API tokens for scripts. Only a SHA-256 digest is
 * stored; the token is printed once, at creation.
 */
import { type Database, isEarshotError } from '@earshot/core'
import type { Kysely } from 'kysely'
import { recordUserAction } from '../../audit/user-actions.js'
import { DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS, parseScopeList } from '../../auth/api-token-scopes.js'
import { createApiToken, listApiTokens } from '../../auth/create-api-token.js'
import type { CliCommand } from '../cli-command.js'
import { CliError, EXIT_USAGE } from '../cli-error.js'
import { type CliIo, println } from '../cli-io.js'
import { openCliDatabase, resolveDatabaseTarget } from '../open-cli-database.js'
import { parseCommandArgs } from '../parse-command-args.js'
import { printUsage } from './serve-command.js'
import { findOrganisation } from './user-add-command.js'

export const tokenCommand: CliCommand = {
  name: 'token',
  usage: `Usage: earshot token add --user EMAIL --name NAME [--scopes read,write] [--expires-in 90d] [--org ORG]
       earshot token list [--org ORG]
       earshot token revoke ID [--org ORG]

An API token acts as its user (same role and practices) on /api/v1 with
"Authorization: Bearer TOKEN", narrowed to its scopes, until it expires.
It is shown once; only its digest is stored.

Options:
  --user EMAIL        The user the token acts as
  --name NAME         What it is for, e.g. "monthly report script"
  --scopes LIST       Comma-separated: read (GET requests), write (changes such as
                      overrides and replies), admin (administrative changes).
                      write and admin include read. Default: read
  --expires-in DAYS   Lifetime, e.g. 30 or 30d (default ${DEFAULT_TOKEN_DAYS}d, at most ${MAX_TOKEN_DAYS}d)
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
        scopes: { type: 'string' },
        'expires-in': { type: 'string' },
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
    const scopes = values.scopes === undefined ? ['read' as const] : scopesOption(values.scopes)
    const expiresInDays =
      values['expires-in'] === undefined ? DEFAULT_TOKEN_DAYS : daysOption(values['expires-in'])
    const database = await openCliDatabase(resolveDatabaseTarget(io, values.data))
    try {
      const db = database.db
      const organisationId = await findOrganisation(db, values.org, false)
      if (sub === 'list') {
        const now = new Date()
        for (const t of await listApiTokens(db, organisationId))
          println(
            io.stdout,
            [
              t.id,
              t.name,
              t.userEmail,
              t.scopes.join(','),
              `created ${t.createdAt.toISOString()}`,
              `${t.expiresAt.getTime() <= now.getTime() ? 'EXPIRED' : 'expires'} ${t.expiresAt.toISOString()}`,
              t.lastUsedAt ? `last used ${t.lastUsedAt.toISOString()}` : 'never used',
            ].join('\t'),
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
      const now = new Date()
      const created = await db.transaction().execute(async (trx) => {
        const t = await createApiToken(
          trx,
          { organisationId, userId: user.id, name: values.name!, scopes, expiresInDays },
          now,
        )
        await recordUserAction(
          trx,
          {
            organisationId,
            userId: null,
            action: 'token.created',
            targetType: 'api_token',
            targetId: t.id,
            detail: {
              via: 'cli',
              name: values.name,
              forUser: user.id,
              scopes: t.scopes,
              expiresAt: t.expiresAt.toISOString(),
            },
          },
          now,
        )
        return t
      })
      println(
        io.stdout,
        `Created API token ${created.id} for ${values.user} (${created.scopes.join(', ')}; expires ${created.expiresAt.toISOString()}). Copy it now, it is not shown again:`,
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

function scopesOption(text: string) {
  try {
    const scopes = parseScopeList(text)
    if (scopes.length === 0) throw new Error('empty')
    return scopes
  } catch {
    throw new CliError(
      `token add: --scopes must be a comma-separated list of read, write, admin (got "${text}")`,
      EXIT_USAGE,
    )
  }
}

function daysOption(text: string): number {
  const match = /^\s*(\d{1,4})\s*d?\s*$/i.exec(text)
  const days = match ? Number(match[1]) : Number.NaN
  if (!Number.isInteger(days) || days < 1 || days > MAX_TOKEN_DAYS)
    throw new CliError(
      `token add: --expires-in must be a number of days from 1 to ${MAX_TOKEN_DAYS}, e.g. 30d (got "${text}")`,
      EXIT_USAGE,
    )
  return days
}
