/**
 * @module One error class for the whole library, with a code callers can branch on.
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
} as const
export type EarshotErrorCode = keyof typeof EARSHOT_ERROR_CODES

/** The error every Earshot package throws. `cause` keeps the foreign error, if any. */
export class EarshotError extends Error {
  override readonly name = 'EarshotError'
  readonly code: EarshotErrorCode
  readonly details?: unknown

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

/** Type guard for {@link EarshotError}, optionally of one code. */
export function isEarshotError(value: unknown, code?: EarshotErrorCode): value is EarshotError {
  return value instanceof EarshotError && (code === undefined || value.code === code)
}
