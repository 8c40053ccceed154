/**
 * @module `earshot secrets rotate`: re-seals every stored channel token with the current
 * `EARSHOT_SECRET_KEY` (opening old ones with `EARSHOT_SECRET_KEYS_OLD`) and moves tokens still
 * written in clear in channel configs into sealed storage. Run after adding a new key and
 * before removing the old one (docs/deployment.md).
 */
import { processKeyring, rotateSecrets } from '@earshot/core'
import { resealTwoFactorSecrets } from '../../auth/two-factor.js'
import type { CliCommand } from '../cli-command.js'
import { CliError, EXIT_USAGE } from '../cli-error.js'
import { println } from '../cli-io.js'
import { openCliDatabase, resolveDatabaseTarget } from '../open-cli-database.js'
import { parseCommandArgs } from '../parse-command-args.js'
import { printUsage } from './serve-command.js'

export const secretsCommand: CliCommand = {
  name: 'secrets',
  usage: `Usage: earshot secrets rotate [--data DIR]

Re-encrypts every stored channel token and two-step sign-in (TOTP) secret with
EARSHOT_SECRET_KEY, and encrypts tokens that older versions kept in clear in a channel's
config. Safe to run again.

Rotating the key:
  1. EARSHOT_SECRET_KEYS_OLD=<current key>  EARSHOT_SECRET_KEY=$(openssl rand -base64 32)
  2. earshot secrets rotate
  3. restart the server with the new key, then remove EARSHOT_SECRET_KEYS_OLD

Options:
  --data DIR   Embedded data folder (default: $EARSHOT_DATA_DIR or ./.earshot/data)
  -h, --help   Show this help

Environment:
  EARSHOT_SECRET_KEY        The key new secrets are sealed with (32 random bytes, base64)
  EARSHOT_SECRET_KEYS_OLD   Comma-separated earlier keys, still accepted for opening
  DATABASE_URL              postgres://USER:PASSWORD@HOST:5432/DB (else the embedded database)`,
  async run(args, io) {
    const [sub, ...rest] = args
    if (sub === '--help' || sub === '-h') return printUsage(io, this.usage)
    if (sub !== 'rotate') {
      throw new CliError(
        sub === undefined ? 'secrets: missing subcommand' : `unknown subcommand "secrets ${sub}"`,
        EXIT_USAGE,
        'Run `earshot secrets --help`.',
      )
    }
    const { values } = parseCommandArgs('secrets rotate', rest, { data: { type: 'string' } })
    if (values.help) return printUsage(io, this.usage)
    const target = resolveDatabaseTarget(io, values.data)
    const database = await openCliDatabase(target, { env: io.env })
    try {
      const { resealed, migrated } = await rotateSecrets(database.db)
      const twoFactor = await resealTwoFactorSecrets(database.db, processKeyring())
      println(
        io.stdout,
        `Re-encrypted ${resealed} stored credential(s) with the current key; encrypted the clear-text tokens of ${migrated} channel(s).`,
      )
      println(io.stdout, `Re-encrypted ${twoFactor} two-step sign-in secret(s).`)
      return 0
    } finally {
      await database.close()
    }
  },
}
