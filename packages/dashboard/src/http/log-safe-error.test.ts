import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { logSafeError } from './log-safe-error.js'

describe('logSafeError', () => {
  it('names the error and where it was thrown, never its message', () => {
    const db = Object.assign(new Error('Failing row contains (Sam Patient, is my biopsy back?)'), {
      code: '23502',
    })
    const line = logSafeError(db)
    expect(line).toMatch(/^Error \[23502\] at /)
    expect(line).not.toMatch(/Sam|biopsy/)
    const parsed = z
      .object({ text: z.number() })
      .safeParse({ text: 'DOB 12/03/1985 call 0412 345 678' })
    expect(logSafeError(parsed.error)).not.toMatch(/1985|0412/)
    expect(logSafeError('Sam Patient')).toBe('non-error thrown (string)')
  })
})
