/**
 * @module Reading a password without echoing it: `EARSHOT_PASSWORD` for scripts, a hidden
 * prompt on a terminal, or the first line of piped input.
 */
import { CliError } from './cli-error.js'
import type { CliIo } from './cli-io.js'

/** The password from the environment, a hidden prompt (asked twice), or piped stdin. */
export async function readPassword(io: CliIo, prompt: string): Promise<string> {
  const fromEnv = io.env.EARSHOT_PASSWORD
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  if (io.stdin.isTTY && io.stdin.setRawMode) {
    const first = await readHidden(io, prompt)
    const second = await readHidden(io, 'Repeat the password: ')
    if (first !== second) throw new CliError('the two passwords differ')
    return first
  }
  const line = await readFirstLine(io)
  if (line === undefined || line === '') {
    throw new CliError(
      'no password given',
      undefined,
      'Set EARSHOT_PASSWORD, pipe it on stdin, or run in a terminal to be prompted.',
    )
  }
  return line
}

function readHidden(io: CliIo, prompt: string): Promise<string> {
  const stdin = io.stdin
  io.stderr.write(prompt)
  return new Promise((resolve, reject) => {
    let value = ''
    const done = (error?: Error) => {
      stdin.setRawMode?.(false)
      stdin.off('data', onData)
      stdin.pause()
      io.stderr.write('\n')
      if (error) reject(error)
      else resolve(value)
    }
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done()
        if (ch === '\u0003') return done(new CliError('cancelled', 130))
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1)
        else value += ch
      }
    }
    stdin.setRawMode?.(true)
    stdin.resume()
    stdin.on('data', onData)
  })
}

function readFirstLine(io: CliIo): Promise<string | undefined> {
  return new Promise((resolve) => {
    let buffered = ''
    const finish = () => {
      io.stdin.off('data', onData)
      io.stdin.off('end', finish)
      io.stdin.pause()
      resolve(buffered.length > 0 ? buffered.split(/\r?\n/)[0] : undefined)
    }
    const onData = (chunk: Buffer | string) => {
      buffered += chunk.toString()
      if (buffered.includes('\n')) finish()
    }
    io.stdin.on('data', onData)
    io.stdin.once('end', finish)
    io.stdin.resume()
  })
}
