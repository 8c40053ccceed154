/**
 * @module A CliIo for tests: captured stdout/stderr, a scripted stdin, a temp working folder and
 * a stop switch for long-running commands.
 */
import { PassThrough, Readable } from 'node:stream'
import type { CliIo } from '../src/cli/cli-io.js'

/** A CliIo whose output can be read back. */
export interface TestIo extends CliIo {
  out(): string
  err(): string
  /** Stops a running serve/demo/collect. */
  stop(): void
  /**
   * Resolves with the first match of `pattern` in stdout, as soon as it is printed (no polling,
   * no time limit); rejects if `running` (the command) ends before printing it.
   */
  printed(pattern: RegExp, running: Promise<number>): Promise<RegExpMatchArray>
}

/** Builds a test IO; `stdin` is its whole input. */
export function testIo(options: {
  env?: Record<string, string | undefined>
  cwd: string
  stdin?: string
}): TestIo {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (c) => {
    out += c.toString()
  })
  stderr.on('data', (c) => {
    err += c.toString()
  })
  const controller = new AbortController()
  const printed = (pattern: RegExp, running: Promise<number>) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = out.match(pattern)
        if (!match) return
        stdout.off('data', check)
        resolve(match)
      }
      // Registered after the capturing listener above, so `out` already holds the chunk.
      stdout.on('data', check)
      check()
      running.then(
        (code) => reject(new Error(`exited ${code} without printing ${pattern}: ${out}${err}`)),
        reject,
      )
    })
  return {
    printed,
    stdin: Readable.from([options.stdin ?? '']),
    stdout,
    stderr,
    env: { ...options.env },
    cwd: options.cwd,
    stopSignal: controller.signal,
    out: () => out,
    err: () => err,
    stop: () => controller.abort(),
  }
}
