/**
 * @module The shape of one `earshot` subcommand.
 */
import type { CliIo } from './cli-io.js'

/** One subcommand: its help text and what it does. Returns the process exit code. */
export interface CliCommand {
  name: string
  /** The full text of `earshot <name> --help`. */
  usage: string
  run(args: string[], io: CliIo): Promise<number>
}
