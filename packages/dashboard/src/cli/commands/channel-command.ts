/**
 * @module `earshot channel add|list`: a channel without writing config by hand. A pasted token
 * is read from `EARSHOT_CHANNEL_TOKEN` or stdin (never the command line, which shell history
 * keeps) and stored encrypted; web chat gets a generated signing secret and webhook platforms a
 * verify token, printed once with the callback URL to paste into the platform.
 */
import {
  createChannel,
  isEarshotError,
  listChannels,
  PLATFORMS,
  type Platform,
  saveChannelCredentials,
} from '@earshot/core'
import { recordUserAction } from '../../audit/user-actions.js'
import { channelSecretKind, initialChannelSecrets } from '../../setup/channel-secrets.js'
import type { CliCommand } from '../cli-command.js'
import { CliError, EXIT_USAGE } from '../cli-error.js'
import { type CliIo, println } from '../cli-io.js'
import { openCliDatabase, resolveDatabaseTarget } from '../open-cli-database.js'
import { parseCommandArgs } from '../parse-command-args.js'
import { printUsage } from './serve-command.js'
import { findOrganisation, findPractices } from './user-add-command.js'

/** Platforms whose webhooks are verified with a token the practice pastes into the platform. */

export const channelCommand: CliCommand = {
  name: 'channel',
  usage: `Usage: earshot channel add --practice P --platform PLATFORM --name NAME --account ID [options]
       earshot channel list [--practice P] [--org ORG]

Options of add:
  --practice P        Practice id or slug
  --platform PLATFORM ${PLATFORMS.join(', ')}
  --name NAME         How the channel is shown
  --account ID        The account's id on the platform (page id, channel id, feed URL …)
  --url URL           rss: the feed URL
  --token-stdin       Read the access token from stdin (else from EARSHOT_CHANNEL_TOKEN, if set)
  --public-url URL    Where the dashboard is reachable, to print the webhook callback URL
  --org ORG           Organisation id or exact name (optional when there is only one)
  --data DIR          Embedded data folder (default: $EARSHOT_DATA_DIR or ./.earshot/data)

The token is stored encrypted (EARSHOT_SECRET_KEY; see docs/deployment.md), never printed.`,
  async run(args, io) {
    const [sub, ...rest] = args
    if (sub === '--help' || sub === '-h') return printUsage(io, this.usage)
    if (sub !== 'add' && sub !== 'list') {
      throw new CliError(
        sub === undefined ? 'channel: missing subcommand' : `unknown subcommand "channel ${sub}"`,
        EXIT_USAGE,
        'Run `earshot channel --help`.',
      )
    }
    const { values } = parseCommandArgs(`channel ${sub}`, rest, {
      practice: { type: 'string' },
      platform: { type: 'string' },
      name: { type: 'string' },
      account: { type: 'string' },
      url: { type: 'string' },
      'token-stdin': { type: 'boolean' },
      'public-url': { type: 'string' },
      org: { type: 'string' },
      data: { type: 'string' },
    })
    if (values.help) return printUsage(io, this.usage)
    if (sub === 'add') {
      const missing = (['practice', 'platform', 'name', 'account'] as const).filter(
        (k) => !values[k],
      )
      if (missing.length)
        throw new CliError(
          `channel add: missing ${missing.map((m) => `--${m}`).join(', ')}`,
          EXIT_USAGE,
          'Run `earshot channel --help`.',
        )
      if (!(PLATFORMS as readonly string[]).includes(values.platform!))
        throw new CliError(
          `channel add: unknown platform "${values.platform}"`,
          EXIT_USAGE,
          `Platforms: ${PLATFORMS.join(', ')}.`,
        )
      if (values.platform === 'rss' && !values.url)
        throw new CliError('channel add: an rss channel needs --url (the feed URL)', EXIT_USAGE)
    }
    const token = sub === 'add' ? await readToken(io, values['token-stdin'] === true) : undefined
    const database = await openCliDatabase(resolveDatabaseTarget(io, values.data), { env: io.env })
    try {
      const organisationId = await findOrganisation(database.db, values.org, false)
      const [practiceId] = values.practice
        ? await findPractices(database.db, organisationId, [values.practice])
        : []
      if (sub === 'list') {
        for (const c of await listChannels(database.db, organisationId, practiceId)) {
          const health = c.last_error
            ? `error: ${c.last_error}`
            : c.last_success_at
              ? `ok ${new Date(c.last_success_at).toISOString()}`
              : 'not collected yet'
          println(io.stdout, `${c.id}\t${c.platform}\t${c.name}\t${c.status}\t${health}`)
        }
        return 0
      }
      const platform = values.platform as Platform
      const config: Record<string, unknown> = initialChannelSecrets(platform)
      const shown: string[] = []
      if (platform === 'rss') config.url = values.url
      if (config.secret) {
        shown.push(`Signing secret (sign each message with it; shown once): ${config.secret}`)
      }
      if (config.verifyToken) {
        shown.push(
          `Webhook verify token (paste into the platform's webhook settings): ${config.verifyToken}`,
        )
      }
      const channel = await database.db.transaction().execute(async (trx) => {
        const created = await createChannel(trx, {
          organisationId,
          practiceId: practiceId!,
          platform,
          name: values.name!,
          externalAccountId: values.account!,
          config,
        })
        if (token !== undefined)
          await saveChannelCredentials(trx, {
            organisationId,
            channelId: created.id,
            accessToken: token,
          })
        await recordUserAction(
          trx,
          {
            organisationId,
            userId: null,
            practiceId: created.practice_id,
            action: 'channel.created',
            targetType: 'channel',
            targetId: created.id,
            detail: { via: 'cli', platform, name: created.name, withToken: token !== undefined },
          },
          new Date(),
        )
        return created
      })
      println(
        io.stdout,
        `Created ${platform} channel ${channel.name} (id ${channel.id})${token !== undefined ? ', token stored encrypted' : ''}.`,
      )
      if (
        values['public-url'] &&
        (channelSecretKind(platform) !== undefined || platform === 'x' || platform === 'google')
      ) {
        shown.push(
          `Webhook callback URL: ${values['public-url'].replace(/\/$/, '')}/hooks/${platform}/${channel.id}`,
        )
      }
      for (const line of shown) println(io.stdout, `  ${line}`)
      return 0
    } catch (error) {
      if (isEarshotError(error)) throw new CliError(`channel ${sub}: ${error.message}`)
      throw error
    } finally {
      await database.close()
    }
  },
}

/** The pasted token: stdin with --token-stdin, else EARSHOT_CHANNEL_TOKEN, else none. */
async function readToken(io: CliIo, fromStdin: boolean): Promise<string | undefined> {
  if (!fromStdin) return io.env.EARSHOT_CHANNEL_TOKEN?.trim() || undefined
  let text = ''
  for await (const chunk of io.stdin) text += chunk.toString()
  const token = text.trim()
  if (token === '')
    throw new CliError('channel add: --token-stdin given but stdin was empty', EXIT_USAGE)
  return token
}
