/**
 * @module Secrets in channel config may be given inline or as `env:NAME` references, so a
 * deployment can keep tokens out of the database.
 */
import { EarshotError } from '@earshot/core'

/** Returns the secret, reading `env:NAME` references from `env` (default `process.env`). */
export function resolveSecret(
  value: string,
  env: Record<string, string | undefined> = process.env,
): string {
  if (!value.startsWith('env:')) return value
  const name = value.slice(4)
  const resolved = env[name]
  if (resolved === undefined || resolved === '') {
    throw new EarshotError(
      'INVALID_CONFIGURATION',
      `[collectors] environment variable ${name} (referenced by the channel config) is not set`,
    )
  }
  return resolved
}
