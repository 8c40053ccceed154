/**
 * @module The embedded/demo fallback when no `EARSHOT_SECRET_KEY` is set: a key generated once
 * and kept in the data folder (mode 0600). Tokens are still not stored in clear in the
 * database, but whoever can read the folder can read them, so it comes with a warning.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generateSecretKey, parseSecretKey, type SecretKey } from './keyring.js'

/** The file, inside the data folder, that holds the generated key. */
export const LOCAL_SECRET_KEY_FILE = 'earshot-secret.key'

/** Reads the folder's key, creating it first if there is none. */
export function ensureLocalSecretKey(dataDir: string, warn: (message: string) => void): SecretKey {
  const path = join(dataDir, LOCAL_SECRET_KEY_FILE)
  const existed = existsSync(path)
  if (!existed) {
    // 'wx': two processes racing to create it must not overwrite each other's key.
    try {
      writeFileSync(path, `${generateSecretKey()}\n`, { mode: 0o600, flag: 'wx' })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
  }
  warn(
    `${existed ? 'Using' : 'Generated'} the local secret key ${path}: EARSHOT_SECRET_KEY is not set, so channel tokens are encrypted with a key kept next to the data. ` +
      'Anyone who can read the folder can read them; set EARSHOT_SECRET_KEY for production (docs/deployment.md).',
  )
  return parseSecretKey(readFileSync(path, 'utf8'), path)
}
