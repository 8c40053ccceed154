/**
 * @module Expected CLI failures: printed as one clear message (never a stack trace) with an exit
 * code. Anything else reaching the top level is a bug and keeps its stack.
 */

/** Exit code for wrong usage (unknown option, missing argument). */
export const EXIT_USAGE = 2
/** Exit code for a failure the user can fix (bad DATABASE_URL, busy port, missing folder). */
export const EXIT_FAILURE = 1

/** A failure with a message meant for the user. */
export class CliError extends Error {
  override readonly name = 'CliError'
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
    /** A follow-up line: what to do about it. */
    readonly hint?: string,
  ) {
    super(message)
  }
}
