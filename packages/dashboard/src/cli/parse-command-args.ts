/**
 * @module `node:util` parseArgs with the CLI's conventions: every command accepts `--help`, and a
 * parse failure becomes a usage error that names the command.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util'
import { CliError, EXIT_USAGE } from './cli-error.js'

type Options = NonNullable<ParseArgsConfig['options']>

type OptionValue<D> = D extends { type: 'boolean' }
  ? D extends { multiple: true }
    ? boolean[]
    : boolean
  : D extends { multiple: true }
    ? string[]
    : string

/** Parsed options (each possibly absent) and positional arguments. */
export interface ParsedCommandArgs<O> {
  values: { [K in keyof O]?: OptionValue<O[K]> } & { help?: boolean }
  positionals: string[]
}

/** Parses a command's arguments; unknown options and missing values are usage errors. */
export function parseCommandArgs<O extends Options>(
  command: string,
  args: string[],
  options: O,
  allowPositionals = false,
): ParsedCommandArgs<O> {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals,
      strict: true,
    }) as ParsedCommandArgs<O>
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '')
    throw new CliError(
      `${command}: ${message}`,
      EXIT_USAGE,
      `Run \`earshot ${command} --help\` for usage.`,
    )
  }
}

/** A whole-number port (0–65535) from an option or environment value. */
export function parsePort(value: string | undefined, fallback: number, source = '--port'): number {
  if (value === undefined || value === '') return fallback
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new CliError(
      `${source} must be a whole number from 0 to 65535, got "${value}"`,
      EXIT_USAGE,
    )
  }
  return port
}
