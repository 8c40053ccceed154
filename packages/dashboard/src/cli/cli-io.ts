/**
 * @module The streams and environment a CLI command runs with. Injected, so tests run commands
 * in-process with captured output instead of spawning processes.
 */
import type { Readable, Writable } from 'node:stream'

/** Where a command reads and writes. */
export interface CliIo {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown }
  stdout: Writable & { isTTY?: boolean }
  stderr: Writable & { isTTY?: boolean; columns?: number }
  env: Record<string, string | undefined>
  cwd: string
  /**
   * Aborted when a long-running command (serve, demo, collect) should stop. Without it, those
   * commands stop on the process's SIGINT/SIGTERM; tests pass their own.
   */
  stopSignal?: AbortSignal
}

/** The real process's streams and environment. */
export function processIo(): CliIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  }
}

/** Writes one line. */
export function println(stream: Writable, text = ''): void {
  stream.write(`${text}\n`)
}
