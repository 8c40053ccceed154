import { describe, expect, it } from 'vitest'
import { EarshotError, isEarshotError } from './errors.js'

/**
 * What an EarshotError thrown by another copy of the library (the CJS build beside the ESM one,
 * or a collector bundling its own core) looks like from here: another class, the same brand.
 */
function errorFromAnotherCopy(code: string, message: string): Error {
  const brand: unique symbol = Symbol.for('earshot.error')
  class EarshotError extends Error {
    override readonly name = 'EarshotError'
    readonly [brand] = true
    constructor(
      readonly code: string,
      message: string,
    ) {
      super(message)
    }
  }
  return new EarshotError(code, message)
}

describe('isEarshotError', () => {
  it('recognises an error of this copy, optionally of one code', () => {
    const error = new EarshotError('NOT_FOUND', 'no such channel')
    expect(isEarshotError(error)).toBe(true)
    expect(isEarshotError(error, 'NOT_FOUND')).toBe(true)
    expect(isEarshotError(error, 'AUTH_EXPIRED')).toBe(false)
  })

  it('recognises an error from another copy of the library by its brand', () => {
    const foreign = errorFromAnotherCopy('AUTH_EXPIRED', '[x] token revoked')
    expect(foreign instanceof EarshotError).toBe(false)
    expect(isEarshotError(foreign)).toBe(true)
    expect(isEarshotError(foreign, 'AUTH_EXPIRED')).toBe(true)
    expect(isEarshotError(foreign, 'UPSTREAM')).toBe(false)
  })

  it('does not take a plain error with a code, or a look-alike, for one', () => {
    expect(isEarshotError(Object.assign(new Error('x'), { code: 'AUTH_EXPIRED' }))).toBe(false)
    expect(isEarshotError({ name: 'EarshotError', code: 'NOT_FOUND', message: 'x' })).toBe(false)
    expect(isEarshotError(null)).toBe(false)
    expect(isEarshotError('NOT_FOUND')).toBe(false)
  })
})
