import { describe, expect, it } from 'vitest'
import { testIo } from '../../test/cli-test-io.js'
import { reportError } from './run-cli.js'

describe('how the CLI reports a failure', () => {
  it('names a lost database connection in words, without a stack, and says to run it again', () => {
    // What `pg` throws when the server terminates the connection mid-import (issue 13 finding 1).
    const error = new Error('Connection terminated unexpectedly')
    const io = testIo({ cwd: '.' })
    expect(reportError(io, error)).toBe(1)
    expect(io.err()).toContain('the database connection was lost')
    expect(io.err()).toContain('run the same command again')
    expect(io.err()).not.toMatch(/^\s+at /m)
  })

  it('names a full disk from its SQLSTATE, following the cause chain', () => {
    const io = testIo({ cwd: '.' })
    const error = new Error('batch failed', {
      cause: Object.assign(new Error('could not extend file'), { code: '53100' }),
    })
    expect(reportError(io, error)).toBe(1)
    expect(io.err()).toContain('disk is full')
  })

  it('still prints the stack of an unexpected error, for the bug report', () => {
    const io = testIo({ cwd: '.' })
    expect(reportError(io, new TypeError('x is undefined'))).toBe(1)
    expect(io.err()).toContain('unexpected error')
    expect(io.err()).toMatch(/^\s+at /m)
  })
})
