/**
 * @module One error class for the whole library, with a code callers can branch on. Errors are
 * branded with a registry symbol, so the guards recognise an EarshotError thrown by another
 * copy of the library (the ESM and CJS builds, or two installed versions), where `instanceof`
 * fails.
 */

/** Every code an {@link EarshotError} can carry. */
export const EARSHOT_ERROR_CODES = {
  /** Input failed validation (zod or a domain rule). */
  INVALID_INPUT: 'INVALID_INPUT',
  /** A referenced row (practice, channel, mention) does not exist in the caller's scope. */
  NOT_FOUND: 'NOT_FOUND',
  /** The database could not be opened or reached. */
  DATABASE_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
  /** A schedule or promise is internally inconsistent. */
  INVALID_CONFIGURATION: 'INVALID_CONFIGURATION',
  /** A platform rejected our credentials; the channel needs re-authorisation. */
  AUTH_EXPIRED: 'AUTH_EXPIRED',
  /** A platform or network call failed. */
  UPSTREAM: 'UPSTREAM',
  /** The caller may not touch this tenant's data. */
  FORBIDDEN: 'FORBIDDEN',
  /** Someone else changed the same thing first (another run moved a channel's checkpoint). */
  CONFLICT: 'CONFLICT',
} as const
export type EarshotErrorCode = keyof typeof EARSHOT_ERROR_CODES

/**
 * The brand every Earshot error carries: `Symbol.for` gives the same symbol in every copy of
 * the library loaded into one process.
 */
export const EARSHOT_ERROR_BRAND: unique symbol = Symbol.for('earshot.error')

/** The error every Earshot package throws. `cause` keeps the foreign error, if any. */
export class EarshotError extends Error {
  override readonly name = 'EarshotError'
  readonly code: EarshotErrorCode
  readonly details?: unknown
  readonly [EARSHOT_ERROR_BRAND] = true

  constructor(
    code: EarshotErrorCode,
    message: string,
    options?: { cause?: unknown; details?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.details = options?.details
  }
}

/**
 * Type guard for {@link EarshotError}, optionally of one code. Checks the brand, not the class,
 * so errors from another copy of the library count.
 */
export function isEarshotError(value: unknown, code?: EarshotErrorCode): value is EarshotError {
  if (value === null || typeof value !== 'object') return false
  const e = value as { [EARSHOT_ERROR_BRAND]?: unknown; code?: unknown }
  return e[EARSHOT_ERROR_BRAND] === true && (code === undefined || e.code === code)
}
