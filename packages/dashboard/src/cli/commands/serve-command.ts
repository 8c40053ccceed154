/**
 * @module `earshot serve`: the dashboard over PostgreSQL (`DATABASE_URL`) or an existing embedded
 * data folder; migrations run first.
 */
import { redactUrl } from '@earshot/core'
import type { CliCommand } from '../cli-command.js'
import { CliError, EXIT_USAGE } from '../cli-error.js'
import { type CliIo, println } from '../cli-io.js'
import { openCliDatabase, resolveDatabaseTarget } from '../open-cli-database.js'
import { parseCommandArgs, parsePort } from '../parse-command-args.js'
import { serveDashboard } from '../serve-dashboard.js'

/** Default port of `serve` and `demo`. */
export const DEFAULT_PORT = 3000

export const serveCommand: CliCommand = {
  name: 'serve',
  usage: `Usage: earshot serve [--port N] [--host ADDRESS] [--data DIR]

Serves the dashboard, the JSON API (/api/v1) and webhook receivers (/hooks/:platform).
Runs pending database migrations first.

Options:
  --port N         Port to listen on (default: $PORT or ${DEFAULT_PORT})
  --host ADDRESS   Interface to listen on (default: $HOST or 127.0.0.1; use 0.0.0.0 behind a proxy)
  --data DIR       Embedded data folder (default: $EARSHOT_DATA_DIR or ./.earshot/data)
  --no-worker      Leave background jobs to \`earshot worker\` processes (PostgreSQL only)
  -h, --help       Show this help

Environment:
  DATABASE_URL             postgres://USER:PASSWORD@HOST:5432/DB (else the embedded database)
  DATABASE_READ_URL        A streaming replica of DATABASE_URL for dashboard and API reads
  DATABASE_READ_MAX_LAG_MS Replica lag beyond which reads use the primary (default 30000)
  EARSHOT_DATA_DIR         Embedded data folder (must exist: create it with \`earshot migrate\`)
  EARSHOT_SECURE_COOKIES   1 when users reach the dashboard over HTTPS (behind a TLS proxy)
  EARSHOT_TRUST_PROXY      1 behind a reverse proxy: client address from X-Forwarded-For
  PORT, HOST               Defaults for --port and --host`,
  async run(args, io) {
    const { values } = parseCommandArgs('serve', args, {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      'no-worker': { type: 'boolean' },
    })
    if (values.help) return printUsage(io, this.usage)
    const port = parsePort(
      values.port ?? io.env.PORT,
      DEFAULT_PORT,
      values.port ? '--port' : 'PORT',
    )
    const host = values.host ?? io.env.HOST ?? '127.0.0.1'
    const target = resolveDatabaseTarget(io, values.data)
    if (values['no-worker'] && target.kind === 'embedded') {
      throw new CliError(
        '--no-worker needs DATABASE_URL: the embedded database serves one process, so serve runs the jobs',
        EXIT_USAGE,
      )
    }
    const readReplica = readReplicaFromEnv(io.env, target.kind)
    println(io.stderr, `Opening the ${target.display} …`)
    const database = await openCliDatabase(target)
    return serveDashboard(io, {
      database,
      port,
      host,
      secureCookies: isTrue(io.env.EARSHOT_SECURE_COOKIES),
      trustProxy: isTrue(io.env.EARSHOT_TRUST_PROXY),
      banner: [
        `Data: ${target.display}`,
        ...(readReplica ? [`Reads:     replica ${redactUrl(readReplica.url)}`] : []),
      ],
      ...(readReplica ? { readReplica } : {}),
      ...(target.kind === 'embedded' ? { dataDir: target.dir } : {}),
      worker: !values['no-worker'],
    })
  },
}

/** `DATABASE_READ_URL` and `DATABASE_READ_MAX_LAG_MS`, checked before anything is opened. */
export function readReplicaFromEnv(
  env: Record<string, string | undefined>,
  kind: 'postgres' | 'embedded',
): { url: string; maxLagMs?: number } | undefined {
  const url = env.DATABASE_READ_URL?.trim()
  const lag = env.DATABASE_READ_MAX_LAG_MS?.trim()
  if (!url) return undefined
  if (kind !== 'postgres')
    throw new CliError(
      'DATABASE_READ_URL needs DATABASE_URL: a replica is of a PostgreSQL server',
      EXIT_USAGE,
    )
  if (!/^postgres(ql)?:\/\/./i.test(url))
    throw new CliError(
      `DATABASE_READ_URL is not a PostgreSQL connection URL: ${redactUrl(url)}`,
      EXIT_USAGE,
    )
  if (lag === undefined || lag === '') return { url }
  if (!/^\d+$/.test(lag) || !Number.isSafeInteger(Number(lag)))
    throw new CliError(
      `DATABASE_READ_MAX_LAG_MS must be a whole number of milliseconds, not ${JSON.stringify(lag)}`,
      EXIT_USAGE,
    )
  return { url, maxLagMs: Number(lag) }
}

/** Prints a command's usage and returns exit code 0. */
export function printUsage(io: CliIo, usage: string): number {
  println(io.stdout, usage)
  return 0
}

/** `1`, `true`, `yes`, `on` (any case) are true. */
export function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim())
}
