/**
 * @module What of an unexpected error may reach a log: its kind and where it was thrown, never
 * its message. Messages carry values — a validation error quotes the input, a database error
 * "Failing row contains (…)" the row — and here the values are patients' words.
 */

/** `Name [code] at frame; frame; …`: the error's class, its code if it has one, its first stack frames. */
export function logSafeError(error: unknown): string {
  if (!(error instanceof Error)) return `non-error thrown (${typeof error})`
  const code = (error as { code?: unknown }).code
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 5)
    .map((line) => line.trim().replace(/^at /, ''))
  const cause = error.cause instanceof Error ? ` (cause: ${error.cause.name})` : ''
  return `${error.name}${typeof code === 'string' || typeof code === 'number' ? ` [${code}]` : ''}${cause} at ${frames.join('; ') || 'unknown'}`
}
