/**
 * @module Which database a command uses, and opening it with messages a person can act on:
 * `DATABASE_URL` (a PostgreSQL server) wins; otherwise the embedded database in a data folder
 * (`--data`, else `EARSHOT_DATA_DIR`, else `./.earshot/data`).
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import {
  configureKeyring,
  type EarshotDatabase,
  isEarshotError,
  openDatabase,
  redactUrl,
} from '@earshot/core'
import { CliError } from './cli-error.js'
import type { CliIo } from './cli-io.js'

/** The default embedded data folder of `serve`, `migrate`, `collect`, `import` and `user add`. */
export const DEFAULT_DATA_DIR = '.earshot/data'

/** Where the data lives. */
export type DatabaseTarget =
  | { kind: 'postgres'; url: string; display: string }
  | { kind: 'embedded'; dir: string; display: string }

/**
 * Resolves the database from the environment and the `--data` flag, checking what can be
 * checked before connecting.
 */
export function resolveDatabaseTarget(io: CliIo, dataFlag?: string): DatabaseTarget {
  const url = io.env.DATABASE_URL?.trim()
  if (url) {
    let parsed: URL | undefined
    try {
      parsed = new URL(url)
    } catch {
      parsed = undefined
    }
    if (!parsed || !/^postgres(ql)?:$/i.test(parsed.protocol) || !parsed.hostname) {
      throw new CliError(
        `DATABASE_URL is not a PostgreSQL connection URL: ${redactUrl(url)}`,
        undefined,
        'Expected postgres://USER:PASSWORD@HOST:5432/DATABASE, or unset DATABASE_URL to use the embedded database.',
      )
    }
    return { kind: 'postgres', url, display: `PostgreSQL ${redactUrl(url)}` }
  }
  const dir = resolve(io.cwd, dataFlag ?? io.env.EARSHOT_DATA_DIR ?? DEFAULT_DATA_DIR)
  return { kind: 'embedded', dir, display: `embedded database in ${dir}` }
}

/** Options of {@link openCliDatabase}. */
export interface OpenCliDatabaseOptions {
  /** Create the data folder when it is missing (migrate, demo); otherwise a missing folder is an error. */
  create?: boolean
  /** Run migrations (default true). */
  migrate?: boolean
  /** Where the secret keys are read (default `process.env`); see core's `configureKeyring`. */
  env?: Record<string, string | undefined>
}

/** Opens (and migrates) the database, turning every expected failure into a {@link CliError}. */
export async function openCliDatabase(
  target: DatabaseTarget,
  options: OpenCliDatabaseOptions = {},
): Promise<EarshotDatabase> {
  if (target.kind === 'embedded') {
    if (existsSync(target.dir) && !statSync(target.dir).isDirectory()) {
      throw new CliError(`data folder ${target.dir} is a file, not a folder`)
    }
    if (!existsSync(target.dir)) {
      if (!options.create) {
        throw new CliError(
          `no data folder at ${target.dir}`,
          undefined,
          'Create it with `earshot migrate` (same --data / EARSHOT_DATA_DIR), try `earshot demo`, or set DATABASE_URL=postgres://… to use a PostgreSQL server.',
        )
      }
      mkdirSync(target.dir, { recursive: true })
    } else if (!options.create && readdirSync(target.dir).length === 0) {
      throw new CliError(
        `data folder ${target.dir} is empty`,
        undefined,
        'Initialise it with `earshot migrate` (same --data / EARSHOT_DATA_DIR), or try `earshot demo`.',
      )
    }
  }
  // Channel tokens are sealed with EARSHOT_SECRET_KEY, else (embedded only) the folder's key file.
  try {
    configureKeyring({
      env: options.env ?? process.env,
      ...(target.kind === 'embedded' ? { dataDir: target.dir } : {}),
    })
  } catch (error) {
    if (isEarshotError(error)) throw new CliError(error.message)
    throw error
  }
  try {
    return await openDatabase({
      url: target.kind === 'postgres' ? target.url : target.dir,
      migrate: options.migrate ?? true,
    })
  } catch (error) {
    if (isEarshotError(error)) {
      // A folder held by another process: core's message names it and says what to do.
      if ((error.details as { reason?: string } | undefined)?.reason === 'locked')
        throw new CliError(error.message)
      throw new CliError(
        `cannot open the ${target.display}: ${stripTarget(error.message)}`,
        undefined,
        target.kind === 'postgres'
          ? 'Check that the server is running and that DATABASE_URL has the right host, port, user, password and database.'
          : 'Check the folder is readable and writable.',
      )
    }
    throw error
  }
}

/** Core's message already names the target; say it once. */
function stripTarget(message: string): string {
  return message
    .replace(/^cannot connect to \S+: /, '')
    .replace(/^cannot open the embedded database( in \S+)?: /, '')
}
