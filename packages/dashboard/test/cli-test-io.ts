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
  return {
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
